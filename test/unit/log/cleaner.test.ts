import assert from 'node:assert/strict'
import { readdirSync } from 'node:fs'
import { test } from 'node:test'
import {
  LogCleaningAbortedError,
  assessCleanable,
  cleanLog,
  cleanableDirtyRatio,
  createCleanerState,
  readCleanerCheckpoint,
  writeCleanerCheckpoint,
  type CleanResult,
  type CleanerState,
} from '../../../src/log/cleaner.js'
import type { LogConfig } from '../../../src/log/log-config.js'
import type { PartitionLog } from '../../../src/log/partition-log.js'
import { applyRetention } from '../../../src/log/retention.js'
import { StorageError } from '../../../src/log/storage-error.js'
import { NodeStorage, type OpenMode, type Storage, type StorageFile } from '../../../src/log/storage.js'
import { buildRecordBatch } from '../../../src/protocol/build-record-batch.js'
import { CompressionType } from '../../../src/protocol/compression/compression-type.js'
import { readRecords, type KafkaRecord } from '../../../src/protocol/read-records.js'
import { readRecordBatchHeader, splitRecordBatches, type RecordBatchHeader } from '../../../src/protocol/record-batch.js'
import { DelegatingStorage, delegatingFile } from '../../helpers/delegating-storage.js'
import { openTestLog, readSlice, tempDir, type LogFixture } from '../../helpers/log-fixtures.js'
import { seededRandom } from '../../helpers/seeded-random.js'

const MINUTE_MS = 60_000
const HOUR_MS = 60 * MINUTE_MS

/** A compacted log with small segments, cleaned whenever anything is dirty. */
function compactedConfig(overrides: Partial<LogConfig> = {}): Partial<LogConfig> {
  return { cleanupPolicy: ['compact'], segmentBytes: 600, indexIntervalBytes: 100, minCleanableDirtyRatio: 0, deleteRetentionMs: HOUR_MS, ...overrides }
}

interface Put {
  readonly key: string | null
  /** null: a tombstone. */
  readonly value: string | null
}

interface AppendedRecord {
  readonly key: string | null
  readonly value: string | null
  readonly timestamp: bigint
}

/** What was appended, to check a cleaned log against. */
class Model {
  readonly records = new Map<bigint, AppendedRecord>()
  /** Key → offset of its latest record. */
  readonly latest = new Map<string, bigint>()
  /** Base offset → the batch's compression and last offset, as appended. */
  readonly batches = new Map<bigint, { compression: CompressionType; lastOffset: bigint }>()

  async append(log: PartitionLog, puts: readonly Put[], timestamp: bigint, compression = CompressionType.NONE): Promise<bigint> {
    const batch = await buildRecordBatch({
      compression,
      records: puts.map((put) => ({ key: put.key === null ? null : Buffer.from(put.key), value: put.value === null ? null : Buffer.from(put.value), timestamp })),
    })
    const result = await log.append(batch, 0)
    assert.ok(result.ok, result.ok ? '' : result.reason)
    puts.forEach((put, index) => {
      const offset = result.baseOffset + BigInt(index)
      this.records.set(offset, { key: put.key, value: put.value, timestamp })
      const previous = put.key === null ? undefined : this.latest.get(put.key)
      if (put.key !== null && (previous === undefined || previous < offset)) this.latest.set(put.key, offset)
    })
    this.batches.set(result.baseOffset, { compression, lastOffset: result.lastOffset })
    return result.baseOffset
  }
}

interface ReadBatch {
  readonly header: RecordBatchHeader
  readonly bytes: Buffer
  readonly records: KafkaRecord[]
}

/** Every batch from the log start to the log end, in order. */
async function readLog(log: PartitionLog): Promise<ReadBatch[]> {
  const batches: ReadBatch[] = []
  let offset = log.logStartOffset
  for (let guard = 0; offset < log.logEndOffset && guard < 10_000; guard++) {
    const result = await log.read(offset, 1 << 20, { maxOffset: log.logEndOffset })
    assert.ok(result.ok)
    if (result.slice === undefined) break
    for (const bytes of splitRecordBatches(await readSlice(result.slice)).batches) {
      const header = readRecordBatchHeader(bytes)
      if (header.lastOffset < offset) continue
      batches.push({ header, bytes, records: await readRecords(bytes) })
      offset = header.lastOffset + 1n
    }
  }
  return batches
}

