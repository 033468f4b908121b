import assert from 'node:assert/strict'
import { test } from 'node:test'
import { compressLz4 } from '../../../src/protocol/compression/lz4.js'
import { CompressionType, compressionName } from '../../../src/protocol/compression/compression-type.js'
import { compressGzip } from '../../../src/protocol/compression/gzip.js'
import { xxhash32 } from '../../../src/protocol/compression/xxhash32.js'
import { crc32 } from '../../../src/protocol/crc32c.js'
import { type LegacyRecord, decodeLegacyMessageSet } from '../../../src/protocol/legacy-message-set.js'
import { ProtocolDecodeError } from '../../../src/protocol/protocol-decode-error.js'
import { TimestampType } from '../../../src/protocol/record-batch.js'
import { runPython } from '../../helpers/python.js'

const T0 = 1_600_000_000_000

/** A message set built by kafka-python's LegacyRecordBatchBuilder (what kafka-python sends to old brokers). */
function pythonMessageSet(magic: 0 | 1, codec: CompressionType, count: number): Promise<Buffer> {
  return runPython(
    `import sys
from kafka.record.legacy_records import LegacyRecordBatchBuilder
b = LegacyRecordBatchBuilder(magic=${magic}, compression_type=${codec}, batch_size=1 << 20)
for i in range(${count}):
    b.append(i, ${T0} + i, None if i % 4 == 0 else b'key-%d' % i, None if i == 5 else b'value-%d ' % i * 20)
sys.stdout.buffer.write(bytes(b.build()))`,
  )
}

function expectedRecord(magic: 0 | 1, i: number, compression: CompressionType): LegacyRecord {
  return {
    magic,
    offset: BigInt(i),
    timestamp: magic === 0 ? -1n : BigInt(T0 + i),
    timestampType: magic === 0 ? TimestampType.NO_TIMESTAMP_TYPE : TimestampType.CREATE_TIME,
    compression,
    key: i % 4 === 0 ? null : Buffer.from(`key-${i}`),
    value: i === 5 ? null : Buffer.from(`value-${i} `.repeat(20)),
  }
}

/** One legacy message, with its CRC, as old clients write it. */
function legacyMessage(
  offset: bigint,
  magic: 0 | 1,
  attributes: number,
  timestamp: bigint,
  key: Buffer | null,
  value: Buffer | null,
): Buffer {
  const size = 4 + 1 + 1 + (magic === 1 ? 8 : 0) + 4 + (key?.length ?? 0) + 4 + (value?.length ?? 0)
  const buf = Buffer.alloc(12 + size)
  buf.writeBigInt64BE(offset, 0)
  buf.writeInt32BE(size, 8)
  buf.writeInt8(magic, 16)
  buf.writeInt8(attributes, 17)
  let at = 18
  if (magic === 1) {
    buf.writeBigInt64BE(timestamp, at)
    at += 8
  }
  for (const bytes of [key, value]) {
    buf.writeInt32BE(bytes === null ? -1 : bytes.length, at)
    at += 4
    if (bytes !== null) at += bytes.copy(buf, at)
  }
  buf.writeUInt32BE(crc32(buf.subarray(16)), 12)
  return buf
}

/** Rewrites a message's CRC after an edit. */
function fixCrc(message: Buffer): Buffer {
  message.writeUInt32BE(crc32(message.subarray(16)), 12)
  return message
}

test('uncompressed and compressed message sets from kafka-python decode, magic 0 and 1', async () => {
  const cases: Array<[0 | 1, CompressionType]> = [
    [0, CompressionType.NONE],
    [0, CompressionType.GZIP],
    [0, CompressionType.SNAPPY],
    [1, CompressionType.NONE],
    [1, CompressionType.GZIP],
    [1, CompressionType.SNAPPY],
    [1, CompressionType.LZ4],
  ]
  for (const [magic, codec] of cases) {
    const set = await decodeLegacyMessageSet(await pythonMessageSet(magic, codec, 10))
    assert.equal(set.partialBytes, 0)
    assert.deepEqual(
      set.records,
      Array.from({ length: 10 }, (_, i) => expectedRecord(magic, i, codec)),
      `magic ${magic} ${compressionName(codec)}`,
    )
  }
})

test('magic 0 lz4 with the old wrong header checksum decodes; magic 1 must be correct', async () => {
  const inner = await pythonMessageSet(0, CompressionType.NONE, 6)
  const frame = await compressLz4(inner)
  frame[6] = (xxhash32(frame.subarray(0, 6)) >>> 8) & 0xff // KAFKA-3160: over magic + FLG + BD
  const wrapper = legacyMessage(0n, 0, CompressionType.LZ4, -1n, null, frame)
  const set = await decodeLegacyMessageSet(wrapper)
  assert.deepEqual(
    set.records,
    Array.from({ length: 6 }, (_, i) => expectedRecord(0, i, CompressionType.LZ4)),
  )

  const innerV1 = await pythonMessageSet(1, CompressionType.NONE, 3)
  const frameV1 = await compressLz4(innerV1)
  frameV1[6] = (xxhash32(frameV1.subarray(0, 6)) >>> 8) & 0xff
  await assert.rejects(
    decodeLegacyMessageSet(legacyMessage(0n, 1, CompressionType.LZ4, 0n, null, frameV1)),
    ProtocolDecodeError,
  )
})

