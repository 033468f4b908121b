import assert from 'node:assert/strict'
import { test } from 'node:test'
import { DecompressError } from '../../../../src/protocol/compression/decompress-error.js'
import {
  XERIAL_MAGIC,
  compressSnappy,
  decompressSnappy,
  decompressSnappySync,
  encodeXerialSnappy,
  isXerialSnappy,
} from '../../../../src/protocol/compression/snappy.js'
import { runPython } from '../../../helpers/python.js'

const LIMIT = 16 * 1024 * 1024

function sample(size: number): Buffer {
  return Buffer.from(Array.from({ length: size }, (_, i) => (i * 7919) % 251))
}

test('xerial framing from kafka-python (32 KiB chunks) decodes', async () => {
  const data = sample(100_000)
  const xerial = await runPython(
    'import sys; from kafka.codec import snappy_encode\n' +
      'sys.stdout.buffer.write(snappy_encode(sys.stdin.buffer.read(), xerial_compatible=True))',
    data,
  )
  assert.ok(isXerialSnappy(xerial))
  assert.deepEqual(await decompressSnappy(xerial, LIMIT), data)
  assert.deepEqual(decompressSnappySync(xerial, LIMIT), data)
})

test('raw snappy from python-snappy decodes, and python-snappy reads our raw output', async () => {
  const data = sample(50_000)
  const raw = await runPython(
    'import sys, snappy; sys.stdout.buffer.write(snappy.compress(sys.stdin.buffer.read()))',
    data,
  )
  assert.ok(!isXerialSnappy(raw))
  assert.deepEqual(await decompressSnappy(raw, LIMIT), data)
  const ours = await compressSnappy(data)
  assert.ok(!isXerialSnappy(ours), 'the broker writes raw snappy')
  const back = await runPython(
    'import sys, snappy; sys.stdout.buffer.write(snappy.decompress(sys.stdin.buffer.read()))',
    ours,
  )
  assert.deepEqual(back, data)
})

test('our xerial encoder is read by kafka-python', async () => {
  const data = sample(80_000)
  const xerial = encodeXerialSnappy(data)
  assert.deepEqual(xerial.subarray(0, 8), XERIAL_MAGIC)
  const back = await runPython(
    'import sys; from kafka.codec import snappy_decode; sys.stdout.buffer.write(snappy_decode(sys.stdin.buffer.read()))',
    xerial,
  )
  assert.deepEqual(back, data)
  assert.deepEqual(await decompressSnappy(xerial, LIMIT), data)
})

test('an empty xerial stream decodes to nothing', async () => {
  assert.equal((await decompressSnappy(encodeXerialSnappy(Buffer.alloc(0)), LIMIT)).length, 0)
})

test('broken xerial framing throws DecompressError', async () => {
  const xerial = encodeXerialSnappy(sample(10_000), 4096)
  const cases = [
    xerial.subarray(0, 12), // header cut short
    xerial.subarray(0, 18), // chunk length cut short
    xerial.subarray(0, xerial.length - 1), // last chunk cut short
  ]
  const negative = Buffer.from(xerial)
  negative.writeInt32BE(-5, 16)
  cases.push(negative)
  for (const bad of cases) {
    await assert.rejects(decompressSnappy(bad, LIMIT), DecompressError)
    assert.throws(() => decompressSnappySync(bad, LIMIT), DecompressError)
  }
})

test('a block whose preamble lies about its length is corrupt', async () => {
  const raw = await compressSnappy(sample(1000))
  const lying = Buffer.concat([Buffer.from([0xd0, 0x0f]), raw.subarray(2)]) // claims 2000 bytes
  await assert.rejects(decompressSnappy(lying, LIMIT), DecompressError)
})

test('the declared size is checked against the limit before decoding', async () => {
  const data = Buffer.alloc(200_000)
  await assert.rejects(
    decompressSnappy(await compressSnappy(data), 100_000),
    (error: unknown) => error instanceof DecompressError && error.kind === 'too-large',
  )
  await assert.rejects(
    decompressSnappy(encodeXerialSnappy(data), 100_000),
    (error: unknown) => error instanceof DecompressError && error.kind === 'too-large',
  )
})
