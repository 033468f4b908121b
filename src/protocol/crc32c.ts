// Checksums of record data, both native because they run over every produced byte: CRC-32C from
// Sluice's own addon when built (three interleaved hardware streams, several times faster on large
// batches), else from @node-rs/crc32.
// CRC-32C (Castagnoli) guards magic 2 batches; the standard CRC-32 (IEEE, as in zlib) guards legacy
// magic 0/1 messages. @node-rs/crc32 works on every Node 20, where node:zlib's crc32 needs 20.15+.
import { crc32 as nativeCrc32, crc32c as nativeCrc32c } from '@node-rs/crc32'
import { nativeAddon } from './native-addon.js'

/**
 * CRC-32C of `buf`, as an unsigned 32-bit number. `initial` is the CRC of the bytes before `buf`,
 * so a checksum can be computed over several pieces: crc32c(b, crc32c(a)) === crc32c(a ++ b).
 */
export function crc32c(buf: Uint8Array, initial = 0): number {
  if (nativeAddon !== undefined) return nativeAddon.crc32c(buf, initial, 0, buf.length)
  return nativeCrc32c(buf, initial)
}

/** Standard CRC-32 (IEEE 802.3), unsigned; `initial` continues an earlier checksum as for crc32c. */
export function crc32(buf: Uint8Array, initial = 0): number {
  return nativeCrc32(buf, initial)
}
