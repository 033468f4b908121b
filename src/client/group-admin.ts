// Consumer group administration for the CLI, as Kafka's Admin client does it: ListGroups asked of
// every broker (each lists the groups it coordinates), and DescribeGroups, DeleteGroups,
// OffsetFetch and OffsetCommit asked of the group's coordinator.
import { ErrorCode } from '../protocol/error-codes.js'
import { ApiKey } from '../protocol/generated/api-registry.js'
import type { DeleteGroupsResponse } from '../protocol/generated/apis/delete-groups.js'
import type { DescribeGroupsResponse } from '../protocol/generated/apis/describe-groups.js'
import type { ListGroupsResponse } from '../protocol/generated/apis/list-groups.js'
import type { OffsetCommitResponse } from '../protocol/generated/apis/offset-commit.js'
import type { OffsetFetchResponse } from '../protocol/generated/apis/offset-fetch.js'
import type { BrokerAddress, KafkaClient } from './kafka-client.js'
import { KafkaError, throwIfKafkaError } from './kafka-error.js'
import { decodeMemberAssignment, type TopicPartitions } from './member-assignment.js'

/** The first ListGroups version that filters by state and reports it (KIP-518). */
const MIN_LIST_GROUPS_STATE_VERSION = 4
/** The first OffsetFetch version that takes several groups (KIP-709); before it, one groupId. */
const MIN_OFFSET_FETCH_GROUPS_VERSION = 8

export interface ListedGroup {
  readonly groupId: string
  /** "consumer" for consumer groups; "" for groups that only commit offsets. */
  readonly protocolType: string
  /** Stable, Empty, …; "" from a broker older than ListGroups v4. */
  readonly state: string
}

export interface GroupMember {
  readonly memberId: string
  readonly groupInstanceId: string | null
  readonly clientId: string
  readonly host: string
  /** Empty while the group rebalances (the coordinator shows assignments only while Stable). */
  readonly assignment: readonly TopicPartitions[]
}

export interface GroupDescription {
  readonly groupId: string
  /** Kafka's group states; "Dead" for a group the coordinator does not know. */
  readonly state: string
  readonly protocolType: string
  /** The assignor the members agreed on (range, cooperative-sticky, …); "" without members. */
  readonly protocol: string
  readonly coordinator: BrokerAddress
  readonly members: readonly GroupMember[]
}

/** A committed offset of a group; partitions without one are left out. */
export interface CommittedOffset {
  readonly topic: string
  readonly partition: number
  readonly offset: bigint
  readonly metadata: string | null
}

export interface NewOffset {
  readonly topic: string
  readonly partition: number
  readonly offset: bigint
}

/** Every group of the cluster (each broker asked for those it coordinates), sorted by id; `states` filters case-insensitively. */
export async function listGroups(client: KafkaClient, states: readonly string[] = []): Promise<ListedGroup[]> {
  const metadata = await client.metadata([])
  const answers = await Promise.all(metadata.brokers.map((broker) =>
    client.request<ListGroupsResponse>(broker.nodeId, ApiKey.LIST_GROUPS, (version) => ({
      statesFilter: version >= MIN_LIST_GROUPS_STATE_VERSION ? [...states] : [], typesFilter: [], unknownTaggedFields: undefined,
    }), `ListGroups of broker ${broker.nodeId}`)))
  const groups = new Map<string, ListedGroup>()
  for (const [index, answer] of answers.entries()) {
    throwIfKafkaError(answer.errorCode, `listing the groups of broker ${metadata.brokers[index]?.nodeId ?? '?'}`)
    for (const group of answer.groups) groups.set(group.groupId, { groupId: group.groupId, protocolType: group.protocolType, state: group.groupState })
  }
  // A broker before v4 ignores the filter: apply it here too.
  const wanted = new Set(states.map((state) => state.toLowerCase()))
  return [...groups.values()]
    .filter((group) => wanted.size === 0 || group.state === '' || wanted.has(group.state.toLowerCase()))
    .sort((a, b) => a.groupId.localeCompare(b.groupId))
}

/** State, protocol, coordinator and members (assignments decoded) of `groupId`; a Kafka error at the group throws KafkaError. */
export async function describeGroup(client: KafkaClient, groupId: string): Promise<GroupDescription> {
  const coordinatorId = await client.groupCoordinator(groupId)
  const response = await client.request<DescribeGroupsResponse>(coordinatorId, ApiKey.DESCRIBE_GROUPS, () => ({
    groups: [groupId], includeAuthorizedOperations: false, unknownTaggedFields: undefined,
  }), `DescribeGroups of ${groupId}`)
  const group = response.groups[0]
  if (group === undefined) throw new KafkaError(ErrorCode.UNKNOWN_SERVER_ERROR, `describing group ${groupId}`, 'the coordinator answered no group')
  throwIfKafkaError(group.errorCode, `describing group ${groupId}`)
  const coordinator = client.knownBrokers.get(coordinatorId) ?? { nodeId: coordinatorId, host: '', port: 0, rack: null }
  return {
    groupId,
    state: group.groupState,
    protocolType: group.protocolType,
    protocol: group.protocolData,
    coordinator,
    members: group.members.map((member) => ({
      memberId: member.memberId,
      groupInstanceId: member.groupInstanceId,
      clientId: member.clientId,
      host: member.clientHost,
      assignment: decodeMemberAssignment(member.memberAssignment),
    })).sort((a, b) => a.memberId.localeCompare(b.memberId)),
  }
}

