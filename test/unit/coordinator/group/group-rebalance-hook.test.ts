// The onRebalanceCompleted hook (the group-rebalance metric counts it: one per completed join
// phase, as Kafka's group-rebalance count) and the membership log lines, on a manual clock.
import assert from 'node:assert/strict'
import { Writable } from 'node:stream'
import { describe, it } from 'node:test'
import { pino } from 'pino'
import { GroupMembership } from '../../../../src/coordinator/group/group-membership.js'
import { OffsetCoordinator } from '../../../../src/coordinator/offset-coordinator.js'
import { ErrorCode } from '../../../../src/protocol/error-codes.js'
import { joinAll, joinInput, syncAll } from '../../../helpers/group-joins.js'
import { ManualClock } from '../../../helpers/manual-clock.js'
import { ManualScheduler } from '../../../helpers/manual-scheduler.js'
import { MemoryCoordinatorLog } from '../../../helpers/memory-coordinator-log.js'

type LogLine = Record<string, unknown> & { level: number; msg: string }

/** A pino logger at debug whose lines land, parsed, in `lines`. */
function capturingLogger() {
  const lines: LogLine[] = []
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n')) if (line !== '') lines.push(JSON.parse(line) as LogLine)
      callback()
    },
  })
  return { logger: pino({ level: 'debug' }, stream), lines }
}

function setup(onRebalanceCompleted?: (groupId: string, generationId: number) => void) {
  const clock = new ManualClock()
  const scheduler = new ManualScheduler(clock)
  const { logger, lines } = capturingLogger()
  const rebalances: Array<[string, number]> = []
  const membership = new GroupMembership({
    clock, scheduler, logger,
    config: { minSessionTimeoutMs: 1000, maxSessionTimeoutMs: 60_000, initialRebalanceDelayMs: 0 },
    coordinatorError: () => ErrorCode.NONE,
    store: async () => ErrorCode.NONE,
    onRebalanceCompleted: onRebalanceCompleted ?? ((groupId, generationId) => { rebalances.push([groupId, generationId]) }),
  })
  return { scheduler, membership, rebalances, lines }
}

function withMessage(lines: readonly LogLine[], msg: string): LogLine[] {
  return lines.filter((line) => line.msg === msg)
}

describe('onRebalanceCompleted', () => {
  it('is called once per completed join phase, with the new generation, including the one that leaves the group Empty', async () => {
    const { membership, scheduler, rebalances } = setup()
    const joins = await joinAll(membership, scheduler, [joinInput({ clientId: 'c1' }), joinInput({ clientId: 'c2' })])
    assert.deepEqual(rebalances, [['g', 1]], 'two members joining at once: one rebalance')
    await syncAll(membership, joins)
    assert.deepEqual(rebalances, [['g', 1]], 'SyncGroup completes no join phase')

    const [leaving, staying] = joins
    membership.leaveGroup('g', [{ memberId: leaving!.memberId, groupInstanceId: null }])
    assert.deepEqual(rebalances, [['g', 1]], 'a rebalance that only started is not counted')
    const rejoins = await joinAll(membership, scheduler, [joinInput({ memberId: staying!.memberId })])
    assert.deepEqual(rebalances, [['g', 1], ['g', 2]])
    await syncAll(membership, rejoins)

    membership.leaveGroup('g', [{ memberId: staying!.memberId, groupInstanceId: null }])
    await scheduler.advance(30_000)
    assert.equal(membership.groups.get('g')!.state, 'Empty')
    assert.deepEqual(rebalances, [['g', 1], ['g', 2], ['g', 3]], 'the join phase ending Empty bumps the generation and counts')
  })

  it('is not called for heartbeats or a follower rejoining a Stable group unchanged', async () => {
    const { membership, scheduler, rebalances } = setup()
    const joins = await joinAll(membership, scheduler, [joinInput(), joinInput()])
    await syncAll(membership, joins)
    const follower = joins.find((j) => j.memberId !== j.leader)!
    assert.equal(membership.heartbeat('g', follower.memberId, null, 1), ErrorCode.NONE)
    const again = await membership.joinGroup(joinInput({ memberId: follower.memberId }))
    assert.deepEqual([again.errorCode, again.generationId], [ErrorCode.NONE, 1])
    await scheduler.advance(5000)
    assert.deepEqual(rebalances, [['g', 1]])
  })

  it('a hook that throws is logged at error and the group goes on', async () => {
    const { membership, scheduler, lines } = setup(() => { throw new Error('metrics broke') })
    const [join] = await joinAll(membership, scheduler, [joinInput()])
    assert.deepEqual([join!.errorCode, join!.generationId], [ErrorCode.NONE, 1])
    assert.equal(membership.groups.get('g')!.state, 'CompletingRebalance')
    const failed = withMessage(lines, 'rebalance hook failed')
    assert.equal(failed.length, 1)
    assert.deepEqual([failed[0]!.level, failed[0]!.group], [50, 'g'])
  })

  it('is passed through OffsetCoordinatorOptions', async () => {
    const clock = new ManualClock()
    const scheduler = new ManualScheduler(clock)
    const rebalances: Array<[string, number]> = []
    const coordinator = new OffsetCoordinator({
      clock, scheduler, logger: pino({ enabled: false }), partitionCount: 1,
      groupConfig: { minSessionTimeoutMs: 1000, initialRebalanceDelayMs: 0 },
      onRebalanceCompleted: (groupId, generationId) => { rebalances.push([groupId, generationId]) },
    })
    await coordinator.loadPartition(0, new MemoryCoordinatorLog())
    const [join] = await joinAll(coordinator.membership, scheduler, [joinInput({ groupId: 'orders-app' })])
    assert.equal(join!.errorCode, ErrorCode.NONE)
    assert.deepEqual(rebalances, [['orders-app', 1]])
    coordinator.close()
  })
})

