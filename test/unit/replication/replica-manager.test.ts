// The partitions a broker hosts: matching the logs to a metadata image at start-up and to each
// committed delta, producer appends and their refusals, consumer fetches (parking until data or
// the wait runs out) and ListOffsets, all over real logs in a temp dir.
import assert from 'node:assert/strict'
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { systemClock } from '../../../src/clock.js'
import { EARLIEST_TIMESTAMP, LATEST_TIMESTAMP, MAX_TIMESTAMP } from '../../../src/log/partition-log.js'
import type { MetadataImage } from '../../../src/metadata/image.js'
import type { MetadataRecord } from '../../../src/metadata/metadata-record-codec.js'
import { ErrorCode } from '../../../src/protocol/error-codes.js'
import { readRecordBatchHeader, splitRecordBatches } from '../../../src/protocol/record-batch.js'
import type { BrokerTopicStats } from '../../../src/replication/broker-topic-stats.js'
import { IsolationLevel, type FetchParams, type FetchPartitionRequest, type FetchPartitionResult, type ReplicaManager } from '../../../src/replication/replica-manager.js'
import { testBatch } from '../../helpers/log-fixtures.js'
import { partition, topic } from '../../helpers/metadata-records.js'
import { NODE_ID, replay, scope, startReplicas, topicIdOf, type Scope } from '../../helpers/replicas.js'
import { recordBytesAsBuffer, type RecordBytes } from '../../../src/protocol/record-bytes.js'
import { ManualClock } from '../../helpers/manual-clock.js'

const ORDERS = topicIdOf(1)
const REPLICATED = topicIdOf(2)
const OFFSETS = topicIdOf(3)
const OTHER = 2

/** A PartitionRecord at a leader epoch, with the ISR given (all replicas by default). */
function partitionAt(topicId: string, partitionId: number, replicas: number[], leader: number, leaderEpoch: number, isr = replicas): MetadataRecord {
  const record = partition(topicId, partitionId, replicas, leader)
  assert.ok(record.type === 'PartitionRecord')
  return { ...record, value: { ...record.value, leaderEpoch, isr: [...isr] } }
}

/** leader change of a partition (bumps its leader epoch), as the controller writes it. */
function leaderChange(topicId: string, partitionId: number, leader: number): MetadataRecord {
  return {
    type: 'PartitionChangeRecord', version: 0, value: {
      partitionId, topicId, isr: null, leader, replicas: null, removingReplicas: null, addingReplicas: null,
      leaderRecoveryState: -1, directories: null, eligibleLeaderReplicas: null, lastKnownElr: null,
    },
  }
}

const removeTopic = (topicId: string): MetadataRecord => ({ type: 'RemoveTopicRecord', version: 0, value: { topicId } })

/**
 * orders-0 led here (epoch 3), orders-1 led by broker 2 with a replica here, replicated-0 led here
 * with broker 2 in the ISR, __consumer_offsets-0 led here.
 */
function clusterRecords(): MetadataRecord[] {
  return [
    topic('orders', ORDERS), partitionAt(ORDERS, 0, [NODE_ID], NODE_ID, 3), partitionAt(ORDERS, 1, [OTHER, NODE_ID], OTHER, 0),
    topic('replicated', REPLICATED), partitionAt(REPLICATED, 0, [NODE_ID, OTHER], NODE_ID, 0),
    topic('__consumer_offsets', OFFSETS), partitionAt(OFFSETS, 0, [NODE_ID], NODE_ID, 0),
  ]
}

async function cluster(within: Scope, options: Parameters<typeof startReplicas>[1] = {}): Promise<{ replicas: ReplicaManager; image: MetadataImage } & Awaited<ReturnType<typeof startReplicas>>> {
  const fixture = await startReplicas(within, options)
  const { image, changes } = replay(clusterRecords())
  await fixture.replicas.applyChanges(changes, image)
  return { ...fixture, image }
}

