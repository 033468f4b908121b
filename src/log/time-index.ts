// A segment's sparse time index (.timeindex): entries of (timestamp: int64, offset − baseOffset:
// int32) whenever the segment's largest timestamp grows at an index point, so ListOffsets by
// timestamp and time-based retention need not scan the log. Kafka's format, byte for byte.
import { SparseIndex } from './sparse-index.js'
import type { Storage } from './storage.js'

export const TIME_INDEX_ENTRY_BYTES = 12

export interface TimestampOffset {
  readonly timestamp: bigint
  readonly offset: bigint
}

export class TimeIndex extends SparseIndex {
  /** The last entry, cached (undefined until first needed, and after a truncation or reset). */
  private lastTimestamp: bigint | undefined
  private lastIndexedOffset = -1n

  constructor(storage: Storage, path: string, baseOffset: bigint, maxIndexBytes: number) {
    super(storage, path, baseOffset, maxIndexBytes, TIME_INDEX_ENTRY_BYTES)
  }

  load(): Promise<void> {
    this.lastTimestamp = undefined
    return this.file.load((previous, next) => {
      const relativeOffset = next.readInt32BE(8)
      if (previous === undefined) return relativeOffset > 0 || next.readBigInt64BE(0) !== 0n
      return next.readBigInt64BE(0) > previous.readBigInt64BE(0) && relativeOffset > previous.readInt32BE(8)
    })
  }

  private entryAt(index: number): TimestampOffset {
    const entry = this.file.entry(index)
    return { timestamp: entry.readBigInt64BE(0), offset: this.baseOffset + BigInt(entry.readInt32BE(8)) }
  }

  /** The newest entry, or undefined when the index is empty. */
  get lastEntry(): TimestampOffset | undefined {
    return this.file.entryCount === 0 ? undefined : this.entryAt(this.file.entryCount - 1)
  }

  /** Adds (timestamp, offset) when the timestamp is larger than the last entry's; else ignored. */
  maybeAppend(timestamp: bigint, offset: bigint): void {
    if (this.file.isFull) return
    // The last entry is read on every append of a large batch: cheaper from two fields than the buffer.
    if (this.lastTimestamp === undefined) {
      const last = this.lastEntry
      this.lastTimestamp = last?.timestamp ?? -1n
      this.lastIndexedOffset = last?.offset ?? -1n
    }
    if (this.file.entryCount > 0 && (timestamp <= this.lastTimestamp || offset <= this.lastIndexedOffset)) return
    const entry = this.file.appendEntry()
    entry.writeBigInt64BE(timestamp, 0)
    entry.writeInt32BE(Number(offset - this.baseOffset), 8)
    this.lastTimestamp = timestamp
    this.lastIndexedOffset = offset
  }

  /** The entry with the largest timestamp ≤ `timestamp`, or (-1, baseOffset) when there is none. */
  lookup(timestamp: bigint): TimestampOffset {
    let low = 0
    let high = this.file.entryCount - 1
    let found: TimestampOffset = { timestamp: -1n, offset: this.baseOffset }
    while (low <= high) {
      const middle = (low + high) >>> 1
      const entry = this.entryAt(middle)
      if (entry.timestamp <= timestamp) {
        found = entry
        low = middle + 1
      } else {
        high = middle - 1
      }
    }
    return found
  }

  /** Removes the entries for offsets ≥ `offset`. */
  truncateTo(offset: bigint): void {
    let count = this.file.entryCount
    while (count > 0 && this.entryAt(count - 1).offset >= offset) count--
    this.file.truncateEntries(count)
    this.lastTimestamp = undefined
  }

  override reset(): Promise<void> {
    this.lastTimestamp = undefined
    return super.reset()
  }
}
