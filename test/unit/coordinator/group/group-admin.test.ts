// DescribeGroups, ListGroups, DeleteGroups and OffsetDelete over the groups an OffsetCoordinator serves.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { pino } from 'pino'
import { deleteGroup, deleteOffsets, describeGroup, listGroups } from '../../../../src/coordinator/group/group-admin.js'
import { OffsetCoordinator } from '../../../../src/coordinator/offset-coordinator.js'
import { decodeOffsetsRecordKey } from '../../../../src/coordinator/offsets-record-codec.js'
import { ErrorCode } from '../../../../src/protocol/error-codes.js'
import { defaultConsumerProtocolSubscription, encodeConsumerProtocolSubscription } from '../../../../src/protocol/generated/data/consumer-protocol-subscription.js'
import { readRecordsSync } from '../../../../src/protocol/read-records.js'
import { Writer } from '../../../../src/protocol/writer.js'
import { ManualClock } from '../../../helpers/manual-clock.js'
import { ManualScheduler } from '../../../helpers/manual-scheduler.js'
import { MemoryCoordinatorLog } from '../../../helpers/memory-coordinator-log.js'

const logger = pino({ enabled: false })

function subscription(...topics: string[]): Buffer {
  const writer = new Writer(64)
  writer.int16(1)
  encodeConsumerProtocolSubscription(1, writer, { ...defaultConsumerProtocolSubscription(), topics })
  return Buffer.from(writer.toBuffer())
}

async function setup() {
  const clock = new ManualClock()
  const scheduler = new ManualScheduler(clock)
  const log = new MemoryCoordinatorLog()
  const offsets = new OffsetCoordinator({ clock, logger, partitionCount: 1, scheduler, groupConfig: { minSessionTimeoutMs: 1000, initialRebalanceDelayMs: 0 } })
  await offsets.loadPartition(0, log)
  const commit = (group: string, topic: string, generationId = -1, memberId = '') => offsets.commitOffsets(group, memberId, generationId,
    [{ name: topic, partitions: [{ partitionIndex: 0, committedOffset: 1n, committedLeaderEpoch: -1, committedMetadata: '' }] }])
  const stable = async (groupId: string, protocolType = 'consumer', metadata = subscription('orders')) => {
    const joining = offsets.membership.joinGroup({ groupId, memberId: '', groupInstanceId: null, clientId: 'c', clientHost: '/h', sessionTimeoutMs: 10_000,
      rebalanceTimeoutMs: 10_000, protocolType, protocols: [{ name: 'range', metadata }], requireKnownMemberId: false })
    await scheduler.advance(0)
    const join = await joining
    await offsets.membership.syncGroup({ groupId, generationId: 1, memberId: join.memberId, groupInstanceId: null, protocolType: null, protocolName: null,
      assignments: [{ memberId: join.memberId, assignment: Buffer.from('x') }] })
    return join
  }
  return { offsets, log, scheduler, commit, stable }
}

describe('group admin', () => {
  it('describes a Stable group with metadata and assignments, a simple group as Empty, an unknown one as Dead', async () => {
    const { offsets, commit, stable } = await setup()
    const join = await stable('g')
    await commit('simple', 't')
    const described = describeGroup(offsets, 'g')
    assert.deepEqual([described.errorCode, described.groupState, described.protocolType, described.protocolData], [0, 'Stable', 'consumer', 'range'])
    assert.deepEqual(described.members.map((m) => [m.memberId, m.clientId, m.clientHost, m.memberAssignment.toString()]), [[join.memberId, 'c', '/h', 'x']])
    assert.deepEqual(describeGroup(offsets, 'simple'), { errorCode: 0, groupId: 'simple', groupState: 'Empty', protocolType: '', protocolData: '', members: [] })
    assert.equal(describeGroup(offsets, 'none').groupState, 'Dead')
  })

  it('lists groups with a case-insensitive state filter', async () => {
    const { offsets, commit, stable } = await setup()
    await stable('g')
    await commit('simple', 't')
    assert.deepEqual(listGroups(offsets, []).groups.map((g) => [g.groupId, g.groupState, g.protocolType]).sort(), [['g', 'Stable', 'consumer'], ['simple', 'Empty', '']])
    assert.deepEqual(listGroups(offsets, ['empty']).groups.map((g) => g.groupId), ['simple'])
  })

  it('deletes only empty groups, writing tombstones for offsets and group', async () => {
    const { offsets, log, commit, stable, scheduler } = await setup()
    const join = await stable('g')
    await commit('g', 't', 1, join.memberId)
    assert.equal(await deleteGroup(offsets, 'g'), ErrorCode.NON_EMPTY_GROUP)
    assert.equal(await deleteGroup(offsets, 'none'), ErrorCode.GROUP_ID_NOT_FOUND)
    offsets.membership.leaveGroup('g', [{ memberId: join.memberId, groupInstanceId: null }])
    await scheduler.advance(0)
    assert.equal(await deleteGroup(offsets, 'g'), ErrorCode.NONE)
    const keys = readRecordsSync(log.batches.at(-1)!).map((r) => [decodeOffsetsRecordKey(r.key!).type, r.value])
    assert.deepEqual(keys, [['offset-commit', null], ['group-metadata', null]])
    assert.equal(describeGroup(offsets, 'g').groupState, 'Dead')
    assert.equal(offsets.fetchOffsets('g', [{ name: 't', partitionIndexes: [0] }], false).topics[0]!.partitions[0]!.committedOffset, -1n)
    assert.equal(await deleteGroup(offsets, 'g'), ErrorCode.GROUP_ID_NOT_FOUND)
  })

  it('deletes offsets of topics the consumer group does not subscribe to (GROUP_SUBSCRIBED_TO_TOPIC otherwise)', async () => {
    const { offsets, commit, stable } = await setup()
    const join = await stable('g', 'consumer', subscription('orders'))
    await commit('g', 'orders', 1, join.memberId)
    await commit('g', 'old', 1, join.memberId)
    const result = await deleteOffsets(offsets, 'g', [{ name: 'orders', partitionIndexes: [0] }, { name: 'old', partitionIndexes: [0] }])
    assert.deepEqual(result, { errorCode: 0, topics: [
      { name: 'orders', partitions: [{ partitionIndex: 0, errorCode: ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC }] },
      { name: 'old', partitions: [{ partitionIndex: 0, errorCode: 0 }] },
    ] })
    const fetched = offsets.fetchOffsets('g', null, false)
    assert.deepEqual(fetched.topics.map((t) => t.name), ['orders'])
    assert.equal((await deleteOffsets(offsets, 'none', [])).errorCode, ErrorCode.GROUP_ID_NOT_FOUND)
    await stable('connect-group', 'connect', Buffer.from('x'))
    assert.equal((await deleteOffsets(offsets, 'connect-group', [{ name: 'a', partitionIndexes: [0] }])).errorCode, ErrorCode.NON_EMPTY_GROUP)
  })
})
