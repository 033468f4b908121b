// snappy (codec 2). Two framings occur on the wire and both must be read:
// - xerial (snappy-java) framing, written by the Java client and broker and by kafka-python:
//   magic 82 53 4E 41 50 50 59 00, int32 BE version, int32 BE min-compatible version, then
//   repeated int32 BE chunk length + one raw snappy block;
// - raw snappy, one block with no framing, written by librdkafka, kafkajs-snappy and
//   @platformatic/kafka.
// We write raw snappy, which every client reads. Neither is Snappy's own "framing format".
import { compress, compressSync, uncompress, uncompressSync } from 'snappy'
import { DecompressError, corrupt, tooLarge } from './decompress-error.js'

export const XERIAL_MAGIC: Buffer = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00])
/** Magic, version and min-compatible version. */
const XERIAL_HEADER_SIZE = 16
/** snappy-java's (and kafka-python's) default chunk size. */
const XERIAL_DEFAULT_BLOCK_SIZE = 32 * 1024

export function compressSnappy(data: Uint8Array): Promise<Buffer> {
  return compress(data)
}

export function compressSnappySync(data: Uint8Array): Buffer {
  return compressSync(data)
}

/** True when `data` starts with the xerial magic, the only way to tell the framings apart. */
export function isXerialSnappy(data: Uint8Array): boolean {
  if (data.length < XERIAL_MAGIC.length) return false
  for (let i = 0; i < XERIAL_MAGIC.length; i++) if (data[i] !== XERIAL_MAGIC[i]) return false
  return true
}

/**
 * Writes xerial framing (version 1, min-compatible 1) around raw snappy chunks of `blockSize`
 * input bytes, as snappy-java does. Used for compatibility tests; the broker writes raw snappy.
 */
export function encodeXerialSnappy(data: Uint8Array, blockSize = XERIAL_DEFAULT_BLOCK_SIZE): Buffer {
  if (!Number.isInteger(blockSize) || blockSize < 1) throw new RangeError(`bad xerial block size ${blockSize}`)
  const header = Buffer.alloc(XERIAL_HEADER_SIZE)
  XERIAL_MAGIC.copy(header, 0)
  header.writeInt32BE(1, 8)
  header.writeInt32BE(1, 12)
  const parts: Buffer[] = [header]
  for (let start = 0; start < data.length; start += blockSize) {
    const chunk = compressSync(data.subarray(start, start + blockSize))
    const length = Buffer.alloc(4)
    length.writeInt32BE(chunk.length, 0)
    parts.push(length, chunk)
  }
  return Buffer.concat(parts)
}

/** The raw snappy blocks of `data` and the output size their length preambles declare. */
interface SnappyBlocks {
  readonly blocks: Uint8Array[]
  readonly declaredBytes: number
}

/**
 * Splits `data` into raw blocks (one for raw snappy, one per chunk for xerial) and checks the
 * declared output against the limit before anything is decompressed: a raw snappy block starts
 * with its uncompressed length, and the decoder refuses blocks that do not produce exactly that.
 */
function splitBlocks(data: Uint8Array, maxOutputBytes: number): SnappyBlocks {
  const blocks: Uint8Array[] = []
  if (!isXerialSnappy(data)) {
    blocks.push(data)
  } else {
    if (data.length < XERIAL_HEADER_SIZE) throw corruptFraming('xerial header is truncated')
    const view = Buffer.from(data.buffer, data.byteOffset, data.byteLength)
    let at = XERIAL_HEADER_SIZE
    while (at < data.length) {
      if (data.length - at < 4) throw corruptFraming(`xerial chunk length is truncated at byte ${at}`)
      const length = view.readInt32BE(at)
      at += 4
      if (length < 0 || length > data.length - at) {
        throw corruptFraming(`xerial chunk of ${length} bytes at byte ${at - 4} does not fit the payload`)
      }
      // snappy-java skips empty chunks; so do we.
      if (length > 0) blocks.push(data.subarray(at, at + length))
      at += length
    }
  }
  let declaredBytes = 0
  for (const block of blocks) {
    declaredBytes += readUncompressedLength(block)
    if (declaredBytes > maxOutputBytes) throw tooLarge('snappy', maxOutputBytes)
  }
  return { blocks, declaredBytes }
}

/** The little-endian base-128 uint32 that opens every raw snappy block. */
function readUncompressedLength(block: Uint8Array): number {
  let value = 0
  for (let i = 0; i < 5; i++) {
    const byte = block[i]
    if (byte === undefined) throw corruptFraming('snappy length preamble is truncated')
    value += (byte & 0x7f) * 2 ** (7 * i)
    if (byte < 0x80) {
      if (value > 0xffffffff) break
      return value
    }
  }
  throw corruptFraming('snappy length preamble is not a uint32')
}

function corruptFraming(reason: string): DecompressError {
  return new DecompressError('snappy', 'corrupt', reason)
}

function asBuffer(output: string | Buffer): Buffer {
  // With the default options the library returns a Buffer; a string would be a library change.
  return typeof output === 'string' ? Buffer.from(output, 'utf8') : output
}

function joinBlocks(outputs: Buffer[], declaredBytes: number): Buffer {
  if (outputs.length === 1) return outputs[0] as Buffer
  return Buffer.concat(outputs, declaredBytes)
}

/**
 * Decompresses either framing (detected by the xerial magic) on the libuv thread pool. Output is
 * bounded by `maxOutputBytes` before decoding starts. Throws DecompressError for bad input.
 */
export async function decompressSnappy(data: Uint8Array, maxOutputBytes: number): Promise<Buffer> {
  const { blocks, declaredBytes } = splitBlocks(data, maxOutputBytes)
  try {
    const outputs = await Promise.all(blocks.map(async (block) => asBuffer(await uncompress(block))))
    return joinBlocks(outputs, declaredBytes)
  } catch (error) {
    throw corrupt('snappy', error)
  }
}

export function decompressSnappySync(data: Uint8Array, maxOutputBytes: number): Buffer {
  const { blocks, declaredBytes } = splitBlocks(data, maxOutputBytes)
  try {
    return joinBlocks(
      blocks.map((block) => asBuffer(uncompressSync(block))),
      declaredBytes,
    )
  } catch (error) {
    throw corrupt('snappy', error)
  }
}
