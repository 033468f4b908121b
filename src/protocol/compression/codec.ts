// One entry point for every codec, keyed by the attribute id. A batch's records section is
// compressed as one payload; how each codec frames it on the wire is in its own file.
import { CompressionType } from './compression-type.js'
import { compressGzip, compressGzipSync, decompressGzip, decompressGzipSync } from './gzip.js'
import { compressLz4, compressLz4Sync, decompressLz4, decompressLz4Sync } from './lz4.js'
import { compressSnappy, compressSnappySync, decompressSnappy, decompressSnappySync } from './snappy.js'
import { compressZstd, decompressZstd } from './zstd.js'

/**
 * Default output limit for one decompressed payload: 64 MiB. A batch is at most
 * `message.max.bytes` (1 MiB by default) compressed; 64 times that leaves room for very
 * compressible data while one bad batch cannot take more than this much memory. Callers with a
 * configured limit pass their own.
 */
export const DEFAULT_MAX_DECOMPRESSED_BYTES = 64 * 1024 * 1024

export interface DecompressOptions {
  /** Output limit in bytes (≥ 1); larger output throws DecompressError('too-large'). */
  readonly maxOutputBytes?: number
  /** LZ4 only: skip the frame descriptor checksum, which magic 0 messages got wrong. */
  readonly ignoreLz4HeaderChecksum?: boolean
}

/** The codecs whose libraries can also run synchronously (all but zstd). */
export type SyncCompressionType = Exclude<CompressionType, CompressionType.ZSTD>

function maxOutputBytesOf(options: DecompressOptions | undefined): number {
  const limit = options?.maxOutputBytes ?? DEFAULT_MAX_DECOMPRESSED_BYTES
  if (!Number.isSafeInteger(limit) || limit < 1) throw new RangeError(`bad maxOutputBytes ${limit}`)
  return limit
}

function copy(data: Uint8Array): Buffer {
  return Buffer.from(data)
}

/** Compresses `data` as `type` frames it on the wire. NONE returns a copy. */
export function compress(type: CompressionType, data: Uint8Array): Promise<Buffer> {
  switch (type) {
    case CompressionType.NONE:
      return Promise.resolve(copy(data))
    case CompressionType.GZIP:
      return compressGzip(data)
    case CompressionType.SNAPPY:
      return compressSnappy(data)
    case CompressionType.LZ4:
      return compressLz4(data)
    case CompressionType.ZSTD:
      return compressZstd(data)
    default:
      return unknownType(type)
  }
}

/**
 * Decompresses `data` (off the event loop where the library allows). Throws DecompressError for
 * corrupt input or output over the limit; never anything else for bad input. NONE returns a copy.
 */
export function decompress(type: CompressionType, data: Uint8Array, options?: DecompressOptions): Promise<Buffer> {
  const maxOutputBytes = maxOutputBytesOf(options)
  switch (type) {
    case CompressionType.NONE:
      return Promise.resolve(copy(data))
    case CompressionType.GZIP:
      return decompressGzip(data, maxOutputBytes)
    case CompressionType.SNAPPY:
      return decompressSnappy(data, maxOutputBytes)
    case CompressionType.LZ4:
      return decompressLz4(data, { maxOutputBytes, ignoreHeaderChecksum: options?.ignoreLz4HeaderChecksum ?? false })
    case CompressionType.ZSTD:
      return decompressZstd(data, maxOutputBytes)
    default:
      return unknownType(type)
  }
}

/** Synchronous compress, for benchmarks and code that must not yield. */
export function compressSync(type: SyncCompressionType, data: Uint8Array): Buffer {
  switch (type) {
    case CompressionType.NONE:
      return copy(data)
    case CompressionType.GZIP:
      return compressGzipSync(data)
    case CompressionType.SNAPPY:
      return compressSnappySync(data)
    case CompressionType.LZ4:
      return compressLz4Sync(data)
    default:
      return unknownType(type)
  }
}

/** Synchronous decompress with the same limits and errors as decompress. */
export function decompressSync(type: SyncCompressionType, data: Uint8Array, options?: DecompressOptions): Buffer {
  const maxOutputBytes = maxOutputBytesOf(options)
  switch (type) {
    case CompressionType.NONE:
      return copy(data)
    case CompressionType.GZIP:
      return decompressGzipSync(data, maxOutputBytes)
    case CompressionType.SNAPPY:
      return decompressSnappySync(data, maxOutputBytes)
    case CompressionType.LZ4:
      return decompressLz4Sync(data, {
        maxOutputBytes,
        ignoreHeaderChecksum: options?.ignoreLz4HeaderChecksum ?? false,
      })
    default:
      return unknownType(type)
  }
}

function unknownType(type: never): never {
  throw new RangeError(`unknown compression type ${String(type)}`)
}
