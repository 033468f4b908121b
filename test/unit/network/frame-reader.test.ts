import assert from 'node:assert/strict'
import { test } from 'node:test'
import { FrameReader, type NextFrame } from '../../../src/network/frame-reader.js'

function sized(payload: Buffer): Buffer {
  const prefix = Buffer.alloc(4)
  prefix.writeInt32BE(payload.length)
  return Buffer.concat([prefix, payload])
}

function frameOf(next: NextFrame): Buffer {
  assert.ok(next !== undefined && 'frame' in next, `expected a frame, got ${JSON.stringify(next)}`)
  return next.frame
}

test('a frame inside one chunk is a view of that chunk, not a copy', () => {
  const reader = new FrameReader(1024)
  const chunk = Buffer.concat([sized(Buffer.from('first')), sized(Buffer.from('second'))])
  reader.push(chunk)
  const first = frameOf(reader.next())
  const second = frameOf(reader.next())
  assert.equal(first.toString(), 'first')
  assert.equal(second.toString(), 'second')
  assert.equal(first.buffer, chunk.buffer)
  assert.equal(second.buffer, chunk.buffer)
  assert.equal(reader.next(), undefined)
  assert.equal(reader.bufferedBytes, 0)
})

test('frames pushed one byte at a time come out whole and in order', () => {
  const reader = new FrameReader(1024)
  const payloads = ['a', '', 'hello world', 'x'.repeat(300)]
  const stream = Buffer.concat(payloads.map((p) => sized(Buffer.from(p))))
  const frames: string[] = []
  for (let i = 0; i < stream.length; i++) {
    reader.push(stream.subarray(i, i + 1))
    for (let next = reader.next(); next !== undefined; next = reader.next()) frames.push(frameOf(next).toString())
  }
  assert.deepEqual(frames, payloads)
  assert.equal(reader.bufferedBytes, 0)
})

test('a size prefix split across chunks is read', () => {
  const reader = new FrameReader(1024)
  const stream = sized(Buffer.from('split'))
  reader.push(stream.subarray(0, 2))
  assert.equal(reader.next(), undefined)
  reader.push(stream.subarray(2, 5))
  assert.equal(reader.next(), undefined)
  reader.push(stream.subarray(5))
  assert.equal(frameOf(reader.next()).toString(), 'split')
})

test('an oversized or negative size prefix is refused as soon as its four bytes are in', () => {
  const oversized = new FrameReader(100)
  const prefix = Buffer.alloc(4)
  prefix.writeInt32BE(101)
  oversized.push(prefix)
  assert.deepEqual(oversized.next(), { invalidSize: 101 })

  const negative = new FrameReader(100)
  prefix.writeInt32BE(-1)
  negative.push(prefix.subarray(0, 3))
  assert.equal(negative.next(), undefined)
  negative.push(prefix.subarray(3))
  assert.deepEqual(negative.next(), { invalidSize: -1 })
})

test('a frame of exactly the maximum size is accepted', () => {
  const reader = new FrameReader(8)
  reader.push(sized(Buffer.alloc(8, 7)))
  assert.deepEqual(frameOf(reader.next()), Buffer.alloc(8, 7))
})
