// Records whose bytes follow from their offset, and a check of a whole log against them: what the
// crash and power-loss tests use to tell an intact prefix of the acknowledged appends from a log
// that lost, reordered, duplicated or invented records. The record at offset o always has key
// `key-<o>`, value `record-<o>` plus a padding whose length and byte depend on o, and timestamp
// BASE_TIMESTAMP + o, so any damage that slips past the CRC still shows up as a wrong value.
import assert from 'node:assert/strict'
import type { PartitionLog } from '../../src/log/partition-log.js'
import { buildRecordBatchSync } from '../../src/protocol/build-record-batch.js'
import { readRecordsSync } from '../../src/protocol/read-records.js'
import { splitRecordBatches, validateRecordBatch } from '../../src/protocol/record-batch.js'
import { readSlice } from './log-fixtures.js'

const BASE_TIMESTAMP = 1_700_000_000_000n
/** Largest padding of one value: with MAX_RECORDS_PER_BATCH records a batch stays under ~1.6 KB. */
const MAX_PADDING_BYTES = 250

export const MAX_RECORDS_PER_BATCH = 6

export function expectedKey(offset: bigint): Buffer {
  return Buffer.from(`key-${offset}`)
}

export function expectedValue(offset: bigint): Buffer {
  const padding = Number((offset * 7919n) % BigInt(MAX_PADDING_BYTES))
  const fill = 0x61 + Number(offset % 26n)
  return Buffer.concat([Buffer.from(`record-${offset}`), Buffer.alloc(padding, fill)])
}

/** A batch of `count` records for offsets firstOffset…firstOffset+count−1 (base offset 0 until appended). */
export function sequencedBatch(firstOffset: bigint, count: number): Buffer {
  if (count < 1 || count > MAX_RECORDS_PER_BATCH) throw new RangeError(`record count ${count} outside 1..${MAX_RECORDS_PER_BATCH}`)
  return buildRecordBatchSync({
    records: Array.from({ length: count }, (_, i) => {
      const offset = firstOffset + BigInt(i)
      return { key: expectedKey(offset), value: expectedValue(offset), timestamp: BASE_TIMESTAMP + offset }
    }),
  })
}

export interface SequencedLogSummary {
  readonly batchCount: number
  readonly recordCount: number
  /** The base offset of every batch, in log order. */
  readonly batchBaseOffsets: bigint[]
}

/**
 * Reads the whole log from offset 0 and asserts that it is exactly offsets 0…logEndOffset−1 of the
 * sequence: every batch whole and valid (CRC, framing), batches contiguous, every record's key,
 * value and timestamp as `sequencedBatch` wrote them, and nothing readable at or past the log end.
 */
export async function assertSequencedLog(log: PartitionLog, context: string): Promise<SequencedLogSummary> {
  assert.equal(log.logStartOffset, 0n, `${context}: log start offset`)
  let offset = 0n
  let batchCount = 0
  let recordCount = 0
  const batchBaseOffsets: bigint[] = []
  // A read returns at least one batch, so the loop ends within logEndOffset reads.
  for (let reads = 0n; offset < log.logEndOffset && reads <= log.logEndOffset; reads++) {
    const result = await log.read(offset, 1 << 22)
    assert.ok(result.ok, `${context}: read at ${offset} failed: ${result.ok ? '' : result.reason}`)
    assert.ok(result.slice !== undefined, `${context}: nothing readable at ${offset} below the log end ${log.logEndOffset}`)
    const bytes = await readSlice(result.slice)
    const split = splitRecordBatches(bytes)
    assert.ok(split.batches.length > 0, `${context}: the read at ${offset} returned no whole batch`)
    for (const batch of split.batches) {
      const validation = validateRecordBatch(batch)
      assert.ok(validation.ok, `${context}: batch at ${offset}: ${validation.ok ? '' : `${validation.problem}: ${validation.reason}`}`)
      const header = validation.header
      assert.equal(header.baseOffset, offset, `${context}: batches must be contiguous`)
      batchBaseOffsets.push(header.baseOffset)
      for (const record of readRecordsSync(batch)) {
        assert.equal(record.offset, offset, `${context}: record offsets must be contiguous`)
        assert.ok(record.key !== null && record.key.equals(expectedKey(offset)), `${context}: key at ${offset}`)
        assert.ok(record.value !== null && record.value.equals(expectedValue(offset)), `${context}: value at ${offset}`)
        assert.equal(record.timestamp, BASE_TIMESTAMP + offset, `${context}: timestamp at ${offset}`)
        offset++
        recordCount++
      }
      assert.equal(offset, header.lastOffset + 1n, `${context}: batch ${header.baseOffset} ends at its last offset`)
      batchCount++
    }
  }
  assert.equal(offset, log.logEndOffset, `${context}: the records end exactly at the log end offset`)
  const atEnd = await log.read(log.logEndOffset, 1 << 20)
  assert.ok(atEnd.ok && atEnd.slice === undefined, `${context}: nothing is readable at the log end`)
  const pastEnd = await log.read(log.logEndOffset + 1n, 1 << 20)
  assert.ok(!pastEnd.ok && pastEnd.problem === 'offset-out-of-range', `${context}: past the log end is out of range`)
  return { batchCount, recordCount, batchBaseOffsets }
}
