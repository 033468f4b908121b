import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { test } from 'node:test'
import { DecompressError } from '../../../../src/protocol/compression/decompress-error.js'
import {
  LZ4_FRAME_MAGIC,
  compressLz4,
  compressLz4Sync,
  decompressLz4,
  decompressLz4Sync,
} from '../../../../src/protocol/compression/lz4.js'
import { xxhash32 } from '../../../../src/protocol/compression/xxhash32.js'
import { runPython } from '../../../helpers/python.js'

const OPTIONS = { maxOutputBytes: 16 * 1024 * 1024 }

function sample(size: number): Buffer {
  return Buffer.from(Array.from({ length: size }, (_, i) => (i % 5 === 0 ? (i * 7919) % 251 : 0x20 + (i % 50))))
}

/** python-lz4 frame with the given keyword arguments, over `data`. */
function pythonFrame(data: Buffer, kwargs: string): Promise<Buffer> {
  return runPython(
    `import sys, lz4.frame as f; sys.stdout.buffer.write(f.compress(sys.stdin.buffer.read(), ${kwargs}))`,
    data,
  )
}

test('xxhash32 matches the reference values', () => {
  assert.equal(xxhash32(Buffer.alloc(0)), 0x02cc5d05)
  assert.equal(xxhash32(Buffer.from('abc')), 0x32d153ff)
  assert.equal(xxhash32(Buffer.from('Nobody inspects the spammish repetition')), 0xe2293b2f)
})

test('our frames are what Kafka writes: version 01, independent blocks, no checksums or size', async () => {
  for (const size of [0, 10, 70_000, 300_000]) {
    const frame = await compressLz4(sample(size))
    assert.equal(frame.readUInt32LE(0), LZ4_FRAME_MAGIC)
    const flg = frame[4] ?? 0
    assert.equal(flg & 0xc0, 0x40, 'version 01')
    assert.equal(flg & 0x20, 0x20, 'independent blocks')
    assert.equal(flg & 0x1f, 0, 'no block checksum, content size, content checksum or dictionary')
    const blockSizeId = ((frame[5] ?? 0) >> 4) & 7
    assert.ok(blockSizeId >= 4 && blockSizeId <= 7)
    assert.equal(frame[6], (xxhash32(frame.subarray(4, 6)) >>> 8) & 0xff, 'correct header checksum')
    assert.deepEqual(compressLz4Sync(sample(size)).subarray(0, 7), frame.subarray(0, 7))
  }
})

test('python lz4.frame reads our multi-block frames', async () => {
  const data = sample(300_000)
  const back = await runPython(
    'import sys, lz4.frame as f; sys.stdout.buffer.write(f.decompress(sys.stdin.buffer.read()))',
    await compressLz4(data),
  )
  assert.deepEqual(back, data)
})

test('frames with block checksums, content size and content checksum decode', async () => {
  const data = sample(200_000)
  const frame = await pythonFrame(
    data,
    'block_size=f.BLOCKSIZE_MAX64KB, block_linked=False, block_checksum=True, content_checksum=True, store_size=True',
  )
  assert.equal((frame[4] ?? 0) & 0x1c, 0x1c)
  assert.deepEqual(await decompressLz4(frame, OPTIONS), data)
  assert.deepEqual(decompressLz4Sync(frame, OPTIONS), data)
})

test('incompressible data in stored (uncompressed) blocks decodes', async () => {
  const data = randomBytes(150_000)
  const frame = await pythonFrame(data, 'block_size=f.BLOCKSIZE_MAX64KB, block_linked=False')
  assert.deepEqual(await decompressLz4(frame, OPTIONS), data)
})

test("kafka-python's lz4 frames decode", async () => {
  const data = sample(100_000)
  const frame = await runPython(
    'import sys; from kafka.codec import lz4_encode; sys.stdout.buffer.write(lz4_encode(sys.stdin.buffer.read()))',
    data,
  )
  assert.deepEqual(await decompressLz4(frame, OPTIONS), data)
})

/**
 * The header checksum Kafka before 0.10 wrote (KAFKA-3160), as kafka-python's lz4_encode_old_kafka
 * reproduces it: over magic, FLG and BD instead of FLG and BD only.
 */
function withOldKafkaHeaderChecksum(frame: Buffer): Buffer {
  const old = Buffer.from(frame)
  old[6] = (xxhash32(frame.subarray(0, 6)) >>> 8) & 0xff
  assert.notEqual(old[6], frame[6], 'the old checksum differs from the correct one for this header')
  return old
}

test('the wrong header checksum of magic 0 messages is accepted only when asked', async () => {
  const data = sample(5_000)
  const frame = withOldKafkaHeaderChecksum(await compressLz4(data))
  await assert.rejects(decompressLz4(frame, OPTIONS), /descriptor checksum/)
  assert.deepEqual(await decompressLz4(frame, { ...OPTIONS, ignoreHeaderChecksum: true }), data)
  assert.deepEqual(decompressLz4Sync(frame, { ...OPTIONS, ignoreHeaderChecksum: true }), data)
})

test('dependent (linked) blocks are refused, as Kafka refuses them', async () => {
  const frame = await pythonFrame(sample(200_000), 'block_size=f.BLOCKSIZE_MAX64KB, block_linked=True')
  await assert.rejects(decompressLz4(frame, OPTIONS), /dependent blocks/)
})

test('damaged checksums and sizes throw DecompressError', async () => {
  const data = sample(100_000)
  const frame = await pythonFrame(
    data,
    'block_size=f.BLOCKSIZE_MAX64KB, block_linked=False, block_checksum=True, content_checksum=True, store_size=True',
  )
  const headerEnd = 4 + 2 + 8 + 1

  const badHeader = Buffer.from(frame)
  badHeader[headerEnd - 1] = ((badHeader[headerEnd - 1] ?? 0) + 1) & 0xff
  await assert.rejects(decompressLz4(badHeader, OPTIONS), /descriptor checksum/)

  const badBlock = Buffer.from(frame)
  const firstBlockSize = badBlock.readUInt32LE(headerEnd) & 0x7fffffff
  badBlock[headerEnd + 4 + firstBlockSize] = (badBlock[headerEnd + 4 + firstBlockSize] ?? 0) ^ 0xff
  await assert.rejects(decompressLz4(badBlock, OPTIONS), /block checksum/)

  const badContent = Buffer.from(frame)
  badContent[badContent.length - 1] = (badContent[badContent.length - 1] ?? 0) ^ 0xff
  await assert.rejects(decompressLz4(badContent, OPTIONS), /content checksum/)

  // A content size that disagrees with the blocks, with a header checksum made to match.
  const badSize = Buffer.from(frame)
  badSize.writeUInt32LE(data.length + 1, 6)
  badSize[headerEnd - 1] = (xxhash32(badSize.subarray(4, headerEnd - 1)) >>> 8) & 0xff
  await assert.rejects(decompressLz4(badSize, OPTIONS), /declares/)

  await assert.rejects(decompressLz4(frame.subarray(0, frame.length - 6), OPTIONS), DecompressError)
})

test('a declared content size over the limit is refused before decoding', async () => {
  const frame = await pythonFrame(Buffer.alloc(100_000), 'store_size=True, block_linked=False')
  await assert.rejects(
    decompressLz4(frame, { maxOutputBytes: 50_000 }),
    (error: unknown) => error instanceof DecompressError && error.kind === 'too-large',
  )
})
