import assert from 'node:assert/strict'
import { test } from 'node:test'
import { SluiceError } from '../../../src/errors.js'
import {
  type RecordBatchInput,
  type SyncRecordBatchInput,
  buildRecordBatch,
  buildRecordBatchSync,
} from '../../../src/protocol/build-record-batch.js'
import type { SyncCompressionType } from '../../../src/protocol/compression/codec.js'
import { CompressionType, compressionName } from '../../../src/protocol/compression/compression-type.js'
import { crc32c } from '../../../src/protocol/crc32c.js'
import { ProtocolDecodeError } from '../../../src/protocol/protocol-decode-error.js'
import {
  type KafkaRecord,
  iterateRecords,
  readRecords,
  readRecordsSync,
  validateCompressedRecords,
} from '../../../src/protocol/read-records.js'
import {
  ATTRIBUTES_OFFSET,
  CRC_OFFSET,
  LAST_OFFSET_DELTA_OFFSET,
  MAGIC_OFFSET,
  RECORDS_OFFSET,
  RECORD_COUNT_OFFSET,
  type RecordBatchProblem,
  TimestampType,
  readRecordBatchHeader,
  setBaseOffset,
  setLastOffsetDelta,
  setMaxTimestamp,
  setPartitionLeaderEpoch,
  setProducerFields,
  splitRecordBatches,
  validateRecordBatch,
  writeRecordBatchCrc,
} from '../../../src/protocol/record-batch.js'
import { runPython } from '../../helpers/python.js'

const ALL_CODECS = [
  CompressionType.NONE,
  CompressionType.GZIP,
  CompressionType.SNAPPY,
  CompressionType.LZ4,
  CompressionType.ZSTD,
]
const T0 = 1_700_000_000_000n

function input(overrides: Partial<RecordBatchInput> = {}): RecordBatchInput {
  return {
    baseOffset: 100n,
    partitionLeaderEpoch: 7,
    producerId: 4242n,
    producerEpoch: 3,
    baseSequence: 17,
    records: [
      { key: Buffer.from('k0'), value: Buffer.from('value zero'), timestamp: T0 },
      {
        key: null,
        value: Buffer.from('no key'),
        timestamp: T0 - 5n,
        headers: [{ key: 'trace', value: Buffer.from('abc') }],
      },
      {
        key: Buffer.alloc(0),
        value: null,
        timestamp: T0 + 20n,
        headers: [
          { key: 'ünïcode ✓', value: null },
          { key: '', value: Buffer.alloc(300, 1) },
        ],
      },
      { key: Buffer.from('k3'), value: Buffer.alloc(5000, 'x'), timestamp: T0 + 3n },
    ],
    ...overrides,
  }
}

/** The same input, typed for the sync builder (which has no zstd). */
function syncInput(
  overrides: Partial<RecordBatchInput> & { compression?: SyncCompressionType } = {},
): SyncRecordBatchInput {
  return { ...input(overrides), compression: overrides.compression }
}

function simplify(records: readonly KafkaRecord[]): unknown[] {
  return records.map((r) => ({
    offset: r.offset,
    timestamp: r.timestamp,
    key: r.key === null ? null : r.key.toString('hex'),
    value: r.value === null ? null : r.value.toString('hex'),
    headers: r.headers.map((h) => [h.key, h.value === null ? null : h.value.toString('hex')]),
  }))
}

function expected(batchInput: RecordBatchInput, baseOffset = batchInput.baseOffset ?? 0n): unknown[] {
  return batchInput.records.map((r, i) => ({
    offset: baseOffset + BigInt(r.offsetDelta ?? i),
    timestamp: r.timestamp,
    key: r.key == null ? null : Buffer.from(r.key).toString('hex'),
    value: r.value === null ? null : Buffer.from(r.value).toString('hex'),
    headers: (r.headers ?? []).map((h) => [h.key, h.value === null ? null : h.value.toString('hex')]),
  }))
}

function assertProblem(
  batch: Buffer,
  problem: RecordBatchProblem,
  options?: { requireContiguousOffsets?: boolean },
): void {
  const result = validateRecordBatch(batch, options)
  assert.equal(result.ok, false, `expected ${problem}`)
  if (!result.ok) assert.equal(result.problem, problem, result.reason)
}