test('magic 1 inner offsets are relative to the wrapper, which carries the last absolute offset', async () => {
  const set = await pythonMessageSet(1, CompressionType.GZIP, 10)
  set.writeBigInt64BE(109n, 0) // not covered by the CRC, as a broker stores it
  const decoded = await decodeLegacyMessageSet(set)
  assert.deepEqual(
    decoded.records.map((r) => r.offset),
    Array.from({ length: 10 }, (_, i) => BigInt(100 + i)),
  )
})

test('a LogAppendTime wrapper gives its timestamp to every inner message', async () => {
  const set = await pythonMessageSet(1, CompressionType.SNAPPY, 4)
  set.writeInt8(CompressionType.SNAPPY | 0x08, 17)
  set.writeBigInt64BE(42n, 18)
  const decoded = await decodeLegacyMessageSet(fixCrc(set))
  for (const record of decoded.records) {
    assert.equal(record.timestamp, 42n)
    assert.equal(record.timestampType, TimestampType.LOG_APPEND_TIME)
  }
})

test('a partial last message is reported, not decoded', async () => {
  const set = await pythonMessageSet(1, CompressionType.NONE, 3)
  const decoded = await decodeLegacyMessageSet(set.subarray(0, set.length - 7))
  assert.equal(decoded.records.length, 2)
  const first = 12 + set.readInt32BE(8)
  const second = 12 + set.readInt32BE(first + 8)
  assert.equal(decoded.partialBytes, set.length - 7 - first - second)
})

test('bad CRCs, truncated inner sets, nesting and unknown codecs throw ProtocolDecodeError', async () => {
  const plain = await pythonMessageSet(1, CompressionType.NONE, 2)
  const badCrc = Buffer.from(plain)
  badCrc[badCrc.length - 1] = (badCrc[badCrc.length - 1] ?? 0) ^ 1
  await assert.rejects(decodeLegacyMessageSet(badCrc), /CRC/)

  const truncatedInner = legacyMessage(
    0n,
    1,
    CompressionType.GZIP,
    0n,
    null,
    await compressGzip(plain.subarray(0, plain.length - 3)),
  )
  await assert.rejects(decodeLegacyMessageSet(truncatedInner), /truncated/)

  const innerWrapper = legacyMessage(0n, 1, CompressionType.GZIP, 0n, null, await compressGzip(plain))
  const nested = legacyMessage(0n, 1, CompressionType.GZIP, 0n, null, await compressGzip(innerWrapper))
  await assert.rejects(decodeLegacyMessageSet(nested), /nested/)

  const mixed = legacyMessage(0n, 0, CompressionType.GZIP, -1n, null, await compressGzip(plain))
  await assert.rejects(decodeLegacyMessageSet(mixed), /magic/)

  await assert.rejects(
    decodeLegacyMessageSet(legacyMessage(0n, 1, CompressionType.ZSTD, 0n, null, Buffer.alloc(10))),
    /not allowed/,
  )
  await assert.rejects(decodeLegacyMessageSet(legacyMessage(0n, 1, CompressionType.GZIP, 0n, null, null)), /null value/)
  await assert.rejects(
    decodeLegacyMessageSet(legacyMessage(0n, 1, CompressionType.GZIP, 0n, null, Buffer.from('junk'))),
    /decompress/,
  )
  await assert.rejects(decodeLegacyMessageSet(legacyMessage(0n, 2 as 1, 0, 0n, null, null)), /magic/)
})

test('all wrappers of a set share one decompression budget', async () => {
  const set = await pythonMessageSet(1, CompressionType.GZIP, 10)
  await assert.rejects(
    decodeLegacyMessageSet(Buffer.concat([set, set]), { maxDecompressedBytes: 3000 }),
    /exceeds the limit/,
  )
})

test('mutated message sets decode or throw ProtocolDecodeError, nothing else', async () => {
  const seed0 = 9001
  let seed = seed0
  const random = (n: number): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0
    return (seed >>> 8) % n
  }
  const originals = [
    await pythonMessageSet(1, CompressionType.NONE, 5),
    await pythonMessageSet(0, CompressionType.SNAPPY, 5),
  ]
  for (let i = 0; i < 1000; i++) {
    const mutated = Buffer.from(originals[i % 2] as Buffer)
    mutated[random(mutated.length)] = random(256)
    // Fix the outer CRC half of the time so the parser goes past it.
    if (random(2) === 0 && mutated.length > 16) {
      const size = mutated.readInt32BE(8)
      if (size > 4 && size + 12 <= mutated.length) mutated.writeUInt32BE(crc32(mutated.subarray(16, 12 + size)), 12)
    }
    try {
      await decodeLegacyMessageSet(mutated)
    } catch (error) {
      assert.ok(error instanceof ProtocolDecodeError, `seed ${seed0}, case ${i}: ${String(error)}`)
    }
  }
})