function keyOf(record: KafkaRecord): string | null {
  return record.key === null ? null : record.key.toString()
}

/**
 * Checks a log against the model: offsets strictly increase, every record is the one appended at
 * its offset, every batch keeps its base offset, last offset and codec, every key's latest record
 * is the model's (a latest tombstone may be gone only once older than delete.retention.ms), and
 * below `cleanedTo` no key appears twice.
 */
async function assertMatchesModel(log: PartitionLog, model: Model, options: { nowMs: number; cleanedTo: bigint; context: string }): Promise<KafkaRecord[]> {
  const { context } = options
  const batches = await readLog(log)
  const records: KafkaRecord[] = []
  let previousOffset = -1n
  for (const batch of batches) {
    const appended = model.batches.get(batch.header.baseOffset)
    assert.ok(appended !== undefined, `${context}: batch at ${batch.header.baseOffset} was never appended`)
    assert.equal(batch.header.lastOffset, appended.lastOffset, `${context}: last offset of batch ${batch.header.baseOffset}`)
    if (batch.header.recordCount > 0) assert.equal(batch.header.compression, appended.compression, `${context}: codec of batch ${batch.header.baseOffset}`)
    for (const record of batch.records) {
      assert.ok(record.offset > previousOffset, `${context}: offset ${record.offset} after ${previousOffset}`)
      previousOffset = record.offset
      const expected = model.records.get(record.offset)
      assert.ok(expected !== undefined, `${context}: no record was appended at ${record.offset}`)
      assert.deepEqual(
        { key: keyOf(record), value: record.value === null ? null : record.value.toString(), timestamp: record.timestamp },
        expected,
        `${context}: record at ${record.offset}`,
      )
      records.push(record)
    }
  }
  const latestInLog = new Map<string, bigint>()
  const cleanKeys = new Set<string>()
  for (const record of records) {
    const key = keyOf(record)
    if (key === null) continue
    latestInLog.set(key, record.offset)
    if (record.offset < options.cleanedTo) {
      assert.ok(!cleanKeys.has(key), `${context}: key ${key} twice in the cleaned section`)
      cleanKeys.add(key)
    }
  }
  const deleteHorizonMs = BigInt(options.nowMs - log.config.deleteRetentionMs)
  for (const [key, offset] of model.latest) {
    const expected = model.records.get(offset)!
    if (latestInLog.get(key) === offset) continue
    assert.ok(
      expected.value === null && expected.timestamp < deleteHorizonMs && !latestInLog.has(key),
      `${context}: key ${key} should end with offset ${offset} (${expected.value ?? 'tombstone'}), log has ${latestInLog.get(key)}`,
    )
  }
  return records
}

/** Makes everything appended cleanable (closes the active segment, moves the high watermark) and cleans. */
async function rollAndClean(log: PartitionLog, fixture: LogFixture, state: CleanerState, extra: { storage?: Storage } = {}): Promise<CleanResult | undefined> {
  await log.roll()
  log.updateHighWatermark(log.logEndOffset)
  return cleanLog(log, { nowMs: fixture.clock.nowMs(), storage: extra.storage ?? fixture.storage, state })
}

const CODECS = [CompressionType.NONE, CompressionType.GZIP, CompressionType.SNAPPY, CompressionType.LZ4, CompressionType.ZSTD] as const

