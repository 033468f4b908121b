import assert from 'node:assert/strict'
import { readdirSync } from 'node:fs'
import { test } from 'node:test'
import type { PartitionLog } from '../../../src/log/partition-log.js'
import { applyRetention } from '../../../src/log/retention.js'
import { buildRecordBatchSync } from '../../../src/protocol/build-record-batch.js'
import { openTestLog, readLogValues, readSlice, testBatch } from '../../helpers/log-fixtures.js'

const HOUR_MS = 60 * 60 * 1000

async function appendOk(log: PartitionLog, batch: Buffer): Promise<bigint> {
  const result = await log.append(batch, 0)
  assert.ok(result.ok, result.ok ? '' : result.reason)
  return result.baseOffset
}

/** Appends `batches` batches of two records stamped `timestampMs`, then rolls: one closed segment. */
async function appendSegment(log: PartitionLog, label: string, timestampMs: number, batches = 2): Promise<void> {
  for (let i = 0; i < batches; i++) await appendOk(log, testBatch(`${label}${i}`, 2, BigInt(timestampMs)))
  await log.roll()
}


function baseOffsets(log: PartitionLog): bigint[] {
  return log.allSegments.map((segment) => segment.baseOffset)
}

test('retention.ms deletes the oldest segments by their largest record timestamp, stopping at the first that stays', async (t) => {
  const { log, fixture } = await openTestLog(t, { retentionMs: HOUR_MS })
  const now = fixture.clock.nowMs()
  await appendSegment(log, 'a', now - 3 * HOUR_MS) // offsets 0-3
  await appendSegment(log, 'b', now - 2 * HOUR_MS) // 4-7
  await appendSegment(log, 'c', now - 10 * 60_000) // 8-11, still young
  await appendSegment(log, 'd', now - 5 * HOUR_MS) // 12-15, old but after a young one
  await appendOk(log, testBatch('e', 2, BigInt(now))) // the active segment
  log.updateHighWatermark(log.logEndOffset)
  assert.deepEqual(baseOffsets(log), [0n, 4n, 8n, 12n, 16n])

  const result = await applyRetention(log, now)
  assert.equal(result.deletedSegments, 2)
  assert.deepEqual(result.deletions.map((deletion) => [deletion.reason, deletion.baseOffsets]), [['retention-ms', [0n, 4n]]])
  assert.equal(result.deletions[0]!.description, `retention time ${HOUR_MS}ms breach`)
  assert.deepEqual(baseOffsets(log), [8n, 12n, 16n], 'a prefix only: the old segment after a young one stays')
  assert.equal(log.logStartOffset, 8n)
  assert.equal(result.logStartOffset, 8n)
  const read = await log.read(4n, 1000)
  assert.equal(!read.ok && read.problem, 'offset-out-of-range')
  assert.deepEqual((await readLogValues(log)).map(([offset]) => offset), [8n, 9n, 10n, 11n, 12n, 13n, 14n, 15n, 16n, 17n])

  fixture.clock.advance(HOUR_MS)
  const later = await applyRetention(log, fixture.clock.nowMs())
  assert.deepEqual(later.deletions.map((deletion) => deletion.baseOffsets), [[8n, 12n]])
  assert.equal(log.logStartOffset, 16n)
})

test('retention.ms -1 keeps everything, and a segment without timestamps does not expire by time', async (t) => {
  const { log, fixture } = await openTestLog(t, { retentionMs: -1 })
  const now = fixture.clock.nowMs()
  for (let i = 0; i < 2; i++) {
    await appendOk(log, buildRecordBatchSync({ records: [{ key: Buffer.from('k'), value: Buffer.from(`untimed-${i}`), timestamp: -1n }] }))
  }
  await log.roll()
  await appendSegment(log, 'old', now - 100 * HOUR_MS)
  await appendOk(log, testBatch('active', 1, BigInt(now)))
  log.updateHighWatermark(log.logEndOffset)
  assert.equal((await applyRetention(log, now)).deletedSegments, 0)

  log.updateConfig({ ...log.config, retentionMs: HOUR_MS })
  const result = await applyRetention(log, now)
  assert.equal(result.deletedSegments, 0, 'the untimed first segment stays, so nothing after it goes either')
  assert.deepEqual(baseOffsets(log), [0n, 2n, 6n])
})

