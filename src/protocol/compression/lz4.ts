// lz4 (codec 3): the LZ4 *frame* format (magic 04 22 4D 18), not bare LZ4 blocks.
// Writing: lz4-napi's frame encoder emits what Kafka's Java writer emits in every respect that
// readers check: version 01, independent blocks, no block checksum, content size or content
// checksum (its block maximum is chosen from the input size, 64 KiB to 4 MiB, all of which Java
// reads).
// Reading: the frame is parsed here and each block handed to lz4-napi's block decoder, because
// lz4-napi's frame decoder cannot bound its output and rejects the wrong header checksum of
// Kafka's magic 0 messages. Accepted, as by Kafka's Lz4BlockInputStream: block checksums, content
// size and content checksum (all verified); refused as Java refuses: dependent blocks, dictionary
// ids, reserved bits, a bad header checksum (unless ignoreHeaderChecksum, for magic 0 only).
// Bytes after the end mark are ignored, as Java ignores them.
import { compressFrame, compressFrameSync, uncompressSync } from 'lz4-napi'
import { DecompressError, corrupt, tooLarge } from './decompress-error.js'
import { readU32LE, xxhash32 } from './xxhash32.js'

export const LZ4_FRAME_MAGIC = 0x184d2204
const FLG_VERSION_MASK = 0xc0
const FLG_VERSION_01 = 0x40
const FLG_BLOCK_INDEPENDENCE = 0x20
const FLG_BLOCK_CHECKSUM = 0x10
const FLG_CONTENT_SIZE = 0x08
const FLG_CONTENT_CHECKSUM = 0x04
const FLG_RESERVED = 0x02
const FLG_DICT_ID = 0x01
/** Set in a block's size word when the block is stored uncompressed. */
const BLOCK_UNCOMPRESSED = 0x80000000

export interface Lz4DecompressOptions {
  /** Output limit; a frame that would produce more throws DecompressError('too-large'). */
  readonly maxOutputBytes: number
  /**
   * Skip the frame descriptor checksum. Only for magic 0 messages: Kafka before 0.10 computed it
   * over the wrong bytes (KAFKA-3160), and Java still reads those messages without checking it.
   */
  readonly ignoreHeaderChecksum?: boolean
}

const FRAME_OPTIONS = { contentChecksum: false, blockChecksums: false }

export function compressLz4(data: Uint8Array): Promise<Buffer> {
  return compressFrame(data, FRAME_OPTIONS)
}

export function compressLz4Sync(data: Uint8Array): Buffer {
  const input = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength)
  return compressFrameSync(input, FRAME_OPTIONS)
}

interface FrameBlock {
  readonly data: Uint8Array
  readonly isCompressed: boolean
}

interface ParsedFrame {
  readonly blockMaxSize: number
  readonly blocks: FrameBlock[]
  readonly contentSize: number | undefined
  readonly contentChecksum: number | undefined
}

function bad(reason: string): DecompressError {
  return new DecompressError('lz4', 'corrupt', reason)
}