test('compaction keeps exactly the latest record per key at its original offset, over many segments and rounds', async (t) => {
  const seed = 0x5eed_c1ea
  const random = seededRandom(seed)
  const context = (label: string): string => `seed ${seed}, ${label}`
  const { log, fixture } = await openTestLog(t, compactedConfig({ deleteRetentionMs: 30 * MINUTE_MS }))
  const model = new Model()
  const state = createCleanerState()
  let recordsAppended = 0
  for (let round = 0; round < 4; round++) {
    for (let batchIndex = 0; batchIndex < 30; batchIndex++) {
      const puts: Put[] = Array.from({ length: 1 + Math.floor(random() * 4) }, () => {
        const key = `key-${Math.floor(random() * 12)}`
        return { key, value: random() < 0.2 ? null : `value-${round}-${batchIndex}-${Math.floor(random() * 1000)}` }
      })
      const codec = CODECS[Math.floor(random() * CODECS.length)]!
      await model.append(log, puts, BigInt(fixture.clock.nowMs()), codec)
      recordsAppended += puts.length
    }
    log.updateHighWatermark(log.logEndOffset)
    const segmentsBefore = log.segmentCount
    const result = await cleanLog(log, { nowMs: fixture.clock.nowMs(), storage: fixture.storage, state })
    assert.ok(result !== undefined, context(`round ${round} is due`))
    assert.ok(segmentsBefore > 4, context(`round ${round} has ${segmentsBefore} segments`))
    assert.equal(state.firstDirtyOffset, result.endOffset)
    assert.equal(result.endOffset, log.allSegments[log.segmentCount - 1]!.baseOffset, 'everything but the active segment was cleanable')
    await assertMatchesModel(log, model, { nowMs: fixture.clock.nowMs(), cleanedTo: result.endOffset, context: context(`round ${round}`) })
    fixture.clock.advance(20 * MINUTE_MS)
  }
  const final = await rollAndClean(log, fixture, state)
  assert.ok(final !== undefined)
  const records = await assertMatchesModel(log, model, { nowMs: fixture.clock.nowMs(), cleanedTo: final.endOffset, context: context('final') })
  assert.ok(final.tombstonesRemoved + records.length < recordsAppended)
  assert.ok(records.length <= 12, context(`at most one record per key is left, found ${records.length}`))
  assert.equal(log.logStartOffset, 0n)
  assert.equal(log.allSegments[0]!.baseOffset, 0n, 'the first segment keeps its base offset')
})

test('a rewritten batch keeps its codec, offsets, producer fields and timestamps; transactional batches pass untouched', async (t) => {
  const { log, fixture } = await openTestLog(t, compactedConfig({ segmentBytes: 1 << 20 }))
  const now = BigInt(fixture.clock.nowMs())
  const original = await buildRecordBatch({
    compression: CompressionType.GZIP,
    producerId: 42n,
    producerEpoch: 3,
    baseSequence: 7,
    records: ['a', 'b', 'c', 'd'].map((key, index) => ({ key: Buffer.from(key), value: Buffer.from(`${key}-old`), timestamp: now + BigInt(index) })),
  })
  assert.ok((await log.append(original, 5)).ok)
  const transactional = await buildRecordBatch({
    isTransactional: true,
    producerId: 9n,
    producerEpoch: 0,
    baseSequence: 0,
    records: [{ key: Buffer.from('a'), value: Buffer.from('a-txn'), timestamp: now }],
  })
  assert.ok((await log.append(transactional, 5)).ok)
  const overwrite = await buildRecordBatch({
    records: ['a', 'd'].map((key) => ({ key: Buffer.from(key), value: Buffer.from(`${key}-new`), timestamp: now + 10n })),
  })
  assert.ok((await log.append(overwrite, 5)).ok)

  const result = await rollAndClean(log, fixture, createCleanerState())
  assert.ok(result !== undefined)
  const batches = await readLog(log)
  assert.equal(batches.length, 3)
  const [rebuilt, untouched, last] = batches as [ReadBatch, ReadBatch, ReadBatch]
  assert.equal(rebuilt.header.compression, CompressionType.GZIP)
  assert.deepEqual(
    [rebuilt.header.baseOffset, rebuilt.header.lastOffset, rebuilt.header.recordCount, rebuilt.header.partitionLeaderEpoch],
    [0n, 3n, 2, 5],
    'base and last offset stay although records 0 and 3 are gone',
  )
  assert.deepEqual(
    [rebuilt.header.producerId, rebuilt.header.producerEpoch, rebuilt.header.baseSequence, rebuilt.header.maxTimestamp],
    [42n, 3, 7, now + 2n],
  )
  assert.deepEqual(
    rebuilt.records.map((record) => [record.offset, keyOf(record), record.value?.toString(), record.timestamp]),
    [
      [1n, 'b', 'b-old', now + 1n],
      [2n, 'c', 'c-old', now + 2n],
    ],
  )
  assert.ok(untouched.header.isTransactional)
  assert.deepEqual(untouched.bytes, transactional, 'a transactional batch is kept byte for byte (isRetainedWithoutCleaning)')
  assert.deepEqual(
    last.records.map((record) => [record.offset, keyOf(record)]),
    [
      [5n, 'a'],
      [6n, 'd'],
    ],
  )
})

