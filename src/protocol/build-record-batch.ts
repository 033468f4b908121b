// Building magic 2 batches: for what the broker writes itself (transaction markers, coordinator
// and metadata records, recompression) and for tests. Producers' batches are never rebuilt.
// Field order and header values follow Kafka's DefaultRecordBatch / MemoryRecordsBuilder:
// baseTimestamp is the first record's timestamp, maxTimestamp the largest, −1 for none.
import { SluiceError } from '../errors.js'
import { type SyncCompressionType, compress, compressSync } from './compression/codec.js'
import { CompressionType } from './compression/compression-type.js'
import type { RecordHeader } from './read-records.js'
import {
  ATTRIBUTES_OFFSET,
  BASE_OFFSET_OFFSET,
  BASE_SEQUENCE_OFFSET,
  BASE_TIMESTAMP_OFFSET,
  BATCH_LENGTH_OFFSET,
  CONTROL_ATTRIBUTE,
  LAST_OFFSET_DELTA_OFFSET,
  LOG_OVERHEAD,
  MAGIC_OFFSET,
  MAGIC_V2,
  MAX_TIMESTAMP_OFFSET,
  NO_PARTITION_LEADER_EPOCH,
  NO_PRODUCER_EPOCH,
  NO_PRODUCER_ID,
  NO_SEQUENCE,
  NO_TIMESTAMP,
  PARTITION_LEADER_EPOCH_OFFSET,
  PRODUCER_EPOCH_OFFSET,
  PRODUCER_ID_OFFSET,
  RECORD_BATCH_HEADER_SIZE,
  RECORD_COUNT_OFFSET,
  TIMESTAMP_TYPE_ATTRIBUTE,
  TRANSACTIONAL_ATTRIBUTE,
  TimestampType,
  writeRecordBatchCrc,
} from './record-batch.js'
import { sizeOfVarint, sizeOfVarlong, writeVarint, writeVarlong } from './record-varint.js'

export interface RecordInput {
  readonly key?: Uint8Array | null
  readonly value: Uint8Array | null
  readonly headers?: readonly RecordHeader[]
  readonly timestamp: bigint
  /** Defaults to the record's index; if given, deltas must increase (gaps allowed, as after compaction). */
  readonly offsetDelta?: number
}

export interface RecordBatchInput {
  readonly baseOffset?: bigint
  readonly partitionLeaderEpoch?: number
  readonly compression?: CompressionType
  readonly timestampType?: TimestampType.CREATE_TIME | TimestampType.LOG_APPEND_TIME
  readonly isTransactional?: boolean
  readonly isControl?: boolean
  readonly producerId?: bigint
  readonly producerEpoch?: number
  readonly baseSequence?: number
  /** Defaults to the largest record timestamp; for LOG_APPEND_TIME pass the append time. */
  readonly maxTimestamp?: bigint
  readonly records: readonly RecordInput[]
}

/** Input errors are bugs in the caller, so they throw RangeError rather than a decode error. */
function checkInt(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) throw new RangeError(`${name} ${value} is out of range`)
}

/** Per-record sizes, computed once and used for both the allocation and the writes. */
interface Layout {
  readonly bodySizes: number[]
  readonly offsetDeltas: number[]
  readonly sectionSize: number
  readonly baseTimestamp: bigint
  readonly maxTimestamp: bigint
  readonly lastOffsetDelta: number
}

function sizeOfBytes(bytes: Uint8Array | null | undefined): number {
  return bytes == null ? sizeOfVarint(-1) : sizeOfVarint(bytes.length) + bytes.length
}

function layOut(input: RecordBatchInput): Layout {
  const { records } = input
  const first = records[0]
  const baseTimestamp = first === undefined ? NO_TIMESTAMP : first.timestamp
  let maxTimestamp = NO_TIMESTAMP
  const bodySizes: number[] = []
  const offsetDeltas: number[] = []
  let sectionSize = 0
  let previousDelta = -1
  records.forEach((record, index) => {
    const offsetDelta = record.offsetDelta ?? index
    checkInt('offsetDelta', offsetDelta, previousDelta + 1, 0x7fffffff)
    previousDelta = offsetDelta
    if (record.timestamp > maxTimestamp) maxTimestamp = record.timestamp
    let size = 1 + sizeOfVarlong(record.timestamp - baseTimestamp) + sizeOfVarint(offsetDelta)
    size += sizeOfBytes(record.key) + sizeOfBytes(record.value)
    const headers = record.headers ?? []
    size += sizeOfVarint(headers.length)
    for (const header of headers) {
      const keyLength = Buffer.byteLength(header.key, 'utf8')
      size += sizeOfVarint(keyLength) + keyLength + sizeOfBytes(header.value)
    }
    bodySizes.push(size)
    offsetDeltas.push(offsetDelta)
    sectionSize += sizeOfVarint(size) + size
  })
  return {
    bodySizes,
    offsetDeltas,
    sectionSize,
    baseTimestamp,
    maxTimestamp: input.maxTimestamp ?? maxTimestamp,
    lastOffsetDelta: previousDelta === -1 ? 0 : previousDelta,
  }
}

function writeBytes(buf: Buffer, at: number, bytes: Uint8Array | null | undefined): number {
  if (bytes == null) return writeVarint(buf, at, -1)
  const next = writeVarint(buf, at, bytes.length)
  buf.set(bytes, next)
  return next + bytes.length
}