/** Walks the frame structure and checks every checksum before any block is decompressed. */
function parseFrame(data: Uint8Array, options: Lz4DecompressOptions): ParsedFrame {
  if (data.length < 7) throw bad('frame header is truncated')
  if (readU32LE(data, 0) !== LZ4_FRAME_MAGIC) throw bad('not an LZ4 frame (bad magic)')
  const flg = data[4] as number
  const bd = data[5] as number
  if ((flg & FLG_VERSION_MASK) !== FLG_VERSION_01) throw bad(`unsupported frame version in FLG ${flg}`)
  if ((flg & FLG_BLOCK_INDEPENDENCE) === 0) throw bad('dependent blocks are not supported (Kafka refuses them too)')
  if ((flg & (FLG_RESERVED | FLG_DICT_ID)) !== 0) throw bad(`reserved or dictionary bits set in FLG ${flg}`)
  const blockSizeId = (bd >> 4) & 0x07
  if ((bd & 0x8f) !== 0 || blockSizeId < 4) throw bad(`invalid BD byte ${bd}`)
  const blockMaxSize = 1 << (2 * blockSizeId + 8)

  let at = 6
  let contentSize: number | undefined
  if ((flg & FLG_CONTENT_SIZE) !== 0) {
    if (data.length < at + 8 + 1) throw bad('frame header is truncated')
    const low = readU32LE(data, at)
    const high = readU32LE(data, at + 4)
    // Anything at or above 2^32 is far past any limit; the exact value does not matter then.
    if (high !== 0 || low > options.maxOutputBytes) throw tooLarge('lz4', options.maxOutputBytes)
    contentSize = low
    at += 8
  }
  if (options.ignoreHeaderChecksum !== true) {
    const expected = (xxhash32(data.subarray(4, at)) >>> 8) & 0xff
    if (data[at] !== expected) throw bad('frame descriptor checksum mismatch')
  }
  at += 1

  const hasBlockChecksum = (flg & FLG_BLOCK_CHECKSUM) !== 0
  const blocks: FrameBlock[] = []
  for (;;) {
    if (data.length - at < 4) throw bad('frame is truncated before its end mark')
    const word = readU32LE(data, at)
    at += 4
    if (word === 0) break
    const size = (word & ~BLOCK_UNCOMPRESSED) >>> 0
    if (size > blockMaxSize) throw bad(`block of ${size} bytes exceeds the frame's ${blockMaxSize}-byte maximum`)
    const trailer = hasBlockChecksum ? 4 : 0
    if (data.length - at < size + trailer) throw bad('block is truncated')
    const block = data.subarray(at, at + size)
    at += size
    if (hasBlockChecksum) {
      if (xxhash32(block) !== readU32LE(data, at)) throw bad('block checksum mismatch')
      at += 4
    }
    blocks.push({ data: block, isCompressed: (word & BLOCK_UNCOMPRESSED) === 0 })
  }
  let contentChecksum: number | undefined
  if ((flg & FLG_CONTENT_CHECKSUM) !== 0) {
    if (data.length - at < 4) throw bad('content checksum is truncated')
    contentChecksum = readU32LE(data, at)
  }
  return { blockMaxSize, blocks, contentSize, contentChecksum }
}

/**
 * lz4-napi's block decoder takes the output capacity as a 4-byte little-endian prefix and returns
 * only the bytes actually produced; a block that would produce more than the frame's block maximum
 * fails. So at most one block (≤ 4 MiB) is decoded past `maxOutputBytes` before we stop.
 */
function withCapacityPrefix(block: Uint8Array, capacity: number): Buffer {
  const input = Buffer.allocUnsafe(4 + block.length)
  input.writeUInt32LE(capacity, 0)
  input.set(block, 4)
  return input
}

function finish(frame: ParsedFrame, outputs: Buffer[], total: number): Buffer {
  const output = outputs.length === 1 ? (outputs[0] as Buffer) : Buffer.concat(outputs, total)
  if (frame.contentSize !== undefined && frame.contentSize !== total) {
    throw bad(`frame declares ${frame.contentSize} bytes of content but holds ${total}`)
  }
  if (frame.contentChecksum !== undefined && xxhash32(output) !== frame.contentChecksum) {
    throw bad('content checksum mismatch')
  }
  return output
}

/**
 * Decompresses an LZ4 frame. Throws DecompressError. It runs the synchronous block decoder on
 * purpose: lz4-napi's thread-pool variant is several times slower for Kafka's 4 MiB block maximum
 * (it pays for the whole capacity), while the synchronous one decodes 1 MiB in about 0.3 ms.
 */
export async function decompressLz4(data: Uint8Array, options: Lz4DecompressOptions): Promise<Buffer> {
  return decompressLz4Sync(data, options)
}

export function decompressLz4Sync(data: Uint8Array, options: Lz4DecompressOptions): Buffer {
  const frame = parseFrame(data, options)
  const outputs: Buffer[] = []
  let total = 0
  for (const block of frame.blocks) {
    let output: Buffer
    if (!block.isCompressed) output = Buffer.from(block.data)
    else {
      try {
        output = uncompressSync(withCapacityPrefix(block.data, frame.blockMaxSize))
      } catch (error) {
        throw corrupt('lz4', error)
      }
    }
    total += output.length
    if (total > options.maxOutputBytes) throw tooLarge('lz4', options.maxOutputBytes)
    outputs.push(output)
  }
  return finish(frame, outputs, total)
}
