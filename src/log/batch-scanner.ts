// Walks the batch headers of a segment file from a position, reading the file in windows rather
// than a read per header: what offset lookups, timestamp searches and truncation need to find a
// batch without reading the records.
import { BASE_OFFSET_OFFSET, BATCH_LENGTH_OFFSET, LAST_OFFSET_DELTA_OFFSET, LOG_OVERHEAD, MAGIC_OFFSET, MAX_TIMESTAMP_OFFSET, RECORD_BATCH_HEADER_SIZE } from '../protocol/record-batch.js'
import type { StorageFile } from './storage.js'

// A scan usually starts at an index entry and stops within index.interval.bytes (4 KiB), so the
// first read is small; a longer scan reads larger windows.
const FIRST_WINDOW_BYTES = 4 * 1024
const WINDOW_BYTES = 64 * 1024

/** Where a batch sits in a segment file, from its header alone. */
export interface BatchLocation {
  readonly position: number
  readonly sizeBytes: number
  readonly baseOffset: bigint
  readonly lastOffset: bigint
  readonly maxTimestamp: bigint
  readonly magic: number
}

/**
 * The batches of `file` between `startPosition` (a batch boundary) and `endPosition`, in order.
 * Stops silently at a header that is cut off or impossible (recovery is what judges damage).
 */
export async function* scanBatches(file: StorageFile, startPosition: number, endPosition: number): AsyncGenerator<BatchLocation, void, undefined> {
  let window = Buffer.allocUnsafe(FIRST_WINDOW_BYTES)
  let windowStart = startPosition
  let windowLength = 0
  let position = startPosition
  while (position + RECORD_BATCH_HEADER_SIZE <= endPosition) {
    if (position + RECORD_BATCH_HEADER_SIZE > windowStart + windowLength) {
      if (windowLength > 0 && window.length < WINDOW_BYTES) window = Buffer.allocUnsafe(WINDOW_BYTES)
      windowStart = position
      windowLength = await readFully(file, window, Math.min(window.length, endPosition - position), position)
      if (windowLength < RECORD_BATCH_HEADER_SIZE) return
    }
    const at = position - windowStart
    const batchLength = window.readInt32BE(at + BATCH_LENGTH_OFFSET)
    const sizeBytes = batchLength + LOG_OVERHEAD
    if (batchLength < RECORD_BATCH_HEADER_SIZE - LOG_OVERHEAD || position + sizeBytes > endPosition) return
    const baseOffset = window.readBigInt64BE(at + BASE_OFFSET_OFFSET)
    yield {
      position,
      sizeBytes,
      baseOffset,
      lastOffset: baseOffset + BigInt(window.readInt32BE(at + LAST_OFFSET_DELTA_OFFSET)),
      maxTimestamp: window.readBigInt64BE(at + MAX_TIMESTAMP_OFFSET),
      magic: window.readInt8(at + MAGIC_OFFSET),
    }
    position += sizeBytes
  }
}

/** The bytes of a file slice in a buffer of their own, cut to what the file still holds. */
export async function readFileSlice(slice: { readonly file: StorageFile; readonly position: number; readonly sizeBytes: number }): Promise<Buffer> {
  const buffer = Buffer.allocUnsafe(slice.sizeBytes)
  return buffer.subarray(0, await readFully(slice.file, buffer, slice.sizeBytes, slice.position))
}

/** Reads until `length` bytes are in or the file ends; returns the count. */
export async function readFully(file: StorageFile, target: Buffer, length: number, position: number): Promise<number> {
  let total = 0
  while (total < length) {
    const count = await file.read(target, total, length - total, position + total)
    if (count === 0) break
    total += count
  }
  return total
}
