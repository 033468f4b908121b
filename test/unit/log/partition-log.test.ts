import assert from 'node:assert/strict'
import { existsSync, readFileSync, readdirSync, statSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { EARLIEST_TIMESTAMP, LATEST_TIMESTAMP, MAX_TIMESTAMP, type PartitionLog } from '../../../src/log/partition-log.js'
import { readRecordBatchHeader, TimestampType } from '../../../src/protocol/record-batch.js'
import { openTestLog, readLogValues, testBatch } from '../../helpers/log-fixtures.js'

async function appendOk(log: PartitionLog, batch: Buffer, leaderEpoch = 0): Promise<bigint> {
  const result = await log.append(batch, leaderEpoch)
  assert.ok(result.ok, result.ok ? '' : result.reason)
  return result.baseOffset
}


test('appends assign consecutive offsets by patching the batch, and reads return them', async (t) => {
  const { log } = await openTestLog(t)
  assert.equal(await appendOk(log, testBatch('a', 3), 7), 0n)
  const second = testBatch('b', 2)
  const result = await log.append(second, 7)
  assert.ok(result.ok)
  assert.deepEqual([result.baseOffset, result.lastOffset, result.logAppendTime, result.logStartOffset, result.recordCount], [3n, 4n, -1n, 0n, 2])
  assert.equal(readRecordBatchHeader(second).baseOffset, 3n, 'the header is patched in place')
  assert.equal(readRecordBatchHeader(second).partitionLeaderEpoch, 7)
  assert.equal(log.logEndOffset, 5n)
  assert.deepEqual(await readLogValues(log), [[0n, 'a-0'], [1n, 'a-1'], [2n, 'a-2'], [3n, 'b-0'], [4n, 'b-1']])
})

test('invalid batches are refused without touching the log', async (t) => {
  const { log } = await openTestLog(t, { maxMessageBytes: 2000 })
  const corrupt = testBatch('x', 2)
  corrupt.writeUInt8(corrupt.readUInt8(corrupt.length - 1) ^ 0xff, corrupt.length - 1)
  const result = await log.append(corrupt, 0)
  assert.equal(result.ok, false)
  assert.equal(!result.ok && result.problem, 'crc-mismatch')
  const big = await log.append(testBatch('y', 1, 1n, 3000), 0)
  assert.equal(!big.ok && big.problem, 'batch-too-large')
  assert.equal(log.logEndOffset, 0n)
  assert.equal(log.sizeBytes, 0)
})

test('LogAppendTime stamps the batch with the broker clock', async (t) => {
  const { log, fixture } = await openTestLog(t, { messageTimestampType: 'LogAppendTime' })
  const batch = testBatch('t', 2, 5n)
  const result = await log.append(batch, 0)
  assert.ok(result.ok)
  assert.equal(result.logAppendTime, BigInt(fixture.clock.nowMs()))
  const header = readRecordBatchHeader(batch)
  assert.equal(header.timestampType, TimestampType.LOG_APPEND_TIME)
  assert.equal(header.maxTimestamp, BigInt(fixture.clock.nowMs()))
})

test('segments roll by segment.bytes and segment.ms, with Kafka file names', async (t) => {
  const { log, fixture } = await openTestLog(t, { segmentBytes: 1000, segmentMs: 60_000 })
  for (let i = 0; i < 10; i++) await appendOk(log, testBatch(`s${i}`, 2, 1n, 200))
  assert.ok(log.segmentCount >= 3, `${log.segmentCount} segments`)
  for (const segment of log.allSegments.slice(0, -1)) assert.ok(segment.sizeBytes <= 1000)
  const before = log.segmentCount
  fixture.clock.advance(60_001)
  await appendOk(log, testBatch('late'))
  assert.equal(log.segmentCount, before + 1, 'an old active segment rolls')
  const names = readdirSync(fixture.directory).filter((n) => n.endsWith('.log'))
  assert.ok(names.every((name) => /^\d{20}\.log$/.test(name)))
  assert.ok(names.includes('00000000000000000000.log'))
  assert.deepEqual((await readLogValues(log)).length, 21)
})

test('reads respect maxBytes, return at least one whole batch, and stop at maxOffset', async (t) => {
  const { log } = await openTestLog(t)
  for (let i = 0; i < 5; i++) await appendOk(log, testBatch(`r${i}`, 2, 1n, 100))
  const batchSize = testBatch('r0', 2, 1n, 100).length
  const small = await log.read(0n, 10)
  assert.ok(small.ok && small.slice)
  assert.equal(small.slice.sizeBytes, batchSize, 'KIP-74: the first batch is returned whole')
  const bounded = await log.read(2n, 1 << 20, { maxOffset: 6n })
  assert.ok(bounded.ok && bounded.slice)
  assert.equal(bounded.slice.sizeBytes, 2 * batchSize, 'nothing at or past the high watermark')
  const atEnd = await log.read(10n, 100)
  assert.ok(atEnd.ok && atEnd.slice === undefined)
  const beyond = await log.read(11n, 100)
  assert.equal(beyond.ok, false)
  assert.equal(!beyond.ok && beyond.problem, 'offset-out-of-range')
})

test('offsets from the middle of a batch and across index entries and segment edges are found', async (t) => {
  const { log } = await openTestLog(t, { indexIntervalBytes: 100, segmentBytes: 2000 })
  for (let i = 0; i < 40; i++) await appendOk(log, testBatch(`e${i}`, 3, 1n, 20))
  const values = await readLogValues(log)
  assert.equal(values.length, 120)
  for (const offset of [0n, 1n, 2n, 3n, 59n, 60n, 61n, 119n]) {
    const read = await readLogValues(log, offset)
    assert.equal(read[0]![0], offset)
  }
  for (const segment of log.allSegments) {
    const first = await readLogValues(log, segment.baseOffset)
    assert.equal(first[0]![0], segment.baseOffset)
  }
})

test('list offsets: earliest, latest, max timestamp and by timestamp', async (t) => {
  const { log } = await openTestLog(t, { indexIntervalBytes: 50, segmentBytes: 1500 })
  for (let i = 0; i < 20; i++) await appendOk(log, testBatch(`l${i}`, 2, 10_000n + BigInt(i * 100), 30))
  assert.deepEqual(await log.offsetForTimestamp(EARLIEST_TIMESTAMP), { offset: 0n, timestamp: -1n })
  assert.deepEqual(await log.offsetForTimestamp(LATEST_TIMESTAMP), { offset: 40n, timestamp: -1n })
  assert.deepEqual(await log.offsetForTimestamp(MAX_TIMESTAMP), { offset: 39n, timestamp: 11_901n })
  assert.deepEqual(await log.offsetForTimestamp(10_000n), { offset: 0n, timestamp: 10_000n })
  assert.deepEqual(await log.offsetForTimestamp(10_001n), { offset: 1n, timestamp: 10_001n })
  assert.deepEqual(await log.offsetForTimestamp(10_050n), { offset: 2n, timestamp: 10_100n })
  assert.deepEqual(await log.offsetForTimestamp(11_500n), { offset: 30n, timestamp: 11_500n })
  assert.equal(await log.offsetForTimestamp(20_000n), undefined)
})

test('the log start offset moves forward for DeleteRecords and bounds reads', async (t) => {
  const { log } = await openTestLog(t)
  for (let i = 0; i < 4; i++) await appendOk(log, testBatch(`d${i}`, 2))
  assert.equal(log.advanceLogStartOffset(5n), 5n)
  assert.equal(log.advanceLogStartOffset(3n), 5n, 'never backwards')
  const below = await log.read(4n, 1000)
  assert.equal(below.ok, false)
  assert.deepEqual(await log.offsetForTimestamp(EARLIEST_TIMESTAMP), { offset: 5n, timestamp: -1n })
  const result = await log.append(testBatch('after'), 0)
  assert.ok(result.ok && result.logStartOffset === 5n)
})

test('truncateTo removes records at and after an offset across segments, and appends continue there', async (t) => {
  const { log } = await openTestLog(t, { segmentBytes: 600 })
  for (let i = 0; i < 12; i++) await appendOk(log, testBatch(`u${i}`, 2, 1n, 100))
  await log.truncateTo(9n)
  assert.equal(log.logEndOffset, 8n, 'cut at the batch boundary at or below the offset... the batch holding 9 starts at 8')
  assert.equal(await appendOk(log, testBatch('new')), 8n)
  const values = await readLogValues(log)
  assert.deepEqual(values.at(-1), [8n, 'new-0'])
  assert.equal(values.length, 9)
})

test('flush.messages=1 fsyncs before acknowledging; otherwise the recovery point trails', async (t) => {
  const { log } = await openTestLog(t, { flushMessages: 1 })
  await appendOk(log, testBatch('f'))
  assert.equal(log.recoveryPoint, 1n)
  const { log: lazy, fixture } = await openTestLog(t, { flushMs: 1000 })
  await appendOk(lazy, testBatch('g'))
  assert.equal(lazy.recoveryPoint, 0n)
  assert.equal(lazy.isFlushDue(fixture.clock.nowMs()), false)
  fixture.clock.advance(1000)
  assert.equal(lazy.isFlushDue(fixture.clock.nowMs()), true)
  await lazy.flush()
  assert.equal(lazy.recoveryPoint, 1n)
})

test('after a clean close the log reopens without a scan; after a crash it is recovered', async (t) => {
  const { log, fixture } = await openTestLog(t, { segmentBytes: 800, indexIntervalBytes: 100 })
  for (let i = 0; i < 10; i++) await appendOk(log, testBatch(`c${i}`, 2, 1n, 100))
  await log.close()
  const clean = await fixture.reopen({ hadCleanShutdown: true, recoveryPoint: 20n })
  assert.equal(clean.recovery.recoveredSegments, 0)
  assert.equal(clean.logEndOffset, 20n)
  assert.equal((await readLogValues(clean)).length, 20)
  await clean.close()
  const crashed = await fixture.reopen({ hadCleanShutdown: false, recoveryPoint: 0n })
  assert.equal(crashed.recovery.recoveredSegments, crashed.segmentCount)
  assert.equal(crashed.logEndOffset, 20n)
})

test('recovery cuts a torn tail at the last whole batch and drops later segments after a corrupt one', async (t) => {
  const { log, fixture } = await openTestLog(t, { segmentBytes: 800 })
  for (let i = 0; i < 10; i++) await appendOk(log, testBatch(`x${i}`, 2, 1n, 100))
  const segments = log.allSegments.map((s) => s.baseOffset)
  await log.close()
  const lastFile = join(fixture.directory, segments.at(-1)!.toString().padStart(20, '0') + '.log')
  truncateSync(lastFile, statSync(lastFile).size - 7)
  const torn = await fixture.reopen({ hadCleanShutdown: false, recoveryPoint: 0n })
  assert.ok(torn.recovery.truncatedBytes > 0)
  const endAfterTear = torn.logEndOffset
  assert.equal(endAfterTear, 18n)
  await torn.close()

  const middleFile = join(fixture.directory, segments[1]!.toString().padStart(20, '0') + '.log')
  const bytes = readFileSync(middleFile)
  bytes.writeUInt8(bytes.readUInt8(bytes.length - 20) ^ 0x55, bytes.length - 20)
  writeFileSync(middleFile, bytes)
  const corrupt = await fixture.reopen({ hadCleanShutdown: false, recoveryPoint: 0n })
  assert.ok(corrupt.recovery.deletedSegments >= 1)
  assert.ok(corrupt.logEndOffset < endAfterTear)
  const values = await readLogValues(corrupt)
  assert.equal(values.length, Number(corrupt.logEndOffset))
})

test('a deleted index file is rebuilt on open, and a garbage one when a lookup meets it', async (t) => {
  const { log, fixture } = await openTestLog(t, { indexIntervalBytes: 100 })
  for (let i = 0; i < 20; i++) await appendOk(log, testBatch(`i${i}`, 2, 1n, 60))
  await log.close()
  const indexPath = join(fixture.directory, '00000000000000000000.index')
  unlinkSync(indexPath)
  const reopened = await fixture.reopen({ hadCleanShutdown: true, recoveryPoint: 40n })
  assert.equal(reopened.recovery.recoveredSegments, 1)
  assert.ok(existsSync(indexPath))
  assert.equal((await readLogValues(reopened, 31n))[0]![0], 30n + 1n)
  await reopened.close()

  const garbage = Buffer.alloc(statSync(indexPath).size)
  for (let i = 0; i < garbage.length; i += 8) {
    garbage.writeInt32BE(i / 8 + 1, i)
    garbage.writeInt32BE(i * 10 + 3, i + 4)
  }
  writeFileSync(indexPath, garbage)
  const withGarbage = await fixture.reopen({ hadCleanShutdown: true, recoveryPoint: 40n })
  const values = await readLogValues(withGarbage, 25n)
  assert.equal(values[0]![0], 25n)
  assert.equal(values.length, 15)
})

test('leader epochs are recorded where they start, checkpointed, and cut by truncation', async (t) => {
  const { log, fixture } = await openTestLog(t)
  await appendOk(log, testBatch('a', 2), 0)
  await appendOk(log, testBatch('b', 2), 0)
  await appendOk(log, testBatch('c', 2), 2)
  await appendOk(log, testBatch('d', 2), 5)
  assert.deepEqual(log.leaderEpochs, [
    { epoch: 0, startOffset: 0n },
    { epoch: 2, startOffset: 4n },
    { epoch: 5, startOffset: 6n },
  ])
  assert.equal(readFileSync(join(fixture.directory, 'leader-epoch-checkpoint'), 'utf8'), '0\n3\n0 0\n2 4\n5 6\n')
  assert.deepEqual(log.endOffsetForEpoch(2), { epoch: 2, endOffset: 6n })
  assert.deepEqual(log.endOffsetForEpoch(5), { epoch: 5, endOffset: 8n })
  await log.truncateTo(6n)
  assert.equal(log.latestLeaderEpoch, 2)
  assert.equal(readFileSync(join(fixture.directory, 'leader-epoch-checkpoint'), 'utf8'), '0\n2\n0 0\n2 4\n')
  await log.close()
  const reopened = await fixture.reopen({ hadCleanShutdown: true, recoveryPoint: 6n })
  assert.equal(reopened.latestLeaderEpoch, 2)
})

test('segment.jitter.ms makes a segment roll before segment.ms, never after', async (t) => {
  const { log, fixture } = await openTestLog(t, { segmentMs: 10_000, segmentJitterMs: 5_000 })
  await appendOk(log, testBatch('first'))
  fixture.clock.advance(4_999)
  await appendOk(log, testBatch('early'))
  assert.equal(log.segmentCount, 1, 'no roll before segment.ms minus the largest jitter')
  fixture.clock.advance(5_002)
  await appendOk(log, testBatch('late'))
  assert.equal(log.segmentCount, 2, 'rolled by segment.ms at the latest')
})

test('message.timestamp.before/after.max.ms refuse CreateTime batches outside the window around the clock', async (t) => {
  const { log, fixture } = await openTestLog(t, { messageTimestampBeforeMaxMs: 60_000, messageTimestampAfterMaxMs: 1_000 })
  const now = BigInt(fixture.clock.nowMs())
  assert.ok((await log.append(testBatch('in', 1, now - 59_000n), 0)).ok)
  const tooOld = await log.append(testBatch('old', 1, now - 61_000n), 0)
  assert.equal(!tooOld.ok && tooOld.problem, 'invalid-timestamp')
  const tooNew = await log.append(testBatch('new', 1, now + 2_000n), 0)
  assert.equal(!tooNew.ok && tooNew.problem, 'invalid-timestamp')
  assert.equal(log.logEndOffset, 1n, 'refused batches write nothing')
  log.updateConfig({ ...log.config, messageTimestampType: 'LogAppendTime' })
  assert.ok((await log.append(testBatch('stamped', 1, now - 61_000n), 0)).ok, 'LogAppendTime replaces the timestamp instead')
})
