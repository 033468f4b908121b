// The offset coordinator: simple commits (generation -1) are written to the partition's log before
// they are answered and served by OffsetFetch; ownership follows loadPartition/unloadPartition;
// a reload replays the log (latest wins, tombstones delete, unknown record types skipped).
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { pino } from 'pino'
import { partitionForGroup } from '../../../src/coordinator/group-partition-hash.js'
import { OffsetCoordinator, type CoordinatorPartitionLog, type OffsetCommitTopicInput } from '../../../src/coordinator/offset-coordinator.js'
import {
  decodeOffsetCommitValue,
  decodeOffsetsRecordKey,
  encodeGroupMetadataKey,
  encodeGroupMetadataValue,
  encodeOffsetCommitKey,
  encodeOffsetCommitValue,
} from '../../../src/coordinator/offsets-record-codec.js'
import { buildRecordBatchSync } from '../../../src/protocol/build-record-batch.js'
import { ErrorCode } from '../../../src/protocol/error-codes.js'
import { readRecordsSync } from '../../../src/protocol/read-records.js'
import { splitRecordBatches } from '../../../src/protocol/record-batch.js'
import { openTestLog, readSlice } from '../../helpers/log-fixtures.js'
import { ManualClock } from '../../helpers/manual-clock.js'
import { MemoryCoordinatorLog } from '../../helpers/memory-coordinator-log.js'
import { promiseWithResolvers } from '../../helpers/promise-with-resolvers.js'

const logger = pino({ enabled: false })
/** The GroupMetadataValue of a group without members (Kafka writes one when a group becomes Empty). */
const EMPTY_GROUP_VALUE = encodeGroupMetadataValue({ protocolType: '', generation: 0, protocol: null, leader: null, currentStateTimestamp: -1n, members: [] })

function coordinator(partitionCount = 1, clock = new ManualClock()): OffsetCoordinator {
  return new OffsetCoordinator({ clock, logger, partitionCount })
}

async function loaded(log = new MemoryCoordinatorLog(), clock = new ManualClock()): Promise<{ offsets: OffsetCoordinator; log: MemoryCoordinatorLog }> {
  const offsets = coordinator(1, clock)
  await offsets.loadPartition(0, log)
  return { offsets, log }
}

function commit(topic: string, partitions: Array<[number, bigint, (string | null)?, number?]>): OffsetCommitTopicInput[] {
  return [{
    name: topic,
    partitions: partitions.map(([partitionIndex, committedOffset, committedMetadata = '', committedLeaderEpoch = -1]) =>
      ({ partitionIndex, committedOffset, committedMetadata, committedLeaderEpoch })),
  }]
}

function codes(results: Array<{ partitions: Array<{ errorCode: number }> }>): number[] {
  return results.flatMap((topic) => topic.partitions.map((partition) => partition.errorCode))
}

function offsetsOf(offsets: OffsetCoordinator, group: string, topic: string, partitionIndexes: number[]): bigint[] {
  const result = offsets.fetchOffsets(group, [{ name: topic, partitionIndexes }], false)
  assert.equal(result.errorCode, ErrorCode.NONE)
  return result.topics.flatMap((t) => t.partitions.map((p) => p.committedOffset))
}

function record(key: Buffer, value: Buffer | null): { key: Buffer; value: Buffer | null; timestamp: bigint } {
  return { key, value, timestamp: 1n }
}