/** Sets a byte and recomputes the CRC, so only the intended problem remains. */
function patched(batch: Buffer, edit: (copy: Buffer) => void): Buffer {
  const copy = Buffer.from(batch)
  edit(copy)
  writeRecordBatchCrc(copy)
  return copy
}

test('built batches validate and read back for every codec', async () => {
  for (const compression of ALL_CODECS) {
    const batchInput = input({ compression })
    const batch = await buildRecordBatch(batchInput)
    const result = validateRecordBatch(batch)
    assert.ok(result.ok, result.ok ? '' : result.reason)
    const { header } = result
    assert.equal(header.compression, compression)
    assert.equal(header.baseOffset, 100n)
    assert.equal(header.partitionLeaderEpoch, 7)
    assert.equal(header.recordCount, 4)
    assert.equal(header.lastOffsetDelta, 3)
    assert.equal(header.lastOffset, 103n)
    assert.equal(header.baseTimestamp, T0)
    assert.equal(header.maxTimestamp, T0 + 20n)
    assert.equal(header.producerId, 4242n)
    assert.equal(header.producerEpoch, 3)
    assert.equal(header.baseSequence, 17)
    assert.equal(header.timestampType, TimestampType.CREATE_TIME)
    assert.equal(header.isTransactional, false)
    assert.equal(header.isControl, false)
    assert.equal(header.sizeBytes, batch.length)
    assert.deepEqual(simplify(await readRecords(batch)), expected(batchInput), compressionName(compression))
    assert.equal(await validateCompressedRecords(batch), undefined)
    const iterated: KafkaRecord[] = []
    for await (const record of iterateRecords(batch)) iterated.push(record)
    assert.deepEqual(simplify(iterated), expected(batchInput))
  }
})

test('the sync builder writes the same bytes and the sync reader reads uncompressed batches', async () => {
  for (const compression of [
    CompressionType.NONE,
    CompressionType.GZIP,
    CompressionType.SNAPPY,
    CompressionType.LZ4,
  ] as const) {
    assert.deepEqual(buildRecordBatchSync(syncInput({ compression })), await buildRecordBatch(input({ compression })))
  }
  const batch = buildRecordBatchSync(syncInput())
  assert.deepEqual(simplify(readRecordsSync(batch)), expected(input()))
  const compressed = buildRecordBatchSync(syncInput({ compression: CompressionType.GZIP }))
  assert.throws(
    () => readRecordsSync(compressed),
    (error: unknown) => error instanceof SluiceError && error.code === 'ERR_COMPRESSED_BATCH',
  )
})

test('keys and values are views into the batch, not copies', () => {
  const batch = buildRecordBatchSync(syncInput())
  const [first] = readRecordsSync(batch)
  assert.ok(first?.value)
  assert.equal(first.value.buffer, batch.buffer)
})

test('the CRC detects a flipped bit anywhere from the attributes on', () => {
  const batch = buildRecordBatchSync(syncInput())
  for (let at = ATTRIBUTES_OFFSET; at < batch.length; at += 37) {
    const damaged = Buffer.from(batch)
    damaged[at] = (damaged[at] ?? 0) ^ 0x10
    assertProblem(damaged, 'crc-mismatch')
  }
  const lastByte = Buffer.from(batch)
  lastByte[lastByte.length - 1] = (lastByte[lastByte.length - 1] ?? 0) ^ 1
  assertProblem(lastByte, 'crc-mismatch')
})

test('patching baseOffset and partitionLeaderEpoch keeps the CRC valid', () => {
  const batch = buildRecordBatchSync(syncInput())
  const crc = batch.readUInt32BE(CRC_OFFSET)
  setBaseOffset(batch, 9_000_000_000n)
  setPartitionLeaderEpoch(batch, 12)
  assert.equal(batch.readUInt32BE(CRC_OFFSET), crc, 'neither field is covered by the CRC')
  const result = validateRecordBatch(batch)
  assert.ok(result.ok)
  assert.equal(result.header.baseOffset, 9_000_000_000n)
  assert.equal(result.header.partitionLeaderEpoch, 12)
  assert.deepEqual(simplify(readRecordsSync(batch)), expected(input(), 9_000_000_000n))
})

