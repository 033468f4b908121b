// CreatePartitions planning (Kafka 3.9's ReplicationControlManager.createPartitions): checks one
// topic's growth request against the image and spells the PartitionRecords of the new partitions.
// Pure: the controller commits the records; replaying them makes the replica manager create logs.
import type { MetadataImage } from '../metadata/image.js'
import type { MetadataRecord } from '../metadata/metadata-record-codec.js'
import { ErrorCode } from '../protocol/error-codes.js'
import { assignReplicas } from './topic-records.js'

export interface CreatePartitionsSpec {
  readonly name: string
  /** The partition count wanted in total (not the number to add). */
  readonly count: number
  /** Replicas of each new partition, in partition order; null to let the controller place them. */
  readonly assignments: ReadonlyArray<{ readonly brokerIds: readonly number[] }> | null
}

export interface CreatePartitionsResult {
  readonly name: string
  readonly errorCode: number
  /** Kafka's message, or null where Kafka sends none (an unknown topic, success). */
  readonly errorMessage: string | null
}

export type PartitionsPlan =
  | { readonly records: MetadataRecord[] }
  | { readonly errorCode: number; readonly errorMessage: string | null }

/**
 * The records adding partitions to `spec.name`, or Kafka's refusal. Checks run in Kafka's order:
 * unknown topic, no growth, assignment count, then each assignment (or placement).
 */
export function planPartitions(image: MetadataImage, spec: CreatePartitionsSpec): PartitionsPlan {
  const topic = image.topic(spec.name)
  // Kafka throws a bare UnknownTopicOrPartitionException here, so the answer carries no message.
  if (topic === undefined) return { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: null }
  const existing = topic.partitions.size
  if (spec.count === existing) return { errorCode: ErrorCode.INVALID_PARTITIONS, errorMessage: `Topic already has ${existing} partition(s).` }
  if (spec.count < existing) {
    return { errorCode: ErrorCode.INVALID_PARTITIONS, errorMessage: `The topic ${spec.name} currently has ${existing} partition(s); ${spec.count} would not be an increase.` }
  }
  const additional = spec.count - existing
  if (spec.assignments !== null && spec.assignments.length !== additional) {
    return {
      errorCode: ErrorCode.INVALID_REPLICA_ASSIGNMENT,
      errorMessage: `Attempted to add ${additional} additional partition(s), but only ${spec.assignments.length} assignment(s) were specified.`,
    }
  }
  // Kafka takes the replication factor from one existing partition; partition 0 always exists.
  const replicationFactor = topic.partitions.get(0)?.replicas.length ?? 0
  const isActive = (id: number): boolean => {
    const broker = image.broker(id)
    return broker !== undefined && !broker.isFenced && !broker.isInControlledShutdown
  }
  const placements: Array<{ replicas: number[]; isr: number[] }> = []
  if (spec.assignments !== null) {
    for (const [index, assignment] of spec.assignments.entries()) {
      const problem = manualAssignmentError(image, assignment.brokerIds, replicationFactor)
      if (problem !== undefined) return { errorCode: ErrorCode.INVALID_REPLICA_ASSIGNMENT, errorMessage: problem }
      const isr = assignment.brokerIds.filter(isActive)
      if (isr.length === 0) {
        return {
          errorCode: ErrorCode.INVALID_REPLICA_ASSIGNMENT,
          errorMessage: `All brokers specified in the manual partition assignment for partition ${existing + index} are fenced or in controlled shutdown.`,
        }
      }
      placements.push({ replicas: [...assignment.brokerIds], isr })
    }
  } else {
    const placed = placeReplicas(image, topic.partitions.get(existing - 1)?.replicas[0], existing, additional, replicationFactor)
    if ('errorMessage' in placed) return { errorCode: ErrorCode.INVALID_REPLICATION_FACTOR, errorMessage: placed.errorMessage }
    placements.push(...placed.map((replicas) => ({ replicas, isr: replicas.filter(isActive) })))
  }
  const records: MetadataRecord[] = placements.map(({ replicas, isr }, index) => ({
    type: 'PartitionRecord', version: 0, value: {
      partitionId: existing + index, topicId: topic.topicId, replicas, isr: [...isr],
      removingReplicas: [], addingReplicas: [], leader: isr[0]!,
      leaderRecoveryState: 0, leaderEpoch: 0, partitionEpoch: 0, directories: [],
      eligibleLeaderReplicas: null, lastKnownElr: null,
    },
  }))
  return { records }
}

/**
 * Round-robin placement in the spirit of Kafka's StripedReplicaPlacer without racks. Brokers in
 * controlled shutdown are never used; fenced ones count toward the replication factor and fill
 * follower slots only when too few brokers are unfenced, so every leader is unfenced. Kafka's
 * createPartitions does not prefix the placer's message as createTopics does.
 */
function placeReplicas(image: MetadataImage, lastLeader: number | undefined, existing: number, additional: number, replicationFactor: number): number[][] | { errorMessage: string } {
  const usable = [...image.cluster.brokers.values()].filter((broker) => !broker.isInControlledShutdown).sort((a, b) => a.id - b.id)
  const unfenced = usable.filter((broker) => !broker.isFenced).map((broker) => broker.id)
  if (unfenced.length === 0) return { errorMessage: 'All brokers are currently fenced.' }
  if (replicationFactor > usable.length) {
    return { errorMessage: `The target replication factor of ${replicationFactor} cannot be reached because only ${usable.length} broker(s) are registered.` }
  }
  // Continue the round robin after the leader of the newest partition, so leaders keep spreading.
  const start = lastLeader === undefined ? existing : unfenced.indexOf(lastLeader) + 1
  if (replicationFactor <= unfenced.length) return assignReplicas(unfenced, additional, replicationFactor, start)
  const fenced = usable.filter((broker) => broker.isFenced).map((broker) => broker.id)
  return Array.from({ length: additional }, (_, index) => {
    const leader = unfenced[(start + index) % unfenced.length]!
    return [leader, ...unfenced.filter((id) => id !== leader), ...fenced].slice(0, replicationFactor)
  })
}

/** Kafka's validateManualPartitionAssignment: brokers are checked in ascending id order. */
function manualAssignmentError(image: MetadataImage, brokerIds: readonly number[], replicationFactor: number): string | undefined {
  if (brokerIds.length === 0) return 'The manual partition assignment includes an empty replica list.'
  const sorted = [...brokerIds].sort((a, b) => a - b)
  for (const [index, id] of sorted.entries()) {
    if (image.broker(id) === undefined) return `The manual partition assignment includes broker ${id}, but no such broker is registered.`
    if (index > 0 && sorted[index - 1] === id) return `The manual partition assignment includes the broker ${id} more than once.`
  }
  if (sorted.length !== replicationFactor) {
    return `The manual partition assignment includes a partition with ${sorted.length} replica(s), but this is not consistent with previous ` +
      `partitions, which have ${replicationFactor} replica(s).`
  }
  return undefined
}
