import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, type TestContext } from 'node:test'
import {
  LEADER_EPOCH_CHECKPOINT_FILE,
  LeaderEpochCache,
  UNDEFINED_EPOCH,
  UNDEFINED_EPOCH_OFFSET,
  readLeaderEpochCheckpoint,
  writeLeaderEpochCheckpoint,
  type EpochEntry,
} from '../../../src/log/leader-epoch-checkpoint.js'
import { CorruptCheckpointError } from '../../../src/log/offset-checkpoint.js'
import { NodeStorage } from '../../../src/log/storage.js'
import { MemoryStorage } from '../../helpers/memory-storage.js'

async function checkpointPath(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-leader-epoch-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  return join(dir, LEADER_EPOCH_CHECKPOINT_FILE)
}

const entry = (epoch: number, startOffset: bigint): EpochEntry => ({ epoch, startOffset })

/** Epochs 1, 3 and 5 starting at 0, 10 and 25. */
function threeEpochs(): LeaderEpochCache {
  return new LeaderEpochCache([entry(1, 0n), entry(3, 10n), entry(5, 25n)])
}

test('the checkpoint file round-trips in Kafka text format', async (t) => {
  const path = await checkpointPath(t)
  const storage = new NodeStorage()
  assert.deepEqual(await readLeaderEpochCheckpoint(storage, path), [], 'a missing file is no entries')
  await writeLeaderEpochCheckpoint(storage, path, [entry(0, 0n), entry(3, 150n)])
  assert.equal(await readFile(path, 'utf8'), '0\n2\n0 0\n3 150\n')
  assert.deepEqual(await readLeaderEpochCheckpoint(storage, path), [entry(0, 0n), entry(3, 150n)])
})

test('a malformed leader-epoch-checkpoint is a CorruptCheckpointError naming the line', async (t) => {
  const path = await checkpointPath(t)
  const cases: [string, number][] = [
    ['1\n0\n', 1],
    ['0\n1\n-1 5\n', 3],
    ['0\n1\n1 -5\n', 3],
    ['0\n1\n1 2 3\n', 3],
    ['0\n1\na 5\n', 3],
    ['0\n2\n1 5\n', 2],
  ]
  for (const [text, lineNumber] of cases) {
    await writeFile(path, text)
    await assert.rejects(readLeaderEpochCheckpoint(new NodeStorage(), path), (error: unknown) => {
      assert.ok(error instanceof CorruptCheckpointError)
      assert.equal(error.lineNumber, lineNumber, text)
      return true
    })
  }
})

test('the cache survives power loss once persisted with writeLeaderEpochCheckpoint', async () => {
  const storage = new MemoryStorage({ directories: ['/data/t-0'] })
  const path = '/data/t-0/leader-epoch-checkpoint'
  const cache = threeEpochs()
  await writeLeaderEpochCheckpoint(storage, path, cache.entries())
  storage.simulatePowerLoss()
  assert.deepEqual(new LeaderEpochCache(await readLeaderEpochCheckpoint(storage, path)).entries(), cache.entries())
})

test('loading drops non-monotonic entries as assign does', () => {
  const cache = new LeaderEpochCache([entry(1, 0n), entry(4, 20n), entry(2, 10n)])
  assert.deepEqual(cache.entries(), [entry(1, 0n), entry(2, 10n)])
})

test('assign appends a new epoch and reports the change', () => {
  const cache = new LeaderEpochCache()
  assert.equal(cache.latestEpoch, undefined)
  assert.equal(cache.assign(0, 0n), true)
  assert.equal(cache.assign(2, 7n), true)
  assert.equal(cache.latestEpoch, 2)
  assert.deepEqual(cache.latestEntry(), entry(2, 7n))
  assert.deepEqual(cache.earliestEntry(), entry(0, 0n))
  assert.deepEqual(cache.entries(), [entry(0, 0n), entry(2, 7n)])
})

test('an epoch once assigned keeps its start offset', () => {
  const cache = new LeaderEpochCache([entry(2, 6n)])
  assert.equal(cache.assign(2, 6n), false)
  assert.equal(cache.assign(2, 7n), false)
  assert.deepEqual(cache.entries(), [entry(2, 6n)])
})

test('the latest epoch assigned a lower start offset moves back to it', () => {
  const cache = new LeaderEpochCache([entry(1, 0n), entry(2, 6n)])
  assert.equal(cache.assign(2, 5n), true)
  assert.deepEqual(cache.entries(), [entry(1, 0n), entry(2, 5n)])
})

