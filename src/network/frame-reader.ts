// Splits a TCP byte stream into Kafka frames: an int32 size prefix, then that many bytes.
// The size is checked against socket.request.max.bytes as soon as its four bytes are in, so an
// oversized or negative prefix is refused before anything is allocated or buffered for it.

/** The outcome of asking for the next frame. `undefined` means: not all of its bytes are in yet. */
export type NextFrame = { readonly frame: Buffer } | { readonly invalidSize: number } | undefined

const SIZE_PREFIX_BYTES = 4

/**
 * Holds received chunks until a whole frame is present. A frame lying inside one chunk is returned
 * as a `subarray` of it (no copy); only a frame spanning chunks is copied into a buffer of its own.
 * Memory held is bounded by one frame (at most `maxFrameBytes` plus its prefix) plus whatever the
 * caller pushes without asking for frames: the connection stops reading the socket for that.
 */
export class FrameReader {
  private readonly chunks: Buffer[] = []
  /** Bytes of chunks[0] already consumed. */
  private headOffset = 0
  private buffered = 0
  private readonly sizeScratch = Buffer.alloc(SIZE_PREFIX_BYTES)

  constructor(private readonly maxFrameBytes: number) {}

  /** Received bytes not yet returned as frames. */
  get bufferedBytes(): number {
    return this.buffered
  }

  push(chunk: Buffer): void {
    if (chunk.length === 0) return
    this.chunks.push(chunk)
    this.buffered += chunk.length
  }

  /**
   * The next whole frame (without its size prefix), or `{ invalidSize }` when the prefix is negative
   * or larger than `maxFrameBytes` (the reader is then unusable: the caller closes the connection).
   */
  next(): NextFrame {
    if (this.buffered < SIZE_PREFIX_BYTES) return undefined
    const size = this.peekSize()
    if (size < 0 || size > this.maxFrameBytes) return { invalidSize: size }
    if (this.buffered < SIZE_PREFIX_BYTES + size) return undefined
    this.skip(SIZE_PREFIX_BYTES)
    return { frame: this.take(size) }
  }

  private peekSize(): number {
    const first = this.chunks[0]
    if (first !== undefined && this.headOffset + SIZE_PREFIX_BYTES <= first.length) {
      return first.readInt32BE(this.headOffset)
    }
    this.copyOut(this.sizeScratch, SIZE_PREFIX_BYTES, false)
    return this.sizeScratch.readInt32BE(0)
  }

  private skip(length: number): void {
    let remaining = length
    while (remaining > 0) {
      const first = this.chunks[0]
      if (first === undefined) throw new Error('frame reader skipped past its buffered bytes')
      const available = first.length - this.headOffset
      if (remaining < available) {
        this.headOffset += remaining
        break
      }
      remaining -= available
      this.chunks.shift()
      this.headOffset = 0
    }
    this.buffered -= length
  }

  private take(length: number): Buffer {
    const first = this.chunks[0]
    if (length === 0 || first === undefined) return Buffer.alloc(0)
    if (this.headOffset + length <= first.length) {
      const frame = first.subarray(this.headOffset, this.headOffset + length)
      this.skip(length)
      return frame
    }
    const frame = Buffer.allocUnsafe(length)
    this.copyOut(frame, length, true)
    return frame
  }

  /** Copies the next `length` buffered bytes into `target`, consuming them when `consume`. */
  private copyOut(target: Buffer, length: number, consume: boolean): void {
    let written = 0
    let offset = this.headOffset
    for (const chunk of this.chunks) {
      if (written === length) break
      const copied = chunk.copy(target, written, offset, Math.min(chunk.length, offset + length - written))
      written += copied
      offset = 0
    }
    if (consume) this.skip(length)
  }
}
