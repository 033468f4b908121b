// Record batches, magic 2 (KIP-98): the layout, header reads, in-place patches and validation.
// The produce path validates a batch and patches its header without decoding a record; the fetch
// path never opens one. Reading records is in read-records.ts, building batches in
// build-record-batch.ts, control records in control-record.ts, magic 0/1 in legacy-message-set.ts.
//
// Errors: validateRecordBatch returns a value, because a bad batch is a per-partition Kafka outcome
// the produce handler reports (CORRUPT_MESSAGE, INVALID_RECORD); functions that decode or need a
// well-formed batch throw ProtocolDecodeError.
import { CompressionType, compressionTypeFromAttributes } from './compression/compression-type.js'
import { crc32c } from './crc32c.js'
import { nativeAddon, type NativeWalkFault } from './native-addon.js'
import { ProtocolDecodeError } from './protocol-decode-error.js'
import { type ReadCursor, readVarint, skipVarlong } from './record-varint.js'

export const MAGIC_V2 = 2

// Header layout: byte offsets from the start of the batch. Every log entry, of any magic, starts
// with baseOffset (or offset) int64 and a size int32; the magic byte is at 16 in all of them.
export const BASE_OFFSET_OFFSET = 0
export const BATCH_LENGTH_OFFSET = 8
export const PARTITION_LEADER_EPOCH_OFFSET = 12
export const MAGIC_OFFSET = 16
export const CRC_OFFSET = 17
export const ATTRIBUTES_OFFSET = 21
export const LAST_OFFSET_DELTA_OFFSET = 23
export const BASE_TIMESTAMP_OFFSET = 27
export const MAX_TIMESTAMP_OFFSET = 35
export const PRODUCER_ID_OFFSET = 43
export const PRODUCER_EPOCH_OFFSET = 51
export const BASE_SEQUENCE_OFFSET = 53
export const RECORD_COUNT_OFFSET = 57
export const RECORDS_OFFSET = 61
export const RECORD_BATCH_HEADER_SIZE = 61
/** baseOffset + batchLength: the bytes not counted by batchLength. */
export const LOG_OVERHEAD = 12
/** The CRC covers attributes through the end, so baseOffset and the leader epoch can change freely. */
const CRC_START = ATTRIBUTES_OFFSET
const MIN_BATCH_LENGTH = RECORD_BATCH_HEADER_SIZE - LOG_OVERHEAD
/** A magic 0 message without key or value: the smallest log entry of any magic (Kafka's LegacyRecord). */
const MIN_ENTRY_SIZE = 14

// Attribute bits besides the codec (bits 0–2, see compression-type.ts).
export const TIMESTAMP_TYPE_ATTRIBUTE = 0x08
export const TRANSACTIONAL_ATTRIBUTE = 0x10
export const CONTROL_ATTRIBUTE = 0x20
/** KIP-534: baseTimestamp holds the delete horizon of a compacted batch. */
export const DELETE_HORIZON_ATTRIBUTE = 0x40
/** Bits 7–15 are unassigned and must be 0. */
const ASSIGNED_ATTRIBUTES = 0x7f

/** Kafka's TimestampType; NO_TIMESTAMP_TYPE only occurs in magic 0 messages. */
export enum TimestampType {
  NO_TIMESTAMP_TYPE = -1,
  CREATE_TIME = 0,
  LOG_APPEND_TIME = 1,
}

export const NO_TIMESTAMP = -1n
export const NO_PRODUCER_ID = -1n
export const NO_PRODUCER_EPOCH = -1
export const NO_SEQUENCE = -1
export const NO_PARTITION_LEADER_EPOCH = -1

/** Every header field of a magic 2 batch, decoded. */
export interface RecordBatchHeader {
  readonly baseOffset: bigint
  readonly batchLength: number
  /** batchLength + LOG_OVERHEAD: the whole batch in bytes. */
  readonly sizeBytes: number
  readonly partitionLeaderEpoch: number
  readonly magic: number
  readonly crc: number
  readonly attributes: number
  readonly compression: CompressionType
  readonly timestampType: TimestampType.CREATE_TIME | TimestampType.LOG_APPEND_TIME
  readonly isTransactional: boolean
  readonly isControl: boolean
  readonly hasDeleteHorizon: boolean
  readonly lastOffsetDelta: number
  /** baseOffset + lastOffsetDelta. */
  readonly lastOffset: bigint
  readonly baseTimestamp: bigint
  readonly maxTimestamp: bigint
  readonly producerId: bigint
  readonly producerEpoch: number
  readonly baseSequence: number
  readonly recordCount: number
}

