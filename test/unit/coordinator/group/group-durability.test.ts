// Groups through the OffsetCoordinator: SyncGroup is answered after the group's record is in
// `__consumer_offsets`, commits are checked against the generation, and a reload rebuilds the group.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { pino } from 'pino'
import type { JoinGroupInput } from '../../../../src/coordinator/group/group-membership.js'
import { OffsetCoordinator } from '../../../../src/coordinator/offset-coordinator.js'
import { decodeGroupMetadataValue, decodeOffsetsRecordKey } from '../../../../src/coordinator/offsets-record-codec.js'
import { ErrorCode } from '../../../../src/protocol/error-codes.js'
import { readRecordsSync } from '../../../../src/protocol/read-records.js'
import { ManualClock } from '../../../helpers/manual-clock.js'
import { flush, ManualScheduler } from '../../../helpers/manual-scheduler.js'
import { MemoryCoordinatorLog } from '../../../helpers/memory-coordinator-log.js'

const logger = pino({ enabled: false })

async function loaded(log = new MemoryCoordinatorLog()) {
  const clock = new ManualClock()
  const scheduler = new ManualScheduler(clock)
  const offsets = new OffsetCoordinator({ clock, logger, partitionCount: 1, scheduler,
    groupConfig: { minSessionTimeoutMs: 1000, initialRebalanceDelayMs: 0 } })
  await offsets.loadPartition(0, log)
  return { offsets, log, scheduler, clock }
}

function joinInput(overrides: Partial<JoinGroupInput> = {}): JoinGroupInput {
  return {
    groupId: 'g', memberId: '', groupInstanceId: null, clientId: 'c', clientHost: '/10.0.0.1', sessionTimeoutMs: 10_000,
    rebalanceTimeoutMs: 20_000, protocolType: 'consumer', protocols: [{ name: 'range', metadata: Buffer.from('sub') }], requireKnownMemberId: false, ...overrides,
  }
}

async function stableMember(offsets: OffsetCoordinator, scheduler: ManualScheduler, overrides: Partial<JoinGroupInput> = {}) {
  const joining = offsets.membership.joinGroup(joinInput(overrides))
  await scheduler.advance(0)
  const join = await joining
  const sync = await offsets.membership.syncGroup({ groupId: 'g', generationId: join.generationId, memberId: join.memberId,
    groupInstanceId: overrides.groupInstanceId ?? null, protocolType: 'consumer', protocolName: 'range', assignments: [{ memberId: join.memberId, assignment: Buffer.from('mine') }] })
  assert.equal(sync.errorCode, ErrorCode.NONE)
  return join
}

const commit = [{ name: 't', partitions: [{ partitionIndex: 0, committedOffset: 5n, committedLeaderEpoch: -1, committedMetadata: '' }] }]
const codes = (results: Array<{ partitions: Array<{ errorCode: number }> }>) => results.flatMap((t) => t.partitions.map((p) => p.errorCode))