test('a new epoch starting below later entries replaces them', () => {
  const cache = threeEpochs()
  assert.equal(cache.assign(6, 15n), true)
  assert.deepEqual(cache.entries(), [entry(1, 0n), entry(3, 10n), entry(6, 15n)])
})

test('as in Kafka, an epoch below the latest replaces the entries it conflicts with', () => {
  const cache = threeEpochs()
  assert.equal(cache.assign(4, 30n), true)
  assert.deepEqual(cache.entries(), [entry(1, 0n), entry(3, 10n), entry(4, 30n)])
})

test('a negative epoch or start offset is refused', () => {
  const cache = new LeaderEpochCache()
  assert.throws(() => cache.assign(-1, 0n), RangeError)
  assert.throws(() => cache.assign(0, -1n), RangeError)
  assert.deepEqual(cache.entries(), [])
})

test('endOffsetFor answers OffsetForLeaderEpoch as Kafka does', () => {
  const cache = threeEpochs()
  const logEndOffset = 40n
  const undefinedAnswer = { epoch: UNDEFINED_EPOCH, endOffset: UNDEFINED_EPOCH_OFFSET }
  assert.deepEqual(cache.endOffsetFor(5, logEndOffset), { epoch: 5, endOffset: 40n }, 'latest epoch: the log end offset')
  assert.deepEqual(cache.endOffsetFor(3, logEndOffset), { epoch: 3, endOffset: 25n }, 'known epoch: the next epoch start')
  assert.deepEqual(cache.endOffsetFor(1, logEndOffset), { epoch: 1, endOffset: 10n })
  assert.deepEqual(cache.endOffsetFor(4, logEndOffset), { epoch: 3, endOffset: 25n }, 'unknown epoch between: the epoch below it')
  assert.deepEqual(cache.endOffsetFor(2, logEndOffset), { epoch: 1, endOffset: 10n })
  assert.deepEqual(cache.endOffsetFor(0, logEndOffset), { epoch: 0, endOffset: 0n }, 'below the earliest: the earliest start')
  assert.deepEqual(cache.endOffsetFor(6, logEndOffset), undefinedAnswer, 'above the latest')
  assert.deepEqual(cache.endOffsetFor(UNDEFINED_EPOCH, logEndOffset), undefinedAnswer)
  assert.deepEqual(new LeaderEpochCache().endOffsetFor(0, 10n), undefinedAnswer, 'empty cache')
})

test('truncateFromEnd removes the epochs starting at or after the new end', () => {
  const cache = threeEpochs()
  assert.equal(cache.truncateFromEnd(100n), false)
  assert.equal(cache.truncateFromEnd(-1n), false)
  assert.equal(cache.truncateFromEnd(26n), false)
  assert.equal(cache.truncateFromEnd(25n), true)
  assert.deepEqual(cache.entries(), [entry(1, 0n), entry(3, 10n)])
  assert.equal(cache.truncateFromEnd(5n), true)
  assert.deepEqual(cache.entries(), [entry(1, 0n)])
  assert.equal(cache.truncateFromEnd(0n), true)
  assert.deepEqual(cache.entries(), [])
})

test('truncateFromStart keeps the epoch holding the new start, moved to it', () => {
  const between = threeEpochs()
  assert.equal(between.truncateFromStart(15n), true)
  assert.deepEqual(between.entries(), [entry(3, 15n), entry(5, 25n)])

  const onBoundary = threeEpochs()
  assert.equal(onBoundary.truncateFromStart(10n), true)
  assert.deepEqual(onBoundary.entries(), [entry(3, 10n), entry(5, 25n)])

  const pastAll = threeEpochs()
  assert.equal(pastAll.truncateFromStart(30n), true)
  assert.deepEqual(pastAll.entries(), [entry(5, 30n)])

  const atFirst = threeEpochs()
  assert.equal(atFirst.truncateFromStart(0n), false)
  assert.deepEqual(atFirst.entries(), threeEpochs().entries())

  const beforeFirst = new LeaderEpochCache([entry(2, 5n)])
  assert.equal(beforeFirst.truncateFromStart(3n), false)
  assert.deepEqual(beforeFirst.entries(), [entry(2, 5n)])
})

test('entries() is a copy', () => {
  const cache = threeEpochs()
  cache.entries().pop()
  assert.equal(cache.entries().length, 3)
})
