// Power loss under the log, modelled by MemoryStorage: only what was fsync'd (file bytes by
// StorageFile.sync, directory entries by syncDirectory) survives, optionally with a random prefix
// of each file's unsynced tail. After each loss the log is reopened as after a crash and must hold
// exactly a prefix of the acknowledged appends, at least up to the recovery point it claimed
// (flush() and rolls move it), and with flush.messages=1 every acknowledged append. Failed writes
// and fsyncs must not be acknowledged and must leave nothing half-written behind.
// Replay a seed with POWER_LOSS_SEED=<seed>.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { NO_LIMIT, logConfig, type LogConfig } from '../../src/log/log-config.js'
import { PartitionLog } from '../../src/log/partition-log.js'
import type { OpenMode, Storage, StorageFile } from '../../src/log/storage.js'
import { StorageError } from '../../src/log/storage-error.js'
import { ManualClock } from '../helpers/manual-clock.js'
import { DelegatingStorage, delegatingFile } from '../helpers/delegating-storage.js'
import { MemoryStorage } from '../helpers/memory-storage.js'
import { seededRandom } from '../helpers/seeded-random.js'
import { MAX_RECORDS_PER_BATCH, assertSequencedLog, sequencedBatch } from '../helpers/sequenced-log.js'

const DIRECTORY = '/logs/topic-0'
const SEEDS_PER_MODE = 40
const ROUNDS_PER_SEED = 3
const MAX_APPENDS_PER_ROUND = 120

type PowerLossMode = 'none' | 'random'

function openLog(storage: Storage, config: Partial<LogConfig>, recoveryPoint = 0n): Promise<PartitionLog> {
  return PartitionLog.open({
    storage,
    directory: DIRECTORY,
    config: logConfig(config),
    clock: new ManualClock(),
    recoveryPoint,
    logStartOffset: 0n,
    hadCleanShutdown: false,
  })
}

/** Appends the next sequenced batch and asserts it was acknowledged at the log end. */
async function appendNext(log: PartitionLog, recordCount: number): Promise<void> {
  const next = log.logEndOffset
  const result = await log.append(sequencedBatch(next, recordCount), 0)
  assert.ok(result.ok, result.ok ? '' : `append at ${next}: ${result.problem}: ${result.reason}`)
  assert.equal(result.baseOffset, next)
}

function randomConfig(random: () => number, flushMessages: number): Partial<LogConfig> {
  const pick = <T>(choices: readonly T[]): T => choices[Math.floor(random() * choices.length)]!
  return {
    segmentBytes: pick([1024, 4096, 16384, 1024 * 1024 * 1024]),
    indexIntervalBytes: pick([1, 256, 4096]),
    // Not the 10 MiB default: MemoryStorage holds preallocated index files in memory.
    segmentIndexBytes: pick([80, 1024, 64 * 1024]),
    flushMessages,
  }
}

function baseSeed(): number {
  const seed = process.env.POWER_LOSS_SEED !== undefined ? Number(process.env.POWER_LOSS_SEED) : Math.floor(Math.random() * 2 ** 31)
  console.log(`power-loss seed ${seed} (replay with POWER_LOSS_SEED=${seed})`)
  return seed
}

/**
 * One seed: ROUNDS_PER_SEED times, appends (flushing now and then, and checkpointing the recovery
 * point as the log manager would), loses power and recovers, checking the recovered log against
 * what was acknowledged and what the log claimed was durable. Returns the records that survived.
 */
