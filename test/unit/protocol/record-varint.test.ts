import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ProtocolDecodeError } from '../../../src/protocol/protocol-decode-error.js'
import {
  type ReadCursor,
  readVarint,
  readVarlong,
  readVarlongAsNumber,
  sizeOfVarint,
  sizeOfVarlong,
  skipVarlong,
  writeVarint,
  writeVarlong,
} from '../../../src/protocol/record-varint.js'

function cursorOver(buf: Uint8Array): ReadCursor {
  return { offset: 0, end: buf.length }
}

function encodeVarint(value: number): Buffer {
  const buf = Buffer.alloc(sizeOfVarint(value))
  assert.equal(writeVarint(buf, 0, value), buf.length)
  return buf
}

function encodeVarlong(value: bigint | number): Buffer {
  const buf = Buffer.alloc(sizeOfVarlong(value))
  assert.equal(writeVarlong(buf, 0, value), buf.length)
  return buf
}

test('varints use the zig-zag encoding Kafka writes', () => {
  const cases: Array<[number, string]> = [
    [0, '00'],
    [-1, '01'],
    [1, '02'],
    [63, '7e'],
    [-64, '7f'],
    [64, '8001'],
    [300, 'd804'],
    [2147483647, 'feffffff0f'],
    [-2147483648, 'ffffffff0f'],
  ]
  for (const [value, hex] of cases) {
    assert.equal(encodeVarint(value).toString('hex'), hex, `encoding ${value}`)
    const buf = Buffer.from(hex, 'hex')
    const cursor = cursorOver(buf)
    assert.equal(readVarint(buf, cursor), value)
    assert.equal(cursor.offset, buf.length)
  }
})

test('varints round-trip across the int32 range', () => {
  const values = [0, 1, -1, 127, 128, -129, 8191, 8192, 1048575, 1048576, 134217727, 134217728, 2 ** 30, -(2 ** 30)]
  for (let i = 0; i < 31; i++) values.push(2 ** i - 1, -(2 ** i))
  for (const value of values) {
    const buf = encodeVarint(value)
    assert.equal(readVarint(buf, cursorOver(buf)), value)
  }
})

test('varlongs round-trip from bigint and number alike, across the int64 range', () => {
  const values: bigint[] = [
    0n,
    1n,
    -1n,
    2n ** 51n - 1n,
    -(2n ** 51n),
    2n ** 51n,
    2n ** 53n,
    -(2n ** 53n) - 7n,
    2n ** 63n - 1n,
    -(2n ** 63n),
  ]
  for (let i = 0n; i < 64n; i++) values.push(2n ** i - 1n, -(2n ** i))
  for (const value of values) {
    const buf = encodeVarlong(value)
    const cursor = cursorOver(buf)
    assert.equal(readVarlong(buf, cursor), value)
    assert.equal(cursor.offset, buf.length)
    if (value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)) {
      assert.deepEqual(encodeVarlong(Number(value)), buf, `number and bigint encode ${value} alike`)
    }
  }
  assert.equal(encodeVarlong(2n ** 63n - 1n).toString('hex'), 'feffffffffffffffff01')
  assert.equal(encodeVarlong(-(2n ** 63n)).toString('hex'), 'ffffffffffffffffff01')
})

test('readVarlongAsNumber reads safe values and refuses ones a number cannot hold', () => {
  for (const value of [0, -1, 1_700_000_000_000, -(2 ** 51), 2 ** 51 - 1]) {
    const buf = encodeVarlong(value)
    assert.equal(readVarlongAsNumber(buf, cursorOver(buf)), value)
  }
  const big = encodeVarlong(2n ** 60n)
  assert.throws(() => readVarlongAsNumber(big, cursorOver(big)), ProtocolDecodeError)
})

test('a truncated varint or varlong throws ProtocolDecodeError at its start', () => {
  const buf = Buffer.from('0580', 'hex')
  const cursor = { offset: 1, end: 2 }
  assert.throws(
    () => readVarint(buf, cursor),
    (error: unknown) => error instanceof ProtocolDecodeError && error.offset === 1,
  )
  assert.throws(() => readVarlong(Buffer.from('ffff', 'hex'), { offset: 0, end: 2 }), ProtocolDecodeError)
  assert.throws(() => skipVarlong(Buffer.from('80', 'hex'), { offset: 0, end: 1 }), ProtocolDecodeError)
  assert.throws(() => readVarint(Buffer.alloc(0), { offset: 0, end: 0 }), ProtocolDecodeError)
})

test('reads stop at the cursor end even when the buffer goes on', () => {
  const buf = Buffer.from('8001', 'hex')
  assert.throws(() => readVarint(buf, { offset: 0, end: 1 }), ProtocolDecodeError)
  assert.throws(() => readVarlong(buf, { offset: 0, end: 1 }), ProtocolDecodeError)
})

test('over-long encodings are refused instead of looping or overflowing', () => {
  for (const hex of ['ffffffffff01', 'ffffffff10', 'ffffffff7f']) {
    const buf = Buffer.from(hex, 'hex')
    assert.throws(() => readVarint(buf, cursorOver(buf)), ProtocolDecodeError, hex)
  }
  for (const hex of ['ffffffffffffffffffff01', 'ffffffffffffffffff02']) {
    const buf = Buffer.from(hex, 'hex')
    assert.throws(() => readVarlong(buf, cursorOver(buf)), ProtocolDecodeError, hex)
    assert.throws(() => skipVarlong(buf, cursorOver(buf)), ProtocolDecodeError, hex)
  }
})

test('skipVarlong steps over exactly one varlong', () => {
  const buf = Buffer.concat([encodeVarlong(-(2n ** 62n)), encodeVarint(7)])
  const cursor = cursorOver(buf)
  skipVarlong(buf, cursor)
  assert.equal(readVarint(buf, cursor), 7)
})

test('random bytes decode or throw ProtocolDecodeError, nothing else', () => {
  let seed = 0x5eed
  const random = (): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0
    return seed >>> 16
  }
  for (let i = 0; i < 2000; i++) {
    const buf = Buffer.alloc(random() % 12)
    for (let j = 0; j < buf.length; j++) buf[j] = random() & 0xff
    for (const read of [readVarint, readVarlong, readVarlongAsNumber, skipVarlong]) {
      try {
        read(buf, cursorOver(buf))
      } catch (error) {
        assert.ok(error instanceof ProtocolDecodeError, `seed ${seed}: ${String(error)}`)
      }
    }
  }
})

test('writers refuse values outside their type', () => {
  assert.throws(() => writeVarint(Buffer.alloc(5), 0, 2 ** 31), RangeError)
  assert.throws(() => writeVarint(Buffer.alloc(5), 0, 1.5), RangeError)
  assert.throws(() => writeVarlong(Buffer.alloc(10), 0, 2n ** 63n), RangeError)
  assert.throws(() => sizeOfVarlong(2 ** 60), RangeError)
})
