// Magic 0 and 1 message sets (before KIP-98), read so that old clients can still produce: Produce
// v0–2 stay advertised (kafka-protocol/CLIENTS.md). The broker stores only magic 2, so these are
// decoded here and rebuilt as batches by the caller. Each entry:
//   offset int64 · messageSize int32 · crc uint32 (CRC-32 of magic..end) · magic int8 ·
//   attributes int8 (codec bits 0–2; bit 3 timestamp type, magic 1) · timestamp int64 (magic 1) ·
//   key int32-length bytes · value int32-length bytes (−1 = null)
// A compressed entry (the "wrapper") holds a whole inner message set, compressed, as its value.
// Magic 1 inner offsets are relative and the wrapper carries the last absolute one (KIP-31).
import { type DecompressOptions, DEFAULT_MAX_DECOMPRESSED_BYTES, decompress } from './compression/codec.js'
import { CompressionType, compressionName } from './compression/compression-type.js'
import { DecompressError } from './compression/decompress-error.js'
import { crc32 } from './crc32c.js'
import { ProtocolDecodeError } from './protocol-decode-error.js'
import { LOG_OVERHEAD, NO_TIMESTAMP, TIMESTAMP_TYPE_ATTRIBUTE, TimestampType } from './record-batch.js'

const CRC_OFFSET = 12
const MAGIC_OFFSET = 16
const ATTRIBUTES_OFFSET = 17
const TIMESTAMP_OFFSET = 18
/** crc + magic + attributes + key length + value length, without a timestamp. */
const MIN_MESSAGE_SIZE_V0 = 14
const MIN_MESSAGE_SIZE_V1 = 22

export interface LegacyRecord {
  readonly magic: 0 | 1
  readonly offset: bigint
  /** −1 (NO_TIMESTAMP) for magic 0. */
  readonly timestamp: bigint
  readonly timestampType: TimestampType
  /** The codec of the wrapper the record came in, NONE if it stood alone. */
  readonly compression: CompressionType
  readonly key: Buffer | null
  readonly value: Buffer | null
}

export interface LegacyMessageSet {
  readonly records: LegacyRecord[]
  /** Bytes of an incomplete last message, which Fetch responses may carry and readers discard. */
  readonly partialBytes: number
}

export interface DecodeLegacyMessageSetOptions {
  /** Limit on all decompressed wrapper contents of the set together; 64 MiB by default. */
  readonly maxDecompressedBytes?: number
}

/** One parsed entry. `key` and `value` are subarrays of the buffer parsed. */
interface Message {
  readonly offset: bigint
  readonly magic: 0 | 1
  readonly attributes: number
  readonly timestamp: bigint
  readonly key: Buffer | null
  readonly value: Buffer | null
}

/**
 * Parses the entry at `at`, whose bytes must all be present (end = at + 12 + messageSize).
 * Checks the CRC, the magic and that key and value fill the message exactly.
 */
function parseMessage(buf: Buffer, at: number, end: number, where: string): Message {
  const magic = buf.readInt8(at + MAGIC_OFFSET)
  if (magic !== 0 && magic !== 1) {
    throw new ProtocolDecodeError(`message magic ${magic} is not 0 or 1${where}`, at + MAGIC_OFFSET)
  }
  if (end - at - LOG_OVERHEAD < (magic === 0 ? MIN_MESSAGE_SIZE_V0 : MIN_MESSAGE_SIZE_V1)) {
    throw new ProtocolDecodeError(`message is too small for magic ${magic}${where}`, at + 8)
  }
  const crc = buf.readUInt32BE(at + CRC_OFFSET)
  const actualCrc = crc32(buf.subarray(at + MAGIC_OFFSET, end))
  if (crc !== actualCrc) {
    throw new ProtocolDecodeError(
      `message CRC ${crc} does not match the computed ${actualCrc}${where}`,
      at + CRC_OFFSET,
    )
  }
  const attributes = buf.readInt8(at + ATTRIBUTES_OFFSET)
  let cursor = at + TIMESTAMP_OFFSET
  let timestamp = NO_TIMESTAMP
  if (magic === 1) {
    timestamp = buf.readBigInt64BE(cursor)
    cursor += 8
  }
  const key = readBytes(buf, cursor, end, where)
  cursor += 4 + (key?.length ?? 0)
  const value = readBytes(buf, cursor, end, where)
  cursor += 4 + (value?.length ?? 0)
  if (cursor !== end) throw new ProtocolDecodeError(`${end - cursor} bytes follow the message value${where}`, cursor)
  return { offset: buf.readBigInt64BE(at), magic, attributes, timestamp, key, value }
}

function readBytes(buf: Buffer, at: number, end: number, where: string): Buffer | null {
  if (end - at < 4) throw new ProtocolDecodeError(`length runs past the message${where}`, at)
  const length = buf.readInt32BE(at)
  if (length === -1) return null
  if (length < -1 || length > end - at - 4) throw new ProtocolDecodeError(`invalid length ${length}${where}`, at)
  return buf.subarray(at + 4, at + 4 + length)
}

/**
 * Splits `buf` into whole entries, leaving a partial tail. A size below the smallest message is
 * corruption and throws.
 */
