// Reading the records inside a magic 2 batch, for the few places that need them (consumer-side
// tests, the cleaner, coordinators reading their own logs, down-conversion). Keys, values and
// header values are subarrays of the batch (or of its decompressed records): no copies.
// Malformed records throw ProtocolDecodeError; the CRC is validateRecordBatch's job.
import { SluiceError } from '../errors.js'
import { decompress } from './compression/codec.js'
import { CompressionType, compressionName } from './compression/compression-type.js'
import { DecompressError } from './compression/decompress-error.js'
import { ProtocolDecodeError } from './protocol-decode-error.js'
import {
  type RecordBatchFault,
  type RecordBatchHeader,
  RECORDS_OFFSET,
  TimestampType,
  checkRecordCounts,
  checkRecordFraming,
  readRecordBatchHeader,
} from './record-batch.js'
import { type ReadCursor, readVarint, readVarlong } from './record-varint.js'

export interface RecordHeader {
  readonly key: string
  readonly value: Buffer | null
}

/** One record, with its absolute offset and timestamp. */
export interface KafkaRecord {
  readonly offset: bigint
  readonly offsetDelta: number
  /** For a LogAppendTime batch, the batch's maxTimestamp (as Kafka reports it), not the stored delta. */
  readonly timestamp: bigint
  readonly key: Buffer | null
  readonly value: Buffer | null
  readonly headers: readonly RecordHeader[]
}

export interface ReadRecordsOptions {
  /** Limit on a compressed batch's decompressed records; the codec default (64 MiB) if absent. */
  readonly maxDecompressedBytes?: number
}

/** The decoded header, and the bytes holding the records (decompressed if need be). */
interface RecordsSection {
  readonly header: RecordBatchHeader
  readonly data: Buffer
  readonly start: number
  readonly end: number
  /** Appended to decode errors so an offset into decompressed bytes is not mistaken for a batch offset. */
  readonly where: string
}

function rawSection(batch: Buffer): RecordsSection {
  const header = readRecordBatchHeader(batch)
  if (header.sizeBytes > batch.length || header.sizeBytes < RECORDS_OFFSET) {
    throw new ProtocolDecodeError(`batch length ${header.batchLength} does not fit the ${batch.length}-byte buffer`, 8)
  }
  return { header, data: batch, start: RECORDS_OFFSET, end: header.sizeBytes, where: '' }
}

async function recordsSection(batch: Buffer, options: ReadRecordsOptions | undefined): Promise<RecordsSection> {
  const section = rawSection(batch)
  const { header } = section
  // Kafka reads no records from an empty batch, compressed or not, so its payload is never opened.
  if (header.compression === CompressionType.NONE || header.recordCount === 0) return section
  let data: Buffer
  try {
    data = await decompress(header.compression, batch.subarray(RECORDS_OFFSET, header.sizeBytes), {
      maxOutputBytes: options?.maxDecompressedBytes,
    })
  } catch (error) {
    if (!(error instanceof DecompressError)) throw error
    const decodeError = new ProtocolDecodeError(`records do not decompress: ${error.message}`, RECORDS_OFFSET)
    decodeError.cause = error
    throw decodeError
  }
  return {
    header,
    data,
    start: 0,
    end: data.length,
    where: ` in ${compressionName(header.compression)}-decompressed records`,
  }
}

/**
 * Decodes the records of a section lazily. Each record's framing is checked against its own
 * length and the section; the declared count must exactly fill the section.
 */
