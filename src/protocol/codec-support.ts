// Runtime pieces the generated codecs call: element readers and writers for arrays of primitives,
// the tagged-field section writer, and the guard for a null in a version that forbids it.
import type { Reader, TaggedField } from './reader.js'
import type { Writer } from './writer.js'

export const readInt8 = (reader: Reader): number => reader.int8()
export const readInt16 = (reader: Reader): number => reader.int16()
export const readUint16 = (reader: Reader): number => reader.uint16()
export const readInt32 = (reader: Reader): number => reader.int32()
export const readInt64 = (reader: Reader): bigint => reader.int64()
export const readFloat64 = (reader: Reader): number => reader.float64()
export const readBool = (reader: Reader): boolean => reader.bool()
export const readUuid = (reader: Reader): string => reader.uuid()
export const readString = (reader: Reader): string => reader.string()
export const readCompactString = (reader: Reader): string => reader.compactString()
export const readBytes = (reader: Reader): Buffer => reader.bytes()
export const readCompactBytes = (reader: Reader): Buffer => reader.compactBytes()

export const writeInt8 = (writer: Writer, value: number): void => writer.int8(value)
export const writeInt16 = (writer: Writer, value: number): void => writer.int16(value)
export const writeUint16 = (writer: Writer, value: number): void => writer.uint16(value)
export const writeInt32 = (writer: Writer, value: number): void => writer.int32(value)
export const writeInt64 = (writer: Writer, value: bigint): void => writer.int64(value)
export const writeFloat64 = (writer: Writer, value: number): void => writer.float64(value)
export const writeBool = (writer: Writer, value: boolean): void => writer.bool(value)
export const writeUuid = (writer: Writer, value: string): void => writer.uuid(value)
export const writeString = (writer: Writer, value: string): void => writer.string(value)
export const writeCompactString = (writer: Writer, value: string): void => writer.compactString(value)
export const writeBytes = (writer: Writer, value: Buffer): void => writer.bytes(value)
export const writeCompactBytes = (writer: Writer, value: Buffer): void => writer.compactBytes(value)

/** A known tagged field to write: its tag and how to write its value. */
export interface TaggedFieldWrite {
  readonly tag: number
  readonly write: (writer: Writer) => void
}

/**
 * Writes a tagged-field section: known fields that differ from their default (`undefined` entries
 * are skipped) and unknown fields kept from decoding, all in ascending tag order as Kafka requires.
 */
export function writeTaggedFields(
  writer: Writer,
  unknown: readonly TaggedField[] | undefined,
  known?: ReadonlyArray<TaggedFieldWrite | undefined>,
): void {
  if (known === undefined && (unknown === undefined || unknown.length === 0)) {
    writer.unsignedVarint(0)
    return
  }
  const present = (known ?? []).filter((field): field is TaggedFieldWrite => field !== undefined)
  if (unknown === undefined || unknown.length === 0) {
    writer.unsignedVarint(present.length)
    for (const field of present) writer.taggedField(field.tag, field.write)
    return
  }
  const all: TaggedFieldWrite[] = [...present, ...unknown.map((field) => ({ tag: field.tag, write: (w: Writer) => w.raw(field.data) }))]
  all.sort((a, b) => a.tag - b.tag)
  writer.unsignedVarint(all.length)
  for (const field of all) writer.taggedField(field.tag, field.write)
}

/** A null where the version cannot carry one is a bug in the caller, not bad client input. */
export function nullNotAllowed(field: string, version: number): never {
  throw new TypeError(`${field} is null, which version ${version} cannot encode`)
}