test('appends made while a cleaning runs are kept, and the swap leaves offsets consistent', async (t) => {
  const { log, fixture } = await openTestLog(t, compactedConfig())
  const model = new Model()
  for (let i = 0; i < 60; i++) await model.append(log, [{ key: `key-${i % 5}`, value: `early-${i}` }], BigInt(fixture.clock.nowMs()))
  await log.roll()
  log.updateHighWatermark(log.logEndOffset)
  const state = createCleanerState()
  const appends: Array<Promise<bigint>> = []
  let checks = 0
  // The cleaner calls isAborted between batches: each call starts an append that runs during the cleaning.
  const isAborted = (): boolean => {
    if (checks++ < 40) appends.push(model.append(log, [{ key: `late-${checks}`, value: `late-${checks}` }, { key: 'key-0', value: `late-${checks}` }], BigInt(fixture.clock.nowMs())))
    return false
  }
  const result = await cleanLog(log, { nowMs: fixture.clock.nowMs(), storage: fixture.storage, state, isAborted })
  await Promise.all(appends)
  assert.ok(result !== undefined)
  assert.equal(appends.length, 40)
  assert.equal(log.logEndOffset, 60n + 80n)
  const records = await assertMatchesModel(log, model, { nowMs: fixture.clock.nowMs(), cleanedTo: result.endOffset, context: 'concurrent appends' })
  for (let i = 1; i <= 40; i++) assert.ok(records.some((record) => keyOf(record) === `late-${i}`), `late-${i} is readable`)
  const bases = log.allSegments.map((segment) => segment.baseOffset)
  assert.deepEqual(bases, [...bases].sort((a, b) => (a < b ? -1 : 1)), 'segments stay in offset order')
  const second = await rollAndClean(log, fixture, state)
  assert.ok(second !== undefined)
  await assertMatchesModel(log, model, { nowMs: fixture.clock.nowMs(), cleanedTo: second.endOffset, context: 'after a second round' })
})

test('min.cleanable.dirty.ratio decides when a log is due, max.compaction.lag.ms overrides it, and only compacted logs are cleaned', async (t) => {
  const { log, fixture } = await openTestLog(t, compactedConfig({ minCleanableDirtyRatio: 0.5, maxCompactionLagMs: HOUR_MS }))
  const model = new Model()
  const state = createCleanerState()
  for (let i = 0; i < 80; i++) await model.append(log, [{ key: `key-${i % 20}`, value: `value-${i}` }], BigInt(fixture.clock.nowMs()))
  await log.roll()
  log.updateHighWatermark(log.logEndOffset)
  const options = { nowMs: fixture.clock.nowMs() }
  assert.equal(await cleanableDirtyRatio(log, state, options), 1, 'nothing is clean yet')
  const first = await cleanLog(log, { ...options, storage: fixture.storage, state })
  assert.ok(first !== undefined)
  assert.equal(first.trigger, 'dirty-ratio')

  await model.append(log, [{ key: 'key-1', value: 'a little dirt' }], BigInt(fixture.clock.nowMs()))
  await log.roll()
  log.updateHighWatermark(log.logEndOffset)
  const assessment = await assessCleanable(log, state, { nowMs: fixture.clock.nowMs() })
  const segments = log.allSegments
  const cleanBytes = segments.slice(0, -2).reduce((total, segment) => total + segment.sizeBytes, 0)
  const dirtySegment = segments[segments.length - 2]!
  assert.deepEqual(
    [assessment.firstDirtyOffset, assessment.firstUncleanableOffset, assessment.cleanBytes, assessment.cleanableBytes],
    [first.endOffset, log.logEndOffset, cleanBytes, dirtySegment.sizeBytes],
  )
  assert.ok(Math.abs(assessment.dirtyRatio - dirtySegment.sizeBytes / (cleanBytes + dirtySegment.sizeBytes)) < 1e-12)
  assert.ok(assessment.dirtyRatio < 0.5)
  assert.equal(assessment.needsCompactionNow, false)
  assert.equal(await cleanLog(log, { nowMs: fixture.clock.nowMs(), storage: fixture.storage, state }), undefined, 'below the ratio')

  fixture.clock.advance(HOUR_MS + 1)
  const overdue = await assessCleanable(log, state, { nowMs: fixture.clock.nowMs() })
  assert.ok(overdue.needsCompactionNow && overdue.isEligible)
  const second = await cleanLog(log, { nowMs: fixture.clock.nowMs(), storage: fixture.storage, state })
  assert.ok(second !== undefined)
  assert.equal(second.trigger, 'max-compaction-lag')
  await assertMatchesModel(log, model, { nowMs: fixture.clock.nowMs(), cleanedTo: second.endOffset, context: 'after the overdue round' })

  await model.append(log, [{ key: 'key-2', value: 'more' }], BigInt(fixture.clock.nowMs()))
  await log.roll()
  log.updateHighWatermark(log.logEndOffset)
  log.updateConfig({ ...log.config, cleanupPolicy: ['delete'], minCleanableDirtyRatio: 0 })
  assert.equal(await cleanLog(log, { nowMs: fixture.clock.nowMs(), storage: fixture.storage, state }), undefined, 'cleanup.policy=delete is never compacted')
})

