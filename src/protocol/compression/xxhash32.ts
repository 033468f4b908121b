// XXH32, the checksum of the LZ4 frame format (header checksum, optional block and content
// checksums). The LZ4 bindings do not expose it, and it only runs over frame descriptors (a few
// bytes) and over data whose writer asked for checksums, so plain TypeScript is fast enough.
// Algorithm: the xxHash specification (xxhash_spec.md, "XXH32").

const PRIME1 = 0x9e3779b1
const PRIME2 = 0x85ebca77
const PRIME3 = 0xc2b2ae3d
const PRIME4 = 0x27d4eb2f
const PRIME5 = 0x165667b1

function rotl(value: number, bits: number): number {
  return (value << bits) | (value >>> (32 - bits))
}

/** A little-endian uint32 from any Uint8Array (LZ4 frames and xxHash both use them). */
export function readU32LE(data: Uint8Array, at: number): number {
  return (
    ((data[at] as number) |
      ((data[at + 1] as number) << 8) |
      ((data[at + 2] as number) << 16) |
      ((data[at + 3] as number) << 24)) >>>
    0
  )
}

function round(acc: number, lane: number): number {
  return Math.imul(rotl((acc + Math.imul(lane, PRIME2)) | 0, 13), PRIME1)
}

/** XXH32 of `data` with `seed`, as an unsigned 32-bit number. */
export function xxhash32(data: Uint8Array, seed = 0): number {
  const length = data.length
  let at = 0
  let acc: number
  if (length >= 16) {
    let v1 = (seed + PRIME1 + PRIME2) | 0
    let v2 = (seed + PRIME2) | 0
    let v3 = seed | 0
    let v4 = (seed - PRIME1) | 0
    const limit = length - 16
    while (at <= limit) {
      v1 = round(v1, readU32LE(data, at))
      v2 = round(v2, readU32LE(data, at + 4))
      v3 = round(v3, readU32LE(data, at + 8))
      v4 = round(v4, readU32LE(data, at + 12))
      at += 16
    }
    acc = (rotl(v1, 1) + rotl(v2, 7) + rotl(v3, 12) + rotl(v4, 18)) | 0
  } else {
    acc = (seed + PRIME5) | 0
  }
  acc = (acc + length) | 0
  while (at + 4 <= length) {
    acc = Math.imul(rotl((acc + Math.imul(readU32LE(data, at), PRIME3)) | 0, 17), PRIME4)
    at += 4
  }
  while (at < length) {
    acc = Math.imul(rotl((acc + Math.imul(data[at] as number, PRIME5)) | 0, 11), PRIME1)
    at++
  }
  acc ^= acc >>> 15
  acc = Math.imul(acc, PRIME2)
  acc ^= acc >>> 13
  acc = Math.imul(acc, PRIME3)
  acc ^= acc >>> 16
  return acc >>> 0
}