describe('groups in __consumer_offsets', () => {
  it('answers the leader\'s SyncGroup only once its GroupMetadata record is committed', async () => {
    const { offsets, log, scheduler } = await loaded()
    const joining = offsets.membership.joinGroup(joinInput())
    await scheduler.advance(0)
    const join = await joining
    log.isHoldingAppends = true
    let isAnswered = false
    const syncing = offsets.membership.syncGroup({ groupId: 'g', generationId: 1, memberId: join.memberId, groupInstanceId: null, protocolType: null,
      protocolName: null, assignments: [{ memberId: join.memberId, assignment: Buffer.from('a') }] }).then((r) => { isAnswered = true; return r })
    await flush()
    assert.equal(isAnswered, false)
    log.isHoldingAppends = false
    log.release()
    assert.equal((await syncing).errorCode, ErrorCode.NONE)
    const [record] = readRecordsSync(log.batches[0]!)
    assert.deepEqual(decodeOffsetsRecordKey(record!.key!), { type: 'group-metadata', version: 2, group: 'g' })
    const value = decodeGroupMetadataValue(record!.value!)
    assert.deepEqual([value.protocolType, value.generation, value.protocol, value.leader, value.members[0]!.assignment.toString()],
      ['consumer', 1, 'range', join.memberId, 'a'])
  })

  it('answers SyncGroup with NOT_COORDINATOR when the write fails, and the group rebalances', async () => {
    const { offsets, log, scheduler } = await loaded()
    const joining = offsets.membership.joinGroup(joinInput())
    await scheduler.advance(0)
    const join = await joining
    log.appendErrorCode = ErrorCode.NOT_LEADER_OR_FOLLOWER
    const sync = await offsets.membership.syncGroup({ groupId: 'g', generationId: 1, memberId: join.memberId, groupInstanceId: null, protocolType: null, protocolName: null, assignments: [] })
    assert.equal(sync.errorCode, ErrorCode.NOT_COORDINATOR)
    assert.equal(offsets.membership.groups.get('g')!.state, 'PreparingRebalance')
  })

  it('checks commits against the group: stale generation, unknown member, fenced instance, simple commits', async () => {
    const { offsets, scheduler } = await loaded()
    const join = await stableMember(offsets, scheduler, { groupInstanceId: 'i' })
    assert.deepEqual(codes(await offsets.commitOffsets('g', join.memberId, 0, commit)), [ErrorCode.ILLEGAL_GENERATION])
    assert.deepEqual(codes(await offsets.commitOffsets('g', 'stranger', 1, commit)), [ErrorCode.UNKNOWN_MEMBER_ID])
    assert.deepEqual(codes(await offsets.commitOffsets('g', 'zombie', 1, commit, { groupInstanceId: 'i' })), [ErrorCode.FENCED_INSTANCE_ID])
    assert.deepEqual(codes(await offsets.commitOffsets('g', '', -1, commit)), [ErrorCode.UNKNOWN_MEMBER_ID], 'only members commit to a group with members')
    assert.deepEqual(codes(await offsets.commitOffsets('g', join.memberId, 1, commit, { groupInstanceId: 'i' })), [ErrorCode.NONE])
    assert.deepEqual(codes(await offsets.commitOffsets('simple', '', -1, commit)), [ErrorCode.NONE])
  })

  it('rebuilds groups and offsets from the log on reload; the old member id carries on', async () => {
    const { offsets, log, scheduler } = await loaded()
    const join = await stableMember(offsets, scheduler)
    assert.deepEqual(codes(await offsets.commitOffsets('g', join.memberId, 1, commit)), [ErrorCode.NONE])
    offsets.unloadPartition(0)

    const restarted = await loaded(log)
    const group = restarted.offsets.membership.groups.get('g')!
    assert.deepEqual([group.state, group.generationId, group.protocolType, group.protocolName, group.leaderId], ['Stable', 1, 'consumer', 'range', join.memberId])
    assert.equal(group.members.get(join.memberId)!.assignment.toString(), 'mine')
    assert.equal(restarted.offsets.fetchOffsets('g', [{ name: 't', partitionIndexes: [0] }], false).topics[0]!.partitions[0]!.committedOffset, 5n)
    assert.equal(restarted.offsets.membership.heartbeat('g', join.memberId, null, 1), ErrorCode.NONE)
    assert.deepEqual(codes(await restarted.offsets.commitOffsets('g', join.memberId, 1, commit)), [ErrorCode.NONE])
    // A follower-like rejoin with the same metadata in a Stable group: a leader rejoin forces a new generation.
    const rejoining = restarted.offsets.membership.joinGroup(joinInput({ memberId: join.memberId }))
    await restarted.scheduler.advance(0)
    assert.deepEqual([(await rejoining).errorCode, (await rejoining).generationId], [ErrorCode.NONE, 2])
  })

  it('expires members restored from the log that never come back', async () => {
    const { offsets, log, scheduler } = await loaded()
    await stableMember(offsets, scheduler)
    offsets.unloadPartition(0)
    const restarted = await loaded(log)
    await restarted.scheduler.advance(10_000)
    await restarted.scheduler.advance(20_000)
    assert.equal(restarted.offsets.membership.groups.get('g')!.state, 'Empty')
    const last = readRecordsSync(log.batches.at(-1)!)[0]!
    assert.deepEqual(decodeGroupMetadataValue(last.value!).members, [])
  })
})