async function runPowerLossSeed(seed: number, mode: PowerLossMode, flushMessages: number): Promise<{ lostRecords: bigint; keptRecords: bigint }> {
  const random = seededRandom(seed)
  const config = randomConfig(random, flushMessages)
  const storage = new MemoryStorage({ directories: [DIRECTORY] })
  let log = await openLog(storage, config)
  let acknowledgedBases: bigint[] = []
  let checkpointedRecoveryPoint = 0n
  let lostRecords = 0n
  for (let round = 0; round < ROUNDS_PER_SEED; round++) {
    const context = `seed ${seed}, mode ${mode}, round ${round}, config ${JSON.stringify(config)}`
    let lastFlushEnd = 0n
    const appendCount = 1 + Math.floor(random() * MAX_APPENDS_PER_ROUND)
    for (let i = 0; i < appendCount; i++) {
      acknowledgedBases.push(log.logEndOffset)
      await appendNext(log, 1 + Math.floor(random() * MAX_RECORDS_PER_BATCH))
      if (random() < 0.08) {
        await log.flush()
        lastFlushEnd = log.logEndOffset
      }
      if (random() < 0.05) checkpointedRecoveryPoint = log.recoveryPoint
    }
    const acknowledgedEnd = log.logEndOffset
    // Rolled segments are fsync'd later, beside appends; the recovery point moves once they are.
    if (random() < 0.5) await log.flushRolledSegments()
    const claimedDurable = log.recoveryPoint
    assert.ok(claimedDurable >= lastFlushEnd, `${context}: flush() moves the recovery point to the log end`)
    if (flushMessages === 1) assert.equal(claimedDurable, acknowledgedEnd, `${context}: flush.messages=1 flushes before acknowledging`)

    storage.simulatePowerLoss({ keepUnsyncedPrefix: mode, random })
    // The old log's handles are dead (EBADF), as a crashed process's are: it is dropped, not closed.
    const recoveryPoint = random() < 0.5 ? 0n : checkpointedRecoveryPoint
    log = await openLog(storage, config, recoveryPoint)
    const recovered = await assertSequencedLog(log, context)
    assert.deepEqual(recovered.batchBaseOffsets, acknowledgedBases.slice(0, recovered.batchCount), `${context}: the recovered batches are the acknowledged ones`)
    assert.ok(log.logEndOffset <= acknowledgedEnd, `${context}: log end ${log.logEndOffset} is past every acknowledged append (${acknowledgedEnd})`)
    assert.ok(
      log.logEndOffset >= claimedDurable,
      `${context}: recovered to ${log.logEndOffset}, below the recovery point ${claimedDurable} the log claimed was durable`,
    )
    if (mode === 'none') assert.equal(log.logEndOffset, claimedDurable, `${context}: nothing unsynced survives a loss that keeps no unsynced bytes`)
    if (random() < 0.25) {
      // Power fails again before anything is appended: what recovery kept, and claimed durable, stays.
      const recoveredEnd = log.logEndOffset
      assert.equal(log.recoveryPoint, recoveredEnd, `${context}: a recovered log is durable to its end`)
      storage.simulatePowerLoss({ keepUnsyncedPrefix: mode, random })
      log = await openLog(storage, config, recoveredEnd)
      assert.equal(log.logEndOffset, recoveredEnd, `${context}: a second power loss right after recovery lost records`)
      await assertSequencedLog(log, `${context}: after a second power loss`)
    }
    lostRecords += acknowledgedEnd - log.logEndOffset
    acknowledgedBases = acknowledgedBases.slice(0, recovered.batchCount)
    // The manager checkpoints the recovery point after recovery; the older checkpoint stays valid too.
    if (random() < 0.5) checkpointedRecoveryPoint = log.recoveryPoint
  }
  return { lostRecords, keptRecords: log.logEndOffset }
}

for (const mode of ['none', 'random'] as const) {
  test(`power loss (${mode} of the unsynced tail kept) leaves a prefix of the acknowledged appends, at least to the last flush`, async () => {
    const seed = baseSeed()
    let lost = 0n
    let kept = 0n
    for (let i = 0; i < SEEDS_PER_MODE; i++) {
      const outcome = await runPowerLossSeed(seed + i, mode, NO_LIMIT)
      lost += outcome.lostRecords
      kept += outcome.keptRecords
    }
    console.log(`power-loss ${mode}: ${SEEDS_PER_MODE} seeds from ${seed}, ${kept} records kept, ${lost} unflushed records lost`)
  })

  test(`with flush.messages=1 every acknowledged append survives power loss (${mode} of the unsynced tail kept)`, async () => {
    const seed = baseSeed()
    for (let i = 0; i < SEEDS_PER_MODE / 2; i++) {
      const outcome = await runPowerLossSeed(seed + i, mode, 1)
      assert.equal(outcome.lostRecords, 0n, `seed ${seed + i}: acknowledged records were lost`)
    }
  })
}

test('a flushed first segment survives power loss: its directory entry is durable', async () => {
  const storage = new MemoryStorage({ directories: [DIRECTORY] })
  const log = await openLog(storage, {})
  for (let i = 0; i < 5; i++) await appendNext(log, 2)
  await log.flush()
  storage.simulatePowerLoss()
  const recovered = await openLog(storage, {}, log.recoveryPoint)
  assert.equal(recovered.logEndOffset, 10n, 'flushed records are durable')
  await assertSequencedLog(recovered, 'after power loss')
})

