// Loads the optional native addon (native/sluice-native.c, built by scripts/build-native.mjs).
// Callers use it when present and fall back to their JavaScript implementation when not, so a
// machine without a C compiler still runs Sluice, only with slower produce validation.
import { createRequire } from 'node:module'

export interface NativeAddon {
  /** CRC-32C of bytes[start, end), continuing `initial` (the CRC of the bytes before). */
  crc32c(bytes: Uint8Array, initial: number, start: number, end: number): number
  /**
   * Checks the record framing of bytes[start, end) as record-batch.ts walkRecords does: undefined
   * when sound, else [result, offset, index, detail, value] (codes in sluice-native.c).
   */
  walkRecords(bytes: Uint8Array, start: number, end: number, recordCount: number, lastOffsetDelta: number, requireContiguousOffsets: boolean): NativeWalkFault | undefined
  /**
   * For the magic 2 batch in bytes[0, end): the CRC-32C of bytes[21, end) and, when `walk`, the
   * record framing of bytes[61, end), in one call. The CRC alone when the framing is sound (or not
   * walked), else [crc, ...NativeWalkFault].
   */
  checkBatch(bytes: Uint8Array, end: number, recordCount: number, lastOffsetDelta: number, requireContiguousOffsets: boolean, walk: boolean): number | [number, ...NativeWalkFault]
  /** True when CRC-32C runs on the CPU's CRC instruction rather than a table. */
  crc32cUsesHardware(): boolean
}

export type NativeWalkFault = [result: number, offset: number, index: number, detail: number, value: number]

function load(): NativeAddon | undefined {
  if (process.env.SLUICE_DISABLE_NATIVE === '1') return undefined
  try {
    // dist/src/protocol/native-addon.js → dist/native/sluice_native.node
    return createRequire(import.meta.url)('../../native/sluice_native.node') as NativeAddon
  } catch {
    // Not built on this machine (see scripts/build-native.mjs): the JavaScript paths take over.
    return undefined
  }
}

/** The addon, or undefined when it is not built (or SLUICE_DISABLE_NATIVE=1 turns it off). */
export const nativeAddon: NativeAddon | undefined = load()
