// The classic group protocol (JoinGroup, SyncGroup, Heartbeat, LeaveGroup) over ClassicGroup, with
// the rules and timers of Kafka's GroupCoordinator (3.x): session expiry, rebalance timeout,
// group.initial.rebalance.delay.ms, pending members (KIP-394), static members (KIP-345), pending
// syncs. Writing group records is delegated to `store`, which OffsetCoordinator implements over
// the `__consumer_offsets` partition of the group.
import { randomUUID } from 'node:crypto'
import type { Logger } from 'pino'
import type { Clock } from '../../clock.js'
import { ErrorCode, errorName } from '../../protocol/error-codes.js'
import type { GroupMetadataValue } from '../offsets-record-codec.js'
import {
  ClassicGroup, EMPTY_ASSIGNMENT, invokeJoin, invokeSync, joinError, protocolsMatch, syncError, updateMember,
  type GroupMember, type JoinGroupResult, type JoinProtocol, type SyncGroupResult,
} from './classic-group.js'
import type { GroupScheduler } from './group-scheduler.js'

/** Kafka's GroupCoordinator.NewMemberJoinTimeoutMs: a first JoinGroup parked longer than this is dropped. */
export const NEW_MEMBER_JOIN_TIMEOUT_MS = 5 * 60 * 1000

export interface GroupMembershipConfig {
  /** group.min.session.timeout.ms (Kafka's default 6000) */
  readonly minSessionTimeoutMs: number
  /** group.max.session.timeout.ms (Kafka's default 1800000) */
  readonly maxSessionTimeoutMs: number
  /** group.initial.rebalance.delay.ms (Kafka's default 3000) */
  readonly initialRebalanceDelayMs: number
  /** group.max.size (Kafka's default Int.MaxValue) */
  readonly maxSize: number
}

export const DEFAULT_GROUP_MEMBERSHIP_CONFIG: GroupMembershipConfig = {
  minSessionTimeoutMs: 6000, maxSessionTimeoutMs: 1_800_000, initialRebalanceDelayMs: 3000, maxSize: 2_147_483_647,
}

export interface GroupMembershipOptions {
  readonly clock: Clock
  readonly scheduler: GroupScheduler
  readonly logger: Logger
  readonly config?: Partial<GroupMembershipConfig>
  /** NONE when this node serves the group now, else NOT_COORDINATOR or COORDINATOR_LOAD_IN_PROGRESS. */
  coordinatorError(groupId: string): number
  /** Writes the group's record (null: tombstone); resolves with the error code to answer (NONE once committed). */
  store(groupId: string, value: GroupMetadataValue | null): Promise<number>
  /**
   * Called once per completed join phase (Kafka's group-rebalance count): when the group moves to
   * CompletingRebalance, and when it ends up Empty with a new generation. `generationId` is the new
   * generation. For metrics; it must not throw (a throw is logged and otherwise ignored).
   */
  readonly onRebalanceCompleted?: (groupId: string, generationId: number) => void
}

export interface JoinGroupInput {
  readonly groupId: string
  /** "" for a member joining for the first time. */
  readonly memberId: string
  readonly groupInstanceId: string | null
  readonly clientId: string
  readonly clientHost: string
  readonly sessionTimeoutMs: number
  /** v0 has none: pass the session timeout, as Kafka does. */
  readonly rebalanceTimeoutMs: number
  readonly protocolType: string
  readonly protocols: readonly JoinProtocol[]
  /** JoinGroup v4+: a member without id first gets MEMBER_ID_REQUIRED and an id (KIP-394). */
  readonly requireKnownMemberId: boolean
}

export interface SyncGroupInput {
  readonly groupId: string
  readonly generationId: number
  readonly memberId: string
  readonly groupInstanceId: string | null
  /** SyncGroup v5: must match the group's when given. */
  readonly protocolType: string | null
  readonly protocolName: string | null
  /** From the leader: assignment per member id. */
  readonly assignments: ReadonlyArray<{ readonly memberId: string; readonly assignment: Buffer }>
}