/**
 * Decodes the 61-byte header at `offset`. Only the header must be present, not the records.
 * Throws ProtocolDecodeError if it is truncated, the magic is not 2 or the codec id is unknown.
 */
export function readRecordBatchHeader(buf: Buffer, offset = 0): RecordBatchHeader {
  if (buf.length - offset < RECORD_BATCH_HEADER_SIZE) {
    throw new ProtocolDecodeError('record batch header is truncated', offset)
  }
  const magic = buf.readInt8(offset + MAGIC_OFFSET)
  if (magic !== MAGIC_V2) throw new ProtocolDecodeError(`record batch magic ${magic} is not 2`, offset + MAGIC_OFFSET)
  const attributes = buf.readInt16BE(offset + ATTRIBUTES_OFFSET)
  const compression = compressionTypeFromAttributes(attributes)
  if (compression === undefined) {
    throw new ProtocolDecodeError(`unknown compression codec ${attributes & 0x07}`, offset + ATTRIBUTES_OFFSET)
  }
  const baseOffset = buf.readBigInt64BE(offset + BASE_OFFSET_OFFSET)
  const batchLength = buf.readInt32BE(offset + BATCH_LENGTH_OFFSET)
  const lastOffsetDelta = buf.readInt32BE(offset + LAST_OFFSET_DELTA_OFFSET)
  return {
    baseOffset,
    batchLength,
    sizeBytes: batchLength + LOG_OVERHEAD,
    partitionLeaderEpoch: buf.readInt32BE(offset + PARTITION_LEADER_EPOCH_OFFSET),
    magic,
    crc: buf.readUInt32BE(offset + CRC_OFFSET),
    attributes,
    compression,
    timestampType:
      (attributes & TIMESTAMP_TYPE_ATTRIBUTE) !== 0 ? TimestampType.LOG_APPEND_TIME : TimestampType.CREATE_TIME,
    isTransactional: (attributes & TRANSACTIONAL_ATTRIBUTE) !== 0,
    isControl: (attributes & CONTROL_ATTRIBUTE) !== 0,
    hasDeleteHorizon: (attributes & DELETE_HORIZON_ATTRIBUTE) !== 0,
    lastOffsetDelta,
    lastOffset: baseOffset + BigInt(lastOffsetDelta),
    baseTimestamp: buf.readBigInt64BE(offset + BASE_TIMESTAMP_OFFSET),
    maxTimestamp: buf.readBigInt64BE(offset + MAX_TIMESTAMP_OFFSET),
    producerId: buf.readBigInt64BE(offset + PRODUCER_ID_OFFSET),
    producerEpoch: buf.readInt16BE(offset + PRODUCER_EPOCH_OFFSET),
    baseSequence: buf.readInt32BE(offset + BASE_SEQUENCE_OFFSET),
    recordCount: buf.readInt32BE(offset + RECORD_COUNT_OFFSET),
  }
}

/** The end of the batch starting at 0 in `batch`; throws ProtocolDecodeError if it is not all there. */
function batchEnd(batch: Buffer): number {
  if (batch.length < RECORD_BATCH_HEADER_SIZE) throw new ProtocolDecodeError('record batch header is truncated', 0)
  const end = batch.readInt32BE(BATCH_LENGTH_OFFSET) + LOG_OVERHEAD
  if (end < RECORD_BATCH_HEADER_SIZE || end > batch.length) {
    throw new ProtocolDecodeError(`batch length ${end - LOG_OVERHEAD} does not fit the ${batch.length}-byte buffer`, 8)
  }
  return end
}

// In-place patches. `batch` starts at the batch (take a subarray of a larger buffer); patches
// that touch CRC-covered fields recompute the CRC, so a valid batch stays valid.