describe('OffsetCoordinator commits', () => {
  it('writes a simple commit to the log as one batch, then serves it', async () => {
    const clock = new ManualClock(1_700_000_000_123)
    const { offsets, log } = await loaded(undefined, clock)
    const results = await offsets.commitOffsets('g', '', -1, commit('orders', [[0, 42n, 'meta', 7], [1, 9n, null]]))
    assert.deepEqual(results, [{ name: 'orders', partitions: [{ partitionIndex: 0, errorCode: 0 }, { partitionIndex: 1, errorCode: 0 }] }])
    assert.equal(log.batches.length, 1)
    const records = readRecordsSync(log.batches[0]!)
    assert.deepEqual(records.map((r) => decodeOffsetsRecordKey(r.key!)), [
      { type: 'offset-commit', version: 1, group: 'g', topic: 'orders', partition: 0 },
      { type: 'offset-commit', version: 1, group: 'g', topic: 'orders', partition: 1 },
    ])
    assert.deepEqual(decodeOffsetCommitValue(records[0]!.value!),
      { offset: 42n, leaderEpoch: 7, metadata: 'meta', commitTimestamp: 1_700_000_000_123n, expireTimestamp: -1n })
    assert.equal(records[1]!.value!.readInt16BE(0), 3, 'value version 3')

    assert.deepEqual(offsets.fetchOffsets('g', [{ name: 'orders', partitionIndexes: [0, 1, 2] }], false), {
      errorCode: ErrorCode.NONE,
      topics: [{
        name: 'orders', partitions: [
          { partitionIndex: 0, committedOffset: 42n, committedLeaderEpoch: 7, metadata: 'meta', errorCode: 0 },
          { partitionIndex: 1, committedOffset: 9n, committedLeaderEpoch: -1, metadata: '', errorCode: 0 },
          { partitionIndex: 2, committedOffset: -1n, committedLeaderEpoch: -1, metadata: '', errorCode: 0 },
        ],
      }],
    })
  })

  it('answers unknown groups with -1 per partition, and no topics when all are asked', async () => {
    const { offsets } = await loaded()
    assert.deepEqual(offsetsOf(offsets, 'nobody', 't', [0, 3]), [-1n, -1n])
    assert.deepEqual(offsets.fetchOffsets('nobody', null, true), { errorCode: ErrorCode.NONE, topics: [] })
  })

  it('lists every committed offset of the group when topics is null', async () => {
    const { offsets } = await loaded()
    await offsets.commitOffsets('g', '', -1, [...commit('b', [[1, 5n], [0, 4n]]), ...commit('a', [[0, 3n]])])
    const all = offsets.fetchOffsets('g', null, false)
    assert.deepEqual(all.topics.map((t) => [t.name, t.partitions.map((p) => [p.partitionIndex, p.committedOffset])]),
      [['a', [[0, 3n]]], ['b', [[0, 4n], [1, 5n]]]])
  })

  it('accepts a negative generation from any member id while the group has no members', async () => {
    const { offsets } = await loaded()
    assert.deepEqual(codes(await offsets.commitOffsets('g', 'member-1', -1, commit('t', [[0, 1n]]), { groupInstanceId: 'i' })), [0])
  })

  it('answers ILLEGAL_GENERATION to a generation for a missing group, UNKNOWN_MEMBER_ID for an empty one', async () => {
    const { offsets, log } = await loaded()
    assert.deepEqual(codes(await offsets.commitOffsets('g', 'member-1', 3, commit('t', [[0, 1n], [1, 1n]]))), [22, 22])
    await offsets.commitOffsets('g', '', -1, commit('t', [[0, 1n]]))
    assert.deepEqual(codes(await offsets.commitOffsets('g', 'member-1', 3, commit('t', [[0, 2n]]))), [ErrorCode.UNKNOWN_MEMBER_ID])
    assert.deepEqual(codes(await offsets.commitOffsets('g', '', 0, commit('t', [[0, 2n]]))), [ErrorCode.UNKNOWN_MEMBER_ID])
    assert.equal(log.batches.length, 1)
    assert.deepEqual(offsetsOf(offsets, 'g', 't', [0]), [1n])
  })

  it('refuses metadata longer than offset.metadata.max.bytes per partition and commits the rest', async () => {
    const { offsets } = await loaded()
    const results = await offsets.commitOffsets('g', '', -1, commit('t', [[0, 1n, 'x'.repeat(4097)], [1, 2n, 'x'.repeat(4096)]]))
    assert.deepEqual(codes(results), [ErrorCode.OFFSET_METADATA_TOO_LARGE, ErrorCode.NONE])
    assert.deepEqual(offsetsOf(offsets, 'g', 't', [0, 1]), [-1n, 2n])
    const small = new OffsetCoordinator({ clock: new ManualClock(), logger, partitionCount: 1, offsetMetadataMaxBytes: 2 })
    const log = new MemoryCoordinatorLog()
    await small.loadPartition(0, log)
    assert.deepEqual(codes(await small.commitOffsets('g', '', -1, commit('t', [[0, 1n, 'abc']]))), [ErrorCode.OFFSET_METADATA_TOO_LARGE])
    assert.equal(log.batches.length, 0, 'nothing to write, nothing appended')
  })

  it('answers INVALID_GROUP_ID for a null group id and serves the empty one, as Kafka does', async () => {
    const { offsets } = await loaded()
    assert.deepEqual(codes(await offsets.commitOffsets(null, '', -1, commit('t', [[0, 1n]]))), [ErrorCode.INVALID_GROUP_ID])
    assert.equal(offsets.fetchOffsets(null, null, false).errorCode, ErrorCode.INVALID_GROUP_ID)
    assert.deepEqual(codes(await offsets.commitOffsets('', '', -1, commit('t', [[0, 1n]]))), [ErrorCode.NONE])
    assert.deepEqual(offsetsOf(offsets, '', 't', [0]), [1n])
  })

  it('maps a failed append to the coordinator error Kafka answers and leaves memory unchanged', async () => {
    const cases: Array<[number, number]> = [
      [ErrorCode.NOT_LEADER_OR_FOLLOWER, ErrorCode.NOT_COORDINATOR],
      [ErrorCode.KAFKA_STORAGE_ERROR, ErrorCode.NOT_COORDINATOR],
      [ErrorCode.NOT_ENOUGH_REPLICAS, ErrorCode.COORDINATOR_NOT_AVAILABLE],
      [ErrorCode.REQUEST_TIMED_OUT, ErrorCode.COORDINATOR_NOT_AVAILABLE],
      [ErrorCode.MESSAGE_TOO_LARGE, ErrorCode.INVALID_COMMIT_OFFSET_SIZE],
    ]
    for (const [appendError, answer] of cases) {
      const { offsets, log } = await loaded()
      log.appendErrorCode = appendError
      assert.deepEqual(codes(await offsets.commitOffsets('g', '', -1, commit('t', [[0, 1n], [1, 1n]]))), [answer, answer])
      assert.deepEqual(offsetsOf(offsets, 'g', 't', [0]), [-1n])
      // The failed commit created no group: a generation is still ILLEGAL_GENERATION.
      assert.deepEqual(codes(await offsets.commitOffsets('g', 'm', 1, commit('t', [[0, 1n]]))), [ErrorCode.ILLEGAL_GENERATION])
    }
  })

  it('answers only after the append resolves', async () => {
    const { offsets, log } = await loaded()
    log.isHoldingAppends = true
    let isAnswered = false
    const pending = offsets.commitOffsets('g', '', -1, commit('t', [[0, 1n]])).then((r) => { isAnswered = true; return r })
    await new Promise((resolve) => setImmediate(resolve))
    assert.equal(isAnswered, false)
    assert.deepEqual(offsetsOf(offsets, 'g', 't', [0]), [-1n])
    log.release()
    assert.deepEqual(codes(await pending), [0])
    assert.deepEqual(offsetsOf(offsets, 'g', 't', [0]), [1n])
  })

  it('keeps the newer commit when an older append resolves after it', async () => {
    const { offsets, log } = await loaded()
    log.isHoldingAppends = true
    const first = offsets.commitOffsets('g', '', -1, commit('t', [[0, 1n]]))
    const second = offsets.commitOffsets('g', '', -1, commit('t', [[0, 2n]]))
    await new Promise((resolve) => setImmediate(resolve))
    assert.equal(log.heldCount, 2)
    log.release([1, 0])
    assert.deepEqual([...codes(await first), ...codes(await second)], [0, 0])
    assert.deepEqual(offsetsOf(offsets, 'g', 't', [0]), [2n])
  })

  it('answers NOT_COORDINATOR when the partition is unloaded while the write is pending', async () => {
    const { offsets, log } = await loaded()
    log.isHoldingAppends = true
    const pending = offsets.commitOffsets('g', '', -1, commit('t', [[0, 1n]]))
    await new Promise((resolve) => setImmediate(resolve))
    offsets.unloadPartition(0)
    log.release()
    assert.deepEqual(codes(await pending), [ErrorCode.NOT_COORDINATOR])
  })
})

