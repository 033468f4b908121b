// The compression codec ids carried in bits 0–2 of a batch's (or legacy message's) attributes.
// zstd (KIP-110) exists only in magic 2 batches; Produce v7+ / Fetch v10+ may carry it.

export enum CompressionType {
  NONE = 0,
  GZIP = 1,
  SNAPPY = 2,
  LZ4 = 3,
  ZSTD = 4,
}

/** Kafka's names, as in the `compression.type` config and in logs. */
export type CompressionName = 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd'

/** Bits 0–2 of the attributes. */
export const COMPRESSION_ATTRIBUTE_MASK = 0x07

const NAMES: readonly CompressionName[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd']

export function isCompressionType(id: number): id is CompressionType {
  return Number.isInteger(id) && id >= CompressionType.NONE && id <= CompressionType.ZSTD
}

/** The codec named by attribute bits 0–2, or undefined for the unassigned ids 5–7. */
export function compressionTypeFromAttributes(attributes: number): CompressionType | undefined {
  const id = attributes & COMPRESSION_ATTRIBUTE_MASK
  return isCompressionType(id) ? id : undefined
}

/** `attributes` with bits 0–2 replaced by `type`. */
export function withCompressionType(attributes: number, type: CompressionType): number {
  return (attributes & ~COMPRESSION_ATTRIBUTE_MASK) | type
}

export function compressionName(type: CompressionType): CompressionName {
  const name = NAMES[type]
  if (name === undefined) throw new RangeError(`unknown compression type ${String(type)}`)
  return name
}

/** The codec with Kafka's name `name`, or undefined if there is none. */
export function compressionTypeFromName(name: string): CompressionType | undefined {
  const id = NAMES.indexOf(name as CompressionName)
  return id === -1 ? undefined : (id as CompressionType)
}
