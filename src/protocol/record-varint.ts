// Zig-zag varints and varlongs, the length and delta encoding inside magic 2 records (KIP-98).
// The protocol's unsigned LEB128 varints (flexible versions) live in reader.ts / writer.ts.
// Zig-zag maps signed to unsigned (0 → 0, −1 → 1, 1 → 2, …) so small negatives such as the −1
// of a null key stay one byte long.
import { ProtocolDecodeError } from './protocol-decode-error.js'

/**
 * A read position advanced by the read functions. One cursor serves a whole walk over a batch, so
 * reading a record's fields allocates nothing. `end` is exclusive: no read passes it.
 */
export interface ReadCursor {
  offset: number
  end: number
}

/** An int32 needs at most 5 bytes; the 5th carries only bits 28–31. */
const MAX_VARINT_BYTES = 5
/** An int64 needs at most 10 bytes; the 10th carries only bit 63. */
const MAX_VARLONG_BYTES = 10
const TWO_POW_28 = 0x10000000
/** Below this magnitude a value and its zig-zag form (twice as large) are exact as numbers. */
const SAFE_ZIGZAG_LIMIT = 2 ** 51

/** Reads a zig-zag varint (int32). Throws ProtocolDecodeError if truncated or over 5 bytes. */
export function readVarint(buf: Uint8Array, cursor: ReadCursor): number {
  const start = cursor.offset
  const end = Math.min(cursor.end, buf.length)
  let raw = 0
  for (let i = 0; i < MAX_VARINT_BYTES; i++) {
    const at = start + i
    if (at >= end) throw new ProtocolDecodeError('varint runs past the end of its field', start)
    const byte = buf[at] as number
    if (i === MAX_VARINT_BYTES - 1) {
      // Anything above 0x0f here would be bits beyond 32: not a valid int32 encoding.
      if (byte > 0x0f) throw new ProtocolDecodeError('varint is longer than 5 bytes or overflows int32', start)
      raw = (raw | (byte << 28)) >>> 0
      cursor.offset = at + 1
      return (raw >>> 1) ^ -(raw & 1)
    }
    raw |= (byte & 0x7f) << (7 * i)
    if (byte < 0x80) {
      cursor.offset = at + 1
      raw >>>= 0
      return (raw >>> 1) ^ -(raw & 1)
    }
  }
  // Unreachable: the loop returns or throws on its last iteration.
  throw new ProtocolDecodeError('varint is longer than 5 bytes', start)
}

/**
 * Reads the unsigned (pre-zig-zag) value of a varlong as two numbers, low 28 bits and the rest,
 * so the common short case never touches BigInt. Advances the cursor.
 */
function readRawVarlong(buf: Uint8Array, cursor: ReadCursor): { low: number; high: number } | number {
  const start = cursor.offset
  const end = Math.min(cursor.end, buf.length)
  let low = 0
  let high = 0
  for (let i = 0; i < MAX_VARLONG_BYTES; i++) {
    const at = start + i
    if (at >= end) throw new ProtocolDecodeError('varlong runs past the end of its field', start)
    const byte = buf[at] as number
    if (i === MAX_VARLONG_BYTES - 1 && byte > 0x01) {
      throw new ProtocolDecodeError('varlong is longer than 10 bytes or overflows int64', start)
    }
    const bits = byte & 0x7f
    if (i < 4) low |= bits << (7 * i)
    else high += bits * 2 ** (7 * (i - 4))
    if (byte < 0x80) {
      cursor.offset = at + 1
      // high holds at most 36 bits; below 2^52 the whole raw value is an exact number.
      if (high < 2 ** 24) return high * TWO_POW_28 + (low >>> 0)
      return { low: low >>> 0, high }
    }
  }
  throw new ProtocolDecodeError('varlong is longer than 10 bytes', start)
}

function zigzagDecodeNumber(raw: number): number {
  // raw < 2^52 here (readRawVarlong returns a number only then), so both branches are exact.
  return raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2
}

function zigzagDecodeBigInt(raw: bigint): bigint {
  return BigInt.asIntN(64, (raw >> 1n) ^ -(raw & 1n))
}

/** Reads a zig-zag varlong (int64) as a bigint. Throws ProtocolDecodeError if truncated or too long. */
export function readVarlong(buf: Uint8Array, cursor: ReadCursor): bigint {
  const raw = readRawVarlong(buf, cursor)
  if (typeof raw === 'number') return BigInt(zigzagDecodeNumber(raw))
  return zigzagDecodeBigInt((BigInt(raw.high) << 28n) | BigInt(raw.low))
}

