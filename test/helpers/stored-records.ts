// What the broker really keeps for a partition, read from its log files: each stored batch's header
// with its decoded records (decompressed if need be). Integration tests check what clients produced
// with it, since there is no consumer group yet to read it back through a client.
import assert from 'node:assert/strict'
import type { BrokerNode } from '../../src/index.js'
import type { CompressionType } from '../../src/protocol/compression/compression-type.js'
import { type KafkaRecord, readRecords } from '../../src/protocol/read-records.js'
import { type RecordBatchHeader, TimestampType, readRecordBatchHeader } from '../../src/protocol/record-batch.js'
import { storedBatchBuffers } from './broker.js'

export interface StoredBatch {
  readonly header: RecordBatchHeader
  readonly records: readonly KafkaRecord[]
}

export async function storedBatches(node: BrokerNode, topic: string, partition: number): Promise<StoredBatch[]> {
  const batches: StoredBatch[] = []
  for (const batch of await storedBatchBuffers(node, topic, partition)) {
    batches.push({ header: readRecordBatchHeader(batch), records: await readRecords(batch) })
  }
  return batches
}

/** A record as the test's client sent it. */
export interface SentRecord {
  readonly timestamp: string | bigint | number
  readonly key: unknown
  readonly value: unknown
  readonly headers: unknown
}

/**
 * Checks that a partition holds exactly one batch, with CreateTime timestamps and the codec in its
 * attribute bits, whose records are `sent` in order (keys, values, headers, timestamps), and whose
 * header timestamps are the ones expected.
 */
export async function assertOneStoredBatch(node: BrokerNode, topic: string, expected: {
  readonly compression: CompressionType
  readonly sent: readonly SentRecord[]
  readonly baseTimestamp: bigint
  readonly maxTimestamp: bigint
}, what: string): Promise<void> {
  const batches = await storedBatches(node, topic, 0)
  assert.equal(batches.length, 1, `${what}: one batch`)
  const [batch] = batches
  assert.ok(batch !== undefined)
  assert.equal(batch.header.compression, expected.compression, `${what}: attribute bits 0-2`)
  assert.equal(batch.header.timestampType, TimestampType.CREATE_TIME)
  assert.equal(batch.header.recordCount, expected.sent.length)
  assert.equal(batch.header.baseTimestamp, expected.baseTimestamp)
  assert.equal(batch.header.maxTimestamp, expected.maxTimestamp)
  assert.deepEqual(plainRecords([batch]), expected.sent.map((record, offset) => ({
    offset, timestamp: Number(record.timestamp), key: record.key, value: record.value, headers: record.headers,
  })), what)
}

/** A record as plain strings, for deepEqual against what a client sent. */
export interface PlainRecord {
  readonly offset: number
  readonly timestamp: number
  readonly key: string | null
  readonly value: string | null
  readonly headers: Readonly<Record<string, string | null>>
}

export function plainRecords(batches: readonly StoredBatch[]): PlainRecord[] {
  return batches.flatMap((batch) => batch.records.map((record) => ({
    offset: Number(record.offset),
    timestamp: Number(record.timestamp),
    key: record.key === null ? null : record.key.toString('utf8'),
    value: record.value === null ? null : record.value.toString('utf8'),
    headers: Object.fromEntries(record.headers.map((header) => [header.key, header.value === null ? null : header.value.toString('utf8')])),
  })))
}