test('setting LogAppendTime recomputes the CRC and readers report the append time', async () => {
  for (const compression of [CompressionType.NONE, CompressionType.LZ4]) {
    const batch = await buildRecordBatch(input({ compression }))
    const before = batch.readUInt32BE(CRC_OFFSET)
    const appendTime = T0 + 99_999n
    setMaxTimestamp(batch, TimestampType.LOG_APPEND_TIME, appendTime)
    assert.notEqual(batch.readUInt32BE(CRC_OFFSET), before)
    const result = validateRecordBatch(batch)
    assert.ok(result.ok, result.ok ? '' : result.reason)
    assert.equal(result.header.timestampType, TimestampType.LOG_APPEND_TIME)
    assert.equal(result.header.maxTimestamp, appendTime)
    assert.equal(result.header.compression, compression, 'the codec bits survive')
    for (const record of await readRecords(batch)) assert.equal(record.timestamp, appendTime)
    setMaxTimestamp(batch, TimestampType.CREATE_TIME, T0 + 20n)
    assert.equal(batch.readUInt32BE(CRC_OFFSET), before, 'back to the original bytes')
  }
})

test('producer fields and lastOffsetDelta patches recompute the CRC', () => {
  const batch = buildRecordBatchSync(syncInput())
  setProducerFields(batch, { producerId: 77n, producerEpoch: 1, baseSequence: 0 })
  const result = validateRecordBatch(batch)
  assert.ok(result.ok)
  assert.equal(result.header.producerId, 77n)
  assert.equal(result.header.producerEpoch, 1)
  assert.equal(result.header.baseSequence, 0)
  setLastOffsetDelta(batch, 10)
  const relaxed = validateRecordBatch(batch, { requireContiguousOffsets: false })
  assert.ok(relaxed.ok, 'a cleaner may keep a larger lastOffsetDelta')
  assertProblem(batch, 'invalid-offset-delta')
})

test('validation names each kind of damage', () => {
  const batch = buildRecordBatchSync(syncInput())
  assertProblem(batch.subarray(0, 40), 'truncated')
  assertProblem(batch.subarray(0, batch.length - 1), 'truncated')
  assertProblem(Buffer.concat([batch, Buffer.alloc(3)]), 'trailing-bytes')
  const tooShort = Buffer.from(batch)
  tooShort.writeInt32BE(20, 8)
  assertProblem(tooShort, 'invalid-batch-length')
  assertProblem(
    patched(batch, (b) => b.writeInt8(1, MAGIC_OFFSET)),
    'unsupported-magic',
  )
  assertProblem(
    patched(batch, (b) => b.writeInt16BE(5, ATTRIBUTES_OFFSET)),
    'unknown-compression',
  )
  assertProblem(
    patched(batch, (b) => b.writeInt16BE(0x0100, ATTRIBUTES_OFFSET)),
    'invalid-attributes',
  )
  assertProblem(
    patched(batch, (b) => b.writeInt32BE(-1, RECORD_COUNT_OFFSET)),
    'invalid-record-count',
  )
  assertProblem(
    patched(batch, (b) => b.writeInt32BE(2, LAST_OFFSET_DELTA_OFFSET)),
    'invalid-offset-delta',
  )
  // Claims 5 records (lastOffsetDelta to match) but holds 4.
  assertProblem(
    patched(batch, (b) => {
      b.writeInt32BE(5, RECORD_COUNT_OFFSET)
      b.writeInt32BE(4, LAST_OFFSET_DELTA_OFFSET)
    }),
    'invalid-record-count',
  )
  // Claims 3 records: the 4th is left over.
  assertProblem(
    patched(batch, (b) => {
      b.writeInt32BE(3, RECORD_COUNT_OFFSET)
      b.writeInt32BE(2, LAST_OFFSET_DELTA_OFFSET)
    }),
    'invalid-record',
  )
  // The first record's length varint claims more than the batch holds.
  assertProblem(
    patched(batch, (b) => b.writeUInt8(0x7e, RECORDS_OFFSET)),
    'invalid-record',
  )
})