test('min.compaction.lag.ms keeps segments with young records dirty, and the high watermark bounds the cleaning', async (t) => {
  const { log, fixture } = await openTestLog(t, compactedConfig({ minCompactionLagMs: 10 * MINUTE_MS, segmentBytes: 1 << 20 }))
  const model = new Model()
  const now = fixture.clock.nowMs()
  const appendSegment = async (label: string, timestamp: number): Promise<void> => {
    for (let i = 0; i < 4; i++) await model.append(log, [{ key: 'shared', value: `${label}-${i}` }], BigInt(timestamp))
    await log.roll()
  }
  await appendSegment('old', now - 20 * MINUTE_MS) // offsets 0-3
  await appendSegment('young', now) // 4-7
  await appendSegment('old-again', now - 30 * MINUTE_MS) // 8-11
  log.updateHighWatermark(log.logEndOffset)
  const state = createCleanerState()
  const first = await cleanLog(log, { nowMs: now, storage: fixture.storage, state })
  assert.ok(first !== undefined)
  assert.equal(first.endOffset, 4n, 'the young segment and everything after it wait')
  const values = async (): Promise<string[]> => (await readLog(log)).flatMap((batch) => batch.records.map((record) => record.value!.toString()))
  assert.deepEqual(await values(), ['old-3', 'young-0', 'young-1', 'young-2', 'young-3', 'old-again-0', 'old-again-1', 'old-again-2', 'old-again-3'])

  fixture.clock.advance(10 * MINUTE_MS + 1)
  log.updateHighWatermark(9n)
  const bounded = await cleanLog(log, { nowMs: fixture.clock.nowMs(), storage: fixture.storage, state })
  assert.ok(bounded !== undefined)
  assert.equal(bounded.endOffset, 8n, 'the segment reaching past the high watermark waits')
  assert.deepEqual(await values(), ['young-3', 'old-again-0', 'old-again-1', 'old-again-2', 'old-again-3'])

  log.updateHighWatermark(log.logEndOffset)
  const last = await cleanLog(log, { nowMs: fixture.clock.nowMs(), storage: fixture.storage, state })
  assert.ok(last !== undefined)
  assert.deepEqual(await values(), ['old-again-3'])
  await assertMatchesModel(log, model, { nowMs: fixture.clock.nowMs(), cleanedTo: last.endOffset, context: 'lag' })
})

