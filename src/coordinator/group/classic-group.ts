// One classic group's state and members, as Kafka's GroupMetadata (3.x) / ClassicGroup (4.x) keeps
// them. Pure bookkeeping: the rules of when to rebalance, answer or expire live in
// group-membership.ts, which owns the timers.
import { ErrorCode } from '../../protocol/error-codes.js'
import type { GroupMetadataValue } from '../offsets-record-codec.js'
import type { ScheduledTask } from './group-scheduler.js'

/** Kafka's names, as DescribeGroups and ListGroups report them. */
export type ClassicGroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead'

export interface JoinProtocol {
  readonly name: string
  readonly metadata: Buffer
}

export interface JoinGroupMemberInfo {
  memberId: string
  groupInstanceId: string | null
  metadata: Buffer
}

export interface JoinGroupResult {
  errorCode: number
  generationId: number
  protocolType: string | null
  protocolName: string | null
  leader: string
  memberId: string
  /** Every member's metadata for the chosen protocol, for the leader only. */
  members: JoinGroupMemberInfo[]
}

export interface SyncGroupResult {
  errorCode: number
  protocolType: string | null
  protocolName: string | null
  assignment: Buffer
}

export interface GroupMember {
  memberId: string
  readonly groupInstanceId: string | null
  clientId: string
  clientHost: string
  rebalanceTimeoutMs: number
  sessionTimeoutMs: number
  protocolType: string
  protocols: JoinProtocol[]
  assignment: Buffer
  /** Joined for the first time and not yet answered: expires after Kafka's NewMemberJoinTimeoutMs. */
  isNew: boolean
  awaitingJoin: ((result: JoinGroupResult) => void) | null
  awaitingSync: ((result: SyncGroupResult) => void) | null
  heartbeatTimer: ScheduledTask | null
}

/** What a JoinGroup says about the member itself. */
export interface MemberJoin {
  readonly clientId: string
  readonly clientHost: string
  readonly sessionTimeoutMs: number
  readonly rebalanceTimeoutMs: number
  readonly protocols: readonly JoinProtocol[]
}

export const EMPTY_ASSIGNMENT = Buffer.alloc(0)

export function joinError(errorCode: number, memberId = ''): JoinGroupResult {
  return { errorCode, generationId: -1, protocolType: null, protocolName: null, leader: '', memberId, members: [] }
}

export function syncError(errorCode: number): SyncGroupResult {
  return { errorCode, protocolType: null, protocolName: null, assignment: EMPTY_ASSIGNMENT }
}

export class ClassicGroup {
  state: ClassicGroupState = 'Empty'
  generationId = 0
  protocolType: string | null = null
  protocolName: string | null = null
  leaderId: string | null = null
  currentStateTimestampMs: number
  readonly members = new Map<string, GroupMember>()
  /** group.instance.id → member id (KIP-345). */
  readonly staticMembers = new Map<string, string>()
  /** Member ids handed out with MEMBER_ID_REQUIRED (KIP-394), expiring after the session timeout. */
  readonly pendingMembers = new Map<string, ScheduledTask>()
  /** Members of the current generation that have not sent SyncGroup yet. */
  readonly pendingSyncMembers = new Set<string>()
  /** Whether a member joined during the initial rebalance delay, which extends the delay. */
  newMemberAdded = false
  joinTimer: { readonly isInitialDelay: boolean; readonly task: ScheduledTask } | null = null
  syncTimer: ScheduledTask | null = null

  constructor(readonly groupId: string, nowMs: number) {
    this.currentStateTimestampMs = nowMs
  }

  transitionTo(state: ClassicGroupState, nowMs: number): void {
    this.state = state
    this.currentStateTimestampMs = nowMs
  }

  isLeader(memberId: string): boolean {
    return this.leaderId === memberId
  }

  add(member: GroupMember): void {
    if (this.members.size === 0) this.protocolType = member.protocolType
    if (this.leaderId === null) this.leaderId = member.memberId
    this.members.set(member.memberId, member)
    if (member.groupInstanceId !== null) this.staticMembers.set(member.groupInstanceId, member.memberId)
    this.pendingMembers.get(member.memberId)?.cancel()
    this.pendingMembers.delete(member.memberId)
  }

