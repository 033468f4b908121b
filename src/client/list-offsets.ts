// ListOffsets for the CLI: an offset per partition by Kafka's special timestamps (earliest,
// latest, max timestamp) or a time, each partition asked of its leader.
import { ErrorCode } from '../protocol/error-codes.js'
import { ApiKey } from '../protocol/generated/api-registry.js'
import type { ListOffsetsResponse } from '../protocol/generated/apis/list-offsets.js'
import { defaultListOffsetsRequestListOffsetsPartition } from '../protocol/generated/apis/list-offsets.js'
import type { KafkaClient } from './kafka-client.js'
import { KafkaError } from './kafka-error.js'

/** Kafka's ListOffsets timestamps: the log start, the high watermark, the record with the largest timestamp. */
export const EARLIEST = -2n
export const LATEST = -1n
export const MAX_TIMESTAMP = -3n

export interface PartitionOffset {
  readonly partition: number
  /** -1 when no record qualifies (a time after the last record). */
  readonly offset: bigint
  /** The record's timestamp for a time or MAX_TIMESTAMP query; -1 otherwise. */
  readonly timestamp: bigint
}

/**
 * The offset of each of `partitions` of `topic` (all of them when undefined) for `timestamp`,
 * sorted by partition. Throws KafkaError for an unknown topic or a partition error.
 */
export async function listOffsets(client: KafkaClient, topic: string, timestamp: bigint, partitions?: readonly number[]): Promise<PartitionOffset[]> {
  const leaders = await client.partitionLeaders(topic)
  const wanted = partitions ?? [...leaders.keys()]
  const byLeader = new Map<number, number[]>()
  for (const partition of wanted) {
    const leader = leaders.get(partition)
    if (leader === undefined) throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `partition ${partition} of topic ${topic}`)
    if (leader < 0) throw new KafkaError(ErrorCode.LEADER_NOT_AVAILABLE, `partition ${partition} of topic ${topic}`)
    byLeader.set(leader, [...(byLeader.get(leader) ?? []), partition])
  }
  const answers = await Promise.all([...byLeader].map(([leader, ofLeader]) =>
    client.request<ListOffsetsResponse>(leader, ApiKey.LIST_OFFSETS, () => ({
      replicaId: -1, isolationLevel: 0,
      topics: [{ name: topic, partitions: ofLeader.map((partitionIndex) => ({ ...defaultListOffsetsRequestListOffsetsPartition(), partitionIndex, timestamp })) }],
    }), `ListOffsets of ${topic}`)))
  const offsets: PartitionOffset[] = []
  for (const answer of answers) {
    for (const found of answer.topics[0]?.partitions ?? []) {
      if (found.errorCode !== ErrorCode.NONE) throw new KafkaError(found.errorCode, `offsets of ${topic}-${found.partitionIndex}`)
      offsets.push({ partition: found.partitionIndex, offset: found.offset, timestamp: found.timestamp })
    }
  }
  return offsets.sort((a, b) => a.partition - b.partition)
}