/** The CRC-32C the batch should carry: over attributes through the last record. */
export function computeRecordBatchCrc(batch: Buffer): number {
  return crc32c(batch.subarray(CRC_START, batchEnd(batch)))
}

/** Recomputes and stores the CRC after CRC-covered fields changed. */
export function writeRecordBatchCrc(batch: Buffer): void {
  batch.writeUInt32BE(computeRecordBatchCrc(batch), CRC_OFFSET)
}

/** Assigns offsets on append. Not covered by the CRC. */
export function setBaseOffset(batch: Buffer, baseOffset: bigint): void {
  batch.writeBigInt64BE(baseOffset, BASE_OFFSET_OFFSET)
}

/** Stamps the leader's epoch on append. Not covered by the CRC. */
export function setPartitionLeaderEpoch(batch: Buffer, partitionLeaderEpoch: number): void {
  batch.writeInt32BE(partitionLeaderEpoch, PARTITION_LEADER_EPOCH_OFFSET)
}

/**
 * Sets the timestamp type bit and maxTimestamp, as the broker does for topics with
 * `message.timestamp.type=LogAppendTime` (maxTimestamp = append time). Recomputes the CRC, unless
 * nothing changed (as Kafka's DefaultRecordBatch.setMaxTimestamp).
 */
export function setMaxTimestamp(
  batch: Buffer,
  timestampType: TimestampType.CREATE_TIME | TimestampType.LOG_APPEND_TIME,
  maxTimestamp: bigint,
): void {
  const attributes = batch.readInt16BE(ATTRIBUTES_OFFSET)
  const updated =
    timestampType === TimestampType.LOG_APPEND_TIME
      ? attributes | TIMESTAMP_TYPE_ATTRIBUTE
      : attributes & ~TIMESTAMP_TYPE_ATTRIBUTE
  if (updated === attributes && batch.readBigInt64BE(MAX_TIMESTAMP_OFFSET) === maxTimestamp) return
  batch.writeInt16BE(updated, ATTRIBUTES_OFFSET)
  batch.writeBigInt64BE(maxTimestamp, MAX_TIMESTAMP_OFFSET)
  writeRecordBatchCrc(batch)
}

/** Sets lastOffsetDelta (the cleaner keeps a batch's original value); recomputes the CRC. */
export function setLastOffsetDelta(batch: Buffer, lastOffsetDelta: number): void {
  batch.writeInt32BE(lastOffsetDelta, LAST_OFFSET_DELTA_OFFSET)
  writeRecordBatchCrc(batch)
}

export interface ProducerFields {
  readonly producerId: bigint
  readonly producerEpoch: number
  readonly baseSequence: number
}

/** Rewrites the idempotent/transactional producer fields; recomputes the CRC. */
export function setProducerFields(batch: Buffer, fields: ProducerFields): void {
  batch.writeBigInt64BE(fields.producerId, PRODUCER_ID_OFFSET)
  batch.writeInt16BE(fields.producerEpoch, PRODUCER_EPOCH_OFFSET)
  batch.writeInt32BE(fields.baseSequence, BASE_SEQUENCE_OFFSET)
  writeRecordBatchCrc(batch)
}

/**
 * What is wrong with a batch. Damaged bytes (the handler answers CORRUPT_MESSAGE): 'truncated',
 * 'invalid-batch-length', 'unsupported-magic', 'crc-mismatch', 'unknown-compression',
 * 'invalid-attributes', 'invalid-record'. Intact but inconsistent (INVALID_RECORD):
 * 'trailing-bytes' (Produce v3+ carries exactly one batch), 'invalid-record-count',
 * 'invalid-offset-delta'.
 */
export type RecordBatchProblem =
  | 'truncated'
  | 'trailing-bytes'
  | 'invalid-batch-length'
  | 'unsupported-magic'
  | 'crc-mismatch'
  | 'unknown-compression'
  | 'invalid-attributes'
  | 'invalid-record-count'
  | 'invalid-offset-delta'
  | 'invalid-record'

export interface RecordBatchFault {
  readonly ok: false
  readonly problem: RecordBatchProblem
  /** Human-readable detail for logs and error messages. */
  readonly reason: string
  /** Byte offset of the problem in the batch (for records of a compressed batch: in the decompressed records). */
  readonly offset: number
}