  remove(memberId: string): GroupMember | undefined {
    const member = this.members.get(memberId)
    if (member === undefined) return undefined
    member.heartbeatTimer?.cancel()
    this.members.delete(memberId)
    if (member.groupInstanceId !== null && this.staticMembers.get(member.groupInstanceId) === memberId) this.staticMembers.delete(member.groupInstanceId)
    this.pendingSyncMembers.delete(memberId)
    if (this.isLeader(memberId)) this.leaderId = this.members.keys().next().value ?? null
    return member
  }

  /** A static member rejoining with a new member id takes over the old member's place (KIP-345). */
  replaceStaticMember(groupInstanceId: string, oldMemberId: string, newMemberId: string): GroupMember | undefined {
    const member = this.members.get(oldMemberId)
    if (member === undefined) return undefined
    this.members.delete(oldMemberId)
    member.memberId = newMemberId
    this.members.set(newMemberId, member)
    if (this.isLeader(oldMemberId)) this.leaderId = newMemberId
    if (this.pendingSyncMembers.delete(oldMemberId)) this.pendingSyncMembers.add(newMemberId)
    this.staticMembers.set(groupInstanceId, newMemberId)
    return member
  }

  /** The instance id is mapped to another member id: this caller is a zombie (FENCED_INSTANCE_ID). */
  isStaticMemberFenced(groupInstanceId: string | null, memberId: string): boolean {
    if (groupInstanceId === null) return false
    const current = this.staticMembers.get(groupInstanceId)
    return current !== undefined && current !== memberId
  }

  get rebalanceTimeoutMs(): number {
    let max = 0
    for (const member of this.members.values()) max = Math.max(max, member.rebalanceTimeoutMs)
    return max
  }

  get awaitingJoinCount(): number {
    let count = 0
    for (const member of this.members.values()) if (member.awaitingJoin !== null) count++
    return count
  }

  hasAllMembersJoined(): boolean {
    return this.awaitingJoinCount === this.members.size && this.pendingMembers.size === 0
  }

  /** Protocols every member supports. */
  private candidateProtocols(): string[] {
    const counts = new Map<string, number>()
    for (const member of this.members.values()) {
      for (const protocol of new Set(member.protocols.map((p) => p.name))) counts.set(protocol, (counts.get(protocol) ?? 0) + 1)
    }
    return [...counts].filter(([, count]) => count === this.members.size).map(([name]) => name)
  }

  /** Whether a member with these protocols may join (Kafka's GroupMetadata.supportsProtocols). */
  supportsProtocols(protocolType: string, protocols: readonly JoinProtocol[]): boolean {
    if (this.state === 'Empty') return protocolType !== '' && protocols.length > 0
    if (this.protocolType !== protocolType) return false
    const counts = new Map<string, number>()
    for (const member of this.members.values()) for (const p of new Set(member.protocols.map((q) => q.name))) counts.set(p, (counts.get(p) ?? 0) + 1)
    return protocols.some((p) => counts.get(p.name) === this.members.size)
  }

  /**
   * The protocol for the next generation: among those every member supports, each member votes for
   * the first of its own list, and the most votes win (ties go to the earliest vote).
   */
  selectProtocol(): string | null {
    const candidates = new Set(this.candidateProtocols())
    const votes = new Map<string, number>()
    for (const member of this.members.values()) {
      const vote = member.protocols.find((p) => candidates.has(p.name))
      if (vote !== undefined) votes.set(vote.name, (votes.get(vote.name) ?? 0) + 1)
    }
    let best: string | null = null
    let bestVotes = 0
    for (const [name, count] of votes) {
      if (count > bestVotes) {
        best = name
        bestVotes = count
      }
    }
    return best
  }

  /** The member's metadata for `protocol` (the group's chosen protocol). */
  static metadataFor(member: GroupMember, protocol: string | null): Buffer {
    return member.protocols.find((p) => p.name === protocol)?.metadata ?? EMPTY_ASSIGNMENT
  }