test('a tombstone survives its first cleaning and goes once it is clean and older than delete.retention.ms', async (t) => {
  const { log, fixture } = await openTestLog(t, compactedConfig({ deleteRetentionMs: HOUR_MS, segmentBytes: 1 << 20 }))
  const model = new Model()
  const state = createCleanerState()
  await model.append(log, [{ key: 'gone', value: 'v1' }, { key: 'kept', value: 'v1' }], BigInt(fixture.clock.nowMs()))
  await model.append(log, [{ key: 'gone', value: null }], BigInt(fixture.clock.nowMs()))
  await model.append(log, [{ key: 'no-key-next', value: 'x' }, { key: null, value: 'keyless' }], BigInt(fixture.clock.nowMs()))
  await model.append(log, [{ key: 'old-tombstone', value: null }], BigInt(fixture.clock.nowMs() - 2 * HOUR_MS))
  const first = await rollAndClean(log, fixture, state)
  assert.ok(first !== undefined)
  assert.equal(first.tombstonesRemoved, 0, 'tombstones in the dirty section stay, however old')
  const entries = async (): Promise<Array<[bigint, string | null, string | null]>> =>
    (await readLog(log)).flatMap((batch) => batch.records.map((record): [bigint, string | null, string | null] => [record.offset, keyOf(record), record.value?.toString() ?? null]))
  assert.deepEqual(await entries(), [
    [1n, 'kept', 'v1'],
    [2n, 'gone', null],
    [3n, 'no-key-next', 'x'],
    [4n, null, 'keyless'],
    [5n, 'old-tombstone', null],
  ])

  fixture.clock.advance(2 * HOUR_MS)
  await model.append(log, [{ key: 'young-tombstone', value: null }], BigInt(fixture.clock.nowMs()))
  const second = await rollAndClean(log, fixture, state)
  assert.ok(second !== undefined)
  assert.equal(second.tombstonesRemoved, 2)
  assert.deepEqual(await entries(), [
    [1n, 'kept', 'v1'],
    [3n, 'no-key-next', 'x'],
    [4n, null, 'keyless'],
    [6n, 'young-tombstone', null],
  ])

  await model.append(log, [{ key: 'kept', value: 'v2' }], BigInt(fixture.clock.nowMs()))
  const third = await rollAndClean(log, fixture, state)
  assert.ok(third !== undefined)
  assert.equal(third.tombstonesRemoved, 0, 'a clean tombstone within delete.retention.ms stays')
  assert.deepEqual(await entries(), [
    [3n, 'no-key-next', 'x'],
    [4n, null, 'keyless'],
    [6n, 'young-tombstone', null],
    [7n, 'kept', 'v2'],
  ])
  await assertMatchesModel(log, model, { nowMs: fixture.clock.nowMs(), cleanedTo: third.endOffset, context: 'tombstones' })
})

test('an aborted cleaning leaves the log and the state as they were, and the offset map limit splits a round', async (t) => {
  const { log, fixture } = await openTestLog(t, compactedConfig())
  const model = new Model()
  for (let i = 0; i < 40; i++) await model.append(log, [{ key: `key-${i % 8}`, value: `value-${i}` }], BigInt(fixture.clock.nowMs()))
  await log.roll()
  log.updateHighWatermark(log.logEndOffset)
  const before = await readLog(log)
  const state = createCleanerState()
  let checks = 0
  // 40 batches are mapped first; the abort comes while the segments are being rewritten.
  const isAborted = (): boolean => ++checks > 45
  await assert.rejects(cleanLog(log, { nowMs: fixture.clock.nowMs(), storage: fixture.storage, state, isAborted }), LogCleaningAbortedError)
  assert.ok(checks > 45)
  assert.equal(state.firstDirtyOffset, undefined)
  assert.deepEqual(
    (await readLog(log)).map((batch) => batch.bytes),
    before.map((batch) => batch.bytes),
  )
  assert.deepEqual(
    readdirSync(fixture.directory).filter((name) => name.includes('.cleaned') || name.includes('.swap')),
    [],
  )

  const segmentsBefore = log.allSegments.map((segment) => segment.baseOffset)
  const partial = await cleanLog(log, { nowMs: fixture.clock.nowMs(), storage: fixture.storage, state, maxOffsetMapEntries: 1 })
  assert.ok(partial !== undefined)
  assert.equal(partial.endOffset, segmentsBefore[1], 'one segment filled the map: the round ends after it')
  const rest = await cleanLog(log, { nowMs: fixture.clock.nowMs(), storage: fixture.storage, state })
  assert.ok(rest !== undefined)
  await assertMatchesModel(log, model, { nowMs: fixture.clock.nowMs(), cleanedTo: rest.endOffset, context: 'split rounds' })
})

