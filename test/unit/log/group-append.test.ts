// Appends queued while a write is in progress go to the segment together, in one write.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { OpenMode, StorageFile } from '../../../src/log/storage.js'
import { LOG_SUFFIX } from '../../../src/log/segment.js'
import { DelegatingStorage, delegatingFile } from '../../helpers/delegating-storage.js'
import { openTestLog, readLogValues, testBatch } from '../../helpers/log-fixtures.js'
import { MemoryStorage } from '../../helpers/memory-storage.js'

/** Counts writes to segment files, and can hold the answer to the next one until released. */
class CountingStorage extends DelegatingStorage {
  segmentWrites: number[] = []
  private held: (() => void) | undefined
  private isHolding = false

  holdNextWrite(): void {
    this.isHolding = true
  }

  release(): void {
    this.held?.()
    this.held = undefined
  }

  override async open(path: string, mode: OpenMode): Promise<StorageFile> {
    const file = await this.inner.open(path, mode)
    if (!path.endsWith(LOG_SUFFIX)) return file
    return delegatingFile(file, {
      write: async (chunks, position) => {
        this.segmentWrites.push(chunks.length)
        await file.write(chunks, position)
        // Held after the bytes are written, as a slow disk would answer late.
        if (this.isHolding) {
          this.isHolding = false
          await new Promise<void>((resolve) => { this.held = resolve })
        }
      },
    })
  }
}

test('appends that queue behind a slow write are written as one group, in order, with their own results', async (t) => {
  const storage = new CountingStorage(new MemoryStorage({ directories: ['/logs'] }))
  const { log } = await openTestLog(t, {}, { storage, directory: '/logs/topic-0' })
  storage.holdNextWrite()
  const first = log.append(testBatch('a', 2), 0)
  await new Promise((resolve) => setImmediate(resolve))
  const queued = [log.append(testBatch('b', 1), 0), log.append(Buffer.from('not a batch at all, but long enough to be read as one'), 0), log.append(testBatch('c', 3), 0)]
  storage.release()
  const results = await Promise.all([first, ...queued])
  assert.deepEqual(results.map((result) => (result.ok ? result.baseOffset : result.problem)), [0n, 2n, results[2]!.ok ? 'unexpected' : results[2]!.problem, 3n])
  assert.equal(results[2]!.ok, false, 'the garbage fails alone')
  assert.deepEqual(storage.segmentWrites, [1, 2], 'the two valid queued batches went in one write')
  assert.equal(log.logEndOffset, 6n)
  assert.deepEqual((await readLogValues(log)).map(([offset, value]) => `${offset}:${value}`), ['0:a-0', '1:a-1', '2:b-0', '3:c-0', '4:c-1', '5:c-2'])
})

test('a group that would overflow the segment is split by a roll', async (t) => {
  const storage = new CountingStorage(new MemoryStorage({ directories: ['/logs'] }))
  const { log } = await openTestLog(t, { segmentBytes: 500 }, { storage, directory: '/logs/topic-0' })
  storage.holdNextWrite()
  const first = log.append(testBatch('x', 1, 1_700_000_000_000n, 100), 0)
  await new Promise((resolve) => setImmediate(resolve))
  const queued = Array.from({ length: 6 }, (_, i) => log.append(testBatch(`y${i}`, 1, 1_700_000_000_000n, 100), 0))
  storage.release()
  const results = await Promise.all([first, ...queued])
  assert.ok(results.every((result) => result.ok))
  assert.ok(log.segmentCount > 1, 'rolled')
  for (const segment of log.allSegments.slice(0, -1)) assert.ok(segment.sizeBytes <= 500, `segment ${segment.baseOffset} holds ${segment.sizeBytes} bytes`)
  assert.equal((await readLogValues(log)).length, 7)
})

test('a disk error fails the whole group and nothing of it is acknowledged', async (t) => {
  const memory = new MemoryStorage({ directories: ['/logs'] })
  const storage = new CountingStorage(memory)
  const { log } = await openTestLog(t, {}, { storage, directory: '/logs/topic-0' })
  assert.ok((await log.append(testBatch('ok', 1), 0)).ok)
  storage.holdNextWrite()
  const slow = log.append(testBatch('slow', 1), 0)
  await new Promise((resolve) => setImmediate(resolve))
  const group = [log.append(testBatch('g1', 1), 0), log.append(testBatch('g2', 1), 0)]
  memory.failNext('write', 'ENOSPC', (path) => path.endsWith(LOG_SUFFIX))
  storage.release()
  assert.ok((await slow).ok, 'the write in progress had already started')
  const results = await Promise.all(group)
  assert.deepEqual(results.map((result) => (result.ok ? 'ok' : result.problem)), ['storage', 'storage'])
  assert.equal(log.logEndOffset, 2n)
  assert.ok(log.isOffline)
})
