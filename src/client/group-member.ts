// A member of a classic consumer group (the "consumer" protocol type), as the console consumer
// runs it: JoinGroup with a ConsumerProtocolSubscription for one topic (retried once with the
// member id the coordinator hands out, KIP-394), the leader's range assignment (range-assignor.ts)
// for every member, SyncGroup, heartbeats in the background, OffsetCommit / OffsetFetch for the
// group's positions, and LeaveGroup on the way out so the group rebalances at once rather than
// after session.timeout.ms. A heartbeat answering REBALANCE_IN_PROGRESS (or a fenced generation)
// sets `needsRejoin`: the owner commits what it has, then calls `join` again.
import { ErrorCode } from '../protocol/error-codes.js'
import { ApiKey } from '../protocol/generated/api-registry.js'
import type { HeartbeatResponse } from '../protocol/generated/apis/heartbeat.js'
import type { JoinGroupResponse, JoinGroupResponseMember } from '../protocol/generated/apis/join-group.js'
import type { LeaveGroupResponse } from '../protocol/generated/apis/leave-group.js'
import type { OffsetCommitResponse } from '../protocol/generated/apis/offset-commit.js'
import type { OffsetFetchResponse } from '../protocol/generated/apis/offset-fetch.js'
import type { SyncGroupResponse } from '../protocol/generated/apis/sync-group.js'
import { decodeConsumerProtocolAssignment, encodeConsumerProtocolAssignment } from '../protocol/generated/data/consumer-protocol-assignment.js'
import { decodeConsumerProtocolSubscription, encodeConsumerProtocolSubscription } from '../protocol/generated/data/consumer-protocol-subscription.js'
import { Reader } from '../protocol/reader.js'
import { Writer } from '../protocol/writer.js'
import type { KafkaClient } from './kafka-client.js'
import { KafkaError } from './kafka-error.js'
import { assignRanges, type SubscribedMember } from './range-assignor.js'

export interface GroupMemberOptions {
  /** Kafka's session.timeout.ms: how long the coordinator keeps a member that stopped heartbeating. */
  readonly sessionTimeoutMs: number
  /** Kafka's max.poll.interval.ms, sent as the rebalance timeout: how long a rebalance waits for members to rejoin. */
  readonly rebalanceTimeoutMs: number
  /** Kafka's heartbeat.interval.ms. */
  readonly heartbeatIntervalMs: number
}

export const DEFAULT_GROUP_MEMBER_OPTIONS: GroupMemberOptions = { sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 30_000, heartbeatIntervalMs: 1_000 }

const PROTOCOL_TYPE = 'consumer'
const ASSIGNOR = 'range'
/** The embedded ConsumerProtocol versions written: the oldest, which every client and broker reads. */
const SUBSCRIPTION_VERSION = 0
const ASSIGNMENT_VERSION = 0

export class GroupMember {
  memberId = ''
  generationId = -1
  /** Set when the group is rebalancing or this member's generation is gone: commit, then join again. */
  needsRejoin = false
  /** A heartbeat failure that is not a rebalance; the owner stops and reports it. */
  failure: KafkaError | undefined
  private heartbeatTimer: NodeJS.Timeout | undefined

  private constructor(
    private readonly client: KafkaClient,
    private readonly coordinator: number,
    readonly groupId: string,
    readonly topic: string,
    private readonly options: GroupMemberOptions,
  ) {}

  /** Finds the group's coordinator (FindCoordinator); call `join` next. */
  static async create(client: KafkaClient, groupId: string, topic: string, options: GroupMemberOptions = DEFAULT_GROUP_MEMBER_OPTIONS): Promise<GroupMember> {
    return new GroupMember(client, await client.groupCoordinator(groupId), groupId, topic, options)
  }