test('a group whose records are all superseded keeps an empty last batch, so its segment still ends where the group did', async (t) => {
  const { log, fixture } = await openTestLog(t, compactedConfig())
  const model = new Model()
  const state = createCleanerState()
  await model.append(log, [{ key: 'a', value: 'first' }, { key: 'b', value: 'first' }], BigInt(fixture.clock.nowMs()))
  await log.roll()
  await model.append(log, [{ key: 'a', value: 'second' }, { key: 'b', value: 'second' }], BigInt(fixture.clock.nowMs()))
  // Segments of 600 bytes at most: the two above go to separate groups.
  log.updateConfig({ ...log.config, segmentBytes: log.allSegments[0]!.sizeBytes + 1 })
  const result = await rollAndClean(log, fixture, state)
  assert.ok(result !== undefined)
  assert.equal(result.segmentsWritten, 2)
  const batches = await readLog(log)
  assert.deepEqual(
    batches.map((batch) => [batch.header.baseOffset, batch.header.lastOffset, batch.header.recordCount]),
    [
      [0n, 1n, 0],
      [2n, 3n, 2],
    ],
  )
  assert.equal(batches[0]!.header.maxTimestamp, BigInt(fixture.clock.nowMs()), 'the empty batch keeps the max timestamp')
  assert.equal(await log.allSegments[0]!.readNextOffset(), 2n)
  await assertMatchesModel(log, model, { nowMs: fixture.clock.nowMs(), cleanedTo: result.endOffset, context: 'empty last batch' })
})

/**
 * NodeStorage with two test hooks: renames that fail on demand (to stop a cleaning at a chosen step
 * as a crash would), and reads held back until a gate opens (to order a read after a concurrent step).
 */
class TestStorage extends DelegatingStorage {
  failRename: ((from: string, to: string) => boolean) | undefined
  readGate: ((path: string) => Promise<unknown> | undefined) | undefined

  constructor() {
    super(new NodeStorage())
  }

  override async open(path: string, mode: OpenMode): Promise<StorageFile> {
    const file = await this.inner.open(path, mode)
    return delegatingFile(file, {
      read: async (target, targetOffset, length, position) => {
        await this.readGate?.(path)
        return file.read(target, targetOffset, length, position)
      },
    })
  }

  override async rename(from: string, to: string): Promise<void> {
    if (this.failRename?.(from, to) === true) throw new StorageError('EIO', 'rename', from)
    return this.inner.rename(from, to)
  }
}

test('retention that deletes segments during a cleaning aborts it without touching the log', async (t) => {
  const storage = new TestStorage()
  const { log, fixture } = await openTestLog(t, compactedConfig({ cleanupPolicy: ['compact', 'delete'], retentionMs: -1, fileDeleteDelayMs: 0 }), { storage })
  const model = new Model()
  for (let i = 0; i < 40; i++) await model.append(log, [{ key: `key-${i % 8}`, value: `value-${i}` }], BigInt(fixture.clock.nowMs()))
  await log.roll()
  log.updateHighWatermark(log.logEndOffset)
  const second = log.allSegments[1]!.baseOffset
  const retention: Array<Promise<unknown>> = []
  let checks = 0
  const isAborted = (): boolean => {
    // While the first segment is rewritten, DeleteRecords and retention remove it, files and all,
    // before the cleaner's next read of it.
    if (++checks === 45) {
      log.advanceLogStartOffset(second)
      const removed = applyRetention(log, fixture.clock.nowMs()).then(() => log.removeDeletedSegments(fixture.clock.nowMs()))
      retention.push(removed)
      storage.readGate = (path) => (path.endsWith('00000000000000000000.log') ? removed : undefined)
    }
    return false
  }
  const state = createCleanerState()
  await assert.rejects(cleanLog(log, { nowMs: fixture.clock.nowMs(), storage: fixture.storage, state, isAborted }), LogCleaningAbortedError)
  await Promise.all(retention)
  storage.readGate = undefined
  assert.equal(log.allSegments[0]!.baseOffset, second)
  assert.equal(state.firstDirtyOffset, undefined)
  assert.deepEqual(
    readdirSync(fixture.directory).filter((name) => name.includes('.cleaned') || name.includes('.swap')),
    [],
  )
  const records = await readLog(log)
  assert.equal(records.reduce((total, batch) => total + batch.records.length, 0), 40 - Number(second))
  const again = await cleanLog(log, { nowMs: fixture.clock.nowMs(), storage: fixture.storage, state })
  assert.ok(again !== undefined)
  assert.ok((await readLog(log)).every((batch) => batch.header.baseOffset >= second))
})

