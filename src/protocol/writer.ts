/**
 * Writes Kafka's wire types into a growing scratch buffer. Large byte fields (record batches) are not
 * copied: the writer closes the current chunk and keeps a reference to the caller's buffer, so a
 * Fetch response goes to the socket as a list of chunks (`socket.cork()` + writes, or `writev`).
 * A writer is used once: the chunks it returns share its memory.
 */
import type { RecordBytes } from './record-bytes.js'
export class Writer {
  /** Byte fields at least this long are referenced rather than copied. */
  static readonly REFERENCE_THRESHOLD_BYTES = 1024

  private scratch: Buffer
  private position = 0
  /** Start of the part of `scratch` not yet handed to `chunks`. */
  private chunkStart = 0
  private readonly chunks: Buffer[] = []
  private flushedBytes = 0

  constructor(initialSizeBytes = 256) {
    this.scratch = Buffer.allocUnsafe(initialSizeBytes)
  }

  /** Bytes written so far, referenced chunks included. */
  get length(): number {
    return this.flushedBytes + this.position - this.chunkStart
  }

  private ensure(byteCount: number): void {
    if (this.position + byteCount <= this.scratch.length) return
    const pending = this.position - this.chunkStart
    const size = Math.max(this.scratch.length * 2, pending + byteCount + 256)
    const next = Buffer.allocUnsafe(size)
    this.scratch.copy(next, 0, this.chunkStart, this.position)
    this.scratch = next
    this.chunkStart = 0
    this.position = pending
  }

  private closeChunk(): void {
    if (this.position > this.chunkStart) {
      this.chunks.push(this.scratch.subarray(this.chunkStart, this.position))
      this.flushedBytes += this.position - this.chunkStart
      this.chunkStart = this.position
    }
  }

  int8(value: number): void {
    this.ensure(1)
    this.scratch.writeInt8(value, this.position)
    this.position += 1
  }

  bool(value: boolean): void {
    this.int8(value ? 1 : 0)
  }

  int16(value: number): void {
    this.ensure(2)
    this.scratch.writeInt16BE(value, this.position)
    this.position += 2
  }

  uint16(value: number): void {
    this.ensure(2)
    this.scratch.writeUInt16BE(value, this.position)
    this.position += 2
  }

  int32(value: number): void {
    this.ensure(4)
    this.scratch.writeInt32BE(value, this.position)
    this.position += 4
  }

  uint32(value: number): void {
    this.ensure(4)
    this.scratch.writeUInt32BE(value, this.position)
    this.position += 4
  }

  int64(value: bigint): void {
    this.ensure(8)
    this.scratch.writeBigInt64BE(value, this.position)
    this.position += 8
  }

  float64(value: number): void {
    this.ensure(8)
    this.scratch.writeDoubleBE(value, this.position)
    this.position += 8
  }

  /** A UUID in Kafka's printed form (22 characters of URL-safe base64). */
  uuid(value: string): void {
    this.ensure(16)
    const written = this.scratch.write(value, this.position, 16, 'base64url')
    if (written !== 16 || value.length !== 22) throw new TypeError(`not a Kafka UUID: ${value}`)
    this.position += 16
  }

  unsignedVarint(value: number): void {
    this.ensure(5)
    let remaining = value >>> 0
    while (remaining > 0x7f) {
      this.scratch[this.position++] = (remaining & 0x7f) | 0x80
      remaining >>>= 7
    }
    this.scratch[this.position++] = remaining
  }

  /** Copies bytes in, or references them when they are large. */
  raw(value: Buffer): void {
    if (value.length >= Writer.REFERENCE_THRESHOLD_BYTES) {
      this.closeChunk()
      this.chunks.push(value)
      this.flushedBytes += value.length
      return
    }
    this.ensure(value.length)
    value.copy(this.scratch, this.position)
    this.position += value.length
  }

  private utf8(value: string, byteLength: number): void {
    this.ensure(byteLength)
    this.position += this.scratch.write(value, this.position, byteLength, 'utf8')
  }

