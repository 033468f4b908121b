// The timestamp of the first record at or after an offset, for a consumer group's lag in time
// (kafka_consumergroup_lag_seconds: now minus the timestamp of the next record the group would
// read). The batch is found as a fetch finds it (the segment's offset index, then batch headers);
// only that batch's records are decoded, and only as far as the record wanted.
import { iterateRecords } from '../protocol/read-records.js'
import { ProtocolDecodeError } from '../protocol/protocol-decode-error.js'
import { BASE_TIMESTAMP_OFFSET, MAGIC_V2, RECORD_BATCH_HEADER_SIZE, TimestampType, readRecordBatchHeader, type RecordBatchHeader } from '../protocol/record-batch.js'
import { readFully, scanBatches, type BatchLocation } from './batch-scanner.js'
import type { LogSegment } from './segment.js'
import type { StorageFile } from './storage.js'

/** What one batch says about the first record at or after the offset. */
type BatchAnswer =
  /** The record's timestamp. */
  | bigint
  /** No such record in this batch: ask the next one. */
  | 'next'
  /** The next record is at or past maxOffset: there is none to report. */
  | 'none'

/**
 * The timestamp of the first record whose offset is ≥ `offset` and < `maxOffset`, or undefined
 * when there is none. `segments` starts with the segment whose base offset is ≤ `offset` and
 * runs in log order; pass a snapshot, as retention and compaction change the log's own list
 * while this awaits. Control batches (transaction markers) hold no consumer records and are
 * skipped; compaction's holes lead to the next record that is left.
 *
 * A record's timestamp is its own: baseTimestamp + timestampDelta under CreateTime, the batch's
 * maxTimestamp under LogAppendTime (as consumers see it). A batch whose records cannot be decoded
 * answers with its header alone (baseTimestamp, or maxTimestamp under LogAppendTime) rather than
 * fail a metrics read. Throws StorageError when a read fails.
 */
export async function timestampOfRecordAtOrAfter(segments: readonly LogSegment[], offset: bigint, maxOffset: bigint): Promise<bigint | undefined> {
  const header = Buffer.allocUnsafe(RECORD_BATCH_HEADER_SIZE)
  for (const segment of segments) {
    if (segment.baseOffset >= maxOffset) return undefined
    // Through the offset index to the batch holding the offset (or the first after it).
    const first = await segment.findBatch(offset)
    // Compaction can leave a segment without the offset: the next segment continues the log.
    if (first === undefined) continue
    for await (const location of scanBatches(segment.file, first.position, segment.sizeBytes)) {
      if (location.lastOffset < offset) continue
      if (location.baseOffset >= maxOffset) return undefined
      if (location.magic !== MAGIC_V2) continue
      const answer = await answerFromBatch(segment.file, location, header, offset, maxOffset)
      if (answer === 'none') return undefined
      if (answer !== 'next') return answer
    }
  }
  return undefined
}

async function answerFromBatch(file: StorageFile, location: BatchLocation, headerBytes: Buffer, offset: bigint, maxOffset: bigint): Promise<BatchAnswer> {
  // The header first: a control batch or a LogAppendTime batch needs nothing more.
  if ((await readFully(file, headerBytes, RECORD_BATCH_HEADER_SIZE, location.position)) < RECORD_BATCH_HEADER_SIZE) return 'next'
  let header: RecordBatchHeader
  try {
    header = readRecordBatchHeader(headerBytes)
  } catch (error) {
    if (!(error instanceof ProtocolDecodeError)) throw error
    return headerBytes.readBigInt64BE(BASE_TIMESTAMP_OFFSET)
  }
  if (header.isControl || header.recordCount <= 0) return 'next'
  const isLogAppendTime = header.timestampType === TimestampType.LOG_APPEND_TIME
  const fallback = isLogAppendTime ? header.maxTimestamp : header.baseTimestamp
  // Without holes (recordCount = lastOffsetDelta + 1) every offset of the batch holds a record,
  // so under LogAppendTime, where all share one timestamp, the header is the answer.
  const isContiguous = header.lastOffsetDelta === header.recordCount - 1
  if (isLogAppendTime && isContiguous) return (offset > header.baseOffset ? offset : header.baseOffset) < maxOffset ? fallback : 'none'
  const batch = Buffer.allocUnsafe(location.sizeBytes)
  if ((await readFully(file, batch, location.sizeBytes, location.position)) < location.sizeBytes) return fallback
  try {
    // Lazily decoded (decompressed first when compressed, within the codec's default output
    // limit): records after the one wanted are never decoded.
    for await (const record of iterateRecords(batch)) {
      if (record.offset >= maxOffset) return 'none'
      if (record.offset >= offset) return record.timestamp
    }
  } catch (error) {
    if (!(error instanceof ProtocolDecodeError)) throw error
    return fallback
  }
  return 'next'
}