test('batches from producers need contiguous offset deltas; log batches may have gaps', () => {
  const gappy = buildRecordBatchSync({
    records: [
      { value: Buffer.from('a'), timestamp: T0, offsetDelta: 0 },
      { value: Buffer.from('c'), timestamp: T0, offsetDelta: 2 },
    ],
  })
  assertProblem(gappy, 'invalid-offset-delta')
  assert.ok(validateRecordBatch(gappy, { requireContiguousOffsets: false }).ok)
  assert.deepEqual(
    readRecordsSync(gappy).map((r) => r.offset),
    [0n, 2n],
  )
  const empty = buildRecordBatchSync({ records: [] })
  assertProblem(empty, 'invalid-record-count')
  assert.ok(validateRecordBatch(empty, { requireContiguousOffsets: false }).ok)
  assert.deepEqual(readRecordsSync(empty), [])
})

test('truncated batches give ProtocolDecodeError when read', async () => {
  const batch = buildRecordBatchSync(syncInput())
  for (const cut of [10, 60, 61, 70, batch.length - 1]) {
    await assert.rejects(readRecords(batch.subarray(0, cut)), ProtocolDecodeError, `cut at ${cut}`)
  }
  // Records that do not fill the declared length: shrink the length and fix the CRC.
  const short = patched(batch.subarray(0, batch.length - 10), (b) => b.writeInt32BE(b.length - 12, 8))
  assert.throws(() => readRecordsSync(short), ProtocolDecodeError)
})

test('a compressed batch whose payload does not decompress is reported, not thrown', async () => {
  const batch = await buildRecordBatch(input({ compression: CompressionType.ZSTD }))
  const damaged = patched(batch, (b) => b.fill(0x55, RECORDS_OFFSET + 8, RECORDS_OFFSET + 40))
  assert.ok(validateRecordBatch(damaged).ok, 'the header and CRC are intact')
  const fault = await validateCompressedRecords(damaged)
  assert.equal(fault?.problem, 'invalid-record')
  await assert.rejects(readRecords(damaged), ProtocolDecodeError)
})

test('a decompression limit applies to batch records', async () => {
  const batch = await buildRecordBatch(input({ compression: CompressionType.GZIP }))
  await assert.rejects(readRecords(batch, { maxDecompressedBytes: 1000 }), /exceeds the limit/)
})

test('splitRecordBatches returns whole batches and reports a partial tail', () => {
  const a = buildRecordBatchSync(syncInput())
  const b = buildRecordBatchSync(syncInput({ baseOffset: 104n }))
  const blob = Buffer.concat([a, b, b.subarray(0, 30)])
  const split = splitRecordBatches(blob)
  assert.equal(split.batches.length, 2)
  assert.deepEqual(split.batches[0], a)
  assert.deepEqual(split.batches[1], b)
  assert.equal(split.partialBytes, 30)
  assert.equal(splitRecordBatches(Buffer.concat([a, b.subarray(0, 5)])).partialBytes, 5)
  assert.deepEqual(splitRecordBatches(Buffer.alloc(0)), { batches: [], partialBytes: 0 })
  const corrupt = Buffer.from(a)
  corrupt.writeInt32BE(3, 8)
  assert.throws(() => splitRecordBatches(corrupt), ProtocolDecodeError)
})

test('readRecordBatchHeader refuses short headers, other magics and unknown codecs', () => {
  const batch = buildRecordBatchSync(syncInput())
  assert.throws(() => readRecordBatchHeader(batch.subarray(0, 60)), ProtocolDecodeError)
  assert.throws(() => readRecordBatchHeader(patched(batch, (b) => b.writeInt8(1, MAGIC_OFFSET))), ProtocolDecodeError)
  assert.throws(
    () => readRecordBatchHeader(patched(batch, (b) => b.writeInt16BE(6, ATTRIBUTES_OFFSET))),
    ProtocolDecodeError,
  )
  const embedded = Buffer.concat([Buffer.alloc(5), batch])
  assert.equal(readRecordBatchHeader(embedded, 5).baseOffset, 100n)
})