test('an expired active segment is deleted after a roll, and appends continue at the log end', async (t) => {
  const { log, fixture } = await openTestLog(t, { retentionMs: HOUR_MS })
  const now = fixture.clock.nowMs()
  for (let i = 0; i < 3; i++) await appendOk(log, testBatch(`x${i}`, 2, BigInt(now - 2 * HOUR_MS)))
  log.updateHighWatermark(log.logEndOffset)
  assert.equal(log.segmentCount, 1)

  const result = await applyRetention(log, now)
  assert.equal(result.deletedSegments, 1)
  assert.equal(log.segmentCount, 1)
  assert.deepEqual(baseOffsets(log), [6n], 'a new empty active segment starts at the log end')
  assert.equal(log.logStartOffset, 6n)
  assert.equal(log.logEndOffset, 6n)
  assert.equal(log.sizeBytes, 0)
  assert.equal((await applyRetention(log, now)).deletedSegments, 0, 'an empty active segment is never deleted')

  assert.equal(await appendOk(log, testBatch('y', 1, BigInt(now))), 6n)
  assert.deepEqual(await readLogValues(log), [[6n, 'y-0']])
})

test('retention.bytes deletes the oldest segments while the rest still holds at least retention.bytes', async (t) => {
  const { log, fixture } = await openTestLog(t, { retentionMs: -1 })
  const now = fixture.clock.nowMs()
  for (let i = 0; i < 5; i++) await appendSegment(log, `s${i}`, now)
  await appendOk(log, testBatch('s50', 2, BigInt(now)))
  await appendOk(log, testBatch('s51', 2, BigInt(now)))
  log.updateHighWatermark(log.logEndOffset)
  const segmentBytes = log.allSegments[0]!.sizeBytes
  assert.ok(log.allSegments.every((segment) => segment.sizeBytes === segmentBytes))
  assert.equal(log.sizeBytes, 6 * segmentBytes)

  log.updateConfig({ ...log.config, retentionBytes: 6 * segmentBytes })
  assert.equal((await applyRetention(log, now)).deletedSegments, 0, 'a log exactly at retention.bytes keeps everything')
  log.updateConfig({ ...log.config, retentionBytes: -1 })
  assert.equal((await applyRetention(log, now)).deletedSegments, 0)

  log.updateConfig({ ...log.config, retentionBytes: Math.floor(2.5 * segmentBytes) })
  const result = await applyRetention(log, now)
  assert.deepEqual(result.deletions.map((deletion) => [deletion.reason, deletion.segmentCount, deletion.sizeBytes]), [['retention-bytes', 3, 3 * segmentBytes]])
  assert.equal(result.deletedBytes, 3 * segmentBytes)
  assert.equal(log.sizeBytes, 3 * segmentBytes)
  assert.deepEqual(baseOffsets(log), [12n, 16n, 20n])
  assert.equal(log.logStartOffset, 12n)
})

test('segments wholly below the log start offset are deleted and the log start offset is kept', async (t) => {
  const { log, fixture } = await openTestLog(t, { retentionMs: -1 })
  const now = fixture.clock.nowMs()
  for (let i = 0; i < 4; i++) await appendSegment(log, `d${i}`, now, 1) // segments of offsets 0-1, 2-3, 4-5, 6-7
  await appendOk(log, testBatch('active', 2, BigInt(now)))
  log.updateHighWatermark(log.logEndOffset)
  assert.equal(log.advanceLogStartOffset(5n), 5n)

  const result = await applyRetention(log, now)
  assert.deepEqual(result.deletions.map((deletion) => [deletion.reason, deletion.baseOffsets]), [['log-start-offset', [0n, 2n]]])
  assert.deepEqual(baseOffsets(log), [4n, 6n, 8n], 'the segment holding the log start offset stays')
  assert.equal(log.logStartOffset, 5n, 'DeleteRecords set it inside a segment: it does not fall back to the base')
  assert.deepEqual((await readLogValues(log)).map(([offset]) => offset), [5n, 6n, 7n, 8n, 9n])
})

