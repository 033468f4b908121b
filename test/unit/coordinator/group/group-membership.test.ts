// The classic group state machine driven by a manual clock and scheduler: joins, the leader's
// assignment, leaving, session expiry, static members (KIP-345), MEMBER_ID_REQUIRED (KIP-394),
// protocol selection and group.max.size.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { pino } from 'pino'
import { GroupMembership, type GroupMembershipConfig } from '../../../../src/coordinator/group/group-membership.js'
import type { GroupMetadataValue } from '../../../../src/coordinator/offsets-record-codec.js'
import { ErrorCode } from '../../../../src/protocol/error-codes.js'
import { joinAll, joinInput, syncAll } from '../../../helpers/group-joins.js'
import { ManualClock } from '../../../helpers/manual-clock.js'
import { flush, ManualScheduler } from '../../../helpers/manual-scheduler.js'

const logger = pino({ enabled: false })

function setup(config: Partial<GroupMembershipConfig> = {}) {
  const clock = new ManualClock()
  const scheduler = new ManualScheduler(clock)
  const stored: Array<{ groupId: string; value: GroupMetadataValue | null }> = []
  const membership = new GroupMembership({
    clock, scheduler, logger,
    config: { minSessionTimeoutMs: 1000, maxSessionTimeoutMs: 60_000, initialRebalanceDelayMs: 0, ...config },
    coordinatorError: () => ErrorCode.NONE,
    store: async (groupId, value) => {
      stored.push({ groupId, value })
      return ErrorCode.NONE
    },
  })
  return { clock, scheduler, membership, stored }
}

describe('GroupMembership join and sync', () => {
  it('three members join, the leader gets their metadata and each gets its assignment', async () => {
    const { membership, scheduler, stored } = setup()
    const joins = await joinAll(membership, scheduler, [1, 2, 3].map((n) => joinInput({ clientId: `c${n}`, protocols: [{ name: 'range', metadata: Buffer.from(`m${n}`) }] })))
    assert.deepEqual(joins.map((j) => [j.errorCode, j.generationId, j.protocolName]), [[0, 1, 'range'], [0, 1, 'range'], [0, 1, 'range']])
    const leader = joins.filter((j) => j.members.length > 0)
    assert.equal(leader.length, 1)
    assert.equal(leader[0]!.memberId, leader[0]!.leader)
    assert.deepEqual(leader[0]!.members.map((m) => m.metadata.toString()).sort(), ['m1', 'm2', 'm3'])
    assert.equal(membership.groups.get('g')!.state, 'CompletingRebalance')

    const syncs = await syncAll(membership, joins)
    assert.deepEqual(syncs.map((s) => [s.errorCode, s.assignment.toString()]), joins.map((j) => [0, `a:${j.memberId}`]))
    assert.equal(membership.groups.get('g')!.state, 'Stable')
    assert.equal(stored.length, 1, 'the leader\'s sync writes the group once')
    assert.equal(stored[0]!.value!.generation, 1)
    assert.deepEqual(stored[0]!.value!.members.map((m) => m.assignment.toString()).sort(), joins.map((j) => `a:${j.memberId}`).sort())
    assert.equal(membership.heartbeat('g', joins[0]!.memberId, null, 1), ErrorCode.NONE)
    assert.equal(membership.heartbeat('g', joins[0]!.memberId, null, 0), ErrorCode.ILLEGAL_GENERATION)
    assert.equal(membership.heartbeat('g', 'nobody', null, 1), ErrorCode.UNKNOWN_MEMBER_ID)
  })

  it('answers MEMBER_ID_REQUIRED with a generated id that the member then joins with (KIP-394)', async () => {
    const { membership, scheduler } = setup()
    const first = await membership.joinGroup(joinInput({ requireKnownMemberId: true, clientId: 'app' }))
    assert.equal(first.errorCode, ErrorCode.MEMBER_ID_REQUIRED)
    assert.match(first.memberId, /^app-[0-9a-f-]{36}$/)
    const [second] = await joinAll(membership, scheduler, [joinInput({ requireKnownMemberId: true, memberId: first.memberId })])
    assert.deepEqual([second!.errorCode, second!.memberId, second!.leader, second!.generationId], [0, first.memberId, first.memberId, 1])
  })

  it('forgets a pending member id after the session timeout', async () => {
    const { membership, scheduler } = setup()
    const first = await membership.joinGroup(joinInput({ requireKnownMemberId: true }))
    await scheduler.advance(10_000)
    const late = await membership.joinGroup(joinInput({ memberId: first.memberId }))
    assert.equal(late.errorCode, ErrorCode.UNKNOWN_MEMBER_ID)
  })

  it('selects the protocol every member supports by votes, and rejects a member with none in common', async () => {
    const { membership, scheduler } = setup()
    const p = (...names: string[]) => names.map((name) => ({ name, metadata: Buffer.from(name) }))
    const joins = await joinAll(membership, scheduler, [
      joinInput({ protocols: p('roundrobin', 'range') }), joinInput({ protocols: p('sticky', 'range', 'roundrobin') }), joinInput({ protocols: p('range', 'roundrobin') }),
    ])
    assert.deepEqual(joins.map((j) => j.protocolName), ['range', 'range', 'range'])
    const mismatch = await membership.joinGroup(joinInput({ protocols: p('cooperative-sticky') }))
    assert.equal(mismatch.errorCode, ErrorCode.INCONSISTENT_GROUP_PROTOCOL)
    const otherType = await membership.joinGroup(joinInput({ protocolType: 'connect' }))
    assert.equal(otherType.errorCode, ErrorCode.INCONSISTENT_GROUP_PROTOCOL)
  })

  it('rejects session timeouts outside group.min/max.session.timeout.ms', async () => {
    const { membership } = setup()
    for (const sessionTimeoutMs of [999, 60_001]) {
      assert.equal((await membership.joinGroup(joinInput({ sessionTimeoutMs }))).errorCode, ErrorCode.INVALID_SESSION_TIMEOUT)
    }
  })

  it('answers GROUP_MAX_SIZE_REACHED beyond group.max.size', async () => {
    const { membership, scheduler } = setup({ maxSize: 2 })
    const joins = await joinAll(membership, scheduler, [joinInput(), joinInput()])
    await syncAll(membership, joins)
    const third = await membership.joinGroup(joinInput())
    assert.equal(third.errorCode, ErrorCode.GROUP_MAX_SIZE_REACHED)
  })

  it('waits group.initial.rebalance.delay.ms before completing the first rebalance', async () => {
    const { membership, scheduler } = setup({ initialRebalanceDelayMs: 3000 })
    let isDone = false
    const first = membership.joinGroup(joinInput()).then((r) => { isDone = true; return r })
    await scheduler.advance(2999)
    assert.equal(isDone, false)
    const second = membership.joinGroup(joinInput())
    await scheduler.advance(1)
    assert.equal(isDone, false, 'a member joining during the delay extends it')
    await scheduler.advance(3000)
    assert.deepEqual([(await first).generationId, (await second).generationId], [1, 1])
  })
})

