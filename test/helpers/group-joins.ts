// Joining and syncing members of a classic group in unit tests (GroupMembership on a manual
// scheduler): a JoinGroup input with sensible defaults, several members joining at once, and every
// member syncing with the leader's assignment.
import type { JoinGroupResult, SyncGroupResult } from '../../src/coordinator/group/classic-group.js'
import type { GroupMembership, JoinGroupInput } from '../../src/coordinator/group/group-membership.js'
import type { ManualScheduler } from './manual-scheduler.js'

/** A new dynamic member of group 'g' asking for the 'range' protocol; `overrides` replace any field. */
export function joinInput(overrides: Partial<JoinGroupInput> = {}): JoinGroupInput {
  return {
    groupId: 'g', memberId: '', groupInstanceId: null, clientId: 'client', clientHost: '/127.0.0.1',
    sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 30_000, protocolType: 'consumer',
    protocols: [{ name: 'range', metadata: Buffer.from('m') }], requireKnownMemberId: false, ...overrides,
  }
}

/** Joins every input at once and waits for the rebalance to complete. */
export async function joinAll(membership: GroupMembership, scheduler: ManualScheduler, inputs: JoinGroupInput[]): Promise<JoinGroupResult[]> {
  const pending = inputs.map((input) => membership.joinGroup(input))
  await scheduler.advance(0)
  return Promise.all(pending)
}

/** Every member syncs; the leader hands out `assignment(memberId)`. */
export function syncAll(membership: GroupMembership, joins: JoinGroupResult[], assignment = (memberId: string) => Buffer.from(`a:${memberId}`)): Promise<SyncGroupResult[]> {
  const leader = joins.find((j) => j.memberId === j.leader)!
  return Promise.all(joins.map((join) => membership.syncGroup({
    groupId: 'g', generationId: join.generationId, memberId: join.memberId, groupInstanceId: null, protocolType: null, protocolName: null,
    assignments: join === leader ? leader.members.map((m) => ({ memberId: m.memberId, assignment: assignment(m.memberId) })) : [],
  })))
}