describe('OffsetCoordinator ownership', () => {
  it('answers NOT_COORDINATOR for groups of partitions it does not own, and after unloading', async () => {
    const offsets = coordinator(2)
    const [groupA, groupB] = ['group-a', 'group-b', 'group-c', 'group-d'].reduce<[string, string]>((found, group) => {
      if (partitionForGroup(group, 2) === 0) found[0] ||= group
      else found[1] ||= group
      return found
    }, ['', ''])
    await offsets.loadPartition(0, new MemoryCoordinatorLog())
    assert.equal(offsets.partitionFor(groupA), 0)
    assert.deepEqual(codes(await offsets.commitOffsets(groupA, '', -1, commit('t', [[0, 1n]]))), [0])
    assert.deepEqual(codes(await offsets.commitOffsets(groupB, '', -1, commit('t', [[0, 1n]]))), [ErrorCode.NOT_COORDINATOR])
    assert.equal(offsets.fetchOffsets(groupB, null, false).errorCode, ErrorCode.NOT_COORDINATOR)
    offsets.unloadPartition(0)
    assert.equal(offsets.fetchOffsets(groupA, null, false).errorCode, ErrorCode.NOT_COORDINATOR)
    assert.deepEqual(codes(await offsets.commitOffsets(groupA, '', -1, commit('t', [[0, 1n]]))), [ErrorCode.NOT_COORDINATOR])
  })

  it('answers COORDINATOR_LOAD_IN_PROGRESS while loading', async () => {
    const log = new MemoryCoordinatorLog()
    log.appendNow(buildRecordBatchSync({ records: [record(encodeOffsetCommitKey('g', 't', 0), encodeOffsetCommitValue({ offset: 8n, leaderEpoch: -1, metadata: '', commitTimestamp: 1n, expireTimestamp: -1n }))] }))
    const gate = promiseWithResolvers<void>()
    log.readGate = gate.promise
    const offsets = coordinator()
    const loading = offsets.loadPartition(0, log)
    assert.equal(offsets.fetchOffsets('g', null, false).errorCode, ErrorCode.COORDINATOR_LOAD_IN_PROGRESS)
    assert.deepEqual(codes(await offsets.commitOffsets('g', '', -1, commit('t', [[0, 1n]]))), [ErrorCode.COORDINATOR_LOAD_IN_PROGRESS])
    gate.resolve()
    await loading
    assert.deepEqual(offsetsOf(offsets, 'g', 't', [0]), [8n])
  })

  it('drops a partition whose load is unloaded midway', async () => {
    const log = new MemoryCoordinatorLog()
    log.appendNow(buildRecordBatchSync({ records: [record(encodeGroupMetadataKey('g'), EMPTY_GROUP_VALUE)] }))
    const gate = promiseWithResolvers<void>()
    log.readGate = gate.promise
    const offsets = coordinator()
    const loading = offsets.loadPartition(0, log)
    offsets.unloadPartition(0)
    gate.resolve()
    await loading
    assert.equal(offsets.fetchOffsets('g', null, false).errorCode, ErrorCode.NOT_COORDINATOR)
  })

  it('replays the log: latest value wins, tombstones delete, old versions read, unknown types skipped', async () => {
    const log = new MemoryCoordinatorLog()
    const value = (offset: bigint, version = 3): Buffer =>
      encodeOffsetCommitValue({ offset, leaderEpoch: version >= 3 ? 4 : -1, metadata: `m${offset}`, commitTimestamp: 1n, expireTimestamp: -1n }, version)
    const keyV0 = Buffer.from(encodeOffsetCommitKey('g', 't', 2))
    keyV0.writeInt16BE(0, 0)
    log.appendNow(buildRecordBatchSync({ records: [
      record(encodeOffsetCommitKey('g', 't', 0), value(1n)),
      record(encodeOffsetCommitKey('g', 't', 1), value(10n)),
      record(keyV0, value(20n, 0)),
    ] }))
    log.appendNow(buildRecordBatchSync({ records: [
      record(encodeOffsetCommitKey('g', 't', 0), value(2n, 4)),
      record(encodeOffsetCommitKey('g', 't', 1), null),
      record(Buffer.from([0, 5, 1, 2, 3]), Buffer.from([0, 0])), // a KIP-848 record type
      record(encodeGroupMetadataKey('other'), EMPTY_GROUP_VALUE),
    ] }))
    const { offsets } = await loaded(log)
    assert.deepEqual(offsets.fetchOffsets('g', null, false).topics, [{
      name: 't', partitions: [
        { partitionIndex: 0, committedOffset: 2n, committedLeaderEpoch: 4, metadata: 'm2', errorCode: 0 },
        { partitionIndex: 2, committedOffset: 20n, committedLeaderEpoch: -1, metadata: 'm20', errorCode: 0 },
      ],
    }])
    // The GroupMetadata record made 'other' an existing (empty) group.
    assert.deepEqual(codes(await offsets.commitOffsets('other', 'm', 1, commit('t', [[0, 1n]]))), [ErrorCode.UNKNOWN_MEMBER_ID])
  })

  it('skips transactional commits and transaction markers while loading', async () => {
    const log = new MemoryCoordinatorLog()
    const value = encodeOffsetCommitValue({ offset: 9n, leaderEpoch: -1, metadata: '', commitTimestamp: 1n, expireTimestamp: -1n })
    log.appendNow(buildRecordBatchSync({ records: [record(encodeOffsetCommitKey('g', 't', 0), value)] }))
    log.appendNow(buildRecordBatchSync({ isTransactional: true, producerId: 5n, producerEpoch: 0, records: [record(encodeOffsetCommitKey('g', 't', 0), Buffer.from([0, 9]))] }))
    log.appendNow(buildRecordBatchSync({ isControl: true, isTransactional: true, producerId: 5n, producerEpoch: 0, records: [record(Buffer.from([0, 0, 0, 1]), Buffer.from([0, 0]))] }))
    const { offsets } = await loaded(log)
    assert.deepEqual(offsetsOf(offsets, 'g', 't', [0]), [9n])
  })

  it('rejects a load whose log holds an undecodable value, and drops the partition', async () => {
    const log = new MemoryCoordinatorLog()
    log.appendNow(buildRecordBatchSync({ records: [record(encodeOffsetCommitKey('g', 't', 0), Buffer.from([0, 9]))] }))
    const offsets = coordinator()
    await assert.rejects(offsets.loadPartition(0, log), { code: 'ERR_COORDINATOR_RECORD' })
    assert.equal(offsets.fetchOffsets('g', null, false).errorCode, ErrorCode.NOT_COORDINATOR)
  })
})