export type RecordBatchValidation = { readonly ok: true; readonly header: RecordBatchHeader } | RecordBatchFault

export interface ValidateRecordBatchOptions {
  /**
   * Kafka's rules for batches from producers (LogValidator): at least one record, and offset
   * deltas exactly 0..recordCount−1 (so lastOffsetDelta = recordCount − 1). Default true. Pass
   * false for batches already in a log (recovery, replication, cleaner output), where compaction
   * leaves gaps and may leave a batch empty.
   */
  readonly requireContiguousOffsets?: boolean
}

function fault(problem: RecordBatchProblem, reason: string, offset: number): RecordBatchFault {
  return { ok: false, problem, reason, offset }
}

/**
 * Checks that `batch` is exactly one well-formed magic 2 batch: lengths, magic, CRC-32C,
 * attributes, record count and lastOffsetDelta, and for an uncompressed batch the framing of every
 * record (walked without allocating). Records of a compressed batch are checked by
 * validateCompressedRecords (read-records.ts), which must decompress them. Never throws for bad
 * bytes; the header is returned so the caller reads nothing twice.
 */
export function validateRecordBatch(batch: Buffer, options?: ValidateRecordBatchOptions): RecordBatchValidation {
  return checkRecordBatch(batch, options) ?? { ok: true, header: readRecordBatchHeader(batch) }
}

/**
 * validateRecordBatch without building the header: the fault, or undefined for a sound batch. The
 * produce path calls this for every batch and reads the few header fields it needs itself.
 */
export function checkRecordBatch(batch: Buffer, options?: ValidateRecordBatchOptions): RecordBatchFault | undefined {
  const requireContiguousOffsets = options?.requireContiguousOffsets ?? true
  if (batch.length < RECORD_BATCH_HEADER_SIZE) {
    return fault('truncated', `batch of ${batch.length} bytes is shorter than the 61-byte header`, 0)
  }
  const batchLength = batch.readInt32BE(BATCH_LENGTH_OFFSET)
  if (batchLength < MIN_BATCH_LENGTH) {
    return fault(
      'invalid-batch-length',
      `batch length ${batchLength} is less than ${MIN_BATCH_LENGTH}`,
      BATCH_LENGTH_OFFSET,
    )
  }
  const end = batchLength + LOG_OVERHEAD
  if (end > batch.length) {
    return fault('truncated', `batch length ${batchLength} runs past the ${batch.length}-byte buffer`, 8)
  }
  if (end < batch.length) return fault('trailing-bytes', `${batch.length - end} bytes follow the batch`, end)
  const magic = batch.readInt8(MAGIC_OFFSET)
  if (magic !== MAGIC_V2) return fault('unsupported-magic', `magic ${magic} is not 2`, MAGIC_OFFSET)
  const attributes = batch.readUInt16BE(ATTRIBUTES_OFFSET)
  const recordCount = batch.readInt32BE(RECORD_COUNT_OFFSET)
  const lastOffsetDelta = batch.readInt32BE(LAST_OFFSET_DELTA_OFFSET)
  const isWalked = (attributes & 0x07) === CompressionType.NONE
  // One native call does the CRC and the record walk (when built): the checks below keep their
  // order (CRC first), whichever way the work was done.
  const native = nativeAddon?.checkBatch(batch, end, recordCount, lastOffsetDelta, requireContiguousOffsets, isWalked)
  const crc = batch.readUInt32BE(CRC_OFFSET)
  const actualCrc = native === undefined ? crc32c(batch.subarray(CRC_START, end)) : typeof native === 'number' ? native : native[0]
  if (crc !== actualCrc) return fault('crc-mismatch', `CRC ${crc} does not match the computed ${actualCrc}`, CRC_OFFSET)
  if (compressionTypeFromAttributes(attributes) === undefined) {
    return fault('unknown-compression', `unknown compression codec ${attributes & 0x07}`, ATTRIBUTES_OFFSET)
  }
  if ((attributes & ~ASSIGNED_ATTRIBUTES) !== 0) {
    return fault('invalid-attributes', `unassigned attribute bits set in ${attributes}`, ATTRIBUTES_OFFSET)
  }
  const countFault = checkCounts(recordCount, lastOffsetDelta, requireContiguousOffsets)
  if (countFault !== undefined || !isWalked) return countFault
  if (native === undefined) {
    return checkRecordFraming(batch, RECORDS_OFFSET, end, readRecordBatchHeader(batch), requireContiguousOffsets)
  }
  if (typeof native === 'number') return undefined
  const [, ...walkFault] = native
  return describeNativeFault(walkFault, recordCount)
}

