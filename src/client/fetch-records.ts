// Fetch for the CLI: the records of one partition from an offset, decoded (decompressed when the
// batch is), control batches left out, asked of the partition's leader.
import { ErrorCode } from '../protocol/error-codes.js'
import { ApiKey } from '../protocol/generated/api-registry.js'
import type { FetchResponse } from '../protocol/generated/apis/fetch.js'
import { readRecords, type KafkaRecord } from '../protocol/read-records.js'
import { readRecordBatchHeader, splitRecordBatches, TimestampType } from '../protocol/record-batch.js'
import { recordBytesAsBuffer } from '../protocol/record-bytes.js'
import type { KafkaClient } from './kafka-client.js'

/** A record as fetched, with its batch's timestamp type (consumers print it, as Kafka's do). */
export interface FetchedRecord extends KafkaRecord {
  readonly isLogAppendTime: boolean
}

export interface FetchedRecords {
  readonly errorCode: number
  /** Records at or after the fetch offset, in offset order. */
  readonly records: readonly FetchedRecord[]
  /** The offset to fetch next: after the last batch returned (control batches included), or the fetch offset. */
  readonly nextOffset: bigint
  readonly highWatermark: bigint
  readonly logStartOffset: bigint
}

export interface FetchRecordsOptions {
  readonly maxBytes?: number
  /** How long the broker may wait for records when there are none yet. */
  readonly maxWaitMs?: number
}

/** Reads `partition` of `topic` from `offset` at its leader (`leader`, a node id). */
export async function fetchRecords(client: KafkaClient, leader: number, topic: string, partition: number, offset: bigint, options: FetchRecordsOptions = {}): Promise<FetchedRecords> {
  const maxBytes = options.maxBytes ?? 1024 * 1024
  const maxWaitMs = options.maxWaitMs ?? 0
  const response = await client.request<FetchResponse>(leader, ApiKey.FETCH, () => ({
    clusterId: null, replicaId: -1, replicaState: { replicaId: -1, replicaEpoch: -1n, unknownTaggedFields: undefined },
    maxWaitMs, minBytes: 1, maxBytes, isolationLevel: 0, sessionId: 0, sessionEpoch: -1, rackId: '', forgottenTopicsData: [],
    topics: [{
      topic, topicId: 'AAAAAAAAAAAAAAAAAAAAAA', unknownTaggedFields: undefined,
      partitions: [{
        partition, currentLeaderEpoch: -1, fetchOffset: offset, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: maxBytes,
        replicaDirectoryId: 'AAAAAAAAAAAAAAAAAAAAAA', unknownTaggedFields: undefined,
      }],
    }],
  }), `Fetch of ${topic}-${partition}`, client.timeoutMs + maxWaitMs)
  const data = response.errorCode !== ErrorCode.NONE ? undefined : response.responses[0]?.partitions[0]
  if (data === undefined) {
    return { errorCode: response.errorCode || ErrorCode.UNKNOWN_SERVER_ERROR, records: [], nextOffset: offset, highWatermark: -1n, logStartOffset: -1n }
  }
  const records: FetchedRecord[] = []
  let nextOffset = offset
  const bytes = data.records === null ? Buffer.alloc(0) : recordBytesAsBuffer(data.records)
  // Whole batches only: the last one may be cut at the size limit.
  for (const batch of splitRecordBatches(bytes).batches) {
    const header = readRecordBatchHeader(batch)
    if (!header.isControl) {
      const isLogAppendTime = header.timestampType === TimestampType.LOG_APPEND_TIME
      for (const record of await readRecords(batch)) if (record.offset >= offset) records.push({ ...record, isLogAppendTime })
    }
    nextOffset = header.baseOffset + BigInt(header.lastOffsetDelta) + 1n
  }
  return { errorCode: data.errorCode, records, nextOffset, highWatermark: data.highWatermark, logStartOffset: data.logStartOffset }
}