  /** Joins (or rejoins) the group and returns the partitions of the topic assigned to this member; heartbeats start. */
  async join(): Promise<number[]> {
    this.stopHeartbeats()
    this.needsRejoin = false
    for (let attempt = 0; ; attempt++) {
      const joined = await this.joinGroup()
      const rejoinCodes: number[] = [ErrorCode.MEMBER_ID_REQUIRED, ErrorCode.UNKNOWN_MEMBER_ID, ErrorCode.REBALANCE_IN_PROGRESS, ErrorCode.ILLEGAL_GENERATION]
      if (joined.errorCode === ErrorCode.MEMBER_ID_REQUIRED) this.memberId = joined.memberId
      else if (joined.errorCode === ErrorCode.UNKNOWN_MEMBER_ID) this.memberId = ''
      if (joined.errorCode !== ErrorCode.NONE) {
        if (rejoinCodes.includes(joined.errorCode) && attempt < 10) continue
        throw new KafkaError(joined.errorCode, `joining group ${this.groupId}`)
      }
      this.memberId = joined.memberId
      this.generationId = joined.generationId
      const assignments = joined.leader === joined.memberId ? await this.assign(joined.members) : []
      const synced = await this.client.request<SyncGroupResponse>(this.coordinator, ApiKey.SYNC_GROUP, () => ({
        groupId: this.groupId, generationId: this.generationId, memberId: this.memberId, groupInstanceId: null,
        protocolType: PROTOCOL_TYPE, protocolName: ASSIGNOR, assignments,
      }), `SyncGroup of group ${this.groupId}`, this.client.timeoutMs + this.options.rebalanceTimeoutMs)
      if (synced.errorCode === ErrorCode.REBALANCE_IN_PROGRESS && attempt < 10) continue
      if (synced.errorCode !== ErrorCode.NONE) throw new KafkaError(synced.errorCode, `syncing group ${this.groupId}`)
      this.scheduleHeartbeat()
      if (synced.assignment.length === 0) return []
      const reader = new Reader(synced.assignment)
      const assignment = decodeConsumerProtocolAssignment(Math.min(reader.int16(), 3), reader)
      return assignment.assignedPartitions.filter((owned) => owned.topic === this.topic).flatMap((owned) => owned.partitions).sort((a, b) => a - b)
    }
  }

  /** The group's committed offset for each of `partitions` (absent: none committed). */
  async committedOffsets(partitions: readonly number[]): Promise<Map<number, bigint>> {
    const response = await this.client.request<OffsetFetchResponse>(this.coordinator, ApiKey.OFFSET_FETCH, (version) => version >= 8
      ? { groupId: '', topics: null, requireStable: false, groups: [{ groupId: this.groupId, memberId: null, memberEpoch: -1, topics: [{ name: this.topic, partitionIndexes: [...partitions] }] }] }
      : { groupId: this.groupId, topics: [{ name: this.topic, partitionIndexes: [...partitions] }], requireStable: false, groups: [] },
    `OffsetFetch of group ${this.groupId}`)
    const group = response.groups[0]
    const errorCode = group === undefined ? response.errorCode : group.errorCode
    if (errorCode !== ErrorCode.NONE) throw new KafkaError(errorCode, `fetching the offsets of group ${this.groupId}`)
    const found = group === undefined ? response.topics[0]?.partitions : group.topics[0]?.partitions
    const offsets = new Map<number, bigint>()
    for (const partition of found ?? []) {
      if (partition.errorCode !== ErrorCode.NONE) throw new KafkaError(partition.errorCode, `the offset of group ${this.groupId} for ${this.topic}-${partition.partitionIndex}`)
      if (partition.committedOffset >= 0n) offsets.set(partition.partitionIndex, partition.committedOffset)
    }
    return offsets
  }

  /** Commits `offsets` (partition → the next offset to read) for this generation. */
  async commit(offsets: ReadonlyMap<number, bigint>): Promise<void> {
    if (offsets.size === 0) return
    const response = await this.client.request<OffsetCommitResponse>(this.coordinator, ApiKey.OFFSET_COMMIT, () => ({
      groupId: this.groupId, generationIdOrMemberEpoch: this.generationId, memberId: this.memberId, groupInstanceId: null, retentionTimeMs: -1n,
      topics: [{
        name: this.topic,
        partitions: [...offsets].map(([partitionIndex, committedOffset]) => ({
          partitionIndex, committedOffset, committedLeaderEpoch: -1, commitTimestamp: -1n, committedMetadata: '',
        })),
      }],
    }), `OffsetCommit of group ${this.groupId}`)
    for (const partition of response.topics[0]?.partitions ?? []) {
      if (partition.errorCode !== ErrorCode.NONE) throw new KafkaError(partition.errorCode, `committing the offset of ${this.topic}-${partition.partitionIndex} for group ${this.groupId}`)
    }
  }

