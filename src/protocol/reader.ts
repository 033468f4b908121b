import { ProtocolDecodeError } from './protocol-decode-error.js'

/** A decoded tagged field whose tag this version does not know: kept so it can be re-encoded as is. */
export interface TaggedField {
  readonly tag: number
  readonly data: Buffer
}

/**
 * Reads Kafka's wire types from a buffer, front to back. Every read checks the bytes that remain
 * first, and every length read from the wire is checked against them before anything is allocated,
 * so bad input ends in one ProtocolDecodeError and never in a RangeError or a huge allocation.
 * Byte fields (bytes, records) are `subarray`s of the input: no copies.
 */
export class Reader {
  offset: number

  constructor(
    readonly buffer: Buffer,
    offset = 0,
    readonly end = buffer.length,
  ) {
    this.offset = offset
  }

  remaining(): number {
    return this.end - this.offset
  }

  fail(reason: string): never {
    throw new ProtocolDecodeError(reason, this.offset)
  }

  private need(byteCount: number, what: string): void {
    if (this.end - this.offset < byteCount) {
      this.fail(`${what} needs ${byteCount} bytes, ${this.end - this.offset} remain`)
    }
  }

  int8(): number {
    this.need(1, 'int8')
    return this.buffer.readInt8(this.offset++)
  }

  bool(): boolean {
    return this.int8() !== 0
  }

  int16(): number {
    this.need(2, 'int16')
    const value = this.buffer.readInt16BE(this.offset)
    this.offset += 2
    return value
  }

  uint16(): number {
    this.need(2, 'uint16')
    const value = this.buffer.readUInt16BE(this.offset)
    this.offset += 2
    return value
  }

  int32(): number {
    this.need(4, 'int32')
    const value = this.buffer.readInt32BE(this.offset)
    this.offset += 4
    return value
  }

  uint32(): number {
    this.need(4, 'uint32')
    const value = this.buffer.readUInt32BE(this.offset)
    this.offset += 4
    return value
  }

  int64(): bigint {
    this.need(8, 'int64')
    const value = this.buffer.readBigInt64BE(this.offset)
    this.offset += 8
    return value
  }

  float64(): number {
    this.need(8, 'float64')
    const value = this.buffer.readDoubleBE(this.offset)
    this.offset += 8
    return value
  }

  /** A UUID as Kafka prints it: 22 characters of URL-safe base64 without padding. */
  uuid(): string {
    this.need(16, 'uuid')
    const value = this.buffer.toString('base64url', this.offset, this.offset + 16)
    this.offset += 16
    return value
  }

  /** Unsigned LEB128 varint of at most 5 bytes (a uint32), as flexible versions use for lengths and tags. */
  unsignedVarint(): number {
    let value = 0
    for (let shift = 0; shift < 35; shift += 7) {
      this.need(1, 'unsigned varint')
      const byte = this.buffer[this.offset++]!
      if (shift === 28 && byte > 0x0f) this.fail('unsigned varint does not fit 32 bits')
      value += (byte & 0x7f) * 2 ** shift
      if ((byte & 0x80) === 0) return value
    }
    return this.fail('unsigned varint longer than 5 bytes')
  }

  /** The next `length` bytes as a view of the input. */
  raw(length: number): Buffer {
    this.need(length, 'bytes')
    const value = this.buffer.subarray(this.offset, this.offset + length)
    this.offset += length
    return value
  }

  private utf8(length: number): string {
    this.need(length, 'string')
    const value = this.buffer.toString('utf8', this.offset, this.offset + length)
    this.offset += length
    return value
  }

  string(): string {
    const length = this.int16()
    if (length < 0) this.fail(`non-nullable string has length ${length}`)
    return this.utf8(length)
  }

  nullableString(): string | null {
    const length = this.int16()
    if (length === -1) return null
    if (length < -1) this.fail(`string has length ${length}`)
    return this.utf8(length)
  }

