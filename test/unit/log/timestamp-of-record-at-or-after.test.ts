import assert from 'node:assert/strict'
import { closeSync, openSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { cleanLog, createCleanerState } from '../../../src/log/cleaner.js'
import type { PartitionLog } from '../../../src/log/partition-log.js'
import { segmentFileName, LOG_SUFFIX } from '../../../src/log/segment.js'
import { StorageError } from '../../../src/log/storage-error.js'
import { NodeStorage, type OpenMode, type StorageFile } from '../../../src/log/storage.js'
import { buildRecordBatch, type RecordBatchInput } from '../../../src/protocol/build-record-batch.js'
import { CompressionType, compressionName } from '../../../src/protocol/compression/compression-type.js'
import { readRecords } from '../../../src/protocol/read-records.js'
import { RECORDS_OFFSET, splitRecordBatches } from '../../../src/protocol/record-batch.js'
import { DelegatingStorage, delegatingFile } from '../../helpers/delegating-storage.js'
import { openTestLog, readSlice } from '../../helpers/log-fixtures.js'

const T0 = 1_700_000_000_000n

/** Keys appended and the timestamp each offset got, to check every answer against. */
class Appended {
  readonly timestamps = new Map<bigint, bigint>()
  private batchCount = 0

  /**
   * Appends a batch of `count` records whose timestamps step by 7 ms from a start unique to the
   * batch (so a wrong record, batch or fallback gives a different answer). Returns the base offset.
   */
  async append(log: PartitionLog, count: number, extra: { compression?: CompressionType; keys?: readonly string[]; valueBytes?: number } = {}): Promise<bigint> {
    const start = T0 + BigInt(1_000 * ++this.batchCount)
    const batch = await buildRecordBatch({
      compression: extra.compression ?? CompressionType.NONE,
      records: Array.from({ length: count }, (_, i) => ({
        key: Buffer.from(extra.keys?.[i] ?? `key-${this.batchCount}-${i}`),
        value: Buffer.alloc(extra.valueBytes ?? 10, 0x61 + i),
        timestamp: start + BigInt(7 * i),
      })),
    })
    const result = await log.append(batch, 0)
    assert.ok(result.ok, result.ok ? '' : result.reason)
    for (let i = 0; i < count; i++) this.timestamps.set(result.baseOffset + BigInt(i), start + BigInt(7 * i))
    return result.baseOffset
  }

  /** The expected answer for every offset from 0 to the log end: the next kept record's timestamp. */
  async assertEveryOffset(log: PartitionLog, kept: ReadonlySet<bigint> = new Set(this.timestamps.keys()), context = ''): Promise<void> {
    for (let offset = 0n; offset <= log.logEndOffset; offset++) {
      let expected: bigint | undefined
      for (let next = offset < log.logStartOffset ? log.logStartOffset : offset; next < log.logEndOffset; next++) {
        if (kept.has(next)) {
          expected = this.timestamps.get(next)
          break
        }
      }
      assert.equal(await log.timestampOfRecordAtOrAfter(offset, log.logEndOffset), expected, `${context} offset ${offset}`)
    }
  }
}

async function appendRaw(log: PartitionLog, input: RecordBatchInput): Promise<bigint> {
  const result = await log.append(await buildRecordBatch(input), 0)
  assert.ok(result.ok, result.ok ? '' : result.reason)
  return result.baseOffset
}

test('the timestamp of the record at a batch start, in the middle of a batch and at its end, uncompressed', async (t) => {
  const { log } = await openTestLog(t)
  const model = new Appended()
  await model.append(log, 4)
  const second = await model.append(log, 5)
  await model.append(log, 3)
  assert.equal(await log.timestampOfRecordAtOrAfter(second, 12n), T0 + 2_000n, 'batch start')
  assert.equal(await log.timestampOfRecordAtOrAfter(second + 2n, 12n), T0 + 2_014n, 'middle of the batch: its own timestamp delta')
  assert.equal(await log.timestampOfRecordAtOrAfter(second + 4n, 12n), T0 + 2_028n, 'last record of the batch')
  await model.assertEveryOffset(log)
})

for (const compression of [CompressionType.GZIP, CompressionType.SNAPPY, CompressionType.LZ4, CompressionType.ZSTD]) {
  test(`records of ${compressionName(compression)}-compressed batches answer with their own timestamps`, async (t) => {
    const { log } = await openTestLog(t)
    const model = new Appended()
    await model.append(log, 3, { compression })
    const second = await model.append(log, 6, { compression })
    await model.append(log, 2)
    assert.equal(await log.timestampOfRecordAtOrAfter(second + 3n, 11n), T0 + 2_021n)
    await model.assertEveryOffset(log)
  })
}

test('offsets are found through the index across many segments rolled by segment.bytes', async (t) => {
  const { log } = await openTestLog(t, { segmentBytes: 700, indexIntervalBytes: 150 })
  const model = new Appended()
  for (let i = 0; i < 30; i++) await model.append(log, 1 + (i % 4), { compression: i % 3 === 0 ? CompressionType.GZIP : CompressionType.NONE, valueBytes: 40 })
  assert.ok(log.segmentCount >= 5, `${log.segmentCount} segments`)
  const third = log.allSegments[2]!
  assert.equal(await log.timestampOfRecordAtOrAfter(third.baseOffset, log.logEndOffset), model.timestamps.get(third.baseOffset), 'the first record of a rolled segment')
  await model.assertEveryOffset(log)
})

test('an offset below the log start offset means the first record of the log, after retention and after DeleteRecords', async (t) => {
  const { log } = await openTestLog(t, { segmentBytes: 500 })
  const model = new Appended()
  for (let i = 0; i < 12; i++) await model.append(log, 3, { valueBytes: 30 })
  assert.ok(log.segmentCount >= 4)
  await log.deleteOldestSegments(2)
  const start = log.logStartOffset
  assert.ok(start > 0n)
  assert.equal(await log.timestampOfRecordAtOrAfter(0n, log.logEndOffset), model.timestamps.get(start))
  await model.assertEveryOffset(log)
  // DeleteRecords moves the log start into the middle of a batch.
  log.advanceLogStartOffset(start + 4n)
  assert.equal(await log.timestampOfRecordAtOrAfter(0n, log.logEndOffset), model.timestamps.get(start + 4n))
  assert.equal(await log.timestampOfRecordAtOrAfter(start + 1n, log.logEndOffset), model.timestamps.get(start + 4n))
  await model.assertEveryOffset(log)
})

test('nothing at or past maxOffset (the high watermark) or the log end, and nothing in an empty log', async (t) => {
  const { log } = await openTestLog(t)
  assert.equal(await log.timestampOfRecordAtOrAfter(0n, 10n), undefined, 'empty log')
  const model = new Appended()
  await model.append(log, 4)
  await model.append(log, 4)
  assert.equal(await log.timestampOfRecordAtOrAfter(6n, 6n), undefined, 'at the high watermark')
  assert.equal(await log.timestampOfRecordAtOrAfter(7n, 6n), undefined, 'past the high watermark')
  assert.equal(await log.timestampOfRecordAtOrAfter(5n, 6n), T0 + 2_007n, 'just below it, inside a batch')
  assert.equal(await log.timestampOfRecordAtOrAfter(0n, 0n), undefined, 'a high watermark of 0')
  assert.equal(await log.timestampOfRecordAtOrAfter(8n, 100n), undefined, 'at the log end: a maxOffset past it is cut to it')
  assert.equal(await log.timestampOfRecordAtOrAfter(20n, 100n), undefined, 'past the log end')
})

test('a LogAppendTime batch answers with its append time, whatever the records were created with', async (t) => {
  const { log, fixture } = await openTestLog(t, { messageTimestampType: 'LogAppendTime' })
  const model = new Appended()
  await model.append(log, 3)
  const firstAppendTime = BigInt(fixture.clock.nowMs())
  fixture.clock.advance(5_000)
  await model.append(log, 3, { compression: CompressionType.LZ4 })
  assert.equal(await log.timestampOfRecordAtOrAfter(1n, 6n), firstAppendTime)
  assert.equal(await log.timestampOfRecordAtOrAfter(3n, 6n), firstAppendTime + 5_000n)
  assert.equal(await log.timestampOfRecordAtOrAfter(4n, 6n), firstAppendTime + 5_000n)
  assert.equal(await log.timestampOfRecordAtOrAfter(4n, 4n), undefined)
})

test('a control batch (transaction marker) is skipped for the next data record', async (t) => {
  const { log } = await openTestLog(t)
  const model = new Appended()
  const transactional = { producerId: 7n, producerEpoch: 0, isTransactional: true } as const
  await appendRaw(log, { ...transactional, baseSequence: 0, records: [{ value: Buffer.from('a'), timestamp: T0 + 10n }, { value: Buffer.from('b'), timestamp: T0 + 20n }] })
  // A COMMIT marker: key version 0, type 1 (Kafka's EndTransactionMarker).
  const markerKey = Buffer.from([0, 0, 0, 1])
  const markerValue = Buffer.from([0, 0, 0, 0, 0, 0])
  const marker = await appendRaw(log, { ...transactional, isControl: true, records: [{ key: markerKey, value: markerValue, timestamp: T0 + 30n }] })
  assert.equal(marker, 2n)
  await appendRaw(log, { ...transactional, isControl: true, records: [{ key: markerKey, value: markerValue, timestamp: T0 + 31n }] })
  const data = await model.append(log, 2)
  assert.equal(data, 4n)
  assert.equal(await log.timestampOfRecordAtOrAfter(1n, 6n), T0 + 20n)
  assert.equal(await log.timestampOfRecordAtOrAfter(2n, 6n), T0 + 1_000n, 'both markers skipped')
  assert.equal(await log.timestampOfRecordAtOrAfter(3n, 6n), T0 + 1_000n)
  assert.equal(await log.timestampOfRecordAtOrAfter(2n, 4n), undefined, 'only markers below the high watermark')
})

test('compaction holes, inside a batch and whole batches, lead to the next record that is left', async (t) => {
  const { log, fixture } = await openTestLog(t, { cleanupPolicy: ['compact'], segmentBytes: 600, indexIntervalBytes: 100, minCleanableDirtyRatio: 0 })
  const model = new Appended()
  // Offsets 0-2: k1 at 0 is superseded at 2, k2 at 1 at 3 (a hole at the start of the batch).
  await model.append(log, 3, { keys: ['k1', 'k2', 'k1'] })
  await model.append(log, 1, { keys: ['k2'] })
  // Offsets 4-5: k3 and k4, both superseded by 6 and 7 (a batch emptied).
  await model.append(log, 2, { keys: ['k3', 'k4'], compression: CompressionType.GZIP })
  await model.append(log, 2, { keys: ['k3', 'k4'], compression: CompressionType.GZIP })
  // Offsets 8-10: k5 at 9 superseded at 11 (a hole in the middle of a compressed batch).
  await model.append(log, 3, { keys: ['k6', 'k5', 'k7'], compression: CompressionType.LZ4 })
  await model.append(log, 1, { keys: ['k5'] })
  await log.roll()
  log.updateHighWatermark(log.logEndOffset)
  const cleaned = await cleanLog(log, { nowMs: fixture.clock.nowMs(), storage: fixture.storage, state: createCleanerState() })
  assert.ok(cleaned !== undefined)
  const kept = await keptOffsets(log)
  assert.deepEqual([...kept], [2n, 3n, 6n, 7n, 8n, 10n, 11n], 'the cleaner left the holes this test is about')
  assert.equal(await log.timestampOfRecordAtOrAfter(0n, 12n), T0 + 1_014n, 'hole at the start of a batch')
  assert.equal(await log.timestampOfRecordAtOrAfter(4n, 12n), T0 + 4_000n, 'an emptied batch')
  assert.equal(await log.timestampOfRecordAtOrAfter(9n, 12n), T0 + 5_014n, 'hole in the middle of a compressed batch')
  assert.equal(await log.timestampOfRecordAtOrAfter(0n, 2n), undefined, 'the next record left is at the high watermark')
  assert.equal(await log.timestampOfRecordAtOrAfter(9n, 10n), undefined, 'the next record left in the batch is at the high watermark')
  assert.equal(await log.timestampOfRecordAtOrAfter(4n, 6n), undefined, 'the next batch starts at the high watermark')
  await model.assertEveryOffset(log, kept, 'after compaction:')
})

test('a LogAppendTime batch that compaction cut at its end leads to the next batch', async (t) => {
  const { log, fixture } = await openTestLog(t, { cleanupPolicy: ['compact'], messageTimestampType: 'LogAppendTime', segmentBytes: 600, minCleanableDirtyRatio: 0 })
  const model = new Appended()
  // Offsets 0-1 at the first append time; k2 at 1 is superseded at 2, appended 5 s later.
  await model.append(log, 2, { keys: ['k1', 'k2'] })
  const firstAppendTime = BigInt(fixture.clock.nowMs())
  fixture.clock.advance(5_000)
  await model.append(log, 1, { keys: ['k2'] })
  await log.roll()
  log.updateHighWatermark(log.logEndOffset)
  assert.ok((await cleanLog(log, { nowMs: fixture.clock.nowMs(), storage: fixture.storage, state: createCleanerState() })) !== undefined)
  assert.deepEqual([...(await keptOffsets(log))], [0n, 2n])
  assert.equal(await log.timestampOfRecordAtOrAfter(0n, 3n), firstAppendTime)
  assert.equal(await log.timestampOfRecordAtOrAfter(1n, 3n), firstAppendTime + 5_000n, 'offset 1 is gone from its batch')
  assert.equal(await log.timestampOfRecordAtOrAfter(1n, 2n), undefined)
})

test('a batch whose records do not decode answers with its baseTimestamp instead of failing', async (t) => {
  const { log, fixture } = await openTestLog(t)
  const model = new Appended()
  await model.append(log, 2)
  const damaged = await model.append(log, 4, { compression: CompressionType.GZIP })
  await model.append(log, 2)
  // Garble the compressed payload on disk (reads do not check the CRC; recovery would).
  const damagedPosition = splitRecordBatches(await readLogBytes(log)).batches[0]!.length
  const fd = openSync(join(fixture.directory, segmentFileName(0n, LOG_SUFFIX)), 'r+')
  try {
    writeSync(fd, Buffer.alloc(16, 0xff), 0, 16, damagedPosition + RECORDS_OFFSET)
  } finally {
    closeSync(fd)
  }
  assert.equal(await log.timestampOfRecordAtOrAfter(damaged + 2n, 8n), T0 + 2_000n, 'the batch header’s baseTimestamp')
  assert.equal(await log.timestampOfRecordAtOrAfter(damaged + 4n, 8n), T0 + 3_000n, 'later batches are unaffected')
})

test('a failed read answers undefined and leaves the log online; an offline log answers undefined', async (t) => {
  let isFailing = false
  class FailingReads extends DelegatingStorage {
    override async open(path: string, mode: OpenMode): Promise<StorageFile> {
      const file = await this.inner.open(path, mode)
      return delegatingFile(file, {
        read: (target, targetOffset, length, at) =>
          isFailing ? Promise.reject(new StorageError('EIO', 'read', path)) : file.read(target, targetOffset, length, at),
      })
    }
  }
  const { log } = await openTestLog(t, {}, { storage: new FailingReads(new NodeStorage()) })
  const model = new Appended()
  await model.append(log, 3)
  isFailing = true
  assert.equal(await log.timestampOfRecordAtOrAfter(1n, 3n), undefined)
  assert.equal(log.isOffline, false)
  isFailing = false
  assert.equal(await log.timestampOfRecordAtOrAfter(1n, 3n), T0 + 1_007n)
  log.markOffline(new StorageError('EIO', 'write', 'elsewhere'))
  assert.equal(await log.timestampOfRecordAtOrAfter(1n, 3n), undefined)
})

/** The offsets of every record left in the log. */
async function keptOffsets(log: PartitionLog): Promise<Set<bigint>> {
  const offsets = new Set<bigint>()
  for (const batch of splitRecordBatches(await readLogBytes(log)).batches) {
    for (const record of await readRecords(batch)) offsets.add(record.offset)
  }
  return offsets
}

/** The bytes of every segment, in order. */
async function readLogBytes(log: PartitionLog): Promise<Buffer> {
  const parts = await Promise.all(log.allSegments.map((segment) => readSlice({ file: segment.file, position: 0, sizeBytes: segment.sizeBytes })))
  return Buffer.concat(parts)
}