test('nothing at or beyond the high watermark is deleted', async (t) => {
  const { log, fixture } = await openTestLog(t, { retentionMs: HOUR_MS })
  const now = fixture.clock.nowMs()
  for (let i = 0; i < 3; i++) await appendSegment(log, `h${i}`, now - 2 * HOUR_MS, 1)
  log.updateHighWatermark(3n) // inside the second segment (offsets 2-3)
  const result = await applyRetention(log, now)
  assert.deepEqual(result.deletions.map((deletion) => deletion.baseOffsets), [[0n]])
  assert.equal(log.logStartOffset, 2n)
  log.updateHighWatermark(log.logEndOffset)
  assert.equal((await applyRetention(log, now)).deletedSegments, 2)
})

test('with cleanup.policy=compact alone retention deletes nothing; with compact,delete it applies', async (t) => {
  const { log, fixture } = await openTestLog(t, { retentionMs: HOUR_MS, retentionBytes: 0, cleanupPolicy: ['compact'] })
  const now = fixture.clock.nowMs()
  for (let i = 0; i < 3; i++) await appendSegment(log, `c${i}`, now - 2 * HOUR_MS, 1)
  log.updateHighWatermark(log.logEndOffset)
  log.advanceLogStartOffset(4n)
  const result = await applyRetention(log, now)
  assert.deepEqual(result, { deletedSegments: 0, deletedBytes: 0, deletions: [], logStartOffset: 4n })
  assert.equal(log.segmentCount, 4)

  log.updateConfig({ ...log.config, cleanupPolicy: ['compact', 'delete'] })
  const both = await applyRetention(log, now)
  assert.deepEqual(both.deletions.map((deletion) => [deletion.reason, deletion.segmentCount]), [['log-start-offset', 2], ['retention-bytes', 1]])
  assert.deepEqual(baseOffsets(log), [6n])
})

test('deleted segments are renamed .deleted, stay readable through slices taken before, and go after file.delete.delay.ms', async (t) => {
  const { log, fixture } = await openTestLog(t, { retentionMs: HOUR_MS, fileDeleteDelayMs: 60_000 })
  const now = fixture.clock.nowMs()
  await appendSegment(log, 'gone', now - 2 * HOUR_MS)
  await appendOk(log, testBatch('kept', 1, BigInt(now)))
  log.updateHighWatermark(log.logEndOffset)
  const before = await log.read(0n, 1 << 20)
  assert.ok(before.ok && before.slice !== undefined)
  const bytesBefore = await readSlice(before.slice)

  assert.equal((await applyRetention(log, now)).deletedSegments, 1)
  const names = readdirSync(fixture.directory)
  for (const suffix of ['.log', '.index', '.timeindex']) {
    assert.ok(names.includes(`00000000000000000000${suffix}.deleted`), `${suffix}.deleted in ${names.join(', ')}`)
    assert.ok(!names.includes(`00000000000000000000${suffix}`))
  }
  assert.deepEqual(await readSlice(before.slice), bytesBefore, 'a fetch holding the slice still reads it')

  assert.equal(await log.removeDeletedSegments(fixture.clock.nowMs()), 0, 'not before file.delete.delay.ms')
  fixture.clock.advance(60_000)
  assert.equal(await log.removeDeletedSegments(fixture.clock.nowMs()), 1)
  assert.deepEqual(
    readdirSync(fixture.directory).filter((name) => name.endsWith('.deleted')),
    [],
  )
  assert.deepEqual(await readLogValues(log), [[4n, 'kept-0']])
})