  string(value: string): void {
    const byteLength = Buffer.byteLength(value)
    this.int16(byteLength)
    this.utf8(value, byteLength)
  }

  nullableString(value: string | null): void {
    if (value === null) this.int16(-1)
    else this.string(value)
  }

  compactString(value: string): void {
    const byteLength = Buffer.byteLength(value)
    this.unsignedVarint(byteLength + 1)
    this.utf8(value, byteLength)
  }

  compactNullableString(value: string | null): void {
    if (value === null) this.unsignedVarint(0)
    else this.compactString(value)
  }

  bytes(value: Buffer): void {
    this.int32(value.length)
    this.raw(value)
  }

  nullableBytes(value: Buffer | null): void {
    if (value === null) this.int32(-1)
    else this.bytes(value)
  }

  compactBytes(value: Buffer): void {
    this.unsignedVarint(value.length + 1)
    this.raw(value)
  }

  compactNullableBytes(value: Buffer | null): void {
    if (value === null) this.unsignedVarint(0)
    else this.compactBytes(value)
  }

  /** A `records` field: like bytes, but chunks are written one after another (referenced when large). */
  records(value: RecordBytes): void {
    if (Buffer.isBuffer(value)) return this.bytes(value)
    this.int32(value.length)
    for (const chunk of value.chunks) this.raw(chunk)
  }

  nullableRecords(value: RecordBytes | null): void {
    if (value === null) this.int32(-1)
    else this.records(value)
  }

  compactRecords(value: RecordBytes): void {
    if (Buffer.isBuffer(value)) return this.compactBytes(value)
    this.unsignedVarint(value.length + 1)
    for (const chunk of value.chunks) this.raw(chunk)
  }

  compactNullableRecords(value: RecordBytes | null): void {
    if (value === null) this.unsignedVarint(0)
    else this.compactRecords(value)
  }

  arrayLength(count: number | null): void {
    this.int32(count === null ? -1 : count)
  }

  compactArrayLength(count: number | null): void {
    this.unsignedVarint(count === null ? 0 : count + 1)
  }

  array<T>(items: readonly T[], writeElement: (writer: Writer, item: T) => void): void {
    this.int32(items.length)
    for (const item of items) writeElement(this, item)
  }

  nullableArray<T>(items: readonly T[] | null, writeElement: (writer: Writer, item: T) => void): void {
    if (items === null) this.int32(-1)
    else this.array(items, writeElement)
  }

  compactArray<T>(items: readonly T[], writeElement: (writer: Writer, item: T) => void): void {
    this.unsignedVarint(items.length + 1)
    for (const item of items) writeElement(this, item)
  }

  compactNullableArray<T>(items: readonly T[] | null, writeElement: (writer: Writer, item: T) => void): void {
    if (items === null) this.unsignedVarint(0)
    else this.compactArray(items, writeElement)
  }

  /** Writes one tagged field: tag, size, then what `encode` writes (encoded aside to learn its size). */
  taggedField(tag: number, encode: (writer: Writer) => void): void {
    const inner = new Writer(64)
    encode(inner)
    const data = inner.toBuffer()
    this.unsignedVarint(tag)
    this.unsignedVarint(data.length)
    this.raw(data)
  }

  /** The bytes written, as chunks that together form the message (no copy of referenced buffers). */
  toChunks(): Buffer[] {
    this.closeChunk()
    return this.chunks
  }

  /** The bytes written as one buffer (copies only when byte fields were referenced). */
  toBuffer(): Buffer {
    if (this.chunks.length === 0) return this.scratch.subarray(this.chunkStart, this.position)
    const chunks = this.toChunks()
    return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, this.flushedBytes)
  }
}

/** Writes a size-prefixed frame: reserve the int32 size, let `encode` write, then patch the size in. */
export function encodeFrame(encode: (writer: Writer) => void, initialSizeBytes = 256): Buffer[] {
  const writer = new Writer(initialSizeBytes)
  writer.int32(0)
  encode(writer)
  const chunks = writer.toChunks()
  chunks[0]!.writeInt32BE(writer.length - 4, 0)
  return chunks
}
