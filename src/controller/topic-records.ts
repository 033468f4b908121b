// The metadata records that create and remove a topic (Kafka's ReplicationControlManager writes
// the same ones): a TopicRecord, one PartitionRecord per partition, a ConfigRecord per topic config,
// and a RemoveTopicRecord to delete. Pure: the controller decides, these only spell the records.
import { randomBytes } from 'node:crypto'
import type { MetadataRecord } from '../metadata/metadata-record-codec.js'
import { ZERO_UUID } from '../log/partition-metadata.js'
import { ConfigResourceType } from '../metadata/image.js'

/** Kafka's Uuid.ZERO_UUID and Uuid.METADATA_TOPIC_ID (1) as base64url: never handed to a topic. */
const RESERVED_TOPIC_IDS: ReadonlySet<string> = new Set([ZERO_UUID, 'AAAAAAAAAAAAAAAAAAAAAQ'])

/**
 * A random id as Kafka's Uuid.randomUuid makes it (topic ids, cluster ids): never a reserved id,
 * and never one whose string form starts with '-' (it would read as a flag on a command line).
 */
export function randomKafkaUuid(isTaken: (id: string) => boolean = () => false): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url')
    if (!id.startsWith('-') && !RESERVED_TOPIC_IDS.has(id) && !isTaken(id)) return id
  }
}

export interface NewTopic {
  readonly name: string
  readonly topicId: string
  /** Replica broker ids per partition, partition 0 first; the first replica leads. */
  readonly assignments: readonly (readonly number[])[]
  readonly configs: ReadonlyMap<string, string>
}

export function createTopicRecords(topic: NewTopic): MetadataRecord[] {
  const records: MetadataRecord[] = [{ type: 'TopicRecord', version: 0, value: { name: topic.name, topicId: topic.topicId } }]
  topic.assignments.forEach((replicas, partitionId) => {
    records.push({
      type: 'PartitionRecord', version: 0, value: {
        partitionId, topicId: topic.topicId, replicas: [...replicas], isr: [...replicas],
        removingReplicas: [], addingReplicas: [], leader: replicas[0] ?? -1,
        leaderRecoveryState: 0, leaderEpoch: 0, partitionEpoch: 0, directories: [],
        eligibleLeaderReplicas: null, lastKnownElr: null,
      },
    })
  })
  for (const [name, value] of topic.configs) {
    records.push({ type: 'ConfigRecord', version: 0, value: { resourceType: ConfigResourceType.TOPIC, resourceName: topic.name, name, value } })
  }
  return records
}

export function removeTopicRecord(topicId: string): MetadataRecord {
  return { type: 'RemoveTopicRecord', version: 0, value: { topicId } }
}

/**
 * Kafka's round-robin replica placement without racks (StripedReplicaPlacer in spirit): partition
 * p's replicas are `replicationFactor` consecutive brokers starting at (start + p), so leaders are
 * spread over the brokers. Brokers must be sorted and at least `replicationFactor` many.
 */
export function assignReplicas(brokerIds: readonly number[], partitionCount: number, replicationFactor: number, start: number): number[][] {
  const assignments: number[][] = []
  for (let partition = 0; partition < partitionCount; partition++) {
    const replicas: number[] = []
    for (let replica = 0; replica < replicationFactor; replica++) {
      replicas.push(brokerIds[(start + partition + replica) % brokerIds.length]!)
    }
    assignments.push(replicas)
  }
  return assignments
}