function fetchRequest(topicName: string, partitionIndex: number, fetchOffset: bigint, fields: Partial<FetchPartitionRequest> = {}): FetchPartitionRequest {
  return { topic: topicName, partition: partitionIndex, fetchOffset, partitionMaxBytes: 1 << 20, currentLeaderEpoch: -1, ...fields }
}

function fetchParams(partitions: FetchPartitionRequest[], fields: Partial<FetchParams> = {}): FetchParams {
  return { maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel: IsolationLevel.READ_UNCOMMITTED, partitions, ...fields }
}

function only(results: FetchPartitionResult[]): FetchPartitionResult {
  assert.equal(results.length, 1)
  return results[0]!
}

function baseOffsets(records: RecordBytes): bigint[] {
  return splitRecordBatches(recordBytesAsBuffer(records)).batches.map((batch) => readRecordBatchHeader(batch).baseOffset)
}

/** Resolves with `promise`'s value, or with 'not woken' after `boundMs` (a generous bound, far beyond a wake-up). */
async function raceWake<T>(promise: Promise<T>, boundMs: number): Promise<T | 'not woken'> {
  let timer: NodeJS.Timeout | undefined
  const guard = new Promise<'not woken'>((resolve) => { timer = setTimeout(() => resolve('not woken'), boundMs) })
  try {
    return await Promise.race([promise, guard])
  } finally {
    clearTimeout(timer)
  }
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

describe('ReplicaManager.loadImage', () => {
  it('opens the partitions with a replica here and deletes logs of topics or replicas the image lacks', async (t) => {
    const within = scope(t)
    const before = await startReplicas(within)
    await before.logManager.getOrCreateLog('orders', 0, ORDERS)
    const ordersLog = await before.logManager.getOrCreateLog('orders', 1, ORDERS)
    assert.ok((await ordersLog.append(testBatch('kept', 2), 0)).ok)
    await before.logManager.getOrCreateLog('gone', 0, topicIdOf(9))
    await before.logManager.getOrCreateLog('replicated', 1, REPLICATED)
    await before.logManager.close()

    const { replicas, logManager, logDir } = await startReplicas(within, { logDir: before.logDir })
    const { image } = replay([...clusterRecords(), partitionAt(REPLICATED, 1, [OTHER], OTHER, 0)])
    await replicas.loadImage(image)

    assert.deepEqual([...logManager.allLogs()].map(({ topicPartition }) => `${topicPartition.topic}-${topicPartition.partition}`).sort(),
      ['__consumer_offsets-0', 'orders-0', 'orders-1', 'replicated-0'])
    assert.equal(replicas.partitionCount, 4)
    assert.equal(replicas.partition('orders', 0)?.isLeader, true)
    assert.equal(replicas.partition('orders', 1)?.isLeader, false, 'a follower replica is hosted too')
    assert.equal(replicas.partition('orders', 1)?.log.logEndOffset, 2n, 'its data is kept')
    assert.equal(replicas.partition('replicated', 1), undefined)
    assert.equal(logManager.getLog('gone', 0), undefined)
    assert.equal(logManager.getLog('replicated', 1), undefined, 'a replica moved away is deleted')
    const onDisk = readdirSync(logDir).filter((name) => !name.endsWith('-delete'))
    assert.ok(!onDisk.includes('gone-0') && !onDisk.includes('replicated-1'), onDisk.join(', '))
  })

  it('replaces a log whose partition.metadata names another topic id (the topic was deleted and re-created)', async (t) => {
    const within = scope(t)
    const before = await startReplicas(within)
    const stale = await before.logManager.getOrCreateLog('orders', 0, topicIdOf(8))
    assert.ok((await stale.append(testBatch('old-topic', 3), 0)).ok)
    await before.logManager.close()

    const { replicas, logDir } = await startReplicas(within, { logDir: before.logDir })
    const { image } = replay(clusterRecords())
    await replicas.loadImage(image)
    const hosted = replicas.partition('orders', 0)
    assert.ok(hosted !== undefined)
    assert.equal(hosted.topicId, ORDERS)
    assert.equal(hosted.log.logEndOffset, 0n, 'the old topic\'s records are gone')
    assert.match(readFileSync(join(logDir, 'orders-0', 'partition.metadata'), 'utf8'), new RegExp(`topic_id: ${ORDERS}`))
  })
})

describe('ReplicaManager.applyChanges', () => {
  it('creates logs for new topics with a replica here and deletes them when the topic is deleted', async (t) => {
    const within = scope(t)
    const { replicas, logManager, logDir } = await startReplicas(within)
    const created = replay([topic('orders', ORDERS), partitionAt(ORDERS, 0, [NODE_ID], NODE_ID, 0), partitionAt(ORDERS, 1, [OTHER], OTHER, 0)])
    await replicas.applyChanges(created.changes, created.image)
    assert.ok(replicas.partition('orders', 0)?.isLeader)
    assert.equal(replicas.partition('orders', 1), undefined)
    assert.equal(logManager.getLog('orders', 1), undefined)
    assert.match(readFileSync(join(logDir, 'orders-0', 'partition.metadata'), 'utf8'), new RegExp(`topic_id: ${ORDERS}`))
    assert.equal((await replicas.appendRecords(created.image, 'orders', 0, testBatch('a'), 1, 1000)).errorCode, ErrorCode.NONE)

    const deleted = replay([removeTopic(ORDERS)], created.image)
    await replicas.applyChanges(deleted.changes, deleted.image)
    assert.equal(replicas.partition('orders', 0), undefined)
    assert.equal(logManager.getLog('orders', 0), undefined)
    assert.equal(existsSync(join(logDir, 'orders-0')), false)

    // The name is free again: a new topic of the same name starts an empty log.
    const recreated = replay([topic('orders', topicIdOf(7)), partitionAt(topicIdOf(7), 0, [NODE_ID], NODE_ID, 0)], deleted.image)
    await replicas.applyChanges(recreated.changes, recreated.image)
    assert.equal(replicas.partition('orders', 0)?.topicId, topicIdOf(7))
    assert.equal(replicas.partition('orders', 0)?.log.logEndOffset, 0n)
  })

  it('follows a leader change: the old leader refuses appends with NOT_LEADER_OR_FOLLOWER', async (t) => {
    const { replicas, image } = await cluster(scope(t))
    const moved = replay([leaderChange(ORDERS, 0, OTHER)], image)
    await replicas.applyChanges(moved.changes, moved.image)
    assert.equal(replicas.partition('orders', 0)?.isLeader, false)
    assert.equal(replicas.partition('orders', 0)?.leaderEpoch, 4)
    assert.equal((await replicas.appendRecords(moved.image, 'orders', 0, testBatch('a'), 1, 1000)).errorCode, ErrorCode.NOT_LEADER_OR_FOLLOWER)
  })
})

describe('ReplicaManager.appendRecords', () => {
  it('appends as leader and moves the high watermark to the log end when the ISR is the leader alone', async (t) => {
    const { replicas, image } = await cluster(scope(t))
    const first = await replicas.appendRecords(image, 'orders', 0, testBatch('a', 3), -1, 1000)
    assert.ok('baseOffset' in first, JSON.stringify(first, (_k, v: unknown) => typeof v === 'bigint' ? v.toString() : v))
    assert.equal(first.baseOffset, 0n)
    assert.equal(first.lastOffset, 2n)
    assert.equal(first.logAppendTime, -1n)
    assert.equal(first.logStartOffset, 0n)
    const second = await replicas.appendRecords(image, 'orders', 0, testBatch('b', 1), 1, 1000)
    assert.ok('baseOffset' in second)
    assert.equal(second.baseOffset, 3n)
    const log = replicas.partition('orders', 0)!.log
    assert.equal(log.logEndOffset, 4n)
    assert.equal(log.highWatermark, 4n)
  })

  it('answers NOT_LEADER_OR_FOLLOWER when another broker leads and UNKNOWN_TOPIC_OR_PARTITION for what the image lacks', async (t) => {
    const { replicas, image } = await cluster(scope(t))
    assert.equal((await replicas.appendRecords(image, 'orders', 1, testBatch('a'), 1, 1000)).errorCode, ErrorCode.NOT_LEADER_OR_FOLLOWER)
    assert.equal((await replicas.appendRecords(image, 'orders', 2, testBatch('a'), 1, 1000)).errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
    assert.equal((await replicas.appendRecords(image, 'missing', 0, testBatch('a'), 1, 1000)).errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
  })

  it('refuses a client append to __consumer_offsets with INVALID_TOPIC_EXCEPTION; the broker itself may append', async (t) => {
    const { replicas, image } = await cluster(scope(t))
    assert.equal((await replicas.appendRecords(image, '__consumer_offsets', 0, testBatch('a'), 1, 1000)).errorCode, ErrorCode.INVALID_TOPIC_EXCEPTION)
    assert.equal((await replicas.appendInternal(image, '__consumer_offsets', 0, testBatch('a'), 1000)).errorCode, ErrorCode.NONE)
  })

  it('refuses missing records, garbage and a corrupted CRC with CORRUPT_MESSAGE, two batches with INVALID_RECORD', async (t) => {
    const { replicas, image } = await cluster(scope(t))
    const corrupted = Buffer.from(testBatch('a', 2))
    corrupted[corrupted.length - 1]! ^= 0x01
    const cases: Array<[string, Buffer | null, number]> = [
      ['null', null, ErrorCode.CORRUPT_MESSAGE],
      ['empty', Buffer.alloc(0), ErrorCode.CORRUPT_MESSAGE],
      ['garbage', Buffer.from('these bytes are not a record batch, whatever a producer says'), ErrorCode.CORRUPT_MESSAGE],
      ['crc', corrupted, ErrorCode.CORRUPT_MESSAGE],
      ['two batches', Buffer.concat([testBatch('a'), testBatch('b')]), ErrorCode.INVALID_RECORD],
    ]
    for (const [name, records, errorCode] of cases) {
      assert.equal((await replicas.appendRecords(image, 'orders', 0, records, 1, 1000)).errorCode, errorCode, name)
    }
    assert.equal(replicas.partition('orders', 0)!.log.logEndOffset, 0n)
  })

  it('refuses a batch over max.message.bytes with MESSAGE_TOO_LARGE', async (t) => {
    const { replicas, image } = await cluster(scope(t), { config: { maxMessageBytes: 300 } })
    assert.equal((await replicas.appendRecords(image, 'orders', 0, testBatch('big', 1, 1n, 400), 1, 1000)).errorCode, ErrorCode.MESSAGE_TOO_LARGE)
    assert.equal((await replicas.appendRecords(image, 'orders', 0, testBatch('small'), 1, 1000)).errorCode, ErrorCode.NONE)
  })

  it('refuses a CreateTime batch outside message.timestamp.before.max.ms with INVALID_TIMESTAMP', async (t) => {
    const clock = new ManualClock()
    const { replicas, image } = await cluster(scope(t), { clock, config: { messageTimestampBeforeMaxMs: 1000 } })
    const result = await replicas.appendRecords(image, 'orders', 0, testBatch('old', 1, BigInt(clock.nowMs() - 5000)), 1, 1000)
    assert.equal(result.errorCode, ErrorCode.INVALID_TIMESTAMP)
    assert.equal((await replicas.appendRecords(image, 'orders', 0, testBatch('now', 1, BigInt(clock.nowMs())), 1, 1000)).errorCode, ErrorCode.NONE)
  })

  it('refuses acks=-1 with NOT_ENOUGH_REPLICAS when the ISR is smaller than min.insync.replicas', async (t) => {
    const { replicas, image } = await cluster(scope(t), { minInsyncReplicas: 2 })
    assert.equal((await replicas.appendRecords(image, 'orders', 0, testBatch('a'), -1, 1000)).errorCode, ErrorCode.NOT_ENOUGH_REPLICAS)
    assert.equal(replicas.partition('orders', 0)!.log.logEndOffset, 0n)
    assert.equal((await replicas.appendRecords(image, 'orders', 0, testBatch('a'), 1, 1000)).errorCode, ErrorCode.NONE)
  })

  it('times out acks=-1 with REQUEST_TIMED_OUT while another broker in the ISR holds the high watermark', async (t) => {
    const { replicas, image } = await cluster(scope(t))
    assert.equal((await replicas.appendRecords(image, 'replicated', 0, testBatch('a'), -1, 20)).errorCode, ErrorCode.REQUEST_TIMED_OUT)
    const log = replicas.partition('replicated', 0)!.log
    assert.equal(log.logEndOffset, 1n)
    assert.equal(log.highWatermark, 0n)
    assert.equal((await replicas.appendRecords(image, 'replicated', 0, testBatch('b'), 1, 20)).errorCode, ErrorCode.NONE, 'acks=1 does not wait')
  })
})

describe('ReplicaManager.fetch', () => {
  it('returns the stored batches from an offset, and nothing at the log end', async (t) => {
    const { replicas, image } = await cluster(scope(t))
    const first = testBatch('a', 2)
    const second = testBatch('b', 3)
    await replicas.appendRecords(image, 'orders', 0, first, 1, 1000)
    await replicas.appendRecords(image, 'orders', 0, second, 1, 1000)
    const all = only(await replicas.fetch(() => image, fetchParams([fetchRequest('orders', 0, 0n)])))
    assert.equal(all.errorCode, ErrorCode.NONE)
    assert.deepEqual(recordBytesAsBuffer(all.records), Buffer.concat([first, second]), 'the bytes as stored (offsets assigned in place)')
    assert.deepEqual(baseOffsets(all.records), [0n, 2n])
    assert.equal(all.highWatermark, 5n)
    assert.equal(all.lastStableOffset, 5n)
    assert.equal(all.logStartOffset, 0n)
    const fromMiddle = only(await replicas.fetch(() => image, fetchParams([fetchRequest('orders', 0, 3n)])))
    assert.deepEqual(baseOffsets(fromMiddle.records), [2n], 'from the batch holding the offset')
    const atEnd = only(await replicas.fetch(() => image, fetchParams([fetchRequest('orders', 0, 5n)])))
    assert.equal(atEnd.errorCode, ErrorCode.NONE)
    assert.equal(atEnd.records.length, 0)
  })

  it('serves the same bytes from recent batches in memory and, once they are evicted, from the log', async (t) => {
    const batches = [testBatch('m', 2), testBatch('n', 3), testBatch('o', 1)]
    const within = scope(t)
    const cached = await cluster(within, { logDir: join(within.dir, 'cached') })
    const evicted = await cluster(within, { logDir: join(within.dir, 'evicted'), recentBatchesBytes: batches[2]!.length })
    for (const batch of batches) {
      await cached.replicas.appendRecords(cached.image, 'orders', 0, Buffer.from(batch), 1, 1000)
      await evicted.replicas.appendRecords(evicted.image, 'orders', 0, Buffer.from(batch), 1, 1000)
    }
    assert.ok(cached.replicas.partition('orders', 0)!.recentBatches!.read(0n, 6n, 1 << 20, true) !== undefined, 'all in memory')
    assert.equal(evicted.replicas.partition('orders', 0)!.recentBatches!.read(0n, 6n, 1 << 20, true), undefined, 'the first batches were evicted')
    for (const offset of [0n, 2n, 3n, 5n]) {
      const fromMemory = only(await cached.replicas.fetch(() => cached.image, fetchParams([fetchRequest('orders', 0, offset)])))
      const fromLog = only(await evicted.replicas.fetch(() => evicted.image, fetchParams([fetchRequest('orders', 0, offset)])))
      assert.deepEqual({ ...fromMemory, records: recordBytesAsBuffer(fromMemory.records) }, fromLog, `fetch at ${offset}`)
    }
  })

  it('answers OFFSET_OUT_OF_RANGE beyond the log end, and lookup errors per partition', async (t) => {
    const { replicas, image } = await cluster(scope(t))
    await replicas.appendRecords(image, 'orders', 0, testBatch('a', 2), 1, 1000)
    const results = await replicas.fetch(() => image, fetchParams([
      fetchRequest('orders', 0, 3n), fetchRequest('orders', 1, 0n), fetchRequest('missing', 0, 0n),
    ], { minBytes: 1, maxWaitMs: 5000 }))
    assert.deepEqual(results.map(({ errorCode }) => errorCode), [ErrorCode.OFFSET_OUT_OF_RANGE, ErrorCode.NOT_LEADER_OR_FOLLOWER, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION])
    assert.equal(results[0]!.highWatermark, 2n)
    assert.equal(results[2]!.highWatermark, -1n)
  })

  it('answers FENCED_LEADER_EPOCH for an older currentLeaderEpoch and UNKNOWN_LEADER_EPOCH for a newer one', async (t) => {
    const { replicas, image } = await cluster(scope(t))
    await replicas.appendRecords(image, 'orders', 0, testBatch('a'), 1, 1000)
    const codes = async (epoch: number): Promise<number> => only(await replicas.fetch(() => image, fetchParams([fetchRequest('orders', 0, 0n, { currentLeaderEpoch: epoch })]))).errorCode
    assert.equal(await codes(2), ErrorCode.FENCED_LEADER_EPOCH)
    assert.equal(await codes(4), ErrorCode.UNKNOWN_LEADER_EPOCH)
    assert.equal(await codes(3), ErrorCode.NONE)
    assert.equal(await codes(-1), ErrorCode.NONE)
  })

  it('keeps to maxBytes but returns at least one whole batch for the first partition', async (t) => {
    const { replicas, image } = await cluster(scope(t))
    const first = testBatch('a', 2, 1n, 200)
    await replicas.appendRecords(image, 'orders', 0, first, 1, 1000)
    await replicas.appendRecords(image, 'orders', 0, testBatch('b', 2, 1n, 200), 1, 1000)
    await replicas.appendRecords(image, 'replicated', 0, testBatch('c'), 1, 1000)
    // The replicated partition's high watermark stays at 0 (broker 2 is in its ISR): use __consumer_offsets as the second.
    await replicas.appendInternal(image, '__consumer_offsets', 0, testBatch('d'), 1000)
    const limited = await replicas.fetch(() => image, fetchParams([fetchRequest('orders', 0, 0n), fetchRequest('__consumer_offsets', 0, 0n)], { maxBytes: 10 }))
    assert.deepEqual(limited.map(({ errorCode }) => errorCode), [ErrorCode.NONE, ErrorCode.NONE])
    assert.deepEqual(recordBytesAsBuffer(limited[0]!.records), first, 'one whole batch over the limit')
    assert.equal(limited[1]!.records.length, 0, 'nothing left for the second partition')

    const byPartition = await replicas.fetch(() => image, fetchParams([fetchRequest('orders', 0, 0n, { partitionMaxBytes: 10 })]))
    assert.deepEqual(recordBytesAsBuffer(only(byPartition).records), first, 'partitionMaxBytes too')

    const roomForBoth = await replicas.fetch(() => image, fetchParams([fetchRequest('orders', 0, 0n), fetchRequest('__consumer_offsets', 0, 0n)], { maxBytes: 1 << 20 }))
    assert.deepEqual(roomForBoth.map(({ records }) => baseOffsets(records)), [[0n, 2n], [0n]])
  })

  it('reads only below the high watermark', async (t) => {
    const { replicas, image } = await cluster(scope(t))
    await replicas.appendRecords(image, 'replicated', 0, testBatch('a'), 1, 1000)
    const result = only(await replicas.fetch(() => image, fetchParams([fetchRequest('replicated', 0, 0n)])))
    assert.equal(result.errorCode, ErrorCode.NONE)
    assert.equal(result.records.length, 0)
    assert.equal(result.highWatermark, 0n)
  })

  it('wakes a parked fetch as soon as an append lands, long before maxWaitMs', async (t) => {
    const { replicas, image } = await cluster(scope(t), { clock: systemClock })
    const parked = replicas.fetch(() => image, fetchParams([fetchRequest('orders', 0, 0n)], { minBytes: 1, maxWaitMs: 5000 }))
    await nextTurn()
    const batch = testBatch('late', 2)
    assert.equal((await replicas.appendRecords(image, 'orders', 0, batch, 1, 1000)).errorCode, ErrorCode.NONE)
    const woken = await raceWake(parked, 4000)
    assert.ok(woken !== 'not woken', 'the append wakes the fetch; only its 5 s wait would end it otherwise')
    assert.deepEqual(recordBytesAsBuffer(only(woken).records), batch)
  })

  it('returns empty after maxWaitMs when nothing arrives', async (t) => {
    const { replicas, image } = await cluster(scope(t), { clock: systemClock })
    const result = only(await replicas.fetch(() => image, fetchParams([fetchRequest('orders', 0, 0n)], { minBytes: 1, maxWaitMs: 50 })))
    assert.equal(result.errorCode, ErrorCode.NONE)
    assert.equal(result.records.length, 0)
  })

  it('wakes parked fetches on close', async (t) => {
    const { replicas, image } = await cluster(scope(t), { clock: systemClock })
    const parked = replicas.fetch(() => image, fetchParams([fetchRequest('orders', 0, 0n)], { minBytes: 1, maxWaitMs: 5000 }))
    await nextTurn()
    replicas.close()
    const woken = await raceWake(parked, 4000)
    assert.ok(woken !== 'not woken', 'close wakes the fetch')
    assert.equal(only(woken).records.length, 0)
  })
})

describe('ReplicaManager.listOffset', () => {
  it('answers EARLIEST, LATEST (the high watermark), MAX_TIMESTAMP and by timestamp, with leader epochs', async (t) => {
    const { replicas, image } = await cluster(scope(t))
    const list = (at: MetadataImage, timestamp: bigint, currentLeaderEpoch = -1): ReturnType<ReplicaManager['listOffset']> =>
      replicas.listOffset(at, 'orders', 0, timestamp, IsolationLevel.READ_UNCOMMITTED, currentLeaderEpoch)
    await replicas.appendRecords(image, 'orders', 0, testBatch('a', 3, 1000n), 1, 1000) // offsets 0-2, epoch 3
    const bumped = replay([leaderChange(ORDERS, 0, NODE_ID)], image)
    await replicas.applyChanges(bumped.changes, bumped.image)
    const at = bumped.image
    await replicas.appendRecords(at, 'orders', 0, testBatch('b', 2, 5000n), 1, 1000) // offsets 3-4, epoch 4
    await replicas.appendRecords(at, 'orders', 0, testBatch('c', 2, 2000n), 1, 1000) // offsets 5-6, epoch 4

    assert.deepEqual(await list(at, EARLIEST_TIMESTAMP), { errorCode: ErrorCode.NONE, offset: 0n, timestamp: -1n, leaderEpoch: 3 })
    assert.deepEqual(await list(at, LATEST_TIMESTAMP), { errorCode: ErrorCode.NONE, offset: 7n, timestamp: -1n, leaderEpoch: 4 })
    assert.deepEqual(await list(at, MAX_TIMESTAMP), { errorCode: ErrorCode.NONE, offset: 4n, timestamp: 5001n, leaderEpoch: 4 })
    assert.deepEqual(await list(at, 1001n), { errorCode: ErrorCode.NONE, offset: 1n, timestamp: 1001n, leaderEpoch: 3 })
    assert.deepEqual(await list(at, 1500n), { errorCode: ErrorCode.NONE, offset: 3n, timestamp: 5000n, leaderEpoch: 4 })
    assert.deepEqual(await list(at, 9999n), { errorCode: ErrorCode.NONE, offset: -1n, timestamp: -1n, leaderEpoch: -1 })
    assert.equal((await list(at, LATEST_TIMESTAMP, 3)).errorCode, ErrorCode.FENCED_LEADER_EPOCH)
    assert.equal((await list(at, LATEST_TIMESTAMP, 5)).errorCode, ErrorCode.UNKNOWN_LEADER_EPOCH)
  })

  it('answers LATEST as the high watermark, below the log end, and finds no timestamp beyond it', async (t) => {
    const { replicas, image } = await cluster(scope(t))
    await replicas.appendRecords(image, 'replicated', 0, testBatch('a', 2, 1000n), 1, 1000)
    const latest = await replicas.listOffset(image, 'replicated', 0, LATEST_TIMESTAMP, IsolationLevel.READ_UNCOMMITTED, -1)
    assert.equal(latest.offset, 0n)
    assert.equal(replicas.partition('replicated', 0)!.log.logEndOffset, 2n)
    assert.equal((await replicas.listOffset(image, 'replicated', 0, 1000n, IsolationLevel.READ_UNCOMMITTED, -1)).offset, -1n)
  })

  it('answers lookup errors with offset -1', async (t) => {
    const { replicas, image } = await cluster(scope(t))
    assert.deepEqual(await replicas.listOffset(image, 'orders', 1, LATEST_TIMESTAMP, 0, -1), { errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER, offset: -1n, timestamp: -1n, leaderEpoch: -1 })
    assert.equal((await replicas.listOffset(image, 'missing', 0, LATEST_TIMESTAMP, 0, -1)).errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
  })
})

describe('ReplicaManager topic stats', () => {
  it('reports producer appends and consumer reads per topic: bytes, records, refusals, and unknown topics without a name', async (t) => {
    const events: string[] = []
    const topicStats: BrokerTopicStats = {
      appended: (topicName, bytes, records) => events.push(`appended ${topicName} ${bytes} ${records}`),
      appendFailed: (topicName, rejectedBytes) => events.push(`appendFailed ${topicName} ${rejectedBytes}`),
      fetched: (topicName, bytes) => events.push(`fetched ${topicName} ${bytes}`),
      fetchFailed: (topicName) => events.push(`fetchFailed ${topicName}`),
    }
    const { replicas, image } = await cluster(scope(t), { topicStats, config: { maxMessageBytes: 300 } })
    const batch = testBatch('a', 3)
    await replicas.appendRecords(image, 'orders', 0, batch, 1, 1000)
    const tooLarge = testBatch('big', 1, 1n, 400)
    await replicas.appendRecords(image, 'orders', 0, tooLarge, 1, 1000)
    await replicas.appendRecords(image, 'orders', 1, testBatch('b'), 1, 1000)
    await replicas.appendRecords(image, 'no-such-topic', 0, testBatch('c'), 1, 1000)
    await replicas.appendInternal(image, '__consumer_offsets', 0, testBatch('d'), 1000)
    await replicas.fetch(() => image, fetchParams([fetchRequest('orders', 0, 0n), fetchRequest('orders', 0, 99n), fetchRequest('no-such-topic', 0, 0n)]))
    assert.deepEqual(events, [
      `appended orders ${batch.length} 3`,
      `appendFailed orders ${tooLarge.length}`,
      'appendFailed orders 0',
      'appendFailed undefined 0',
      `fetched orders ${batch.length}`,
      'fetchFailed orders',
      'fetchFailed undefined',
    ])
  })
})