/** Deletes each group (DeleteGroups at its coordinator); the error code of each, in the order given. */
export async function deleteGroups(client: KafkaClient, groupIds: readonly string[]): Promise<{ groupId: string; errorCode: number }[]> {
  const results: { groupId: string; errorCode: number }[] = []
  for (const groupId of groupIds) {
    const coordinatorId = await client.groupCoordinator(groupId)
    const response = await client.request<DeleteGroupsResponse>(coordinatorId, ApiKey.DELETE_GROUPS, () => ({
      groupsNames: [groupId], unknownTaggedFields: undefined,
    }), `DeleteGroups of ${groupId}`)
    results.push({ groupId, errorCode: response.results.find((result) => result.groupId === groupId)?.errorCode ?? ErrorCode.UNKNOWN_SERVER_ERROR })
  }
  return results
}

/** Every offset `groupId` has committed, sorted by topic and partition. */
export async function fetchCommittedOffsets(client: KafkaClient, groupId: string): Promise<CommittedOffset[]> {
  const coordinatorId = await client.groupCoordinator(groupId)
  const isBatched = client.version(ApiKey.OFFSET_FETCH) >= MIN_OFFSET_FETCH_GROUPS_VERSION
  const response = await client.request<OffsetFetchResponse>(coordinatorId, ApiKey.OFFSET_FETCH, () => ({
    groupId: isBatched ? '' : groupId,
    topics: null,
    groups: isBatched ? [{ groupId, memberId: null, memberEpoch: -1, topics: null, unknownTaggedFields: undefined }] : [],
    requireStable: false,
    unknownTaggedFields: undefined,
  }), `OffsetFetch of ${groupId}`)
  const group = isBatched ? response.groups[0] : { errorCode: response.errorCode, topics: response.topics }
  if (group === undefined) throw new KafkaError(ErrorCode.UNKNOWN_SERVER_ERROR, `fetching the offsets of group ${groupId}`, 'the coordinator answered no group')
  throwIfKafkaError(group.errorCode, `fetching the offsets of group ${groupId}`)
  const offsets: CommittedOffset[] = []
  for (const topic of group.topics) {
    for (const partition of topic.partitions) {
      throwIfKafkaError(partition.errorCode, `fetching the offset of group ${groupId} for ${topic.name}-${partition.partitionIndex}`)
      // -1: no commit for this partition.
      if (partition.committedOffset >= 0n) offsets.push({ topic: topic.name, partition: partition.partitionIndex, offset: partition.committedOffset, metadata: partition.metadata })
    }
  }
  return offsets.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition)
}

/**
 * Commits `offsets` for `groupId` as an administrator does (Kafka's Admin.alterConsumerGroupOffsets):
 * generation -1 and no member id, which the coordinator accepts only while the group has no members.
 * The first partition error throws KafkaError.
 */
export async function commitOffsets(client: KafkaClient, groupId: string, offsets: readonly NewOffset[]): Promise<void> {
  if (offsets.length === 0) return
  const byTopic = new Map<string, NewOffset[]>()
  for (const offset of offsets) byTopic.set(offset.topic, [...(byTopic.get(offset.topic) ?? []), offset])
  const coordinatorId = await client.groupCoordinator(groupId)
  const response = await client.request<OffsetCommitResponse>(coordinatorId, ApiKey.OFFSET_COMMIT, () => ({
    groupId, generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null, retentionTimeMs: -1n,
    topics: [...byTopic].map(([name, partitions]) => ({
      name,
      partitions: partitions.map(({ partition, offset }) => ({
        partitionIndex: partition, committedOffset: offset, committedLeaderEpoch: -1, commitTimestamp: -1n, committedMetadata: '', unknownTaggedFields: undefined,
      })),
      unknownTaggedFields: undefined,
    })),
    unknownTaggedFields: undefined,
  }), `OffsetCommit of ${groupId}`)
  for (const topic of response.topics) {
    for (const partition of topic.partitions) throwIfKafkaError(partition.errorCode, `committing the offset of group ${groupId} for ${topic.name}-${partition.partitionIndex}`)
  }
}