/** recordCount and lastOffsetDelta against each other (Kafka's LogValidator.validateBatch). */
export function checkRecordCounts(
  header: RecordBatchHeader,
  requireContiguousOffsets: boolean,
): RecordBatchFault | undefined {
  return checkCounts(header.recordCount, header.lastOffsetDelta, requireContiguousOffsets)
}

function checkCounts(recordCount: number, lastOffsetDelta: number, requireContiguousOffsets: boolean): RecordBatchFault | undefined {
  if (recordCount < 0) return fault('invalid-record-count', `negative record count ${recordCount}`, RECORD_COUNT_OFFSET)
  if (lastOffsetDelta < 0) {
    return fault('invalid-offset-delta', `negative lastOffsetDelta ${lastOffsetDelta}`, LAST_OFFSET_DELTA_OFFSET)
  }
  if (requireContiguousOffsets) {
    if (recordCount === 0) return fault('invalid-record-count', 'batch holds no records', RECORD_COUNT_OFFSET)
    if (lastOffsetDelta !== recordCount - 1) {
      return fault(
        'invalid-offset-delta',
        `lastOffsetDelta ${lastOffsetDelta} does not match ${recordCount} records`,
        LAST_OFFSET_DELTA_OFFSET,
      )
    }
  } else if (lastOffsetDelta < recordCount - 1) {
    return fault(
      'invalid-offset-delta',
      `lastOffsetDelta ${lastOffsetDelta} is too small for ${recordCount} records`,
      LAST_OFFSET_DELTA_OFFSET,
    )
  }
  return undefined
}

/**
 * Walks the records in data[start, end) and checks their framing: every length fits its record,
 * the declared number of records exactly fills the section, offset deltas increase and stay
 * within lastOffsetDelta. Runs in the native addon when it is built (a JavaScript walk caps
 * produce validation at a few GB/s), else in checkRecordFramingInJavaScript; both give the same
 * answer (test/unit/protocol/native-addon.test.ts).
 */
export function checkRecordFraming(
  data: Buffer,
  start: number,
  end: number,
  header: RecordBatchHeader,
  requireContiguousOffsets: boolean,
): RecordBatchFault | undefined {
  if (nativeAddon === undefined) return checkRecordFramingInJavaScript(data, start, end, header, requireContiguousOffsets)
  const nativeFault = nativeAddon.walkRecords(data, start, end, header.recordCount, header.lastOffsetDelta, requireContiguousOffsets)
  return nativeFault === undefined ? undefined : describeNativeFault(nativeFault, header.recordCount)
}

// Result and detail codes of walk_records in native/sluice-native.c.
const NATIVE_PROBLEMS: Record<number, RecordBatchProblem> = { 1: 'invalid-record-count', 2: 'invalid-record', 3: 'invalid-offset-delta' }

function describeNativeFault([result, offset, index, detail, value]: NativeWalkFault, recordCount: number): RecordBatchFault {
  const problem = NATIVE_PROBLEMS[result] ?? 'invalid-record'
  const reasons: Record<number, string> = {
    1: `batch declares ${recordCount} records but holds ${index}`,
    2: `record ${index} has a malformed varint`,
    3: `record ${index} has a malformed varlong`,
    4: `record ${index} length ${value} does not fit the batch`,
    5: `record ${index} has offset delta ${value}`,
    6: `record ${index} has a key, value or header length that does not fit the record`,
    7: `record ${index} has an impossible header count ${value}`,
    8: `record ${index} has ${value} bytes beyond its fields`,
    9: `${value} bytes follow the last declared record`,
  }
  return fault(problem, reasons[detail] ?? `record ${index} is malformed`, offset)
}