describe('OffsetCoordinator on a PartitionLog', () => {
  it('keeps commits across a reopen of the log and a reload', async (t) => {
    const { log, fixture } = await openTestLog(t, { segmentBytes: 1024 })
    const adapter = (partitionLog: typeof log): CoordinatorPartitionLog => ({
      async append(batch) {
        const result = await partitionLog.append(batch, 0)
        if (!result.ok) return result.problem === 'storage' ? ErrorCode.KAFKA_STORAGE_ERROR : ErrorCode.CORRUPT_MESSAGE
        partitionLog.updateHighWatermark(partitionLog.logEndOffset) // a single replica: committed at once
        return ErrorCode.NONE
      },
      async read(offset, maxBytes) {
        const result = await partitionLog.read(offset, maxBytes, { maxOffset: partitionLog.highWatermark })
        if (!result.ok) throw new Error(result.reason)
        return result.slice === undefined ? Buffer.alloc(0) : readSlice(result.slice)
      },
      get logStartOffset() { return partitionLog.logStartOffset },
      get highWatermark() { return partitionLog.highWatermark },
    })
    const first = coordinator()
    await first.loadPartition(0, adapter(log))
    for (let round = 0n; round < 20n; round++) {
      assert.deepEqual(codes(await first.commitOffsets('g', '', -1, commit('t', [[0, round], [1, 100n + round]]))), [0, 0])
    }
    await first.commitOffsets('h', '', -1, commit('u', [[0, 7n, 'kept']]))
    assert.ok(log.segmentCount > 1, 'the commits span segments')
    const highWatermark = log.highWatermark
    await log.close()

    const reopened = await fixture.reopen({ highWatermark, hadCleanShutdown: true, recoveryPoint: highWatermark })
    const second = coordinator()
    await second.loadPartition(0, adapter(reopened))
    assert.deepEqual(offsetsOf(second, 'g', 't', [0, 1]), [19n, 119n])
    assert.deepEqual(second.fetchOffsets('h', null, false).topics,
      [{ name: 'u', partitions: [{ partitionIndex: 0, committedOffset: 7n, committedLeaderEpoch: -1, metadata: 'kept', errorCode: 0 }] }])
    const onDisk = await adapter(reopened).read(0n, 1 << 20)
    assert.ok(splitRecordBatches(onDisk).batches.length >= 1)
  })
})