export interface LeaveGroupMemberInput {
  readonly memberId: string
  readonly groupInstanceId: string | null
}

export interface LeaveGroupResult {
  errorCode: number
  members: Array<{ memberId: string; groupInstanceId: string | null; errorCode: number }>
}

export class GroupMembership {
  readonly groups = new Map<string, ClassicGroup>()
  readonly config: GroupMembershipConfig

  constructor(private readonly options: GroupMembershipOptions) {
    this.config = { ...DEFAULT_GROUP_MEMBERSHIP_CONFIG, ...options.config }
  }

  private now(): number {
    return this.options.clock.nowMs()
  }

  async joinGroup(input: JoinGroupInput): Promise<JoinGroupResult> {
    if (input.groupId === '') return joinError(ErrorCode.INVALID_GROUP_ID, input.memberId)
    const coordinatorError = this.options.coordinatorError(input.groupId)
    if (coordinatorError !== ErrorCode.NONE) return joinError(coordinatorError, input.memberId)
    if (input.sessionTimeoutMs < this.config.minSessionTimeoutMs || input.sessionTimeoutMs > this.config.maxSessionTimeoutMs) {
      return joinError(ErrorCode.INVALID_SESSION_TIMEOUT, input.memberId)
    }
    const isUnknownMember = input.memberId === ''
    let group = this.groups.get(input.groupId)
    if (group === undefined) {
      if (!isUnknownMember) return joinError(ErrorCode.UNKNOWN_MEMBER_ID, input.memberId)
      group = new ClassicGroup(input.groupId, this.now())
      this.groups.set(input.groupId, group)
    }
    if (!this.acceptJoiningMember(group, input.memberId)) {
      this.removeMemberAndUpdateGroup(group, input.memberId, 'member removed: the group reached group.max.size')
      return joinError(ErrorCode.GROUP_MAX_SIZE_REACHED, '')
    }
    const result = new Promise<JoinGroupResult>((resolve) => {
      if (isUnknownMember) this.doNewMemberJoinGroup(group, input, resolve)
      else this.doCurrentMemberJoinGroup(group, input, resolve)
    })
    if (group.state === 'PreparingRebalance') this.tryCompleteJoin(group)
    return result
  }

  /** Kafka's acceptJoiningMember: group.max.size counts members (awaiting join while preparing). */
  private acceptJoiningMember(group: ClassicGroup, memberId: string): boolean {
    switch (group.state) {
      case 'Empty':
      case 'Dead':
        return true
      case 'PreparingRebalance':
        return group.members.get(memberId)?.awaitingJoin != null || group.awaitingJoinCount < this.config.maxSize
      case 'CompletingRebalance':
      case 'Stable':
        return group.members.has(memberId) || group.members.size < this.config.maxSize
    }
  }