/** Writes the records section at `start`; returns where it ends. */
function writeRecords(buf: Buffer, start: number, input: RecordBatchInput, layout: Layout): number {
  let at = start
  input.records.forEach((record, index) => {
    at = writeVarint(buf, at, layout.bodySizes[index] as number)
    buf[at++] = 0 // attributes, unused
    at = writeVarlong(buf, at, record.timestamp - layout.baseTimestamp)
    at = writeVarint(buf, at, layout.offsetDeltas[index] as number)
    at = writeBytes(buf, at, record.key)
    at = writeBytes(buf, at, record.value)
    const headers = record.headers ?? []
    at = writeVarint(buf, at, headers.length)
    for (const header of headers) {
      at = writeVarint(buf, at, Buffer.byteLength(header.key, 'utf8'))
      at += buf.write(header.key, at, 'utf8')
      at = writeBytes(buf, at, header.value)
    }
  })
  return at
}

/** The sizes computed by layOut and the bytes written disagree: a bug here, never bad input. */
function layoutBug(sized: number, written: number): SluiceError {
  return new SluiceError('ERR_INTERNAL', `record batch sized ${sized} bytes but ${written} written`)
}

function encodeRecordsSection(input: RecordBatchInput, layout: Layout): Buffer {
  const section = Buffer.allocUnsafe(layout.sectionSize)
  const end = writeRecords(section, 0, input, layout)
  if (end !== section.length) throw layoutBug(section.length, end)
  return section
}

/** Writes the header into batch[0, 61) and the CRC over everything after it. */
function finishBatch(batch: Buffer, input: RecordBatchInput, layout: Layout, compression: CompressionType): Buffer {
  const partitionLeaderEpoch = input.partitionLeaderEpoch ?? NO_PARTITION_LEADER_EPOCH
  const producerEpoch = input.producerEpoch ?? NO_PRODUCER_EPOCH
  const baseSequence = input.baseSequence ?? NO_SEQUENCE
  checkInt('partitionLeaderEpoch', partitionLeaderEpoch, -0x80000000, 0x7fffffff)
  checkInt('producerEpoch', producerEpoch, -0x8000, 0x7fff)
  checkInt('baseSequence', baseSequence, -0x80000000, 0x7fffffff)
  let attributes: number = compression
  if (input.timestampType === TimestampType.LOG_APPEND_TIME) attributes |= TIMESTAMP_TYPE_ATTRIBUTE
  if (input.isTransactional === true) attributes |= TRANSACTIONAL_ATTRIBUTE
  if (input.isControl === true) attributes |= CONTROL_ATTRIBUTE
  batch.writeBigInt64BE(input.baseOffset ?? 0n, BASE_OFFSET_OFFSET)
  batch.writeInt32BE(batch.length - LOG_OVERHEAD, BATCH_LENGTH_OFFSET)
  batch.writeInt32BE(partitionLeaderEpoch, PARTITION_LEADER_EPOCH_OFFSET)
  batch.writeInt8(MAGIC_V2, MAGIC_OFFSET)
  batch.writeInt16BE(attributes, ATTRIBUTES_OFFSET)
  batch.writeInt32BE(layout.lastOffsetDelta, LAST_OFFSET_DELTA_OFFSET)
  batch.writeBigInt64BE(layout.baseTimestamp, BASE_TIMESTAMP_OFFSET)
  batch.writeBigInt64BE(layout.maxTimestamp, MAX_TIMESTAMP_OFFSET)
  batch.writeBigInt64BE(input.producerId ?? NO_PRODUCER_ID, PRODUCER_ID_OFFSET)
  batch.writeInt16BE(producerEpoch, PRODUCER_EPOCH_OFFSET)
  batch.writeInt32BE(baseSequence, BASE_SEQUENCE_OFFSET)
  batch.writeInt32BE(input.records.length, RECORD_COUNT_OFFSET)
  writeRecordBatchCrc(batch)
  return batch
}

function withHeaderRoom(payload: Buffer): Buffer {
  const batch = Buffer.allocUnsafe(RECORD_BATCH_HEADER_SIZE + payload.length)
  payload.copy(batch, RECORD_BATCH_HEADER_SIZE)
  return batch
}

/** Builds an uncompressed batch with one allocation. */
function buildUncompressed(input: RecordBatchInput, layout: Layout): Buffer {
  const batch = Buffer.allocUnsafe(RECORD_BATCH_HEADER_SIZE + layout.sectionSize)
  const end = writeRecords(batch, RECORD_BATCH_HEADER_SIZE, input, layout)
  if (end !== batch.length) throw layoutBug(batch.length, end)
  return finishBatch(batch, input, layout, CompressionType.NONE)
}

/** Builds a batch, compressing its records section when `compression` asks for it. */
export async function buildRecordBatch(input: RecordBatchInput): Promise<Buffer> {
  const layout = layOut(input)
  const compression = input.compression ?? CompressionType.NONE
  if (compression === CompressionType.NONE) return buildUncompressed(input, layout)
  const compressed = await compress(compression, encodeRecordsSection(input, layout))
  return finishBatch(withHeaderRoom(compressed), input, layout, compression)
}

/** Input for buildRecordBatchSync: any codec but zstd, which has no synchronous library call. */
export type SyncRecordBatchInput = RecordBatchInput & { readonly compression?: SyncCompressionType }

/** buildRecordBatch without leaving the event loop. */
export function buildRecordBatchSync(input: SyncRecordBatchInput): Buffer {
  const layout = layOut(input)
  const compression = input.compression ?? CompressionType.NONE
  if (compression === CompressionType.NONE) return buildUncompressed(input, layout)
  const compressed = compressSync(compression, encodeRecordsSection(input, layout))
  return finishBatch(withHeaderRoom(compressed), input, layout, compression)
}
