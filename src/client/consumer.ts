// Reading partitions for the console consumer: one fetch loop per partition, each long-polling its
// leader (Fetch with maxWaitMs, so an idle topic costs one request per wait, not a spin) and
// handing records in offset order to `onRecord`, which is awaited (the caller's output pace is the
// reading pace). The loops stop when `shouldStop` says so, checked after every fetch and record.
// A position out of range (the records were deleted) moves to the earliest or latest offset, as
// Kafka's auto.offset.reset does.
import { ErrorCode } from '../protocol/error-codes.js'
import type { FetchedRecord } from './fetch-records.js'
import { fetchRecords } from './fetch-records.js'
import type { KafkaClient } from './kafka-client.js'
import { KafkaError } from './kafka-error.js'
import { EARLIEST, LATEST, listOffsets } from './list-offsets.js'

export interface ConsumePartitionsOptions {
  readonly topic: string
  /** Each partition's leader (client.partitionLeaders). */
  readonly leaders: ReadonlyMap<number, number>
  /** partition → the next offset to read; advanced past every record handed to onRecord. */
  readonly positions: Map<number, bigint>
  /** How long one Fetch may wait at the broker for records. */
  readonly maxWaitMs: number
  readonly maxBytes?: number
  /** Where an out-of-range position moves (Kafka's auto.offset.reset). */
  readonly resetTo: 'earliest' | 'latest'
  readonly onRecord: (partition: number, record: FetchedRecord) => void | Promise<void>
  readonly shouldStop: () => boolean
}

/** Reads every partition in `positions` until `shouldStop`; rejects with KafkaError on a partition error. */
export async function consumePartitions(client: KafkaClient, options: ConsumePartitionsOptions): Promise<void> {
  let failure: unknown
  const stopped = (): boolean => failure !== undefined || options.shouldStop()
  await Promise.all([...options.positions.keys()].map((partition) => readPartition(client, partition, options, stopped).catch((error: unknown) => {
    failure ??= error
  })))
  if (failure !== undefined) throw failure
}

async function readPartition(client: KafkaClient, partition: number, options: ConsumePartitionsOptions, stopped: () => boolean): Promise<void> {
  const { topic, positions } = options
  const leader = options.leaders.get(partition)
  if (leader === undefined) throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `partition ${partition} of topic ${topic}`)
  if (leader < 0) throw new KafkaError(ErrorCode.LEADER_NOT_AVAILABLE, `partition ${partition} of topic ${topic}`)
  while (!stopped()) {
    const offset = positions.get(partition) ?? 0n
    const fetched = await fetchRecords(client, leader, topic, partition, offset, { maxWaitMs: options.maxWaitMs, maxBytes: options.maxBytes })
    if (fetched.errorCode === ErrorCode.OFFSET_OUT_OF_RANGE) {
      const [reset] = await listOffsets(client, topic, options.resetTo === 'earliest' ? EARLIEST : LATEST, [partition])
      positions.set(partition, reset?.offset ?? 0n)
      continue
    }
    if (fetched.errorCode !== ErrorCode.NONE) throw new KafkaError(fetched.errorCode, `fetching ${topic}-${partition} at offset ${offset}`)
    for (const record of fetched.records) {
      if (stopped()) return
      await options.onRecord(partition, record)
      positions.set(partition, record.offset + 1n)
    }
    // Control batches and compacted gaps advance the position without records.
    if (fetched.nextOffset > (positions.get(partition) ?? 0n)) positions.set(partition, fetched.nextOffset)
  }
}
