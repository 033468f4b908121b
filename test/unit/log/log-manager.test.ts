import assert from 'node:assert/strict'
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { logConfig } from '../../../src/log/log-config.js'
import { CLEAN_SHUTDOWN_FILE, LogManager, type LogManagerOptions } from '../../../src/log/log-manager.js'
import { MetaPropertiesMismatchError } from '../../../src/log/meta-properties.js'
import { NodeStorage } from '../../../src/log/storage.js'
import { ManualClock } from '../../helpers/manual-clock.js'
import { MemoryStorage } from '../../helpers/memory-storage.js'
import { buildRecordBatchSync } from '../../../src/protocol/build-record-batch.js'
import { tempDir, testBatch } from '../../helpers/log-fixtures.js'

function options(t: { after(fn: () => void): void }, overrides: Partial<LogManagerOptions> = {}): LogManagerOptions {
  const root = tempDir(t)
  return { storage: new NodeStorage(), logDirs: [join(root, 'a'), join(root, 'b')], clock: new ManualClock(), defaultConfig: logConfig(), ...overrides }
}

test('partitions spread over log dirs in Kafka layout, with checkpoints and a clean-shutdown marker', async (t) => {
  const opts = options(t, { identity: { clusterId: 'cluster-1', nodeId: 3 } })
  const manager = await LogManager.start(opts)
  for (let partition = 0; partition < 4; partition++) {
    const log = await manager.getOrCreateLog('orders', partition, 'AAAAAAAAAAAAAAAAAAAAAQ')
    assert.ok((await log.append(testBatch(`p${partition}`, 2), 0)).ok)
  }
  assert.deepEqual(manager.logDirs.map((dir) => dir.partitionCount), [2, 2])
  await manager.close()
  const [a, b] = opts.logDirs as [string, string]
  for (const dir of [a, b]) {
    const names = readdirSync(dir)
    for (const file of [CLEAN_SHUTDOWN_FILE, 'meta.properties', 'recovery-point-offset-checkpoint', 'log-start-offset-checkpoint', 'replication-offset-checkpoint']) assert.ok(names.includes(file), `${file} in ${dir}`)
    assert.match(readFileSync(join(dir, 'meta.properties'), 'latin1'), /cluster\.id=cluster-1/)
  }
  const checkpoint = readFileSync(join(a, 'recovery-point-offset-checkpoint'), 'utf8')
  assert.match(checkpoint, /^0\n2\norders \d 2\norders \d 2\n$/)
  const partitionDir = readdirSync(a).find((name) => name.startsWith('orders-'))!
  assert.equal(readFileSync(join(a, partitionDir, 'partition.metadata'), 'utf8'), 'version: 0\ntopic_id: AAAAAAAAAAAAAAAAAAAAAQ')

  const reopened = await LogManager.start(opts)
  t.after(() => reopened.close())
  assert.equal(existsSync(join(a, CLEAN_SHUTDOWN_FILE)), false, 'the marker is consumed at start')
  for (let partition = 0; partition < 4; partition++) {
    const log = reopened.getLog('orders', partition)
    assert.ok(log)
    assert.equal(log.recovery.recoveredSegments, 0, 'a clean start trusts the logs')
    assert.equal(log.logEndOffset, 2n)
  }
})

test('a log dir of another node is refused', async (t) => {
  const opts = options(t, { identity: { clusterId: 'cluster-1', nodeId: 3 } })
  await (await LogManager.start(opts)).close()
  await assert.rejects(LogManager.start({ ...opts, identity: { clusterId: 'cluster-1', nodeId: 4 } }), MetaPropertiesMismatchError)
})