test('a rolled segment is fsync\'d after a delay, beside appends, and then survives power loss without a flush', async () => {
  const storage = new MemoryStorage({ directories: [DIRECTORY] })
  const log = await openLog(storage, { segmentBytes: 2048 })
  for (let i = 0; log.segmentCount < 3 && i < 100; i++) await appendNext(log, 3)
  assert.equal(log.segmentCount, 3)
  const rolledEnd = log.allSegments[2]!.baseOffset
  // The appends that rolled did not wait for an fsync: nothing is claimed durable yet.
  assert.equal(log.recoveryPoint, 0n)
  await log.flushRolledSegments()
  assert.equal(log.recoveryPoint, rolledEnd)
  storage.simulatePowerLoss()
  const recovered = await openLog(storage, { segmentBytes: 2048 }, rolledEnd)
  assert.equal(recovered.logEndOffset, rolledEnd, 'everything before the active segment is durable')
  await assertSequencedLog(recovered, 'after power loss')
})

/**
 * MemoryStorage whose next write to a matching file writes only the first half of its bytes and
 * then fails with ENOSPC, as a disk that fills up in the middle of a write does.
 */
class ShortWriteStorage extends DelegatingStorage {
  private armed: { errno: string; matchPath: (path: string) => boolean } | undefined

  constructor(readonly memory: MemoryStorage) {
    super(memory)
  }

  failNextWriteHalfway(errno: string, matchPath: (path: string) => boolean): void {
    this.armed = { errno, matchPath }
  }

  override async open(path: string, mode: OpenMode): Promise<StorageFile> {
    const file = await this.inner.open(path, mode)
    const write = async (chunks: readonly Buffer[], position: number): Promise<void> => {
      const armed = this.armed
      if (armed === undefined || !armed.matchPath(path)) return file.write(chunks, position)
      this.armed = undefined
      const bytes = Buffer.concat(chunks)
      await file.write([bytes.subarray(0, Math.floor(bytes.length / 2))], position)
      throw new StorageError(armed.errno, 'write', path)
    }
    return delegatingFile(file, { write })
  }
}

const isSegmentFile = (path: string): boolean => path.endsWith('.log')

function assertStorageFailure(result: Awaited<ReturnType<PartitionLog['append']>>, errno: string): void {
  assert.equal(result.ok, false, 'the append must not be acknowledged')
  assert.ok(!result.ok && result.problem === 'storage', `expected a storage failure, got ${result.ok ? 'ok' : result.problem}`)
  assert.equal(result.error.errno, errno)
}

test('a write failing with ENOSPC is not acknowledged and leaves the log as it was', async () => {
  const storage = new MemoryStorage({ directories: [DIRECTORY] })
  const errors: StorageError[] = []
  const log = await PartitionLog.open({
    storage,
    directory: DIRECTORY,
    config: logConfig(),
    clock: new ManualClock(),
    recoveryPoint: 0n,
    logStartOffset: 0n,
    hadCleanShutdown: false,
    onStorageError: (error) => errors.push(error),
  })
  for (let i = 0; i < 6; i++) await appendNext(log, 2)
  const sizeBefore = log.sizeBytes
  storage.failNext('write', 'ENOSPC', isSegmentFile)
  assertStorageFailure(await log.append(sequencedBatch(12n, 3), 0), 'ENOSPC')
  assert.equal(errors.length, 1, 'the manager hears of the failure so it can take the log dir offline')
  assert.equal(log.logEndOffset, 12n)
  assert.equal(log.sizeBytes, sizeBefore)
  assert.equal(log.isOffline, true, 'after a failed write the log refuses further work, as its log dir goes offline')
  const refused = await log.read(0n, 1000)
  assert.equal(!refused.ok && refused.problem, 'storage')

  // The log dir went offline: the next start recovers it as after a crash.
  const reopened = await openLog(storage, {})
  assert.equal(reopened.logEndOffset, 12n, 'the acknowledged records are all there, and nothing else')
  await assertSequencedLog(reopened, 'after reopening')
})

