// gzip (codec 1): a standard RFC 1952 stream. Clients write one member; node:zlib also reads
// several concatenated members, as Java's GZIPInputStream does, and ignores trailing zero padding.
import { promisify } from 'node:util'
import { gunzip, gunzipSync, gzip, gzipSync } from 'node:zlib'
import { corrupt, tooLarge } from './decompress-error.js'

const gzipAsync = promisify(gzip)
const gunzipAsync = promisify(gunzip)

/** Compresses at zlib's default level (6), which is also Kafka's `compression.gzip.level` default. */
export function compressGzip(data: Uint8Array): Promise<Buffer> {
  return gzipAsync(data)
}

export function compressGzipSync(data: Uint8Array): Buffer {
  return gzipSync(data)
}

/**
 * Inflates on the libuv thread pool. zlib stops at `maxOutputBytes` instead of growing further, so
 * a bomb costs at most that much memory. Throws DecompressError for corrupt or oversized input.
 */
export async function decompressGzip(data: Uint8Array, maxOutputBytes: number): Promise<Buffer> {
  try {
    return await gunzipAsync(data, { maxOutputLength: maxOutputBytes })
  } catch (error) {
    throw toDecompressError(error, maxOutputBytes)
  }
}

export function decompressGzipSync(data: Uint8Array, maxOutputBytes: number): Buffer {
  try {
    return gunzipSync(data, { maxOutputLength: maxOutputBytes })
  } catch (error) {
    throw toDecompressError(error, maxOutputBytes)
  }
}

function toDecompressError(error: unknown, maxOutputBytes: number): Error {
  // zlib reports the output limit as a RangeError with this code; everything else is bad input.
  if (error instanceof RangeError && (error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
    return tooLarge('gzip', maxOutputBytes)
  }
  return corrupt('gzip', error)
}
