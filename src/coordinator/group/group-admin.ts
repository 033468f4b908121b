// The admin side of groups (DescribeGroups, ListGroups, DeleteGroups, OffsetDelete), as Kafka's
// GroupCoordinator 3.x answers them, over the groups and offsets an OffsetCoordinator serves.
// A group that only has committed offsets (a "simple" group) is an Empty group without protocol type.
import { ErrorCode } from '../../protocol/error-codes.js'
import { decodeConsumerProtocolSubscription } from '../../protocol/generated/data/consumer-protocol-subscription.js'
import { Reader } from '../../protocol/reader.js'
import type { OffsetCoordinator } from '../offset-coordinator.js'
import { encodeGroupMetadataKey, encodeOffsetCommitKey } from '../offsets-record-codec.js'
import { ClassicGroup, type ClassicGroupState } from './classic-group.js'

export interface DescribedMember {
  memberId: string
  groupInstanceId: string | null
  clientId: string
  clientHost: string
  /** The chosen protocol's metadata and the assignment; empty unless the group is Stable. */
  memberMetadata: Buffer
  memberAssignment: Buffer
}

export interface DescribedGroup {
  errorCode: number
  groupId: string
  groupState: string
  protocolType: string
  /** The chosen protocol while Stable, else "". */
  protocolData: string
  members: DescribedMember[]
}

export interface ListedGroup {
  groupId: string
  protocolType: string
  groupState: ClassicGroupState
}

export interface DeleteOffsetsResult {
  errorCode: number
  topics: Array<{ name: string; partitions: Array<{ partitionIndex: number; errorCode: number }> }>
}

const CONSUMER_PROTOCOL_TYPE = 'consumer'

function describedGroup(groupId: string, errorCode: number, groupState = ''): DescribedGroup {
  return { errorCode, groupId, groupState, protocolType: '', protocolData: '', members: [] }
}

/** DescribeGroups for one group; an unknown group is reported Dead without error, as Kafka 3.x does. */
export function describeGroup(coordinator: OffsetCoordinator, groupId: string): DescribedGroup {
  const coordinatorError = coordinator.coordinatorError(groupId)
  if (coordinatorError !== ErrorCode.NONE) return describedGroup(groupId, coordinatorError)
  const group = coordinator.membership.groups.get(groupId)
  if (group === undefined) return describedGroup(groupId, ErrorCode.NONE, coordinator.groupOffsets(groupId) === undefined ? 'Dead' : 'Empty')
  const isStable = group.state === 'Stable'
  return {
    errorCode: ErrorCode.NONE,
    groupId,
    groupState: group.state,
    protocolType: group.protocolType ?? '',
    protocolData: isStable ? group.protocolName ?? '' : '',
    members: [...group.members.values()].map((member) => ({
      memberId: member.memberId,
      groupInstanceId: member.groupInstanceId,
      clientId: member.clientId,
      clientHost: member.clientHost,
      memberMetadata: isStable ? ClassicGroup.metadataFor(member, group.protocolName) : Buffer.alloc(0),
      memberAssignment: isStable ? member.assignment : Buffer.alloc(0),
    })),
  }
}

/**
 * ListGroups: every group this node serves, filtered by state (case-insensitive; empty: all).
 * COORDINATOR_LOAD_IN_PROGRESS comes with the groups of the partitions already loaded.
 */
export function listGroups(coordinator: OffsetCoordinator, statesFilter: readonly string[]): { errorCode: number; groups: ListedGroup[] } {
  const wanted = new Set(statesFilter.map((state) => state.toLowerCase()))
  const groups = new Map<string, ListedGroup>()
  const { groupIds, isLoading } = coordinator.offsetGroupIds()
  for (const groupId of groupIds) groups.set(groupId, { groupId, protocolType: '', groupState: 'Empty' })
  for (const group of coordinator.membership.groups.values()) {
    groups.set(group.groupId, { groupId: group.groupId, protocolType: group.protocolType ?? '', groupState: group.state })
  }
  const listed = [...groups.values()].filter((group) => wanted.size === 0 || wanted.has(group.groupState.toLowerCase()))
  return { errorCode: isLoading ? ErrorCode.COORDINATOR_LOAD_IN_PROGRESS : ErrorCode.NONE, groups: listed }
}

/**
 * DeleteGroups for one group: only an Empty group (or one with only offsets) goes; its offsets and
 * its GroupMetadata get tombstones in one batch, after which it is Dead and forgotten.
 */