const CRASH_POINTS = [
  { name: 'while renaming .cleaned to .swap', isCommitted: false, matches: (_from: string, to: string) => to.endsWith('.log.swap') },
  { name: 'while renaming the replaced segments .deleted', isCommitted: true, matches: (from: string, to: string) => to.endsWith('.log.deleted') && !from.includes('00000000000000000000') },
  { name: 'while renaming .swap into place', isCommitted: true, matches: (from: string) => from.endsWith('.timeindex.swap') },
] as const

for (const crash of CRASH_POINTS) {
  test(`a crash ${crash.name} is ${crash.isCommitted ? 'completed' : 'discarded'} when the log is opened again`, async (t) => {
    const storage = new TestStorage()
    const { log, fixture } = await openTestLog(t, compactedConfig({ segmentBytes: 700 }), { storage })
    const model = new Model()
    for (let i = 0; i < 60; i++) await model.append(log, [{ key: `key-${i % 6}`, value: `value-${i}` }], BigInt(fixture.clock.nowMs()))
    await log.roll()
    const before = await readLog(log)
    assert.ok(log.segmentCount >= 4)
    // One group, so that the crash can fall between the renames of its old segments.
    log.updateConfig({ ...log.config, segmentBytes: 1 << 20 })
    storage.failRename = crash.matches
    await assert.rejects(rollAndClean(log, fixture, createCleanerState()), StorageError)
    const leftovers = readdirSync(fixture.directory).filter((name) => name.endsWith('.cleaned') || name.endsWith('.swap'))
    assert.ok(leftovers.length > 0, `the crash left ${crash.isCommitted ? '.swap' : '.cleaned'} files`)

    // The process "dies" here: the old PartitionLog is abandoned, a new one opens the directory.
    storage.failRename = undefined
    const reopened = await fixture.reopen({ hadCleanShutdown: false, recoveryPoint: 0n })
    assert.deepEqual(
      readdirSync(fixture.directory).filter((name) => name.endsWith('.cleaned') || name.endsWith('.swap')),
      [],
    )
    const after = await readLog(reopened)
    if (crash.isCommitted) {
      assert.ok(after.reduce((total, batch) => total + batch.records.length, 0) < 60, 'the cleaned segment took the place of the old ones')
      assert.equal(reopened.segmentCount, 2, 'the cleaned segment and the active one')
      await assertMatchesModel(reopened, model, { nowMs: fixture.clock.nowMs(), cleanedTo: reopened.allSegments[1]!.baseOffset, context: crash.name })
      const first = reopened.allSegments[0]!
      await first.loadIndexes()
      assert.ok(first.largestTimestamp > 0n, 'the rebuilt time index knows the largest timestamp')
    } else {
      assert.deepEqual(
        after.map((batch) => batch.bytes),
        before.map((batch) => batch.bytes),
        'the old segments are intact',
      )
    }
    assert.equal(reopened.logEndOffset, 60n)
    const state = createCleanerState()
    const again = await rollAndClean(reopened, fixture, state)
    assert.ok(again !== undefined)
    await assertMatchesModel(reopened, model, { nowMs: fixture.clock.nowMs(), cleanedTo: again.endOffset, context: `${crash.name}, cleaned again` })
  })
}

test('the cleaner offset checkpoint is read and written in Kafka format', async (t) => {
  const dir = tempDir(t)
  const storage = new NodeStorage()
  assert.deepEqual(await readCleanerCheckpoint(storage, dir), new Map())
  await writeCleanerCheckpoint(
    storage,
    dir,
    new Map([
      ['orders-1', 17n],
      ['orders-0', 1200n],
    ]),
  )
  assert.equal((await storage.readFile(`${dir}/cleaner-offset-checkpoint`)).toString(), '0\n2\norders 0 1200\norders 1 17\n')
  assert.deepEqual(
    await readCleanerCheckpoint(storage, dir),
    new Map([
      ['orders-0', 1200n],
      ['orders-1', 17n],
    ]),
  )
})
