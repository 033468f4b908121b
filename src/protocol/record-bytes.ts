// The value of a `records` field. Decoded, it is always one Buffer (a view of the frame). To
// encode, it may also be several buffers written back to back: a fetch answered from batches kept
// in memory then sends them as they are, without joining them into a new buffer first.

/** Batches to write one after another as a single `records` field, without copying them. */
export class RecordChunks {
  readonly length: number

  constructor(readonly chunks: readonly Buffer[]) {
    let length = 0
    for (const chunk of chunks) length += chunk.length
    this.length = length
  }
}

/** A `records` field: one buffer, or (when encoding) chunks. */
export type RecordBytes = Buffer | RecordChunks

/** The bytes as one buffer: the buffer itself, or the chunks joined (a copy). */
export function recordBytesAsBuffer(records: RecordBytes): Buffer {
  return Buffer.isBuffer(records) ? records : Buffer.concat(records.chunks)
}
