import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { RecentBatches, RecentBatchesBudget } from '../../../src/replication/recent-batches.js'

/** A stand-in batch of `size` bytes that owns its whole buffer (as a frame copied out of socket chunks does). */
function batch(size: number, fill: number): Buffer {
  return Buffer.alloc(size, fill)
}

describe('RecentBatches', () => {
  it('reads from the batch holding the offset, below the high watermark, within maxBytes but at least one batch', () => {
    const cache = new RecentBatches(new RecentBatchesBudget(1 << 20))
    cache.add(10n, 14n, batch(100, 1))
    cache.add(15n, 15n, batch(100, 2))
    cache.add(16n, 19n, batch(100, 3))
    assert.deepEqual(cache.read(12n, 20n, 1000, true)?.map((b) => b[0]), [1, 2, 3])
    assert.deepEqual(cache.read(15n, 20n, 1000, true)?.map((b) => b[0]), [2, 3])
    assert.deepEqual(cache.read(10n, 16n, 1000, true)?.map((b) => b[0]), [1, 2], 'nothing at or above the high watermark')
    assert.deepEqual(cache.read(10n, 20n, 150, true)?.map((b) => b[0]), [1], 'maxBytes')
    assert.deepEqual(cache.read(10n, 20n, 50, true)?.map((b) => b[0]), [1], 'one batch even above maxBytes')
    assert.deepEqual(cache.read(10n, 20n, 50, false), [], 'none when the limit is spent and a batch is not owed')
    assert.equal(cache.read(9n, 20n, 1000, true), undefined, 'before the cached range: read the log')
    assert.equal(cache.read(20n, 20n, 1000, true), undefined, 'past the cached range: read the log')
  })

  it('evicts the oldest batches of any partition once the shared budget is exceeded', () => {
    const budget = new RecentBatchesBudget(300)
    const a = new RecentBatches(budget)
    const b = new RecentBatches(budget)
    a.add(0n, 0n, batch(100, 1))
    b.add(0n, 0n, batch(100, 2))
    a.add(1n, 1n, batch(100, 3))
    assert.equal(budget.usedBytes, 300)
    b.add(1n, 1n, batch(100, 4))
    assert.equal(budget.usedBytes, 300)
    assert.equal(a.read(0n, 10n, 1000, true), undefined, "a's oldest batch went first")
    assert.deepEqual(a.read(1n, 10n, 1000, true)?.map((x) => x[0]), [3])
    assert.deepEqual(b.read(0n, 10n, 1000, true)?.map((x) => x[0]), [2, 4])
  })

  it('clear releases the budget, and a gap in offsets starts the cache over', () => {
    const budget = new RecentBatchesBudget(1000)
    const cache = new RecentBatches(budget)
    cache.add(0n, 4n, batch(100, 1))
    cache.add(9n, 9n, batch(100, 2))
    assert.equal(cache.read(0n, 10n, 1000, true), undefined)
    assert.deepEqual(cache.read(9n, 10n, 1000, true)?.map((x) => x[0]), [2])
    assert.equal(budget.usedBytes, 100)
    cache.clear()
    assert.equal(budget.usedBytes, 0)
    assert.equal(cache.read(9n, 10n, 1000, true), undefined)
  })

  it('copies a small batch out of a larger buffer, so a cached batch never pins a whole socket chunk', () => {
    const cache = new RecentBatches(new RecentBatchesBudget(1 << 20))
    const chunk = Buffer.alloc(65536, 7)
    const small = chunk.subarray(100, 200)
    cache.add(0n, 0n, small)
    const [cached] = cache.read(0n, 1n, 1000, true) ?? []
    assert.ok(cached !== undefined)
    assert.deepEqual(cached, small)
    assert.notEqual(cached.buffer, chunk.buffer)
    const whole = Buffer.alloc(1000, 8)
    cache.add(1n, 1n, whole.subarray(10))
    assert.equal(cache.read(1n, 2n, 1000, true)?.[0]?.buffer, whole.buffer, 'a batch filling most of its buffer is kept by reference')
  })

  it('keeps nothing of a batch larger than the whole budget', () => {
    const budget = new RecentBatchesBudget(100)
    const cache = new RecentBatches(budget)
    cache.add(0n, 0n, batch(50, 1))
    cache.add(1n, 1n, batch(500, 2))
    assert.equal(budget.usedBytes, 0)
    assert.equal(cache.read(1n, 2n, 1000, true), undefined)
  })
})
