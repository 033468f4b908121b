import assert from 'node:assert/strict'
import { test } from 'node:test'
import {
  DEFAULT_MAX_DECOMPRESSED_BYTES,
  type SyncCompressionType,
  compress,
  compressSync,
  decompress,
  decompressSync,
} from '../../../../src/protocol/compression/codec.js'
import { CompressionType, compressionName } from '../../../../src/protocol/compression/compression-type.js'
import { DecompressError } from '../../../../src/protocol/compression/decompress-error.js'

const ALL = [
  CompressionType.NONE,
  CompressionType.GZIP,
  CompressionType.SNAPPY,
  CompressionType.LZ4,
  CompressionType.ZSTD,
]
const SYNC: SyncCompressionType[] = [
  CompressionType.NONE,
  CompressionType.GZIP,
  CompressionType.SNAPPY,
  CompressionType.LZ4,
]

/** Some text-like, some random bytes: compressible but not trivially. */
function sample(size: number): Buffer {
  const buf = Buffer.alloc(size)
  let seed = 42
  for (let i = 0; i < size; i++) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0
    buf[i] = i % 3 === 0 ? seed >>> 24 : 0x61 + (i % 17)
  }
  return buf
}

test('every codec round-trips empty, small and multi-block payloads', async () => {
  for (const type of ALL) {
    for (const size of [0, 1, 100, 70_000, 300_000]) {
      const data = sample(size)
      const compressed = await compress(type, data)
      assert.deepEqual(await decompress(type, compressed), data, `${compressionName(type)} ${size}`)
    }
  }
})

test('sync variants round-trip and read what the async ones write', async () => {
  const data = sample(100_000)
  for (const type of SYNC) {
    assert.deepEqual(decompressSync(type, compressSync(type, data)), data)
    assert.deepEqual(decompressSync(type, await compress(type, data)), data)
    assert.deepEqual(await decompress(type, compressSync(type, data)), data)
  }
})

test('payloads inside a larger buffer (subarrays) compress and decompress', async () => {
  const backing = sample(10_000)
  const data = backing.subarray(1234, 5678)
  for (const type of ALL) {
    const compressed = await compress(type, data)
    const padded = Buffer.concat([Buffer.from('xx'), compressed, Buffer.from('yy')])
    const view = padded.subarray(2, 2 + compressed.length)
    assert.deepEqual(await decompress(type, view), data, compressionName(type))
  }
})

test('corrupt input throws DecompressError for every codec, never anything else', async () => {
  const data = sample(50_000)
  for (const type of ALL.filter((t) => t !== CompressionType.NONE)) {
    const compressed = await compress(type, data)
    const damaged: Buffer[] = [
      Buffer.alloc(0),
      Buffer.from('definitely not compressed'),
      compressed.subarray(0, compressed.length >> 1),
      compressed.subarray(0, 3),
    ]
    let seed = 7
    for (let i = 0; i < 40; i++) {
      const copy = Buffer.from(compressed)
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0
      const at = seed % copy.length
      copy[at] = (copy[at] ?? 0) ^ (1 << (seed >>> 29))
      damaged.push(copy)
    }
    for (const bad of damaged) {
      try {
        const out = await decompress(type, bad)
        // A flip in a region the codec does not check may still decode; it must not grow unbounded.
        assert.ok(out.length <= DEFAULT_MAX_DECOMPRESSED_BYTES)
      } catch (error) {
        assert.ok(error instanceof DecompressError, `${compressionName(type)}: ${String(error)}`)
        assert.equal(error.code, 'ERR_DECOMPRESS')
      }
    }
  }
})

test('output beyond maxOutputBytes is refused as too-large for every codec', async () => {
  const data = Buffer.alloc(2 * 1024 * 1024, 0x41)
  for (const type of ALL.filter((t) => t !== CompressionType.NONE)) {
    const compressed = await compress(type, data)
    await assert.rejects(
      decompress(type, compressed, { maxOutputBytes: 1024 * 1024 }),
      (error: unknown) => error instanceof DecompressError && error.kind === 'too-large',
      compressionName(type),
    )
    assert.deepEqual(await decompress(type, compressed, { maxOutputBytes: data.length }), data)
  }
  for (const type of SYNC.filter((t) => t !== CompressionType.NONE)) {
    assert.throws(
      () => decompressSync(type, compressSync(type, data), { maxOutputBytes: 1000 }),
      (error: unknown) => error instanceof DecompressError && error.kind === 'too-large',
    )
  }
})

test('a bad limit is a caller error', async () => {
  await assert.rejects(async () => decompress(CompressionType.GZIP, Buffer.alloc(1), { maxOutputBytes: 0 }), RangeError)
})