test('a write cut short by ENOSPC leaves no partial batch visible, even when cutting it back fails too', async () => {
  for (const isTruncateFailing of [false, true]) {
    const context = isTruncateFailing ? 'truncate failing too' : 'truncate working'
    const memory = new MemoryStorage({ directories: [DIRECTORY] })
    const storage = new ShortWriteStorage(memory)
    const log = await openLog(storage, {})
    for (let i = 0; i < 6; i++) await appendNext(log, 2)
    await log.flush()
    await appendNext(log, 1)
    const sizeBefore = log.sizeBytes
    storage.failNextWriteHalfway('ENOSPC', isSegmentFile)
    if (isTruncateFailing) memory.failNext('truncate', 'EIO', isSegmentFile)
    assertStorageFailure(await log.append(sequencedBatch(13n, 4), 0), 'ENOSPC')
    assert.equal(log.logEndOffset, 13n, context)
    assert.equal(log.sizeBytes, sizeBefore, context)
    assert.equal(log.isOffline, true, context)
    const onDisk = memory.readSync(`${DIRECTORY}/00000000000000000000.log`).length
    assert.equal(onDisk > sizeBefore, isTruncateFailing, `${context}: the half batch is cut back unless truncate failed`)

    const reopened = await openLog(storage, {})
    assert.equal(reopened.logEndOffset, 13n, `${context}: every acknowledged record and no partial batch`)
    assert.equal(reopened.recovery.truncatedBytes, onDisk - sizeBefore, `${context}: recovery cut exactly the half batch`)
    await assertSequencedLog(reopened, `${context}: after reopening`)
    // The recovered log takes appends again, from its end.
    await appendNext(reopened, 2)
    await assertSequencedLog(reopened, `${context}: after a new append`)
  }
})

test('with flush.messages=1 an append whose fsync fails is not acknowledged, and power loss keeps the acknowledged ones', async () => {
  for (const mode of ['none', 'random'] as const) {
    const random = seededRandom(mode === 'none' ? 1 : 2)
    const storage = new MemoryStorage({ directories: [DIRECTORY] })
    const errors: StorageError[] = []
    const log = await PartitionLog.open({
      storage,
      directory: DIRECTORY,
      config: logConfig({ flushMessages: 1 }),
      clock: new ManualClock(),
      recoveryPoint: 0n,
      logStartOffset: 0n,
      hadCleanShutdown: false,
      onStorageError: (error) => errors.push(error),
    })
    for (let i = 0; i < 5; i++) await appendNext(log, 2)
    storage.failNext('sync', 'EIO', isSegmentFile)
    assertStorageFailure(await log.append(sequencedBatch(10n, 3), 0), 'EIO')
    assert.equal(errors.length, 1, `${mode}: the manager hears of the failed fsync`)
    assert.equal(log.recoveryPoint, 10n, `${mode}: the unsynced batch is not claimed durable`)

    storage.simulatePowerLoss({ keepUnsyncedPrefix: mode, random })
    const recovered = await openLog(storage, { flushMessages: 1 }, 10n)
    assert.ok(recovered.logEndOffset >= 10n, `${mode}: acknowledged records were lost`)
    // The unacknowledged batch may be there whole (its bytes reached the disk anyway) or not at all.
    assert.ok(recovered.logEndOffset === 10n || recovered.logEndOffset === 13n, `${mode}: log end ${recovered.logEndOffset}`)
    if (mode === 'none') assert.equal(recovered.logEndOffset, 10n)
    await assertSequencedLog(recovered, `${mode}: after power loss`)
  }
})

test('a new partition directory survives a power loss with the records acknowledged in it', async () => {
  // Only the log dir exists durably: the partition directory is created by PartitionLog.open.
  const storage = new MemoryStorage({ directories: ['/logs'] })
  const log = await PartitionLog.open({
    storage,
    directory: DIRECTORY,
    config: logConfig({ flushMessages: 1 }),
    clock: new ManualClock(),
    recoveryPoint: 0n,
    logStartOffset: 0n,
    hadCleanShutdown: false,
  })
  for (let i = 0; i < 3; i++) await appendNext(log, 2)
  storage.simulatePowerLoss()
  const reopened = await openLog(storage, {})
  assert.equal(reopened.logEndOffset, 6n, 'every record acknowledged after an fsync is there')
  await assertSequencedLog(reopened, 'after the power loss')
})