function* entries(buf: Buffer, where: string): Generator<{ at: number; end: number }, number, undefined> {
  let at = 0
  while (buf.length - at >= LOG_OVERHEAD) {
    const size = buf.readInt32BE(at + 8)
    if (size < MIN_MESSAGE_SIZE_V0) {
      throw new ProtocolDecodeError(`message size ${size} is below the minimum${where}`, at + 8)
    }
    const end = at + LOG_OVERHEAD + size
    if (end > buf.length) break
    yield { at, end }
    at = end
  }
  return buf.length - at
}

function codecOf(message: Message, where: string, at: number): CompressionType {
  const id = message.attributes & 0x07
  if (
    id === CompressionType.NONE ||
    id === CompressionType.GZIP ||
    id === CompressionType.SNAPPY ||
    id === CompressionType.LZ4
  ) {
    return id
  }
  // zstd arrived with magic 2 (KIP-110); ids 5–7 were never assigned.
  throw new ProtocolDecodeError(
    `compression codec ${id} is not allowed in magic ${message.magic}${where}`,
    at + ATTRIBUTES_OFFSET,
  )
}

function timestampTypeOf(message: Message): TimestampType {
  if (message.magic === 0) return TimestampType.NO_TIMESTAMP_TYPE
  return (message.attributes & TIMESTAMP_TYPE_ATTRIBUTE) !== 0
    ? TimestampType.LOG_APPEND_TIME
    : TimestampType.CREATE_TIME
}

/**
 * Decodes a magic 0/1 message set, unwrapping compressed messages (gzip, snappy in either
 * framing, lz4 frames, with the wrong header checksum of magic 0 accepted as Kafka accepts it).
 * Every CRC is checked and every length bounded. A partial last message is reported, not
 * decoded; inside a compressed wrapper it is corruption. Throws ProtocolDecodeError for bad input.
 */
export async function decodeLegacyMessageSet(
  buf: Buffer,
  options?: DecodeLegacyMessageSetOptions,
): Promise<LegacyMessageSet> {
  let budget = options?.maxDecompressedBytes ?? DEFAULT_MAX_DECOMPRESSED_BYTES
  const records: LegacyRecord[] = []
  const outer = entries(buf, '')
  let step = outer.next()
  while (step.done !== true) {
    const { at, end } = step.value
    const message = parseMessage(buf, at, end, '')
    const compression = codecOf(message, '', at)
    const timestampType = timestampTypeOf(message)
    if (compression === CompressionType.NONE) {
      const { magic, offset, timestamp, key, value } = message
      records.push({ magic, offset, timestamp, timestampType, compression, key, value })
    } else {
      const inner = await decompressWrapper(message, compression, at, budget)
      budget -= inner.length
      unwrap(message, compression, timestampType, inner, records)
    }
    step = outer.next()
  }
  return { records, partialBytes: step.value }
}

async function decompressWrapper(
  message: Message,
  compression: CompressionType,
  at: number,
  budget: number,
): Promise<Buffer> {
  if (message.value === null) throw new ProtocolDecodeError('compressed message has a null value', at)
  if (budget < 1) throw new ProtocolDecodeError('decompressed messages exceed the limit', at)
  const decompressOptions: DecompressOptions = { maxOutputBytes: budget, ignoreLz4HeaderChecksum: message.magic === 0 }
  try {
    return await decompress(compression, message.value, decompressOptions)
  } catch (error) {
    if (!(error instanceof DecompressError)) throw error
    const decodeError = new ProtocolDecodeError(`compressed message does not decompress: ${error.message}`, at)
    decodeError.cause = error
    throw decodeError
  }
}

/** Appends the inner messages of a wrapper, with the offsets and timestamps Kafka gives them. */
function unwrap(
  wrapper: Message,
  compression: CompressionType,
  timestampType: TimestampType,
  inner: Buffer,
  records: LegacyRecord[],
): void {
  const where = ` in ${compressionName(compression)}-decompressed messages`
  const messages: Message[] = []
  const walk = entries(inner, where)
  let step = walk.next()
  while (step.done !== true) {
    const { at, end } = step.value
    const message = parseMessage(inner, at, end, where)
    // Kafka refuses nesting and mixed magics inside a wrapper (InvalidRecordException).
    if (codecOf(message, where, at) !== CompressionType.NONE) {
      throw new ProtocolDecodeError(`nested compressed message${where}`, at)
    }
    if (message.magic !== wrapper.magic) {
      throw new ProtocolDecodeError(`inner magic ${message.magic} differs from the wrapper's${where}`, at)
    }
    messages.push(message)
    step = walk.next()
  }
  if (step.value !== 0) throw new ProtocolDecodeError(`truncated message${where}`, inner.length - step.value)
  const last = messages[messages.length - 1]
  // Magic 1: absolute = wrapper offset − last relative offset + relative offset. When that base
  // would be negative (as in produce requests, whose wrapper offset is 0) Kafka keeps the inner
  // offsets; magic 0 inner offsets are absolute already.
  const base = wrapper.magic === 1 && last !== undefined ? wrapper.offset - last.offset : -1n
  for (const message of messages) {
    records.push({
      magic: message.magic,
      offset: base >= 0n ? base + message.offset : message.offset,
      timestamp: timestampType === TimestampType.LOG_APPEND_TIME ? wrapper.timestamp : message.timestamp,
      timestampType,
      compression,
      key: message.key,
      value: message.value,
    })
  }
}