/**
 * Reads a zig-zag varlong as a number, for deltas that are small in practice (timestampDelta).
 * Throws ProtocolDecodeError when the value is outside ±2^51 (use readVarlong for those).
 */
export function readVarlongAsNumber(buf: Uint8Array, cursor: ReadCursor): number {
  const start = cursor.offset
  const raw = readRawVarlong(buf, cursor)
  if (typeof raw === 'number') return zigzagDecodeNumber(raw)
  throw new ProtocolDecodeError('varlong is too large to read as a number', start)
}

/** Steps over a varlong without decoding it, with the same bounds checks as readVarlong. */
export function skipVarlong(buf: Uint8Array, cursor: ReadCursor): void {
  const start = cursor.offset
  const end = Math.min(cursor.end, buf.length)
  for (let i = 0; i < MAX_VARLONG_BYTES; i++) {
    const at = start + i
    if (at >= end) throw new ProtocolDecodeError('varlong runs past the end of its field', start)
    const byte = buf[at] as number
    if (i === MAX_VARLONG_BYTES - 1 && byte > 0x01) {
      throw new ProtocolDecodeError('varlong is longer than 10 bytes or overflows int64', start)
    }
    if (byte < 0x80) {
      cursor.offset = at + 1
      return
    }
  }
}

function assertInt32(value: number): void {
  if (!Number.isInteger(value) || value < -0x80000000 || value > 0x7fffffff) {
    throw new RangeError(`varint value ${value} is not an int32`)
  }
}

function assertInt64(value: bigint): void {
  if (value < -(2n ** 63n) || value >= 2n ** 63n) throw new RangeError(`varlong value ${value} is not an int64`)
}

/** Bytes a zig-zag varint takes for an int32 value. */
export function sizeOfVarint(value: number): number {
  assertInt32(value)
  const raw = ((value << 1) ^ (value >> 31)) >>> 0
  if (raw < 0x80) return 1
  if (raw < 0x4000) return 2
  if (raw < 0x200000) return 3
  if (raw < 0x10000000) return 4
  return 5
}

/** Bytes a zig-zag varlong takes for an int64 value (number must be a safe integer). */
export function sizeOfVarlong(value: bigint | number): number {
  let raw = toZigzagNumber(value)
  if (raw === undefined) {
    let big = zigzagEncodeBigInt(typeof value === 'bigint' ? value : BigInt(value))
    let size = 1
    while (big >= 0x80n) {
      big >>= 7n
      size++
    }
    return size
  }
  let size = 1
  while (raw >= 0x80) {
    raw = Math.floor(raw / 128)
    size++
  }
  return size
}

/** Writes a zig-zag varint; returns the offset after it. The caller sizes `buf` with sizeOfVarint. */
export function writeVarint(buf: Uint8Array, offset: number, value: number): number {
  assertInt32(value)
  let raw = ((value << 1) ^ (value >> 31)) >>> 0
  let at = offset
  while (raw >= 0x80) {
    buf[at++] = (raw & 0x7f) | 0x80
    raw >>>= 7
  }
  buf[at++] = raw
  return at
}

/** Zig-zag of a value that fits a number exactly, or undefined when BigInt is needed. */
function toZigzagNumber(value: bigint | number): number | undefined {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new RangeError(`varlong value ${value} is not a safe integer`)
    if (value >= SAFE_ZIGZAG_LIMIT || value <= -SAFE_ZIGZAG_LIMIT) return undefined
    return value >= 0 ? value * 2 : -value * 2 - 1
  }
  assertInt64(value)
  if (value >= BigInt(SAFE_ZIGZAG_LIMIT) || value <= -BigInt(SAFE_ZIGZAG_LIMIT)) return undefined
  const n = Number(value)
  return n >= 0 ? n * 2 : -n * 2 - 1
}

function zigzagEncodeBigInt(value: bigint): bigint {
  return BigInt.asUintN(64, (value << 1n) ^ (value >> 63n))
}

/** Writes a zig-zag varlong; returns the offset after it. The caller sizes `buf` with sizeOfVarlong. */
export function writeVarlong(buf: Uint8Array, offset: number, value: bigint | number): number {
  let at = offset
  let raw = toZigzagNumber(value)
  if (raw === undefined) {
    let big = zigzagEncodeBigInt(typeof value === 'bigint' ? value : BigInt(value))
    while (big >= 0x80n) {
      buf[at++] = Number(big & 0x7fn) | 0x80
      big >>= 7n
    }
    buf[at++] = Number(big)
    return at
  }
  while (raw >= 0x80) {
    buf[at++] = (raw % 128) | 0x80
    raw = Math.floor(raw / 128)
  }
  buf[at++] = raw
  return at
}