/** The JavaScript walk behind checkRecordFraming. Allocates one cursor for the whole walk. */
export function checkRecordFramingInJavaScript(
  data: Buffer,
  start: number,
  end: number,
  header: RecordBatchHeader,
  requireContiguousOffsets: boolean,
): RecordBatchFault | undefined {
  const cursor: ReadCursor = { offset: start, end }
  let previousDelta = -1
  try {
    for (let index = 0; index < header.recordCount; index++) {
      const recordStart = cursor.offset
      if (recordStart >= end) {
        return fault(
          'invalid-record-count',
          `batch declares ${header.recordCount} records but holds ${index}`,
          recordStart,
        )
      }
      const length = readVarint(data, cursor)
      const recordEnd = cursor.offset + length
      if (length < 1 || recordEnd > end) {
        return fault('invalid-record', `record ${index} length ${length} does not fit the batch`, recordStart)
      }
      cursor.end = recordEnd
      cursor.offset += 1 // attributes int8, unused
      skipVarlong(data, cursor) // timestampDelta
      const offsetDelta = readVarint(data, cursor)
      if (
        offsetDelta <= previousDelta ||
        offsetDelta > header.lastOffsetDelta ||
        (requireContiguousOffsets && offsetDelta !== index)
      ) {
        return fault('invalid-offset-delta', `record ${index} has offset delta ${offsetDelta}`, recordStart)
      }
      previousDelta = offsetDelta
      skipBytes(data, cursor, true) // key
      skipBytes(data, cursor, true) // value
      const headerCount = readVarint(data, cursor)
      // Each header takes at least two bytes, which bounds the loop by the bytes left.
      if (headerCount < 0 || headerCount > (recordEnd - cursor.offset) / 2) {
        return fault('invalid-record', `record ${index} has an impossible header count ${headerCount}`, recordStart)
      }
      for (let h = 0; h < headerCount; h++) {
        skipBytes(data, cursor, false) // header key: never null
        skipBytes(data, cursor, true) // header value
      }
      if (cursor.offset !== recordEnd) {
        return fault(
          'invalid-record',
          `record ${index} has ${recordEnd - cursor.offset} bytes beyond its fields`,
          recordStart,
        )
      }
      cursor.end = end
    }
  } catch (error) {
    if (error instanceof ProtocolDecodeError) return fault('invalid-record', error.reason, error.offset)
    throw error
  }
  if (cursor.offset !== end) {
    return fault('invalid-record', `${end - cursor.offset} bytes follow the last declared record`, cursor.offset)
  }
  return undefined
}

/** Steps over a varint-length-prefixed byte string (−1 = null where allowed). */
function skipBytes(data: Buffer, cursor: ReadCursor, isNullable: boolean): void {
  const at = cursor.offset
  const length = readVarint(data, cursor)
  if (length === -1 && isNullable) return
  if (length < 0) throw new ProtocolDecodeError(`invalid length ${length}`, at)
  if (length > cursor.end - cursor.offset) throw new ProtocolDecodeError(`length ${length} runs past the record`, at)
  cursor.offset += length
}

/** The batches (log entries) found in a records blob, and the partial entry at its end. */
export interface RecordBatchSplit {
  /** Each a subarray of the blob holding one whole entry; magic at MAGIC_OFFSET (any magic). */
  readonly batches: Buffer[]
  /** Bytes of an incomplete last entry, which Fetch responses may carry and readers discard. */
  readonly partialBytes: number
}

/**
 * Splits concatenated log entries (magic 2 batches or magic 0/1 messages, which share the
 * offset + size framing) without checking their contents. A size below any entry's minimum is
 * corruption, not truncation, and throws ProtocolDecodeError.
 */
export function splitRecordBatches(records: Buffer): RecordBatchSplit {
  const batches: Buffer[] = []
  let at = 0
  while (records.length - at >= LOG_OVERHEAD) {
    const size = records.readInt32BE(at + BATCH_LENGTH_OFFSET)
    if (size < MIN_ENTRY_SIZE) {
      throw new ProtocolDecodeError(`log entry size ${size} is below the minimum ${MIN_ENTRY_SIZE}`, at + 8)
    }
    const end = at + LOG_OVERHEAD + size
    if (end > records.length) break
    batches.push(records.subarray(at, end))
    at = end
  }
  return { batches, partialBytes: records.length - at }
}
