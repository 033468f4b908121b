// How far a consumer group is behind, per partition: in offsets (the log end offset, ListOffsets
// LATEST, minus the committed offset, as kafka-consumer-groups.sh reports LAG) and in time (how old
// the first record the group has not consumed is: now minus its timestamp, read with one Fetch at
// the committed offset). A group that has caught up is 0 behind in both.
import { ErrorCode } from '../protocol/error-codes.js'
import { fetchRecords } from './fetch-records.js'
import type { KafkaClient } from './kafka-client.js'
import { KafkaError } from './kafka-error.js'
import { LATEST, listOffsets } from './list-offsets.js'

export interface PartitionPosition {
  readonly topic: string
  readonly partition: number
  /** null for an assigned partition the group has not committed yet. */
  readonly committedOffset: bigint | null
}

export interface PartitionLag extends PartitionPosition {
  /** null when the topic or partition no longer exists. */
  readonly logEndOffset: bigint | null
  /** logEndOffset - committedOffset, never negative; null without either. */
  readonly lag: bigint | null
  /**
   * Milliseconds since the first record after the committed offset was written (its timestamp),
   * 0 when caught up; null without a committed offset, or when that record cannot be read (the
   * committed offset is before the log start offset, after retention removed it).
   */
  readonly lagMs: number | null
}

/** The lag of each of `positions` at `nowMs`, in the order given. */
export async function consumerLag(client: KafkaClient, positions: readonly PartitionPosition[], nowMs: number): Promise<PartitionLag[]> {
  const byTopic = new Map<string, PartitionPosition[]>()
  for (const position of positions) byTopic.set(position.topic, [...(byTopic.get(position.topic) ?? []), position])
  const lags = new Map<string, PartitionLag>()
  await Promise.all([...byTopic].map(async ([topic, ofTopic]) => {
    for (const lag of await topicLag(client, topic, ofTopic, nowMs)) lags.set(`${lag.partition}:${topic}`, lag)
  }))
  return positions.map((position) => lags.get(`${position.partition}:${position.topic}`)!)
}

async function topicLag(client: KafkaClient, topic: string, positions: readonly PartitionPosition[], nowMs: number): Promise<PartitionLag[]> {
  let leaders: Map<number, number>
  let logEndOffsets: Map<number, bigint>
  try {
    leaders = await client.partitionLeaders(topic)
    const existing = positions.map((position) => position.partition).filter((partition) => leaders.has(partition))
    logEndOffsets = new Map((await listOffsets(client, topic, LATEST, existing)).map((found) => [found.partition, found.offset]))
  } catch (error) {
    // Offsets committed for a topic since deleted: Kafka's tool shows them without a log end offset.
    if (!(error instanceof KafkaError) || error.errorCode !== ErrorCode.UNKNOWN_TOPIC_OR_PARTITION) throw error
    return positions.map((position) => ({ ...position, logEndOffset: null, lag: null, lagMs: null }))
  }
  return Promise.all(positions.map(async (position): Promise<PartitionLag> => {
    const logEndOffset = logEndOffsets.get(position.partition) ?? null
    const committed = position.committedOffset
    if (logEndOffset === null || committed === null) return { ...position, logEndOffset, lag: null, lagMs: null }
    const lag = logEndOffset > committed ? logEndOffset - committed : 0n
    if (lag === 0n) return { ...position, logEndOffset, lag, lagMs: 0 }
    return { ...position, logEndOffset, lag, lagMs: await ageOfRecordAt(client, leaders.get(position.partition)!, topic, position.partition, committed, nowMs) }
  }))
}

/** How many fetches to spend skipping control batches (transaction markers) before giving up on a record. */
const MAX_FETCHES_FOR_A_RECORD = 10

/** Milliseconds since the timestamp of the first record at or after `offset`; null when there is none to read. */
async function ageOfRecordAt(client: KafkaClient, leader: number, topic: string, partition: number, offset: bigint, nowMs: number): Promise<number | null> {
  let fetchOffset = offset
  for (let attempt = 0; attempt < MAX_FETCHES_FOR_A_RECORD; attempt++) {
    // maxBytes 1: the broker still returns the first whole batch (KIP-74), which holds the record.
    const fetched = await fetchRecords(client, leader, topic, partition, fetchOffset, { maxBytes: 1, maxWaitMs: 0 })
    if (fetched.errorCode !== ErrorCode.NONE) return null
    const first = fetched.records[0]
    if (first !== undefined) return Math.max(0, nowMs - Number(first.timestamp))
    // Only control batches (or nothing): read on from after them.
    if (fetched.nextOffset <= fetchOffset) return null
    fetchOffset = fetched.nextOffset
  }
  return null
}
