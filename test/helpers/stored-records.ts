// What the broker really keeps for a partition, read from its log files: each stored batch's header
// with its decoded records (decompressed if need be). Integration tests check what clients produced
// with it, since there is no consumer group yet to read it back through a client.
import type { BrokerNode } from '../../src/index.js'
import { readFully } from '../../src/log/batch-scanner.js'
import { type KafkaRecord, readRecords } from '../../src/protocol/read-records.js'
import { type RecordBatchHeader, readRecordBatchHeader, splitRecordBatches } from '../../src/protocol/record-batch.js'

export interface StoredBatch {
  readonly header: RecordBatchHeader
  readonly records: readonly KafkaRecord[]
}

export async function storedBatches(node: BrokerNode, topic: string, partition: number): Promise<StoredBatch[]> {
  const log = node.logManager.getLog(topic, partition)
  if (log === undefined) throw new Error(`no log for ${topic}-${partition}`)
  const batches: StoredBatch[] = []
  for (const segment of log.allSegments) {
    const buffer = Buffer.allocUnsafe(segment.sizeBytes)
    const length = await readFully(segment.file, buffer, segment.sizeBytes, 0)
    for (const batch of splitRecordBatches(buffer.subarray(0, length)).batches) {
      batches.push({ header: readRecordBatchHeader(batch), records: await readRecords(batch) })
    }
  }
  return batches
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