test('after a crash, recovery starts at the checkpointed recovery point', async (t) => {
  const opts = options(t, { defaultConfig: logConfig({ segmentBytes: 600 }) })
  const manager = await LogManager.start(opts)
  const log = await manager.getOrCreateLog('events', 0)
  for (let i = 0; i < 10; i++) assert.ok((await log.append(testBatch(`e${i}`, 2, 1n, 100), 0)).ok)
  await log.flush()
  await manager.checkpoint()
  for (let i = 10; i < 12; i++) assert.ok((await log.append(testBatch(`e${i}`, 2, 1n, 100), 0)).ok)
  const segments = log.segmentCount
  // A crash: no close, no marker.
  const recovered = await LogManager.start(opts)
  t.after(() => recovered.close())
  const reopened = recovered.getLog('events', 0)!
  assert.equal(reopened.logEndOffset, 24n)
  assert.ok(reopened.recovery.recoveredSegments >= 1)
  assert.ok(reopened.recovery.recoveredSegments < segments, `${reopened.recovery.recoveredSegments} of ${segments} segments rescanned`)
})

test('a deleted partition frees its name at once and its directory goes', async (t) => {
  const opts = options(t)
  const manager = await LogManager.start(opts)
  t.after(() => manager.close())
  const log = await manager.getOrCreateLog('gone', 0)
  assert.ok((await log.append(testBatch('x'), 0)).ok)
  await manager.deleteLog('gone', 0)
  assert.equal(manager.getLog('gone', 0), undefined)
  const again = await manager.getOrCreateLog('gone', 0)
  assert.equal(again.logEndOffset, 0n)
})

test('a failing disk takes its log dir offline and the other dir keeps serving', async (t) => {
  const storage = new MemoryStorage()
  const manager = await LogManager.start({ storage, logDirs: ['/data/a', '/data/b'], clock: new ManualClock(), defaultConfig: logConfig() })
  t.after(() => manager.close())
  const first = await manager.getOrCreateLog('t', 0)
  const second = await manager.getOrCreateLog('t', 1)
  assert.ok((await first.append(testBatch('ok'), 0)).ok)
  storage.failNext('write', 'ENOSPC', (path) => path.startsWith(first.directory))
  const failed = await first.append(testBatch('full'), 0)
  assert.equal(!failed.ok && failed.problem, 'storage')
  assert.deepEqual(manager.logDirs.map((dir) => dir.isOnline).sort(), [false, true])
  const again = await first.append(testBatch('later'), 0)
  assert.equal(!again.ok && again.problem, 'storage', 'an offline dir refuses appends')
  assert.ok((await second.append(testBatch('other'), 0)).ok)
  const read = await first.read(0n, 1000)
  assert.equal(!read.ok && read.problem, 'storage')
})

test('background jobs flush by flush.ms and apply retention on their intervals', async (t) => {
  const clock = new ManualClock()
  const opts = options(t, { clock, defaultConfig: logConfig({ flushMs: 5000, retentionMs: 60_000, segmentBytes: 300, fileDeleteDelayMs: 1000 }), flushCheckIntervalMs: 1000, retentionCheckIntervalMs: 10_000, initialTaskDelayMs: 0 })
  const manager = await LogManager.start(opts)
  t.after(() => manager.close())
  const log = await manager.getOrCreateLog('jobs', 0)
  const timestamp = BigInt(clock.nowMs())
  for (let i = 0; i < 5; i++) assert.ok((await log.append(testBatch(`j${i}`, 1, timestamp, 200), 0)).ok)
  // Retention deletes only below the high watermark, which replication moves; here, by hand.
  log.updateHighWatermark(log.logEndOffset)
  await manager.runDueJobs()
  assert.equal(log.recoveryPoint < log.logEndOffset, true, 'not yet due')
  clock.advance(5000)
  await manager.runDueJobs()
  assert.equal(log.recoveryPoint, log.logEndOffset)
  const segmentsBefore = log.segmentCount
  clock.advance(60_001)
  await manager.runDueJobs()
  assert.ok(log.segmentCount < segmentsBefore, 'expired segments are deleted')
  assert.equal(log.logStartOffset, log.allSegments[0]!.baseOffset)
})

