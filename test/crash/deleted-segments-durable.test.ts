// Regression: segments that PartitionLog removes (recovery dropping the segments after a corrupt
// batch, truncateTo dropping those after the truncation point) came back after a power loss,
// because the removals were not made durable with a directory fsync; new appends then shared
// offsets with the resurrected segments (log end 27 instead of 9).
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { logConfig } from '../../src/log/log-config.js'
import { PartitionLog } from '../../src/log/partition-log.js'
import { ManualClock } from '../helpers/manual-clock.js'
import { MemoryStorage } from '../helpers/memory-storage.js'
import { assertSequencedLog, sequencedBatch } from '../helpers/sequenced-log.js'

const DIRECTORY = '/logs/topic-0'
const open = (storage: MemoryStorage, recoveryPoint: bigint): Promise<PartitionLog> =>
  PartitionLog.open({ storage, directory: DIRECTORY, config: logConfig({ segmentBytes: 2048 }), clock: new ManualClock(), recoveryPoint, logStartOffset: 0n, hadCleanShutdown: false })

async function threeSegments(storage: MemoryStorage): Promise<PartitionLog> {
  const log = await open(storage, 0n)
  for (let i = 0; log.segmentCount < 3 && i < 100; i++) await log.append(sequencedBatch(log.logEndOffset, 3), 0)
  assert.deepEqual(log.allSegments.map((s) => s.baseOffset), [0n, 12n, 24n])
  return log
}

test('segments dropped by recovery stay dropped after a power loss', async () => {
  const storage = new MemoryStorage({ directories: [DIRECTORY] })
  await (await threeSegments(storage)).close()
  // Bit rot in the middle of the first segment, on disk.
  const path = `${DIRECTORY}/00000000000000000000.log`
  const at = Math.floor(storage.readSync(path).length / 2)
  const file = await storage.open(path, 'readWrite')
  await file.write([Buffer.from([storage.readSync(path).readUInt8(at) ^ 0xff])], at)
  await file.sync()
  await file.close()
  const recovered = await open(storage, 0n)
  assert.equal(recovered.recovery.deletedSegments, 2)
  assert.equal(recovered.logEndOffset, 6n)
  await recovered.append(sequencedBatch(6n, 3), 0)
  await recovered.flush()
  storage.simulatePowerLoss()
  const again = await open(storage, recovered.recoveryPoint)
  assert.equal(again.logEndOffset, 9n)
  await assertSequencedLog(again, 'after the power loss')
})

test('segments dropped by truncateTo stay dropped after a power loss', async () => {
  const storage = new MemoryStorage({ directories: [DIRECTORY] })
  const log = await threeSegments(storage)
  await log.flush()
  await log.truncateTo(6n)
  await log.append(sequencedBatch(6n, 3), 0)
  await log.flush()
  storage.simulatePowerLoss()
  const again = await open(storage, log.recoveryPoint)
  assert.equal(again.logEndOffset, 9n)
  await assertSequencedLog(again, 'after the power loss')
})