  private doNewMemberJoinGroup(group: ClassicGroup, input: JoinGroupInput, respond: (result: JoinGroupResult) => void): void {
    if (group.state === 'Dead') return respond(joinError(ErrorCode.COORDINATOR_NOT_AVAILABLE))
    if (!group.supportsProtocols(input.protocolType, input.protocols)) return respond(joinError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL))
    const newMemberId = `${input.groupInstanceId ?? input.clientId}-${randomUUID()}`
    if (input.groupInstanceId !== null) {
      const oldMemberId = group.staticMembers.get(input.groupInstanceId)
      if (oldMemberId === undefined) this.addMemberAndRebalance(group, input, newMemberId, respond)
      else this.updateStaticMemberAndRebalance(group, input, oldMemberId, newMemberId, respond)
      return
    }
    if (input.requireKnownMemberId) {
      // KIP-394: the id is remembered for one session timeout; the client rejoins with it.
      group.pendingMembers.set(newMemberId, this.options.scheduler.schedule(input.sessionTimeoutMs, () => this.removePendingMember(group, newMemberId)))
      return respond(joinError(ErrorCode.MEMBER_ID_REQUIRED, newMemberId))
    }
    this.addMemberAndRebalance(group, input, newMemberId, respond)
  }

  private doCurrentMemberJoinGroup(group: ClassicGroup, input: JoinGroupInput, respond: (result: JoinGroupResult) => void): void {
    const { memberId } = input
    if (group.state === 'Dead') return respond(joinError(ErrorCode.COORDINATOR_NOT_AVAILABLE, memberId))
    if (!group.supportsProtocols(input.protocolType, input.protocols)) return respond(joinError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, memberId))
    if (group.pendingMembers.has(memberId)) return this.addMemberAndRebalance(group, input, memberId, respond)
    if (group.isStaticMemberFenced(input.groupInstanceId, memberId)) return respond(joinError(ErrorCode.FENCED_INSTANCE_ID, memberId))
    const member = group.members.get(memberId)
    if (member === undefined || (input.groupInstanceId !== null && !group.staticMembers.has(input.groupInstanceId))) {
      return respond(joinError(ErrorCode.UNKNOWN_MEMBER_ID, memberId))
    }
    switch (group.state) {
      case 'PreparingRebalance':
        return this.updateMemberAndRebalance(group, member, input, respond, 'member rejoined')
      case 'CompletingRebalance':
        // Same metadata: it probably missed the JoinGroup response, so answer with the current generation.
        if (protocolsMatch(member, input)) return respond(this.joinResponse(group, member.memberId))
        return this.updateMemberAndRebalance(group, member, input, respond, 'member metadata changed')
      case 'Stable':
        // The leader rejoining forces a rebalance (topic metadata changed, for example); followers
        // without changes just get the current generation and go on to SyncGroup.
        if (group.isLeader(memberId)) return this.updateMemberAndRebalance(group, member, input, respond, 'leader rejoined')
        if (!protocolsMatch(member, input)) return this.updateMemberAndRebalance(group, member, input, respond, 'member metadata changed')
        return respond({ ...this.joinResponse(group, memberId), members: [] })
      case 'Empty':
        return respond(joinError(ErrorCode.UNKNOWN_MEMBER_ID, memberId))
    }
  }

  private joinResponse(group: ClassicGroup, memberId: string): JoinGroupResult {
    return {
      errorCode: ErrorCode.NONE,
      generationId: group.generationId,
      protocolType: group.protocolType,
      protocolName: group.protocolName,
      leader: group.leaderId ?? '',
      memberId,
      members: group.isLeader(memberId) ? group.currentMemberMetadata() : [],
    }
  }

  private addMemberAndRebalance(group: ClassicGroup, input: JoinGroupInput, memberId: string, respond: (result: JoinGroupResult) => void): void {
    const member: GroupMember = {
      memberId,
      groupInstanceId: input.groupInstanceId,
      clientId: input.clientId,
      clientHost: input.clientHost,
      rebalanceTimeoutMs: input.rebalanceTimeoutMs,
      sessionTimeoutMs: input.sessionTimeoutMs,
      protocolType: input.protocolType,
      protocols: [...input.protocols],
      assignment: EMPTY_ASSIGNMENT,
      isNew: true,
      awaitingJoin: respond,
      awaitingSync: null,
      heartbeatTimer: null,
    }
    // Joins during the initial delay of a new group extend it (InitialDelayedJoin).
    if (group.state === 'PreparingRebalance' && group.generationId === 0) group.newMemberAdded = true
    group.add(member)
    // A member parked in JoinGroup cannot heartbeat; a client that went away must not stay forever.
    this.scheduleHeartbeatExpiration(group, member, NEW_MEMBER_JOIN_TIMEOUT_MS)
    this.maybePrepareRebalance(group, 'new member joined', memberId)
  }

  private updateMemberAndRebalance(group: ClassicGroup, member: GroupMember, input: JoinGroupInput, respond: (result: JoinGroupResult) => void,
    reason: string): void {
    updateMember(member, input, respond)
    this.maybePrepareRebalance(group, reason, member.memberId)
  }

  private updateStaticMemberAndRebalance(group: ClassicGroup, input: JoinGroupInput, oldMemberId: string, newMemberId: string,
    respond: (result: JoinGroupResult) => void): void {
    const instanceId = input.groupInstanceId ?? ''
    const previousLeader = group.leaderId
    const previous = group.members.get(oldMemberId)
    if (previous === undefined) return this.addMemberAndRebalance(group, input, newMemberId, respond)
    const oldProtocols = previous.protocols
    const oldTimeouts = [previous.rebalanceTimeoutMs, previous.sessionTimeoutMs] as const
    // The old instance, if it is still waiting somewhere, is a zombie now.
    invokeJoin(previous, joinError(ErrorCode.FENCED_INSTANCE_ID, oldMemberId))
    invokeSync(previous, syncError(ErrorCode.FENCED_INSTANCE_ID))
    const member = group.replaceStaticMember(instanceId, oldMemberId, newMemberId)
    if (member === undefined) return
    this.options.logger.info({ group: group.groupId, memberId: newMemberId, previousMemberId: oldMemberId, groupInstanceId: instanceId,
      clientId: input.clientId, generationId: group.generationId }, 'static member rejoined')
    this.scheduleHeartbeatExpiration(group, member, member.sessionTimeoutMs)
    updateMember(member, input, respond)
    switch (group.state) {
      case 'Stable': {
        if (group.selectProtocol() !== group.protocolName) return this.maybePrepareRebalance(group, 'static member rejoined with other protocols', newMemberId)
        // Protocols unchanged: no rebalance, only the new member id is persisted. The old leader id is
        // returned so that a rejoining leader does not compute an assignment a Stable group would
        // never hand out.
        const generationId = group.generationId
        void this.options.store(group.groupId, group.toRecord()).then((errorCode) => {
          if (errorCode !== ErrorCode.NONE && group.members.get(newMemberId) === member) {
            group.replaceStaticMember(instanceId, newMemberId, oldMemberId)
            member.protocols = oldProtocols
            ;[member.rebalanceTimeoutMs, member.sessionTimeoutMs] = oldTimeouts
            return invokeJoin(member, joinError(errorCode, ''))
          }
          invokeJoin(member, {
            errorCode: ErrorCode.NONE, generationId, protocolType: group.protocolType, protocolName: group.protocolName,
            leader: previousLeader ?? '', memberId: newMemberId, members: [],
          })
        })
        return
      }
      case 'CompletingRebalance':
        return this.maybePrepareRebalance(group, 'static member rejoined', newMemberId)
      case 'PreparingRebalance':
      case 'Empty':
      case 'Dead':
        return
    }
  }

  /** `reason` says why, in a few fixed words; `memberId` is the member whose request or expiry caused it, if one did. */
  private maybePrepareRebalance(group: ClassicGroup, reason: string, memberId?: string): void {
    if (group.state === 'Stable' || group.state === 'CompletingRebalance' || group.state === 'Empty') this.prepareRebalance(group, reason, memberId)
  }

  private prepareRebalance(group: ClassicGroup, reason: string, memberId?: string): void {
    this.options.logger.info({
      group: group.groupId, generationId: group.generationId, state: group.state, members: group.members.size, reason,
      ...(memberId === undefined ? {} : { memberId }),
    }, 'rebalance started')
    if (group.state === 'CompletingRebalance') this.resetAndPropagateAssignmentError(group, ErrorCode.REBALANCE_IN_PROGRESS)
    group.syncTimer?.cancel()
    group.syncTimer = null
    group.joinTimer?.task.cancel()
    const wasEmpty = group.state === 'Empty'
    group.transitionTo('PreparingRebalance', this.now())
    if (wasEmpty) {
      const delayMs = this.config.initialRebalanceDelayMs
      this.scheduleInitialDelayedJoin(group, delayMs, Math.max(group.rebalanceTimeoutMs - delayMs, 0))
    } else {
      this.scheduleDelayedJoin(group)
    }
  }

  /** Kafka's InitialDelayedJoin: waits out the delay even when everyone joined, longer while members keep arriving. */
  private scheduleInitialDelayedJoin(group: ClassicGroup, delayMs: number, remainingMs: number): void {
    const task = this.options.scheduler.schedule(delayMs, () => {
      group.joinTimer = null
      if (group.newMemberAdded && remainingMs !== 0) {
        group.newMemberAdded = false
        const nextDelayMs = Math.min(this.config.initialRebalanceDelayMs, remainingMs)
        this.scheduleInitialDelayedJoin(group, nextDelayMs, Math.max(remainingMs - delayMs, 0))
      } else {
        this.onCompleteJoin(group)
      }
    })
    group.joinTimer = { isInitialDelay: true, task }
  }

  /** Kafka's DelayedJoin: completes when every member rejoined, or after the rebalance timeout. */
  private scheduleDelayedJoin(group: ClassicGroup): void {
    const task = this.options.scheduler.schedule(group.rebalanceTimeoutMs, () => {
      group.joinTimer = null
      this.onCompleteJoin(group)
    })
    group.joinTimer = { isInitialDelay: false, task }
  }

  private tryCompleteJoin(group: ClassicGroup): void {
    if (group.state !== 'PreparingRebalance' || group.joinTimer?.isInitialDelay === true || !group.hasAllMembersJoined()) return
    group.joinTimer?.task.cancel()
    group.joinTimer = null
    this.onCompleteJoin(group)
  }

  private onCompleteJoin(group: ClassicGroup): void {
    if (group.state !== 'PreparingRebalance') return
    // Dynamic members that did not rejoin in time are gone; static ones keep their place (KIP-345).
    for (const member of [...group.members.values()]) {
      if (member.awaitingJoin === null && member.groupInstanceId === null) {
        group.remove(member.memberId)
        this.options.logger.info({ group: group.groupId, memberId: member.memberId, clientId: member.clientId, generationId: group.generationId },
          'member removed: it did not rejoin in time')
      }
    }
    if (!this.maybeElectNewJoinedLeader(group) && group.members.size > 0) {
      // Only static members that have not rejoined are left: wait another rebalance timeout.
      return this.scheduleDelayedJoin(group)
    }
    group.generationId++
    group.protocolName = group.members.size > 0 ? group.selectProtocol() : null
    if (group.members.size === 0) {
      group.transitionTo('Empty', this.now())
      this.options.logger.info({ group: group.groupId, generationId: group.generationId }, 'group is now empty')
      this.rebalanceCompleted(group)
      void this.store(group)
      return
    }
    group.transitionTo('CompletingRebalance', this.now())
    for (const member of group.members.values()) {
      if (member.isNew) {
        this.options.logger.info({
          group: group.groupId, memberId: member.memberId, groupInstanceId: member.groupInstanceId, clientId: member.clientId,
          clientHost: member.clientHost, generationId: group.generationId,
        }, 'member joined group')
      }
      invokeJoin(member, this.joinResponse(group, member.memberId))
      this.scheduleHeartbeatExpiration(group, member, member.sessionTimeoutMs)
      member.isNew = false
      group.pendingSyncMembers.add(member.memberId)
    }
    this.options.logger.info({
      group: group.groupId, generationId: group.generationId, members: group.members.size, protocolType: group.protocolType,
      protocol: group.protocolName, leaderId: group.leaderId,
    }, 'rebalance completed')
    this.rebalanceCompleted(group)
    // Members that never send SyncGroup are removed after a rebalance timeout (Kafka's pending sync).
    const generationId = group.generationId
    group.syncTimer = this.options.scheduler.schedule(group.rebalanceTimeoutMs, () => this.onExpirePendingSync(group, generationId))
  }

  /** One completed join phase: the hook for the group-rebalance metric. */
  private rebalanceCompleted(group: ClassicGroup): void {
    try {
      this.options.onRebalanceCompleted?.(group.groupId, group.generationId)
    } catch (error) {
      this.options.logger.error({ err: error, group: group.groupId }, 'rebalance hook failed')
    }
  }

  private maybeElectNewJoinedLeader(group: ClassicGroup): boolean {
    if (group.leaderId === null) return false
    if (group.members.get(group.leaderId)?.awaitingJoin != null) return true
    for (const member of group.members.values()) {
      if (member.awaitingJoin !== null) {
        group.leaderId = member.memberId
        return true
      }
    }
    return false
  }

  private onExpirePendingSync(group: ClassicGroup, generationId: number): void {
    group.syncTimer = null
    if (generationId !== group.generationId || (group.state !== 'CompletingRebalance' && group.state !== 'Stable')) return
    if (group.pendingSyncMembers.size === 0) return
    for (const memberId of [...group.pendingSyncMembers]) {
      const member = group.remove(memberId)
      this.options.logger.info({ group: group.groupId, memberId, clientId: member?.clientId, generationId }, 'member removed: it did not send SyncGroup in time')
    }
    this.prepareRebalance(group, 'members did not send SyncGroup in time')
  }

  async syncGroup(input: SyncGroupInput): Promise<SyncGroupResult> {
    if (input.groupId === '') return syncError(ErrorCode.INVALID_GROUP_ID)
    const coordinatorError = this.options.coordinatorError(input.groupId)
    if (coordinatorError !== ErrorCode.NONE) return syncError(coordinatorError)
    const group = this.groups.get(input.groupId)
    if (group === undefined) return syncError(ErrorCode.UNKNOWN_MEMBER_ID)
    if (group.state === 'Dead') return syncError(ErrorCode.COORDINATOR_NOT_AVAILABLE)
    if (group.isStaticMemberFenced(input.groupInstanceId, input.memberId)) return syncError(ErrorCode.FENCED_INSTANCE_ID)
    const member = group.members.get(input.memberId)
    if (member === undefined) return syncError(ErrorCode.UNKNOWN_MEMBER_ID)
    if (input.generationId !== group.generationId) return syncError(ErrorCode.ILLEGAL_GENERATION)
    if ((input.protocolType !== null && input.protocolType !== group.protocolType) ||
        (input.protocolName !== null && input.protocolName !== group.protocolName)) return syncError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL)
    switch (group.state) {
      case 'Empty':
        return syncError(ErrorCode.UNKNOWN_MEMBER_ID)
      case 'PreparingRebalance':
        return syncError(ErrorCode.REBALANCE_IN_PROGRESS)
      case 'Stable':
        group.pendingSyncMembers.delete(member.memberId)
        this.scheduleHeartbeatExpiration(group, member, member.sessionTimeoutMs)
        return { errorCode: ErrorCode.NONE, protocolType: group.protocolType, protocolName: group.protocolName, assignment: member.assignment }
      case 'CompletingRebalance':
        break
    }
    const result = new Promise<SyncGroupResult>((resolve) => { member.awaitingSync = resolve })
    group.pendingSyncMembers.delete(member.memberId)
    if (group.isLeader(member.memberId)) {
      const assignment = new Map<string, Buffer>()
      for (const entry of input.assignments) assignment.set(entry.memberId, entry.assignment)
      const generationId = group.generationId
      const record = group.toRecord(assignment)
      // Answered only once the assignment is in the log, so that a restart never forgets a generation.
      const errorCode = await this.options.store(group.groupId, record)
      if (group.state === 'CompletingRebalance' && group.generationId === generationId && this.groups.get(group.groupId) === group) {
        if (errorCode !== ErrorCode.NONE) {
          this.resetAndPropagateAssignmentError(group, errorCode)
          this.maybePrepareRebalance(group, 'assignment not written')
        } else {
          for (const m of group.members.values()) m.assignment = assignment.get(m.memberId) ?? EMPTY_ASSIGNMENT
          this.propagateAssignment(group)
          group.transitionTo('Stable', this.now())
          this.options.logger.info({ group: group.groupId, generationId, members: group.members.size }, 'group is stable')
        }
      }
    }
    return result
  }

  private propagateAssignment(group: ClassicGroup): void {
    for (const member of group.members.values()) {
      if (member.awaitingSync === null) continue
      invokeSync(member, { errorCode: ErrorCode.NONE, protocolType: group.protocolType, protocolName: group.protocolName, assignment: member.assignment })
      // Session expiry was suspended while the member waited; it starts again from now.
      this.scheduleHeartbeatExpiration(group, member, member.sessionTimeoutMs)
    }
  }

  private resetAndPropagateAssignmentError(group: ClassicGroup, errorCode: number): void {
    for (const member of group.members.values()) {
      member.assignment = EMPTY_ASSIGNMENT
      invokeSync(member, syncError(errorCode))
    }
  }

  heartbeat(groupId: string, memberId: string, groupInstanceId: string | null, generationId: number): number {
    if (groupId === '') return ErrorCode.INVALID_GROUP_ID
    const coordinatorError = this.options.coordinatorError(groupId)
    if (coordinatorError !== ErrorCode.NONE) return coordinatorError
    const group = this.groups.get(groupId)
    if (group === undefined) return ErrorCode.UNKNOWN_MEMBER_ID
    if (group.state === 'Dead') return ErrorCode.COORDINATOR_NOT_AVAILABLE
    if (group.isStaticMemberFenced(groupInstanceId, memberId)) return ErrorCode.FENCED_INSTANCE_ID
    const member = group.members.get(memberId)
    if (member === undefined) return ErrorCode.UNKNOWN_MEMBER_ID
    if (generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION
    if (group.state === 'Empty') return ErrorCode.UNKNOWN_MEMBER_ID
    this.scheduleHeartbeatExpiration(group, member, member.sessionTimeoutMs)
    return group.state === 'PreparingRebalance' ? ErrorCode.REBALANCE_IN_PROGRESS : ErrorCode.NONE
  }

  leaveGroup(groupId: string, members: readonly LeaveGroupMemberInput[]): LeaveGroupResult {
    if (groupId === '') return { errorCode: ErrorCode.INVALID_GROUP_ID, members: [] }
    const coordinatorError = this.options.coordinatorError(groupId)
    if (coordinatorError !== ErrorCode.NONE) return { errorCode: coordinatorError, members: [] }
    const group = this.groups.get(groupId)
    const answer = (leaving: LeaveGroupMemberInput, errorCode: number): LeaveGroupResult['members'][number] =>
      ({ memberId: leaving.memberId, groupInstanceId: leaving.groupInstanceId, errorCode })
    if (group === undefined) return { errorCode: ErrorCode.NONE, members: members.map((m) => answer(m, ErrorCode.UNKNOWN_MEMBER_ID)) }
    if (group.state === 'Dead') return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, members: [] }
    return {
      errorCode: ErrorCode.NONE,
      members: members.map((leaving) => {
        // LeaveGroup v3+ lets an admin remove a static member by instance id alone (KIP-345).
        if (leaving.memberId === '') {
          const current = leaving.groupInstanceId === null ? undefined : group.staticMembers.get(leaving.groupInstanceId)
          if (current === undefined) return answer(leaving, ErrorCode.UNKNOWN_MEMBER_ID)
          this.removeMemberAndUpdateGroup(group, current, 'member left group')
          return answer(leaving, ErrorCode.NONE)
        }
        if (group.pendingMembers.has(leaving.memberId)) {
          this.removePendingMember(group, leaving.memberId)
          return answer(leaving, ErrorCode.NONE)
        }
        if (group.isStaticMemberFenced(leaving.groupInstanceId, leaving.memberId)) return answer(leaving, ErrorCode.FENCED_INSTANCE_ID)
        if (!group.members.has(leaving.memberId)) return answer(leaving, ErrorCode.UNKNOWN_MEMBER_ID)
        this.removeMemberAndUpdateGroup(group, leaving.memberId, 'member left group')
        return answer(leaving, ErrorCode.NONE)
      }),
    }
  }

  private removePendingMember(group: ClassicGroup, memberId: string): void {
    group.pendingMembers.get(memberId)?.cancel()
    group.pendingMembers.delete(memberId)
    this.tryCompleteJoin(group)
  }

  /** `reason` is the line logged (a fixed message) and the rebalance's reason. */
  private removeMemberAndUpdateGroup(group: ClassicGroup, memberId: string, reason: string): void {
    const member = group.remove(memberId)
    if (member === undefined) return
    this.options.logger.info({
      group: group.groupId, memberId, groupInstanceId: member.groupInstanceId, clientId: member.clientId, generationId: group.generationId,
    }, reason)
    // A member parked in JoinGroup gets an answer it can retry from.
    invokeJoin(member, joinError(ErrorCode.UNKNOWN_MEMBER_ID, ''))
    invokeSync(member, syncError(ErrorCode.UNKNOWN_MEMBER_ID))
    if (group.state === 'Stable' || group.state === 'CompletingRebalance') this.maybePrepareRebalance(group, reason, memberId)
    else if (group.state === 'PreparingRebalance') this.tryCompleteJoin(group)
  }

  private scheduleHeartbeatExpiration(group: ClassicGroup, member: GroupMember, timeoutMs: number): void {
    member.heartbeatTimer?.cancel()
    member.heartbeatTimer = this.options.scheduler.schedule(timeoutMs, () => {
      member.heartbeatTimer = null
      if (group.members.get(member.memberId) !== member) return
      // A member parked in JoinGroup or SyncGroup cannot heartbeat; its timer restarts once answered.
      if (!member.isNew && (member.awaitingJoin !== null || member.awaitingSync !== null)) return
      this.removeMemberAndUpdateGroup(group, member.memberId, 'member session expired')
    })
  }

  /** Starts session timers for a group rebuilt from the log: members that never come back expire. */
  loadGroup(group: ClassicGroup): void {
    this.unloadGroup(group.groupId)
    this.groups.set(group.groupId, group)
    for (const member of group.members.values()) this.scheduleHeartbeatExpiration(group, member, member.sessionTimeoutMs)
  }

  /** Forgets a group (partition unloaded, or deleted): its timers stop and parked requests get `errorCode`. */
  unloadGroup(groupId: string, errorCode: number = ErrorCode.NOT_COORDINATOR): void {
    const group = this.groups.get(groupId)
    if (group === undefined) return
    this.groups.delete(groupId)
    group.joinTimer?.task.cancel()
    group.syncTimer?.cancel()
    for (const task of group.pendingMembers.values()) task.cancel()
    for (const member of group.members.values()) {
      member.heartbeatTimer?.cancel()
      invokeJoin(member, joinError(errorCode, member.memberId))
      invokeSync(member, syncError(errorCode))
    }
    group.transitionTo('Dead', this.now())
  }

  private async store(group: ClassicGroup): Promise<void> {
    const errorCode = await this.options.store(group.groupId, group.toRecord())
    if (errorCode !== ErrorCode.NONE) this.options.logger.warn({ group: group.groupId, errorCode, error: errorName(errorCode) }, 'group metadata not written')
  }

  /** Stops every timer (broker shutdown). */
  close(): void {
    for (const groupId of [...this.groups.keys()]) this.unloadGroup(groupId, ErrorCode.COORDINATOR_NOT_AVAILABLE)
  }
}
