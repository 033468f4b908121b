// A segment's sparse offset index (.index): entries of (offset − baseOffset: int32, position: int32)
// every index.interval.bytes of log, so a read finds a batch after a short scan instead of a
// scan of the whole segment. Kafka's format, byte for byte.
import { SparseIndex } from './sparse-index.js'
import type { Storage } from './storage.js'

export const OFFSET_INDEX_ENTRY_BYTES = 8

export interface OffsetPosition {
  readonly offset: bigint
  readonly position: number
  /**
   * The batch that starts at this entry, when known: entries made since the segment was opened
   * (appends, recovery) remember it, so a read landing on an entry needs no header read.
   */
  readonly batch?: IndexedBatch
}

export interface IndexedBatch {
  readonly sizeBytes: number
  /** The batch's last offset minus its first. */
  readonly lastOffsetDelta: number
  readonly maxTimestamp: bigint
}

export class OffsetIndex extends SparseIndex {
  /**
   * Per entry, the batch at its position: size (-1 when unknown, as for entries read from the
   * file), last offset − entry offset, and largest timestamp. Typed arrays: no object per entry.
   */
  private batchSizes = new Int32Array(0)
  private batchLastOffsetDeltas = new Int32Array(0)
  private batchMaxTimestamps = new BigInt64Array(0)

  constructor(storage: Storage, path: string, baseOffset: bigint, maxIndexBytes: number) {
    super(storage, path, baseOffset, maxIndexBytes, OFFSET_INDEX_ENTRY_BYTES)
  }

  /** Loads the file, stopping at the first entry that does not increase (the preallocated tail). */
  load(): Promise<void> {
    return this.file.load((previous, next) => {
      const relativeOffset = next.readInt32BE(0)
      const position = next.readInt32BE(4)
      if (previous === undefined) return relativeOffset >= 0 && position > 0
      return relativeOffset > previous.readInt32BE(0) && position > previous.readInt32BE(4)
    })
  }

  private relativeOffsetAt(index: number): number {
    return this.file.entry(index).readInt32BE(0)
  }

  private positionAt(index: number): number {
    return this.file.entry(index).readInt32BE(4)
  }

  /** The last indexed offset, or undefined when the index is empty. */
  get lastOffset(): bigint | undefined {
    const count = this.file.entryCount
    return count === 0 ? undefined : this.baseOffset + BigInt(this.relativeOffsetAt(count - 1))
  }

  /**
   * Adds an entry for the batch starting at `position`; offsets and positions must increase.
   * Ignored when the index is full.
   */
  append(offset: bigint, position: number, batch?: IndexedBatch): void {
    if (this.file.isFull) return
    const relativeOffset = Number(offset - this.baseOffset)
    // Compared as relative offsets (numbers): this runs for most appends of large batches.
    const count = this.file.entryCount
    if (count > 0 && relativeOffset <= this.relativeOffsetAt(count - 1)) {
      throw new RangeError(`offset index ${this.path}: ${offset} does not follow ${this.lastOffset}`)
    }
    const entry = this.file.appendEntry()
    entry.writeInt32BE(relativeOffset, 0)
    entry.writeInt32BE(position, 4)
    const index = count
    if (batch === undefined) {
      if (index < this.batchSizes.length) this.batchSizes[index] = -1
      return
    }
    if (index >= this.batchSizes.length) this.growBatches(index + 1)
    this.batchSizes[index] = batch.sizeBytes
    this.batchLastOffsetDeltas[index] = batch.lastOffsetDelta
    this.batchMaxTimestamps[index] = batch.maxTimestamp
  }


  private growBatches(minimum: number): void {
    const length = Math.max(minimum, this.batchSizes.length * 2, 64)
    const sizes = new Int32Array(length).fill(-1)
    sizes.set(this.batchSizes)
    const deltas = new Int32Array(length)
    deltas.set(this.batchLastOffsetDeltas)
    const timestamps = new BigInt64Array(length)
    timestamps.set(this.batchMaxTimestamps)
    this.batchSizes = sizes
    this.batchLastOffsetDeltas = deltas
    this.batchMaxTimestamps = timestamps
  }

  /** Forgets the remembered batches (a segment that stopped being active keeps only its index). */
  releaseBatches(): void {
    this.batchSizes = new Int32Array(0)
    this.batchLastOffsetDeltas = new Int32Array(0)
    this.batchMaxTimestamps = new BigInt64Array(0)
  }

  /** The entry with the largest offset ≤ `offset`, or (baseOffset, 0) when there is none. */
  lookup(offset: bigint): OffsetPosition {
    const index = this.floorIndex(Number(offset - this.baseOffset))
    if (index < 0) return { offset: this.baseOffset, position: 0 }
    const entryOffset = this.baseOffset + BigInt(this.relativeOffsetAt(index))
    const position = this.positionAt(index)
    const sizeBytes = index < this.batchSizes.length ? this.batchSizes[index]! : -1
    if (sizeBytes < 0) return { offset: entryOffset, position }
    const batch = { sizeBytes, lastOffsetDelta: this.batchLastOffsetDeltas[index]!, maxTimestamp: this.batchMaxTimestamps[index]! }
    return { offset: entryOffset, position, batch }
  }

  private floorIndex(relativeOffset: number): number {
    let low = 0
    let high = this.file.entryCount - 1
    let found = -1
    while (low <= high) {
      const middle = (low + high) >>> 1
      if (this.relativeOffsetAt(middle) <= relativeOffset) {
        found = middle
        low = middle + 1
      } else {
        high = middle - 1
      }
    }
    return found
  }

  /** Removes the entries for offsets ≥ `offset`. */
  truncateTo(offset: bigint): void {
    const relative = Number(offset - this.baseOffset)
    const count = this.floorIndex(relative - 1) + 1
    this.file.truncateEntries(count)
    if (count < this.batchSizes.length) this.batchSizes.fill(-1, count)
  }

  override reset(): Promise<void> {
    this.releaseBatches()
    return super.reset()
  }
}
