// The newest batches of each partition, kept in memory as they were appended, so that consumers
// at the tail (nearly all of them) are served without reading the log file back: no pread through
// the thread pool, no new buffer, and the bytes the producer sent go out again as they are. Kafka
// gets the same effect from the page cache and sendfile, which Node cannot use for sockets.
// Memory is bounded by one budget shared by every partition of the broker; the oldest batches go
// first. A read that starts before the cached range falls back to the log.

interface CachedBatch {
  readonly baseOffset: bigint
  readonly lastOffset: bigint
  readonly batch: Buffer
  /** False once evicted or cleared, so the budget's queue can skip it. */
  isCached: boolean
}

/** The broker-wide byte budget of every partition's RecentBatches. */
export class RecentBatchesBudget {
  private readonly queue: Array<{ readonly owner: RecentBatches; readonly entry: CachedBatch }> = []
  private queueHead = 0
  private cachedBytes = 0

  constructor(readonly maxBytes: number) {}

  get usedBytes(): number {
    return this.cachedBytes
  }

  /** @internal Called by RecentBatches.add: evicts the oldest batches over the budget. */
  admit(owner: RecentBatches, entry: CachedBatch): void {
    this.queue.push({ owner, entry })
    this.cachedBytes += entry.batch.length
    while (this.cachedBytes > this.maxBytes && this.queueHead < this.queue.length) {
      const oldest = this.queue[this.queueHead++]!
      if (oldest.entry.isCached) oldest.owner.evictOldest()
    }
    // Drop the consumed part of the queue now and then, not on every eviction.
    if (this.queueHead > 1024 && this.queueHead * 2 > this.queue.length) {
      this.queue.splice(0, this.queueHead)
      this.queueHead = 0
    }
  }

  /** @internal A batch left the cache. */
  release(bytes: number): void {
    this.cachedBytes -= bytes
  }
}

/** Batches whose buffer is this much larger than the batch are copied: a small batch must not pin a socket chunk. */
const MAX_PINNED_OVERHEAD = 2

export class RecentBatches {
  private readonly entries: CachedBatch[] = []
  private head = 0

  constructor(private readonly budget: RecentBatchesBudget) {}

  /** Records a batch just appended at `baseOffset`..`lastOffset`; batches arrive in offset order. */
  add(baseOffset: bigint, lastOffset: bigint, batch: Buffer): void {
    if (batch.length > this.budget.maxBytes) {
      this.clear()
      return
    }
    const kept = batch.buffer.byteLength > batch.length * MAX_PINNED_OVERHEAD ? Buffer.from(batch) : batch
    const entry: CachedBatch = { baseOffset, lastOffset, batch: kept, isCached: true }
    const last = this.entries[this.entries.length - 1]
    // A gap (an append that bypassed the cache) would make the cached range lie: start over.
    if (last !== undefined && this.head < this.entries.length && last.lastOffset + 1n !== baseOffset) this.clear()
    this.entries.push(entry)
    this.budget.admit(this, entry)
  }

  /**
   * The cached batches from the one holding `offset`, below `maxOffset` (the high watermark), at
   * most `maxBytes` in all but at least one batch when `isMinOneBatch`. Undefined when `offset` is
   * not in the cached range: the caller reads the log instead.
   */
  read(offset: bigint, maxOffset: bigint, maxBytes: number, isMinOneBatch: boolean): Buffer[] | undefined {
    const first = this.entries[this.head]
    if (first === undefined || offset < first.baseOffset) return undefined
    const last = this.entries[this.entries.length - 1]!
    if (offset > last.lastOffset) return undefined
    let low = this.head
    let high = this.entries.length - 1
    while (low < high) {
      const middle = (low + high) >>> 1
      if (this.entries[middle]!.lastOffset < offset) low = middle + 1
      else high = middle
    }
    const batches: Buffer[] = []
    let bytes = 0
    for (let index = low; index < this.entries.length; index++) {
      const entry = this.entries[index]!
      if (entry.lastOffset >= maxOffset) break
      if (bytes + entry.batch.length > maxBytes && !(isMinOneBatch && batches.length === 0)) break
      batches.push(entry.batch)
      bytes += entry.batch.length
    }
    return batches
  }

  /** @internal The budget evicts this cache's oldest batch. */
  evictOldest(): void {
    const entry = this.entries[this.head]
    if (entry === undefined) return
    entry.isCached = false
    this.budget.release(entry.batch.length)
    this.head++
    if (this.head > 256 && this.head * 2 > this.entries.length) {
      this.entries.splice(0, this.head)
      this.head = 0
    }
  }

  /** Forgets every batch (the log was truncated or the partition is going away). */
  clear(): void {
    for (let index = this.head; index < this.entries.length; index++) {
      const entry = this.entries[index]!
      entry.isCached = false
      this.budget.release(entry.batch.length)
    }
    this.entries.length = 0
    this.head = 0
  }
}
