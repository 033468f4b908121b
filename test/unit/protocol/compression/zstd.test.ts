import assert from 'node:assert/strict'
import { test } from 'node:test'
import { DecompressError } from '../../../../src/protocol/compression/decompress-error.js'
import { compressZstd, decompressZstd, maxZstdDecompressedSize } from '../../../../src/protocol/compression/zstd.js'
import { runPython } from '../../../helpers/python.js'

const LIMIT = 16 * 1024 * 1024

function sample(size: number): Buffer {
  return Buffer.from(Array.from({ length: size }, (_, i) => (i % 3 === 0 ? (i * 7919) % 251 : 0x61 + (i % 20))))
}

/** A frame written by zstandard's streaming writer, as Java's writer does: no content size. */
function streamedByPython(data: Buffer): Promise<Buffer> {
  return runPython(
    'import sys, io, zstandard\n' +
      'data = sys.stdin.buffer.read()\n' +
      'out = io.BytesIO()\n' +
      'with zstandard.ZstdCompressor(level=3).stream_writer(out, closefd=False) as w:\n' +
      '    w.write(data[:1000]); w.write(data[1000:])\n' +
      'sys.stdout.buffer.write(out.getvalue())',
    data,
  )
}

test('frames without a content size (streamed, as Java writes them) decode', async () => {
  const data = sample(400_000)
  const frame = await streamedByPython(data)
  const descriptor = frame[4] ?? 0
  assert.equal(descriptor >> 6, 0, 'no content size field')
  assert.equal(descriptor & 0x20, 0, 'not single-segment, so no implied size')
  assert.deepEqual(await decompressZstd(frame, LIMIT), data)
})

test('python zstandard reads our frames, and we read its one-shot frames', async () => {
  const data = sample(300_000)
  const back = await runPython(
    'import sys, zstandard\n' +
      'sys.stdout.buffer.write(zstandard.ZstdDecompressor().stream_reader(sys.stdin.buffer).read())',
    await compressZstd(data),
  )
  assert.deepEqual(back, data)
  const oneShot = await runPython(
    'import sys, zstandard; sys.stdout.buffer.write(zstandard.ZstdCompressor().compress(sys.stdin.buffer.read()))',
    data,
  )
  assert.deepEqual(await decompressZstd(oneShot, LIMIT), data)
})

test('concatenated frames decode as one payload', async () => {
  const a = await compressZstd(Buffer.from('first '))
  const b = await compressZstd(Buffer.from('second'))
  assert.equal((await decompressZstd(Buffer.concat([a, b]), LIMIT)).toString(), 'first second')
})

test('the size bound is close to the real size for ordinary frames', async () => {
  const data = sample(1_000_000)
  const bound = maxZstdDecompressedSize(await streamedByPython(data))
  assert.ok(bound >= data.length && bound <= data.length + 128 * 1024, `bound ${bound}`)
})

test('a bomb is refused from its block headers before any decoding', async () => {
  // 64 MiB of zeros compresses to a few KiB of RLE and compressed blocks.
  const bomb = await compressZstd(Buffer.alloc(64 * 1024 * 1024))
  assert.ok(bomb.length < 64 * 1024)
  await assert.rejects(
    decompressZstd(bomb, 1024 * 1024),
    (error: unknown) => error instanceof DecompressError && error.kind === 'too-large',
  )
})

test('malformed frame structures throw DecompressError', async () => {
  const frame = await compressZstd(sample(50_000))
  const reserved = Buffer.from(frame)
  reserved[4] = (reserved[4] ?? 0) | 0x08
  for (const bad of [Buffer.alloc(0), Buffer.from('nope'), frame.subarray(0, frame.length - 3), reserved]) {
    await assert.rejects(decompressZstd(bad, LIMIT), DecompressError)
  }
})