function* decodeRecords(section: RecordsSection): Generator<KafkaRecord, void, undefined> {
  const { header, data, end, where } = section
  const logAppendTime = header.timestampType === TimestampType.LOG_APPEND_TIME ? header.maxTimestamp : undefined
  const cursor: ReadCursor = { offset: section.start, end }
  try {
    for (let index = 0; index < header.recordCount; index++) {
      const recordStart = cursor.offset
      if (recordStart >= end) {
        throw new ProtocolDecodeError(`batch declares ${header.recordCount} records but holds ${index}`, recordStart)
      }
      const length = readVarint(data, cursor)
      const recordEnd = cursor.offset + length
      if (length < 1 || recordEnd > end) {
        throw new ProtocolDecodeError(`record length ${length} does not fit the batch`, recordStart)
      }
      cursor.end = recordEnd
      cursor.offset += 1 // attributes int8, unused
      const timestampDelta = readVarlong(data, cursor)
      const offsetDelta = readVarint(data, cursor)
      const key = readNullableBytes(data, cursor)
      const value = readNullableBytes(data, cursor)
      const headerCount = readVarint(data, cursor)
      if (headerCount < 0 || headerCount > (recordEnd - cursor.offset) / 2) {
        throw new ProtocolDecodeError(`impossible header count ${headerCount}`, recordStart)
      }
      const headers: RecordHeader[] = []
      for (let h = 0; h < headerCount; h++) {
        const keyAt = cursor.offset
        const keyBytes = readNullableBytes(data, cursor)
        if (keyBytes === null) throw new ProtocolDecodeError('null header key', keyAt)
        headers.push({ key: keyBytes.toString('utf8'), value: readNullableBytes(data, cursor) })
      }
      if (cursor.offset !== recordEnd) {
        throw new ProtocolDecodeError(`record has ${recordEnd - cursor.offset} bytes beyond its fields`, recordStart)
      }
      cursor.end = end
      yield {
        offset: header.baseOffset + BigInt(offsetDelta),
        offsetDelta,
        timestamp: logAppendTime ?? header.baseTimestamp + timestampDelta,
        key,
        value,
        headers,
      }
    }
    if (cursor.offset !== end) {
      throw new ProtocolDecodeError(`${end - cursor.offset} bytes follow the last record`, cursor.offset)
    }
  } catch (error) {
    if (error instanceof ProtocolDecodeError && where !== '') {
      throw new ProtocolDecodeError(error.reason + where, error.offset)
    }
    throw error
  }
}

function readNullableBytes(data: Buffer, cursor: ReadCursor): Buffer | null {
  const at = cursor.offset
  const length = readVarint(data, cursor)
  if (length === -1) return null
  if (length < -1) throw new ProtocolDecodeError(`invalid length ${length}`, at)
  if (length > cursor.end - cursor.offset) throw new ProtocolDecodeError(`length ${length} runs past the record`, at)
  const bytes = data.subarray(cursor.offset, cursor.offset + length)
  cursor.offset += length
  return bytes
}

/** Yields the records of `batch`, decompressing them first if the batch is compressed. */
export async function* iterateRecords(
  batch: Buffer,
  options?: ReadRecordsOptions,
): AsyncGenerator<KafkaRecord, void, undefined> {
  yield* decodeRecords(await recordsSection(batch, options))
}

/** All records of `batch`, decompressing first if needed. Throws ProtocolDecodeError. */
export async function readRecords(batch: Buffer, options?: ReadRecordsOptions): Promise<KafkaRecord[]> {
  return Array.from(decodeRecords(await recordsSection(batch, options)))
}

function assertUncompressed(section: RecordsSection): void {
  if (section.header.compression !== CompressionType.NONE && section.header.recordCount !== 0) {
    throw new SluiceError('ERR_COMPRESSED_BATCH', 'a compressed batch needs the async iterateRecords/readRecords')
  }
}

/**
 * Yields the records of an uncompressed batch without leaving the event loop. A compressed batch
 * is a caller error (SluiceError ERR_COMPRESSED_BATCH): use iterateRecords.
 */
export function* iterateRecordsSync(batch: Buffer): Generator<KafkaRecord, void, undefined> {
  const section = rawSection(batch)
  assertUncompressed(section)
  yield* decodeRecords(section)
}

/** All records of an uncompressed batch; see iterateRecordsSync. */
export function readRecordsSync(batch: Buffer): KafkaRecord[] {
  return Array.from(iterateRecordsSync(batch))
}

/**
 * Checks the record framing of a compressed batch that validateRecordBatch has accepted (it
 * cannot look inside without decompressing). Corrupt or oversized compressed data is reported as
 * 'invalid-record'. Never throws for bad bytes.
 */
export async function validateCompressedRecords(
  batch: Buffer,
  options?: ReadRecordsOptions & { readonly requireContiguousOffsets?: boolean },
): Promise<RecordBatchFault | undefined> {
  let section: RecordsSection
  try {
    section = await recordsSection(batch, options)
  } catch (error) {
    if (error instanceof ProtocolDecodeError) {
      return { ok: false, problem: 'invalid-record', reason: error.reason, offset: error.offset }
    }
    throw error
  }
  const requireContiguousOffsets = options?.requireContiguousOffsets ?? true
  return (
    checkRecordCounts(section.header, requireContiguousOffsets) ??
    checkRecordFraming(section.data, section.start, section.end, section.header, requireContiguousOffsets)
  )
}