describe('GroupMembership rebalances', () => {
  async function stableGroup(count: number) {
    const context = setup()
    const joins = await joinAll(context.membership, context.scheduler, Array.from({ length: count }, () => joinInput()))
    await syncAll(context.membership, joins)
    return { ...context, joins }
  }

  it('a member leaving makes the others rejoin into a new generation without it', async () => {
    const { membership, scheduler, joins } = await stableGroup(3)
    const [leaving, ...staying] = joins
    const left = membership.leaveGroup('g', [{ memberId: leaving!.memberId, groupInstanceId: null }])
    assert.deepEqual(left, { errorCode: 0, members: [{ memberId: leaving!.memberId, groupInstanceId: null, errorCode: 0 }] })
    assert.equal(membership.groups.get('g')!.state, 'PreparingRebalance')
    assert.equal(membership.heartbeat('g', staying[0]!.memberId, null, 1), ErrorCode.REBALANCE_IN_PROGRESS)
    const rejoins = await joinAll(membership, scheduler, staying.map((j) => joinInput({ memberId: j.memberId })))
    assert.deepEqual(rejoins.map((j) => [j.errorCode, j.generationId]), [[0, 2], [0, 2]])
    const leader = rejoins.find((j) => j.members.length > 0)!
    assert.deepEqual(leader.members.map((m) => m.memberId).sort(), staying.map((j) => j.memberId).sort())
    const syncs = await syncAll(membership, rejoins)
    assert.deepEqual(syncs.map((s) => s.errorCode), [0, 0])
    assert.deepEqual(membership.leaveGroup('g', [{ memberId: 'nobody', groupInstanceId: null }]).members[0]!.errorCode, ErrorCode.UNKNOWN_MEMBER_ID)
  })

  it('a member that stops heartbeating is removed after its session timeout', async () => {
    const { membership, scheduler, joins } = await stableGroup(2)
    const [alive, dead] = joins
    for (let elapsed = 0; elapsed < 10_000; elapsed += 4000) {
      assert.equal(membership.heartbeat('g', alive!.memberId, null, 1), ErrorCode.NONE)
      await scheduler.advance(4000)
    }
    const group = membership.groups.get('g')!
    assert.equal(group.members.has(dead!.memberId), false)
    assert.equal(group.state, 'PreparingRebalance')
    const [rejoin] = await joinAll(membership, scheduler, [joinInput({ memberId: alive!.memberId })])
    assert.deepEqual([rejoin!.generationId, rejoin!.leader, rejoin!.members.length], [2, alive!.memberId, 1])
  })

  it('removes members that do not rejoin within the rebalance timeout', async () => {
    const { membership, scheduler, joins } = await stableGroup(2)
    const [rejoining, silent] = joins
    const rejoin = membership.joinGroup(joinInput({ memberId: rejoining!.memberId, protocols: [{ name: 'range', metadata: Buffer.from('new') }] }))
    for (let elapsed = 0; elapsed < 30_000; elapsed += 5000) {
      membership.heartbeat('g', silent!.memberId, null, 1) // heartbeats alone do not keep it in the next generation
      await scheduler.advance(5000)
    }
    const result = await rejoin
    assert.deepEqual([result.errorCode, result.generationId, result.members.map((m) => m.memberId)], [0, 2, [rejoining!.memberId]])
  })

  it('a static member rejoining with a new member id replaces the old one without a rebalance (KIP-345)', async () => {
    const { membership, scheduler, stored } = setup()
    const joins = await joinAll(membership, scheduler, [joinInput({ groupInstanceId: 'a' }), joinInput({ groupInstanceId: 'b' })])
    await syncAll(membership, joins)
    const old = joins.find((j) => j.members.length === 0)!
    const oldAssignment = `a:${old.memberId}`
    const restarted = await membership.joinGroup(joinInput({ groupInstanceId: membership.groups.get('g')!.members.get(old.memberId)!.groupInstanceId }))
    assert.equal(restarted.errorCode, ErrorCode.NONE)
    assert.notEqual(restarted.memberId, old.memberId)
    assert.equal(restarted.generationId, 1)
    assert.equal(membership.groups.get('g')!.state, 'Stable')
    assert.equal(stored.at(-1)!.value!.members.some((m) => m.memberId === restarted.memberId), true, 'the new member id is persisted')
    const sync = await membership.syncGroup({ groupId: 'g', generationId: 1, memberId: restarted.memberId, groupInstanceId: null, protocolType: null, protocolName: null, assignments: [] })
    assert.deepEqual([sync.errorCode, sync.assignment.toString()], [0, oldAssignment])
    const instanceId = membership.groups.get('g')!.members.get(restarted.memberId)!.groupInstanceId
    assert.equal(membership.heartbeat('g', old.memberId, instanceId, 1), ErrorCode.FENCED_INSTANCE_ID)
    assert.equal(membership.heartbeat('g', restarted.memberId, instanceId, 1), ErrorCode.NONE)
  })

  it('SyncGroup checks generation, member and protocol', async () => {
    const { membership, joins } = await stableGroup(1)
    const base = { groupId: 'g', generationId: 1, memberId: joins[0]!.memberId, groupInstanceId: null, protocolType: null, protocolName: null, assignments: [] }
    assert.equal((await membership.syncGroup({ ...base, generationId: 2 })).errorCode, ErrorCode.ILLEGAL_GENERATION)
    assert.equal((await membership.syncGroup({ ...base, memberId: 'x' })).errorCode, ErrorCode.UNKNOWN_MEMBER_ID)
    assert.equal((await membership.syncGroup({ ...base, protocolName: 'roundrobin' })).errorCode, ErrorCode.INCONSISTENT_GROUP_PROTOCOL)
    assert.equal((await membership.syncGroup({ ...base, protocolType: 'consumer', protocolName: 'range' })).errorCode, ErrorCode.NONE)
  })

  it('an empty group after the last member leaves is written with no members', async () => {
    const { membership, scheduler, joins, stored } = await stableGroup(1)
    membership.leaveGroup('g', [{ memberId: joins[0]!.memberId, groupInstanceId: null }])
    await scheduler.advance(30_000)
    await flush()
    assert.equal(membership.groups.get('g')!.state, 'Empty')
    assert.deepEqual([stored.at(-1)!.value!.generation, stored.at(-1)!.value!.members.length], [2, 0])
  })
})