describe('membership log lines', () => {
  it('logs joins, rebalances with their reason, leaves and expiry at info with group, memberId and clientId', async () => {
    const { membership, scheduler, lines } = setup()
    const joins = await joinAll(membership, scheduler, [joinInput({ clientId: 'c1' }), joinInput({ clientId: 'c2' })])
    await syncAll(membership, joins)

    const started = withMessage(lines, 'rebalance started')
    assert.equal(started.length, 1)
    assert.deepEqual([started[0]!.level, started[0]!.group, started[0]!.reason, started[0]!.state], [30, 'g', 'new member joined', 'Empty'])
    const joined = withMessage(lines, 'member joined group')
    assert.deepEqual(joined.map((line) => [line.level, line.group, line.generationId]), [[30, 'g', 1], [30, 'g', 1]])
    assert.deepEqual(joined.map((line) => line.memberId).sort(), joins.map((j) => j.memberId).sort())
    assert.deepEqual(joined.map((line) => line.clientId).sort(), ['c1', 'c2'])
    const completed = withMessage(lines, 'rebalance completed')
    assert.equal(completed.length, 1)
    assert.deepEqual([completed[0]!.level, completed[0]!.group, completed[0]!.generationId, completed[0]!.members, completed[0]!.protocol, completed[0]!.protocolType],
      [30, 'g', 1, 2, 'range', 'consumer'])
    assert.equal(withMessage(lines, 'group is stable').length, 1)

    // One member leaves; the other heartbeats but never rejoins.
    const [leaving, silent] = joins
    membership.leaveGroup('g', [{ memberId: leaving!.memberId, groupInstanceId: null }])
    const left = withMessage(lines, 'member left group')
    assert.deepEqual(left.map((line) => [line.level, line.group, line.memberId, line.clientId]), [[30, 'g', leaving!.memberId, 'c1']])
    assert.deepEqual(withMessage(lines, 'rebalance started').slice(1).map((line) => [line.reason, line.memberId]), [['member left group', leaving!.memberId]])
    for (let elapsed = 0; elapsed < 30_000; elapsed += 5000) {
      membership.heartbeat('g', silent!.memberId, null, 1) // heartbeats alone do not keep it in the next generation
      await scheduler.advance(5000)
    }
    assert.deepEqual(withMessage(lines, 'member removed: it did not rejoin in time').map((line) => [line.level, line.memberId]), [[30, silent!.memberId]])
    assert.deepEqual(withMessage(lines, 'group is now empty').map((line) => [line.level, line.group, line.generationId]), [[30, 'g', 2]])

    // Every line is one fixed message with fields: none of them carries an id in the message.
    for (const line of lines) {
      for (const id of joins.map((j) => j.memberId)) assert.equal(line.msg.includes(id), false, line.msg)
    }
  })

  it('logs a member whose session expired', async () => {
    const { membership, scheduler, lines } = setup()
    const joins = await joinAll(membership, scheduler, [joinInput({ clientId: 'c1' })])
    await syncAll(membership, joins)
    await scheduler.advance(10_000)
    const expired = withMessage(lines, 'member session expired')
    assert.deepEqual(expired.map((line) => [line.level, line.group, line.memberId, line.clientId]), [[30, 'g', joins[0]!.memberId, 'c1']])
    assert.equal(withMessage(lines, 'rebalance started').at(-1)!.reason, 'member session expired')
  })
})