test('mutated batches never make validation or reading throw anything but ProtocolDecodeError', async () => {
  const seed0 = 20240611
  let seed = seed0
  const random = (n: number): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0
    return (seed >>> 8) % n
  }
  const original = buildRecordBatchSync(syncInput())
  for (let i = 0; i < 3000; i++) {
    const mutated = Buffer.from(original)
    for (let flips = 1 + random(3); flips > 0; flips--) mutated[random(mutated.length)] = random(256)
    // Fix the CRC half of the time so the record walk itself is exercised.
    if (random(2) === 0) mutated.writeUInt32BE(crc32c(mutated.subarray(ATTRIBUTES_OFFSET, mutated.length)), CRC_OFFSET)
    const result = validateRecordBatch(mutated, { requireContiguousOffsets: random(2) === 0 })
    try {
      readRecordsSync(mutated)
    } catch (error) {
      assert.ok(
        error instanceof ProtocolDecodeError || (error instanceof SluiceError && error.code === 'ERR_COMPRESSED_BATCH'),
        `seed ${seed0}, case ${i}: ${String(error)}`,
      )
    }
    if (result.ok && result.header.compression === CompressionType.NONE) {
      assert.doesNotThrow(() => readRecordsSync(mutated), `seed ${seed0}, case ${i}: valid batches read`)
    }
  }
})

const PYTHON_READ_BATCH = `
import sys, json
from kafka.record.default_records import DefaultRecordBatch
batch = DefaultRecordBatch(bytes(sys.stdin.buffer.read()))
assert batch.validate_crc()
records = [[r.offset, r.timestamp, None if r.key is None else r.key.hex(), None if r.value is None else r.value.hex(),
            [[k, None if v is None else v.hex()] for k, v in r.headers]] for r in batch]
print(json.dumps({"compression": batch.compression_type, "records": records}))
`

test('kafka-python validates and reads our batches', async () => {
  for (const compression of ALL_CODECS) {
    const batchInput = input({ compression })
    const output = JSON.parse((await runPython(PYTHON_READ_BATCH, await buildRecordBatch(batchInput))).toString()) as {
      compression: number
      records: Array<[number, number, string | null, string | null, Array<[string, string | null]>]>
    }
    assert.equal(output.compression, compression)
    const records = output.records.map(([offset, timestamp, key, value, headers]) => ({
      offset: BigInt(offset),
      timestamp: BigInt(timestamp),
      key,
      value,
      headers,
    }))
    assert.deepEqual(records, expected(batchInput), compressionName(compression))
  }
})

const PYTHON_WRITE_BATCH = `
import sys
from kafka.record.default_records import DefaultRecordBatchBuilder
codec = int(sys.stdin.readline())
b = DefaultRecordBatchBuilder(magic=2, compression_type=codec, is_transactional=0,
                              producer_id=99, producer_epoch=2, base_sequence=5, batch_size=1 << 20)
for i in range(50):
    b.append(i, 1700000000000 + i, None if i % 7 == 0 else b'key-%d' % i, b'value ' * (i + 10),
             [('h', b'v%d' % i)] if i % 3 == 0 else [])
sys.stdout.buffer.write(bytes(b.build()))
`

test('our reader validates and reads batches kafka-python writes, for every codec', async () => {
  for (const compression of ALL_CODECS) {
    const batch = await runPython(PYTHON_WRITE_BATCH, Buffer.from(`${compression}\n`))
    const result = validateRecordBatch(batch)
    assert.ok(result.ok, result.ok ? '' : result.reason)
    assert.equal(result.header.compression, compression, 'kafka-python kept the compression')
    assert.equal(result.header.producerId, 99n)
    assert.equal(await validateCompressedRecords(batch), undefined)
    const records = await readRecords(batch)
    assert.equal(records.length, 50)
    const r7 = records[7]
    assert.equal(r7?.key, null)
    assert.equal(records[9]?.key?.toString(), 'key-9')
    assert.equal(records[9]?.value?.toString(), 'value '.repeat(19))
    assert.equal(records[9]?.timestamp, 1_700_000_000_009n)
    assert.deepEqual(
      records[9]?.headers.map((h) => [h.key, h.value?.toString()]),
      [['h', 'v9']],
    )
    assert.equal(records[49]?.offset, 49n)
  }
})
