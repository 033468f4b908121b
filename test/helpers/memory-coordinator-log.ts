// An in-memory CoordinatorPartitionLog: appended batches get offsets and are committed at once
// (unless the test holds appends back or makes them fail), reads return whole batches below the
// high watermark.
import type { CoordinatorPartitionLog } from '../../src/coordinator/offset-coordinator.js'
import { ErrorCode } from '../../src/protocol/error-codes.js'
import { readRecordBatchHeader, setBaseOffset } from '../../src/protocol/record-batch.js'
import { promiseWithResolvers } from './promise-with-resolvers.js'

export class MemoryCoordinatorLog implements CoordinatorPartitionLog {
  readonly batches: Buffer[] = []
  logStartOffset = 0n
  highWatermark = 0n
  private logEndOffset = 0n
  /** The code the next appends answer; anything but NONE leaves the log unchanged. */
  appendErrorCode: number = ErrorCode.NONE
  /** When set, appends wait for the test to call release(). */
  isHoldingAppends = false
  private readonly held: Array<() => void> = []
  /** When set, reads wait until this promise settles. */
  readGate: Promise<void> | undefined

  async append(batch: Buffer): Promise<number> {
    const errorCode = this.appendErrorCode
    if (this.isHoldingAppends) {
      const released = promiseWithResolvers<void>()
      this.held.push(() => released.resolve())
      await released.promise
    }
    if (errorCode !== ErrorCode.NONE) return errorCode
    this.appendNow(batch)
    return ErrorCode.NONE
  }

  /** Writes a batch (a copy, offsets assigned) as if committed earlier. */
  appendNow(batch: Buffer): void {
    const copy = Buffer.from(batch)
    setBaseOffset(copy, this.logEndOffset)
    this.logEndOffset = readRecordBatchHeader(copy).lastOffset + 1n
    this.highWatermark = this.logEndOffset
    this.batches.push(copy)
  }

  /** Lets held appends finish, in the order given by `indexes` (all, oldest first, by default). */
  release(indexes?: readonly number[]): void {
    const order = indexes ?? this.held.map((_, index) => index)
    for (const index of order) this.held[index]?.()
  }

  get heldCount(): number {
    return this.held.length
  }

  async read(offset: bigint, maxBytes: number): Promise<Buffer> {
    if (this.readGate !== undefined) await this.readGate
    const chosen: Buffer[] = []
    let size = 0
    for (const batch of this.batches) {
      const header = readRecordBatchHeader(batch)
      if (header.lastOffset < offset || header.baseOffset >= this.highWatermark) continue
      if (chosen.length > 0 && size + batch.length > maxBytes) break
      chosen.push(batch)
      size += batch.length
    }
    return Buffer.concat(chosen)
  }
}
