// Recovery of a damaged newest segment, on the real file system: the tail a crash leaves (cut
// mid-batch, stale or random bytes after the last batch, bytes of the last few batches changed)
// is cut back to the last whole valid batch, every batch before it stays intact, and the log
// then takes appends from where it recovered. Seeded: replay with TORN_TAIL_SEED=<seed>.
import assert from 'node:assert/strict'
import { appendFileSync, readFileSync, readdirSync, truncateSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { logConfig, type LogConfig } from '../../../src/log/log-config.js'
import { PartitionLog } from '../../../src/log/partition-log.js'
import { NodeStorage } from '../../../src/log/storage.js'
import { BASE_OFFSET_OFFSET, PARTITION_LEADER_EPOCH_OFFSET, readRecordBatchHeader, splitRecordBatches } from '../../../src/protocol/record-batch.js'
import { tempDir } from '../../helpers/log-fixtures.js'
import { ManualClock } from '../../helpers/manual-clock.js'
import { seededRandom } from '../../helpers/seeded-random.js'
import { MAX_RECORDS_PER_BATCH, assertSequencedLog, sequencedBatch } from '../../helpers/sequenced-log.js'

const CASES_PER_DAMAGE = 13
/** Damage lands in one of this many batches at the end of the newest segment. */
const DAMAGED_TAIL_BATCHES = 3

type Damage = 'truncate' | 'overwrite' | 'append-garbage' | 'truncate-then-garbage'

interface BatchLayout {
  readonly position: number
  readonly sizeBytes: number
  readonly baseOffset: bigint
  readonly lastOffset: bigint
}

interface NewestSegment {
  readonly path: string
  readonly baseOffset: bigint
  readonly batches: readonly BatchLayout[]
  readonly sizeBytes: number
}

/** What recovery must leave: the newest segment cut to `validBytes`, the log ending at `endOffset`. */
interface Expectation {
  readonly validBytes: number
  readonly endOffset: bigint
  readonly description: string
}

function openLog(directory: string, config: Partial<LogConfig>, recoveryPoint: bigint, hadCleanShutdown: boolean): Promise<PartitionLog> {
  return PartitionLog.open({
    storage: new NodeStorage(),
    directory,
    config: logConfig(config),
    clock: new ManualClock(),
    recoveryPoint,
    logStartOffset: 0n,
    hadCleanShutdown,
  })
}

async function appendSequenced(log: PartitionLog, batchCount: number, random: () => number): Promise<void> {
  for (let i = 0; i < batchCount; i++) {
    const next = log.logEndOffset
    const result = await log.append(sequencedBatch(next, 1 + Math.floor(random() * MAX_RECORDS_PER_BATCH)), 0)
    assert.ok(result.ok && result.baseOffset === next, `append at ${next}`)
  }
}

function newestSegment(directory: string): NewestSegment {
  const name = readdirSync(directory)
    .filter((entry) => /^\d{20}\.log$/.test(entry))
    .sort()
    .at(-1)
  assert.ok(name !== undefined, 'the log has a segment')
  const path = join(directory, name)
  const bytes = readFileSync(path)
  const split = splitRecordBatches(bytes)
  assert.equal(split.partialBytes, 0, 'the undamaged segment holds whole batches')
  let position = 0
  const batches = split.batches.map((batch) => {
    const header = readRecordBatchHeader(batch)
    const layout = { position, sizeBytes: batch.length, baseOffset: header.baseOffset, lastOffset: header.lastOffset }
    position += batch.length
    return layout
  })
  return { path, baseOffset: BigInt(name.slice(0, 20)), batches, sizeBytes: bytes.length }
}

const randomInt = (random: () => number, min: number, max: number): number => min + Math.floor(random() * (max - min + 1))

/** The log must end where batch `index` of the newest segment starts. */
function endingBefore(segment: NewestSegment, index: number, description: string): Expectation {
  const batch = segment.batches[index]!
  return { validBytes: batch.position, endOffset: batch.baseOffset, description }
}

/** Bytes of a batch that a change is sure to be caught in: all but the base offset and leader epoch, which the CRC leaves out (as in Kafka). */
function isCheckedByte(offsetInBatch: number): boolean {
  const inBaseOffset = offsetInBatch >= BASE_OFFSET_OFFSET && offsetInBatch < BASE_OFFSET_OFFSET + 8
  const inLeaderEpoch = offsetInBatch >= PARTITION_LEADER_EPOCH_OFFSET && offsetInBatch < PARTITION_LEADER_EPOCH_OFFSET + 4
  return !inBaseOffset && !inLeaderEpoch
}

function randomBytes(random: () => number, length: number): Buffer {
  const bytes = Buffer.alloc(length)
  for (let i = 0; i < length; i++) bytes.writeUInt8(Math.floor(random() * 256), i)
  return bytes
}

/** Damages the newest segment's file in place and says what recovery must leave. */
function damage(kind: Damage, segment: NewestSegment, random: () => number): Expectation {
  const count = segment.batches.length
  const index = randomInt(random, Math.max(0, count - DAMAGED_TAIL_BATCHES), count - 1)
  const batch = segment.batches[index]!
  switch (kind) {
    case 'truncate': {
      // A cut exactly at the batch's start leaves a clean boundary: nothing for recovery to cut.
      const cut = batch.position + randomInt(random, 0, batch.sizeBytes - 1)
      truncateSync(segment.path, cut)
      return endingBefore(segment, index, `cut to ${cut} bytes, inside batch ${index} of ${count}`)
    }
    case 'overwrite': {
      const bytes = readFileSync(segment.path)
      const changes = randomInt(random, 1, 4)
      const where: number[] = []
      for (let attempt = 0; where.length < changes && attempt < 1000; attempt++) {
        const offsetInBatch = randomInt(random, 0, batch.sizeBytes - 1)
        if (!isCheckedByte(offsetInBatch)) continue
        const at = batch.position + offsetInBatch
        bytes.writeUInt8(bytes.readUInt8(at) ^ randomInt(random, 1, 255), at)
        where.push(offsetInBatch)
      }
      assert.equal(where.length, changes)
      writeFileSync(segment.path, bytes)
      return endingBefore(segment, index, `bytes ${where.join(', ')} of batch ${index} of ${count} changed`)
    }
    case 'append-garbage': {
      const length = randomInt(random, 1, 300)
      const isZeros = random() < 0.5
      appendFileSync(segment.path, isZeros ? Buffer.alloc(length) : randomBytes(random, length))
      const last = segment.batches[count - 1]!
      return { validBytes: segment.sizeBytes, endOffset: last.lastOffset + 1n, description: `${length} ${isZeros ? 'zero' : 'random'} bytes appended` }
    }
    case 'truncate-then-garbage': {
      // A torn write: the last batch is cut short and stale bytes follow where its end should be.
      const last = segment.batches[count - 1]!
      const cut = last.position + randomInt(random, 1, last.sizeBytes - 1)
      truncateSync(segment.path, cut)
      const length = randomInt(random, 1, 2 * last.sizeBytes)
      appendFileSync(segment.path, randomBytes(random, length))
      return endingBefore(segment, count - 1, `last batch cut to ${cut - last.position} of ${last.sizeBytes} bytes, then ${length} random bytes`)
    }
  }
}

function randomConfig(random: () => number): Partial<LogConfig> {
  const pick = <T>(choices: readonly T[]): T => choices[Math.floor(random() * choices.length)]!
  return { segmentBytes: pick([4096, 16384, 1024 * 1024 * 1024]), indexIntervalBytes: pick([1, 256, 4096]) }
}

function caseSeed(): number {
  const seed = process.env.TORN_TAIL_SEED !== undefined ? Number(process.env.TORN_TAIL_SEED) : Math.floor(Math.random() * 2 ** 31)
  console.log(`torn-tail seed ${seed} (replay with TORN_TAIL_SEED=${seed})`)
  return seed
}

for (const kind of ['truncate', 'overwrite', 'append-garbage', 'truncate-then-garbage'] as const) {
  test(`recovery after damage of kind ${kind} keeps every whole batch before it and appends continue`, async (t) => {
    const seed = caseSeed()
    for (let i = 0; i < CASES_PER_DAMAGE; i++) {
      const random = seededRandom(seed + i)
      const config = randomConfig(random)
      const directory = join(tempDir(t, 'sluice-torn-'), 'topic-0')
      const log = await openLog(directory, config, 0n, false)
      await appendSequenced(log, randomInt(random, 5, 60), random)
      await log.close()
      const checkpointedRecoveryPoint = log.recoveryPoint

      const segment = newestSegment(directory)
      const expected = damage(kind, segment, random)
      const damagedSize = readFileSync(segment.path).length
      const context = `seed ${seed + i}, ${expected.description}, config ${JSON.stringify(config)}`

      const recoveryPoint = random() < 0.5 ? 0n : checkpointedRecoveryPoint
      const recovered = await openLog(directory, config, recoveryPoint, false)
      try {
        assert.equal(recovered.logEndOffset, expected.endOffset, `${context}: log end offset`)
        assert.equal(recovered.recovery.truncatedBytes, damagedSize - expected.validBytes, `${context}: bytes cut`)
        assert.equal(recovered.recovery.deletedSegments, 0, context)
        assert.equal(recovered.recovery.reasons.length, recovered.recovery.truncatedBytes > 0 ? 1 : 0, `${context}: a cut is explained`)
        assert.equal(readFileSync(segment.path).length, expected.validBytes, `${context}: the file is cut on disk`)
        await assertSequencedLog(recovered, context)

        await appendSequenced(recovered, randomInt(random, 1, 10), random)
        await assertSequencedLog(recovered, `${context}: after new appends`)
      } finally {
        await recovered.close()
      }
      // The repaired log needs no more repair, and keeps what was appended after recovery.
      const again = await openLog(directory, config, 0n, false)
      try {
        assert.equal(again.recovery.truncatedBytes, 0, `${context}: a second recovery finds nothing to cut`)
        await assertSequencedLog(again, `${context}: reopened after the new appends`)
      } finally {
        await again.close()
      }
    }
  })
}

test('recovery cuts a batch whose base offset goes back before the batch it follows', async (t) => {
  const directory = join(tempDir(t, 'sluice-torn-'), 'topic-0')
  const log = await openLog(directory, {}, 0n, false)
  await appendSequenced(log, 4, seededRandom(7))
  await log.close()
  const segment = newestSegment(directory)
  const last = segment.batches[3]!
  const bytes = readFileSync(segment.path)
  // The base offset is outside the CRC: only the order of offsets can show that it is wrong.
  bytes.writeBigInt64BE(segment.batches[1]!.baseOffset, last.position + BASE_OFFSET_OFFSET)
  writeFileSync(segment.path, bytes)
  const recovered = await openLog(directory, {}, 0n, false)
  t.after(() => recovered.close())
  assert.equal(recovered.logEndOffset, last.baseOffset)
  assert.equal(recovered.recovery.truncatedBytes, last.sizeBytes)
  await assertSequencedLog(recovered, 'after recovery')
})
