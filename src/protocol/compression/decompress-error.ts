import { SluiceError } from '../../errors.js'
import type { CompressionName } from './compression-type.js'

/**
 * A compressed payload that could not be turned back into its bytes: corrupt or truncated input
 * (`kind: 'corrupt'`), or output that would pass the caller's size limit (`kind: 'too-large'`, the
 * guard against decompression bombs). Every decompress function throws only this for bad input.
 */
export class DecompressError extends SluiceError {
  constructor(
    readonly codec: CompressionName,
    readonly kind: 'corrupt' | 'too-large',
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super('ERR_DECOMPRESS', `${codec}: ${reason}`, options)
  }
}

/** The error for output that passed `maxOutputBytes`. */
export function tooLarge(codec: CompressionName, maxOutputBytes: number): DecompressError {
  return new DecompressError(codec, 'too-large', `decompressed data exceeds the limit of ${maxOutputBytes} bytes`)
}

/** Wraps whatever a native library threw for bad input, keeping it as the cause. */
export function corrupt(codec: CompressionName, cause: unknown): DecompressError {
  const detail = cause instanceof Error ? cause.message : String(cause)
  return new DecompressError(codec, 'corrupt', `corrupt input (${detail})`, { cause })
}