test('compacted topics are cleaned by the background job and the cleaner checkpoint is written', async (t) => {
  const clock = new ManualClock()
  const compacted = logConfig({ cleanupPolicy: ['compact'], segmentBytes: 400, minCleanableDirtyRatio: 0.1 })
  const opts = options(t, { clock, configFor: (topic) => (topic === 'table' ? compacted : logConfig()), cleanerBackoffMs: 1000, checkpointIntervalMs: 1000, initialTaskDelayMs: 0 })
  const manager = await LogManager.start(opts)
  t.after(() => manager.close())
  const log = await manager.getOrCreateLog('table', 0)
  for (let i = 0; i < 12; i++) {
    const batch = buildRecordBatchSync({ records: [{ key: Buffer.from(`k${i % 3}`), value: Buffer.from(`v${i}`.padEnd(100, '.')), timestamp: BigInt(clock.nowMs()) }] })
    assert.ok((await log.append(batch, 0)).ok)
  }
  log.updateHighWatermark(log.logEndOffset)
  const sizeBefore = log.sizeBytes
  await manager.runDueJobs()
  assert.ok(log.sizeBytes < sizeBefore, `compaction shrank the log from ${sizeBefore} to ${log.sizeBytes} bytes`)
  const dir = manager.logDirs.find((candidate) => candidate.partitionCount === 1)!.path
  assert.match(readFileSync(join(dir, 'cleaner-offset-checkpoint'), 'utf8'), /^0\n1\ntable 0 \d+\n$/)
})

test('retention waits log.initial.task.delay.ms after start before its first pass, as Kafka does', async (t) => {
  const clock = new ManualClock()
  const opts = options(t, { clock, defaultConfig: logConfig({ retentionMs: 1000, segmentBytes: 300, fileDeleteDelayMs: 0 }), retentionCheckIntervalMs: 1000 })
  const manager = await LogManager.start(opts)
  t.after(() => manager.close())
  const log = await manager.getOrCreateLog('old-records', 0)
  // Records written long ago: expired the moment the broker starts.
  const timestamp = BigInt(clock.nowMs() - 3_600_000)
  for (let i = 0; i < 5; i++) assert.ok((await log.append(testBatch(`o${i}`, 1, timestamp, 200), 0)).ok)
  log.updateHighWatermark(log.logEndOffset)
  const segmentsBefore = log.segmentCount
  clock.advance(29_000)
  await manager.runDueJobs()
  assert.equal(log.segmentCount, segmentsBefore, 'nothing deleted within the initial delay')
  clock.advance(1_001)
  await manager.runDueJobs()
  assert.ok(log.segmentCount < segmentsBefore, 'the first pass after the delay deletes expired segments')
})

test('a rolled segment is fsync\'d by the flush job once its delay has passed, not by the append that rolled', async (t) => {
  const clock = new ManualClock()
  const opts = options(t, { clock, defaultConfig: logConfig({ segmentBytes: 300 }), flushCheckIntervalMs: 1000 })
  const manager = await LogManager.start(opts)
  t.after(() => manager.close())
  const log = await manager.getOrCreateLog('rolled', 0)
  for (let i = 0; log.segmentCount < 3 && i < 20; i++) assert.ok((await log.append(testBatch(`r${i}`, 1, BigInt(clock.nowMs()), 200), 0)).ok)
  assert.equal(log.segmentCount, 3)
  assert.equal(log.recoveryPoint, 0n, 'the appends that rolled fsync\'d nothing')
  clock.advance(30_000)
  await manager.runDueJobs()
  assert.equal(log.recoveryPoint, 0n, 'not yet due')
  clock.advance(6_000)
  await manager.runDueJobs()
  assert.equal(log.recoveryPoint, log.allSegments[2]!.baseOffset, 'every rolled segment is durable; the active one is not')
})

test('a compacted log fsyncs a segment as it rolls, since recovery cannot tell its holes from lost data', async (t) => {
  const clock = new ManualClock()
  const opts = options(t, { clock, configFor: () => logConfig({ segmentBytes: 300, cleanupPolicy: ['compact'] }) })
  const manager = await LogManager.start(opts)
  t.after(() => manager.close())
  const log = await manager.getOrCreateLog('table', 0)
  for (let i = 0; log.segmentCount < 2 && i < 20; i++) assert.ok((await log.append(testBatch(`c${i}`, 1, BigInt(clock.nowMs()), 200), 0)).ok)
  assert.equal(log.recoveryPoint, log.allSegments[1]!.baseOffset)
})