  currentMemberMetadata(): JoinGroupMemberInfo[] {
    return [...this.members.values()].map((member) => ({
      memberId: member.memberId, groupInstanceId: member.groupInstanceId, metadata: ClassicGroup.metadataFor(member, this.protocolName),
    }))
  }

  /**
   * The GroupMetadataValue Kafka writes for this group (GroupMetadataManager.groupMetadataValue),
   * with `assignments` instead of the members' current ones when given (the leader's, before they apply).
   */
  toRecord(assignments?: ReadonlyMap<string, Buffer>): GroupMetadataValue {
    return {
      protocolType: this.protocolType ?? '',
      generation: this.generationId,
      protocol: this.protocolName,
      leader: this.leaderId,
      currentStateTimestamp: BigInt(this.currentStateTimestampMs),
      members: [...this.members.values()].map((member) => ({
        memberId: member.memberId,
        groupInstanceId: member.groupInstanceId,
        clientId: member.clientId,
        clientHost: member.clientHost,
        rebalanceTimeout: member.rebalanceTimeoutMs,
        sessionTimeout: member.sessionTimeoutMs,
        subscription: ClassicGroup.metadataFor(member, this.protocolName),
        assignment: assignments === undefined ? member.assignment : assignments.get(member.memberId) ?? EMPTY_ASSIGNMENT,
      })),
    }
  }

  /** Rebuilds a group from its latest record, as Kafka's loader does: Empty without members, else Stable. */
  static fromRecord(groupId: string, value: GroupMetadataValue, nowMs: number): ClassicGroup {
    const group = new ClassicGroup(groupId, value.currentStateTimestamp >= 0n ? Number(value.currentStateTimestamp) : nowMs)
    group.generationId = value.generation
    group.protocolType = value.protocolType === '' ? null : value.protocolType
    group.protocolName = value.protocol
    for (const record of value.members) {
      group.members.set(record.memberId, {
        memberId: record.memberId,
        groupInstanceId: record.groupInstanceId,
        clientId: record.clientId,
        clientHost: record.clientHost,
        rebalanceTimeoutMs: record.rebalanceTimeout,
        sessionTimeoutMs: record.sessionTimeout,
        protocolType: value.protocolType,
        protocols: [{ name: value.protocol ?? '', metadata: record.subscription }],
        assignment: record.assignment,
        isNew: false,
        awaitingJoin: null,
        awaitingSync: null,
        heartbeatTimer: null,
      })
      if (record.groupInstanceId !== null) group.staticMembers.set(record.groupInstanceId, record.memberId)
    }
    group.leaderId = value.leader !== null && group.members.has(value.leader) ? value.leader : group.members.keys().next().value ?? null
    group.state = group.members.size === 0 ? 'Empty' : 'Stable'
    return group
  }
}

/** Whether a rejoining member sent the same protocols and metadata as before. */
export function protocolsMatch(member: GroupMember, input: MemberJoin): boolean {
  return member.protocols.length === input.protocols.length &&
    member.protocols.every((p, index) => p.name === input.protocols[index]?.name && p.metadata.equals(input.protocols[index]!.metadata))
}

/** Takes a rejoining member's new protocols and timeouts; it now waits for the join to complete. */
export function updateMember(member: GroupMember, input: MemberJoin, respond: (result: JoinGroupResult) => void): void {
  member.protocols = [...input.protocols]
  member.rebalanceTimeoutMs = input.rebalanceTimeoutMs
  member.sessionTimeoutMs = input.sessionTimeoutMs
  member.clientId = input.clientId
  member.clientHost = input.clientHost
  // A second JoinGroup from the same member replaces the first, which gets an error instead of hanging.
  invokeJoin(member, joinError(ErrorCode.UNKNOWN_MEMBER_ID, member.memberId))
  member.awaitingJoin = respond
}

/** Answers the member's parked JoinGroup, if any. */
export function invokeJoin(member: GroupMember, result: JoinGroupResult): void {
  const respond = member.awaitingJoin
  member.awaitingJoin = null
  respond?.(result)
}

/** Answers the member's parked SyncGroup, if any. */
export function invokeSync(member: GroupMember, result: SyncGroupResult): void {
  const respond = member.awaitingSync
  member.awaitingSync = null
  respond?.(result)
}