export async function deleteGroup(coordinator: OffsetCoordinator, groupId: string): Promise<number> {
  const coordinatorError = coordinator.coordinatorError(groupId)
  if (coordinatorError !== ErrorCode.NONE) return coordinatorError
  const group = coordinator.membership.groups.get(groupId)
  const offsets = coordinator.groupOffsets(groupId)
  if (group === undefined && offsets === undefined) return ErrorCode.GROUP_ID_NOT_FOUND
  if (group !== undefined && group.state === 'Dead') return ErrorCode.GROUP_ID_NOT_FOUND
  if (group !== undefined && group.state !== 'Empty') return ErrorCode.NON_EMPTY_GROUP
  // Dead before the write, as Kafka does, so that no join slips in while the tombstones replicate.
  if (group !== undefined) coordinator.membership.unloadGroup(groupId, ErrorCode.COORDINATOR_NOT_AVAILABLE)
  const tombstones: Array<{ key: Buffer; value: null }> = []
  for (const [topic, partitions] of offsets?.byTopic ?? []) {
    for (const partition of partitions.keys()) tombstones.push({ key: encodeOffsetCommitKey(groupId, topic, partition), value: null })
  }
  // Kafka writes the group's tombstone after those of its offsets.
  tombstones.push({ key: encodeGroupMetadataKey(groupId), value: null })
  const errorCode = await coordinator.writeGroupRecords(groupId, tombstones, (groups) => groups.deleteGroup(groupId))
  if (errorCode === ErrorCode.NONE) coordinator.logger.info({ group: groupId, offsets: tombstones.length - 1 }, 'group deleted')
  if (errorCode !== ErrorCode.NONE && group !== undefined && coordinator.coordinatorError(groupId) === ErrorCode.NONE &&
      !coordinator.membership.groups.has(groupId)) {
    // Nothing was deleted: the group is as it was.
    group.state = 'Empty'
    coordinator.membership.loadGroup(group)
  }
  return errorCode
}

/** The topics the members of a consumer group subscribe to, or null when that cannot be known (then every topic counts). */
function subscribedTopics(group: ClassicGroup): Set<string> | null {
  if (group.protocolType !== CONSUMER_PROTOCOL_TYPE || group.protocolName === null) return null
  const topics = new Set<string>()
  try {
    for (const member of group.members.values()) {
      const metadata = ClassicGroup.metadataFor(member, group.protocolName)
      const reader = new Reader(metadata)
      const subscription = decodeConsumerProtocolSubscription(Math.min(reader.int16(), 3), reader)
      for (const topic of subscription.topics) topics.add(topic)
    }
  } catch {
    // Metadata that is not the consumer protocol: Kafka then treats every topic as subscribed.
    return null
  }
  return topics
}

/**
 * OffsetDelete: removes committed offsets of an Empty group, or of topics no member of a consumer
 * group subscribes to (GROUP_SUBSCRIBED_TO_TOPIC for the others); other live groups answer
 * NON_EMPTY_GROUP.
 */
export async function deleteOffsets(coordinator: OffsetCoordinator, groupId: string,
  topics: ReadonlyArray<{ readonly name: string; readonly partitionIndexes: readonly number[] }>): Promise<DeleteOffsetsResult> {
  const failed = (errorCode: number): DeleteOffsetsResult => ({ errorCode, topics: [] })
  const coordinatorError = coordinator.coordinatorError(groupId)
  if (coordinatorError !== ErrorCode.NONE) return failed(coordinatorError)
  const group = coordinator.membership.groups.get(groupId)
  const offsets = coordinator.groupOffsets(groupId)
  if (group === undefined && offsets === undefined) return failed(ErrorCode.GROUP_ID_NOT_FOUND)
  let subscribed: Set<string> | null = new Set()
  if (group !== undefined && group.state === 'Dead') return failed(ErrorCode.GROUP_ID_NOT_FOUND)
  if (group !== undefined && group.state !== 'Empty') {
    if (group.protocolType !== CONSUMER_PROTOCOL_TYPE) return failed(ErrorCode.NON_EMPTY_GROUP)
    subscribed = subscribedTopics(group)
  }
  const tombstones: Array<{ key: Buffer; value: null }> = []
  const deleted: Array<[string, number]> = []
  const result: DeleteOffsetsResult = {
    errorCode: ErrorCode.NONE,
    topics: topics.map((topic) => {
      const isSubscribed = subscribed === null || subscribed.has(topic.name)
      return {
        name: topic.name,
        partitions: topic.partitionIndexes.map((partitionIndex) => {
          if (isSubscribed) return { partitionIndex, errorCode: ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC }
          if (offsets?.get(topic.name, partitionIndex) !== undefined) {
            tombstones.push({ key: encodeOffsetCommitKey(groupId, topic.name, partitionIndex), value: null })
            deleted.push([topic.name, partitionIndex])
          }
          return { partitionIndex, errorCode: ErrorCode.NONE }
        }),
      }
    }),
  }
  if (tombstones.length === 0) return result
  const errorCode = await coordinator.writeGroupRecords(groupId, tombstones, (groups) => {
    const current = groups.group(groupId)
    for (const [topic, partition] of deleted) current?.delete(topic, partition)
  })
  if (errorCode !== ErrorCode.NONE) return failed(errorCode)
  coordinator.logger.info({ group: groupId, offsets: deleted.length }, 'group offsets deleted')
  return result
}
