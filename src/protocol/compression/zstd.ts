// zstd (codec 4, KIP-110): standard Zstandard frames (RFC 8878). Java's writer streams, so its
// frames omit the content size; @mongodb-js/zstd decompresses by streaming and reads those frames
// (tested). It has no output limit and no synchronous API, so the output is bounded here before
// decoding: the frame structure is walked (block headers only) to compute the most it can produce.
import { compress, decompress } from '@mongodb-js/zstd'
import { DecompressError, corrupt, tooLarge } from './decompress-error.js'

const ZSTD_MAGIC = 0xfd2fb528
/** Skippable frames use magics 0x184D2A50–0x184D2A5F. */
const SKIPPABLE_MAGIC_MASK = 0xfffffff0
const SKIPPABLE_MAGIC = 0x184d2a50
/** RFC 8878 3.1.1.2.4: no block is larger, compressed or decompressed, than min(window size, 128 KiB). */
const MAX_BLOCK_SIZE = 128 * 1024
const BLOCK_RAW = 0
const BLOCK_RLE = 1
const BLOCK_COMPRESSED = 2

/** Kafka's default `compression.zstd.level`. */
export const ZSTD_DEFAULT_LEVEL = 3

export function compressZstd(data: Uint8Array, level = ZSTD_DEFAULT_LEVEL): Promise<Buffer> {
  const input = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength)
  return compress(input, level)
}

function bad(reason: string): DecompressError {
  return new DecompressError('zstd', 'corrupt', reason)
}

function readUIntLE(data: Uint8Array, at: number, size: number): number {
  let value = 0
  for (let i = size - 1; i >= 0; i--) value = value * 256 + (data[at + i] as number)
  return value
}

/**
 * The most bytes the frames in `data` can decompress to, from their block headers: raw and RLE
 * blocks state their size, a compressed block yields at most min(window size, 128 KiB). For frames
 * from ordinary encoders this is the true size rounded up by less than one block per frame.
 * Throws DecompressError for a malformed or truncated frame structure.
 */
export function maxZstdDecompressedSize(data: Uint8Array): number {
  if (data.length === 0) throw bad('no frame')
  let at = 0
  let bound = 0
  while (at < data.length) {
    if (data.length - at < 4) throw bad(`truncated frame magic at byte ${at}`)
    const magic = readUIntLE(data, at, 4)
    if ((magic & SKIPPABLE_MAGIC_MASK) >>> 0 === SKIPPABLE_MAGIC) {
      if (data.length - at < 8) throw bad('truncated skippable frame')
      const size = readUIntLE(data, at + 4, 4)
      if (data.length - at - 8 < size) throw bad('truncated skippable frame')
      at += 8 + size
      continue
    }
    if (magic !== ZSTD_MAGIC) throw bad(`bad frame magic at byte ${at}`)
    at += 4
    const descriptor = data[at]
    if (descriptor === undefined) throw bad('truncated frame header')
    at += 1
    const contentSizeFlag = descriptor >> 6
    const isSingleSegment = (descriptor & 0x20) !== 0
    if ((descriptor & 0x08) !== 0) throw bad('reserved bit set in frame header')
    const hasChecksum = (descriptor & 0x04) !== 0
    const dictionaryIdSize = [0, 1, 2, 4][descriptor & 0x03] as number
    const contentSizeSize = [isSingleSegment ? 1 : 0, 2, 4, 8][contentSizeFlag] as number
    const headerRest = (isSingleSegment ? 0 : 1) + dictionaryIdSize + contentSizeSize
    if (data.length - at < headerRest) throw bad('truncated frame header')
    let windowSize = Number.POSITIVE_INFINITY
    if (!isSingleSegment) {
      const windowDescriptor = data[at] as number
      const windowLog = 10 + (windowDescriptor >> 3)
      const windowBase = 2 ** windowLog
      windowSize = windowBase + (windowBase / 8) * (windowDescriptor & 0x07)
    } else {
      // A single-segment frame's window is its content size.
      let contentSize = readUIntLE(data, at + dictionaryIdSize, contentSizeSize)
      if (contentSizeSize === 2) contentSize += 256
      windowSize = contentSize
    }
    at += headerRest
    const blockMax = Math.min(windowSize, MAX_BLOCK_SIZE)
    for (;;) {
      if (data.length - at < 3) throw bad('truncated block header')
      const header = readUIntLE(data, at, 3)
      at += 3
      const isLast = (header & 1) === 1
      const type = (header >> 1) & 0x03
      const size = header >>> 3
      if (size > blockMax) throw bad(`block of ${size} bytes exceeds the frame's ${blockMax}-byte block maximum`)
      if (type === BLOCK_RAW) {
        if (data.length - at < size) throw bad('truncated raw block')
        at += size
        bound += size
      } else if (type === BLOCK_RLE) {
        if (data.length - at < 1) throw bad('truncated RLE block')
        at += 1
        bound += size
      } else if (type === BLOCK_COMPRESSED) {
        if (data.length - at < size) throw bad('truncated compressed block')
        at += size
        bound += blockMax
      } else {
        throw bad('reserved block type')
      }
      if (isLast) break
    }
    if (hasChecksum) {
      if (data.length - at < 4) throw bad('truncated content checksum')
      at += 4
    }
  }
  return bound
}

/**
 * Decompresses one or more concatenated frames on the thread pool, with or without a content size
 * in their headers. Refuses (DecompressError 'too-large') before decoding when the frames could
 * exceed `maxOutputBytes`; libzstd itself refuses windows over 128 MiB, which caps its working
 * memory. Throws DecompressError for corrupt input.
 */
export async function decompressZstd(data: Uint8Array, maxOutputBytes: number): Promise<Buffer> {
  if (maxZstdDecompressedSize(data) > maxOutputBytes) throw tooLarge('zstd', maxOutputBytes)
  const input = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength)
  let output: Buffer
  try {
    output = await decompress(input)
  } catch (error) {
    throw corrupt('zstd', error)
  }
  // A backstop: the block rule above should make this unreachable.
  if (output.length > maxOutputBytes) throw tooLarge('zstd', maxOutputBytes)
  return output
}