  compactString(): string {
    const lengthPlusOne = this.unsignedVarint()
    if (lengthPlusOne === 0) this.fail('non-nullable compact string is null')
    return this.utf8(lengthPlusOne - 1)
  }

  compactNullableString(): string | null {
    const lengthPlusOne = this.unsignedVarint()
    return lengthPlusOne === 0 ? null : this.utf8(lengthPlusOne - 1)
  }

  bytes(): Buffer {
    const length = this.int32()
    if (length < 0) this.fail(`non-nullable bytes have length ${length}`)
    return this.raw(length)
  }

  nullableBytes(): Buffer | null {
    const length = this.int32()
    if (length === -1) return null
    if (length < -1) this.fail(`bytes have length ${length}`)
    return this.raw(length)
  }

  compactBytes(): Buffer {
    const lengthPlusOne = this.unsignedVarint()
    if (lengthPlusOne === 0) this.fail('non-nullable compact bytes are null')
    return this.raw(lengthPlusOne - 1)
  }

  compactNullableBytes(): Buffer | null {
    const lengthPlusOne = this.unsignedVarint()
    return lengthPlusOne === 0 ? null : this.raw(lengthPlusOne - 1)
  }

  /**
   * An int32 array count; -1 is null. `minElementBytes` (at least 1) bounds the count by the bytes
   * that remain, so a forged count can neither allocate nor loop beyond the frame.
   */
  arrayLength(minElementBytes: number): number | null {
    const count = this.int32()
    if (count === -1) return null
    if (count < -1) this.fail(`array has length ${count}`)
    this.checkCount(count, minElementBytes)
    return count
  }

  /** A compact (uvarint count + 1) array count; 0 is null. */
  compactArrayLength(minElementBytes: number): number | null {
    const countPlusOne = this.unsignedVarint()
    if (countPlusOne === 0) return null
    this.checkCount(countPlusOne - 1, minElementBytes)
    return countPlusOne - 1
  }

  private checkCount(count: number, minElementBytes: number): void {
    if (count * minElementBytes > this.end - this.offset) {
      this.fail(`array of ${count} elements cannot fit in ${this.end - this.offset} remaining bytes`)
    }
  }

  /** An int32-counted array of elements read by `readElement`; a null (-1) count is an error. */
  array<T>(minElementBytes: number, readElement: (reader: Reader) => T): T[] {
    const count = this.arrayLength(minElementBytes)
    if (count === null) return this.fail('non-nullable array is null')
    return this.elements(count, readElement)
  }

  nullableArray<T>(minElementBytes: number, readElement: (reader: Reader) => T): T[] | null {
    const count = this.arrayLength(minElementBytes)
    return count === null ? null : this.elements(count, readElement)
  }

  compactArray<T>(minElementBytes: number, readElement: (reader: Reader) => T): T[] {
    const count = this.compactArrayLength(minElementBytes)
    if (count === null) return this.fail('non-nullable compact array is null')
    return this.elements(count, readElement)
  }

  compactNullableArray<T>(minElementBytes: number, readElement: (reader: Reader) => T): T[] | null {
    const count = this.compactArrayLength(minElementBytes)
    return count === null ? null : this.elements(count, readElement)
  }

  private elements<T>(count: number, readElement: (reader: Reader) => T): T[] {
    const items: T[] = []
    for (let i = 0; i < count; i++) items.push(readElement(this))
    return items
  }

  /** Reads a tagged field's size and returns a reader over exactly its bytes. */
  taggedFieldReader(): Reader {
    const size = this.unsignedVarint()
    this.need(size, 'tagged field')
    const sub = new Reader(this.buffer, this.offset, this.offset + size)
    this.offset += size
    return sub
  }

  /** Fails unless a sub-reader (a tagged field) was consumed exactly. */
  expectEnd(what: string): void {
    if (this.offset !== this.end) this.fail(`${this.end - this.offset} bytes left over in ${what}`)
  }
}
