// A consumer group member's assignment as DescribeGroups returns it: the bytes of Kafka's
// ConsumerProtocolAssignment (an int16 version, then topics and partitions, then user data), which
// only groups of protocol type "consumer" use. Other groups (Connect, Streams' own protocol types)
// carry bytes this cannot read: they count as no partitions, as kafka-consumer-groups.sh shows them.
import { decodeConsumerProtocolAssignment } from '../protocol/generated/data/consumer-protocol-assignment.js'
import { ProtocolDecodeError } from '../protocol/protocol-decode-error.js'
import { Reader } from '../protocol/reader.js'

/** The consumer protocol's type name (JoinGroup's protocolType). */
export const CONSUMER_PROTOCOL_TYPE = 'consumer'

/** The highest ConsumerProtocolAssignment version this decoder knows; later ones start with the same fields. */
const MAX_ASSIGNMENT_VERSION = 3

export interface TopicPartitions {
  readonly topic: string
  /** Sorted ascending. */
  readonly partitions: readonly number[]
}

/**
 * The topic partitions in `assignment`, sorted by topic; empty for empty bytes (a member between
 * rebalances) and for bytes that are not the consumer protocol.
 */
export function decodeMemberAssignment(assignment: Buffer): TopicPartitions[] {
  if (assignment.length === 0) return []
  try {
    const reader = new Reader(assignment)
    // Kafka's ConsumerProtocol reads a newer version with the newest schema it knows (forward compatible).
    const version = Math.min(reader.int16(), MAX_ASSIGNMENT_VERSION)
    if (version < 0) return []
    const decoded = decodeConsumerProtocolAssignment(version, reader)
    const byTopic = new Map<string, number[]>()
    for (const { topic, partitions } of decoded.assignedPartitions) byTopic.set(topic, [...(byTopic.get(topic) ?? []), ...partitions])
    return [...byTopic].sort(([a], [b]) => a.localeCompare(b)).map(([topic, partitions]) => ({ topic, partitions: partitions.sort((a, b) => a - b) }))
  } catch (error) {
    // Not the consumer protocol: nothing to show, as Kafka's tool shows such members.
    if (error instanceof ProtocolDecodeError) return []
    throw error
  }
}