  /** Stops heartbeating and leaves the group (LeaveGroup), so it rebalances without waiting out the session. */
  async leave(): Promise<void> {
    this.stopHeartbeats()
    if (this.memberId === '') return
    const response = await this.client.request<LeaveGroupResponse>(this.coordinator, ApiKey.LEAVE_GROUP, (version) => ({
      groupId: this.groupId, memberId: version >= 3 ? '' : this.memberId,
      members: [{ memberId: this.memberId, groupInstanceId: null, reason: 'the console consumer is closing' }],
    }), `LeaveGroup of group ${this.groupId}`)
    const errorCode = response.errorCode !== ErrorCode.NONE ? response.errorCode : response.members[0]?.errorCode ?? ErrorCode.NONE
    // A member the coordinator already dropped (session expired) has nothing left to leave.
    if (errorCode !== ErrorCode.NONE && errorCode !== ErrorCode.UNKNOWN_MEMBER_ID) throw new KafkaError(errorCode, `leaving group ${this.groupId}`)
    this.memberId = ''
  }

  stopHeartbeats(): void {
    clearTimeout(this.heartbeatTimer)
    this.heartbeatTimer = undefined
  }

  private joinGroup(): Promise<JoinGroupResponse> {
    const writer = new Writer()
    writer.int16(SUBSCRIPTION_VERSION)
    encodeConsumerProtocolSubscription(SUBSCRIPTION_VERSION, writer, { topics: [this.topic], userData: null, ownedPartitions: [], generationId: -1, rackId: null })
    return this.client.request<JoinGroupResponse>(this.coordinator, ApiKey.JOIN_GROUP, () => ({
      groupId: this.groupId, sessionTimeoutMs: this.options.sessionTimeoutMs, rebalanceTimeoutMs: this.options.rebalanceTimeoutMs,
      memberId: this.memberId, groupInstanceId: null, protocolType: PROTOCOL_TYPE,
      protocols: [{ name: ASSIGNOR, metadata: writer.toBuffer() }], reason: null,
    }), `JoinGroup of group ${this.groupId}`, this.client.timeoutMs + this.options.rebalanceTimeoutMs)
  }

  /** The leader's part: a range assignment of every topic any member subscribes to. */
  private async assign(members: readonly JoinGroupResponseMember[]): Promise<{ memberId: string; assignment: Buffer }[]> {
    const subscribed: SubscribedMember[] = members.map((member) => {
      const reader = new Reader(member.metadata)
      const subscription = decodeConsumerProtocolSubscription(Math.min(reader.int16(), 3), reader)
      return { memberId: member.memberId, topics: subscription.topics }
    })
    const partitionCounts = new Map<string, number>()
    for (const topic of new Set(subscribed.flatMap((member) => member.topics))) {
      // A topic another member subscribes to that does not exist gets nothing, as in Kafka.
      const leaders = await this.client.partitionLeaders(topic).catch((error: unknown) => {
        if (error instanceof KafkaError) return new Map<number, number>()
        throw error
      })
      partitionCounts.set(topic, leaders.size)
    }
    const assignments = assignRanges(subscribed, partitionCounts)
    return [...assignments].map(([memberId, topics]) => {
      const writer = new Writer()
      writer.int16(ASSIGNMENT_VERSION)
      encodeConsumerProtocolAssignment(ASSIGNMENT_VERSION, writer, {
        assignedPartitions: [...topics].map(([topic, partitions]) => ({ topic, partitions })), userData: null,
      })
      return { memberId, assignment: writer.toBuffer() }
    })
  }

  private scheduleHeartbeat(): void {
    this.heartbeatTimer = setTimeout(() => {
      this.heartbeat().then(() => {
        if (this.heartbeatTimer !== undefined && !this.needsRejoin && this.failure === undefined) this.scheduleHeartbeat()
      }, (error: unknown) => {
        this.failure ??= error instanceof KafkaError ? error : new KafkaError(ErrorCode.UNKNOWN_SERVER_ERROR, `heartbeat of group ${this.groupId}: ${(error as Error).message}`)
      })
    }, this.options.heartbeatIntervalMs)
  }

  private async heartbeat(): Promise<void> {
    const response = await this.client.request<HeartbeatResponse>(this.coordinator, ApiKey.HEARTBEAT, () => ({
      groupId: this.groupId, generationId: this.generationId, memberId: this.memberId, groupInstanceId: null,
    }), `Heartbeat of group ${this.groupId}`)
    switch (response.errorCode) {
      case ErrorCode.NONE:
        return
      case ErrorCode.REBALANCE_IN_PROGRESS:
      case ErrorCode.ILLEGAL_GENERATION:
        this.needsRejoin = true
        return
      case ErrorCode.UNKNOWN_MEMBER_ID:
        this.memberId = ''
        this.needsRejoin = true
        return
      default:
        throw new KafkaError(response.errorCode, `heartbeat of group ${this.groupId}`)
    }
  }
}
