// The partitions this broker hosts (Kafka's ReplicaManager): it reacts to metadata changes by
// creating, updating and deleting partition logs, and serves the data plane by topic and
// partition: appends from producers, reads for consumers (parking a fetch until the high
// watermark moves or its wait runs out), and offset lookups. Wire versions stay in the handlers.
import type { Logger } from 'pino'
import type { Clock } from '../clock.js'
import type { LogManager } from '../log/log-manager.js'
import { readFileSlice } from '../log/batch-scanner.js'
import { UNDEFINED_EPOCH, UNDEFINED_EPOCH_OFFSET } from '../log/leader-epoch-checkpoint.js'
import { EARLIEST_TIMESTAMP, LATEST_TIMESTAMP, MAX_TIMESTAMP, type PartitionLog } from '../log/partition-log.js'
import { readPartitionMetadata } from '../log/partition-metadata.js'
import type { Storage } from '../log/storage.js'
import { topicPartitionKey } from '../log/topic-partition.js'
import type { MetadataChanges } from '../metadata/delta.js'
import type { MetadataImage, PartitionRegistration } from '../metadata/image.js'
import { INTERNAL_TOPICS } from '../metadata/internal-topics.js'
import { ErrorCode } from '../protocol/error-codes.js'
import { RecordChunks, type RecordBytes } from '../protocol/record-bytes.js'
import { Partition, type PartitionAppendResult } from './partition.js'
import { RecentBatches, RecentBatchesBudget } from './recent-batches.js'
import { forEachBounded } from '../for-each-bounded.js'
import type { BrokerTopicStats } from './broker-topic-stats.js'

/** Kafka's IsolationLevel: READ_UNCOMMITTED 0, READ_COMMITTED 1. */
export const IsolationLevel = { READ_UNCOMMITTED: 0, READ_COMMITTED: 1 } as const


const NO_RECORDS = Buffer.alloc(0)

/** Partition logs opened, created or deleted at once when a metadata delta is applied. */
const PARTITION_CHANGE_CONCURRENCY = 16


export interface ReplicaManagerOptions {
  readonly nodeId: number
  readonly clock: Clock
  readonly logManager: LogManager
  readonly storage: Storage
  /** min.insync.replicas of a topic (its override, else the broker's). */
  readonly minInsyncReplicas: (topic: string) => number
  /** Bytes of recent batches kept in memory for tail reads, across all partitions (0: none). */
  readonly recentBatchesBytes?: number
  readonly logger?: Logger
  /** Client traffic per topic, for the metrics; none when absent. */
  readonly topicStats?: BrokerTopicStats
}

function isUnknownTopic(errorCode: number): boolean {
  return errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION || errorCode === ErrorCode.UNKNOWN_TOPIC_ID
}

/** Errors for which Kafka counts a batch's bytes as rejected: the batch itself is unacceptable. */
const CONTENT_REFUSALS: ReadonlySet<number> = new Set([
  ErrorCode.MESSAGE_TOO_LARGE, ErrorCode.RECORD_LIST_TOO_LARGE, ErrorCode.CORRUPT_MESSAGE,
  ErrorCode.INVALID_RECORD, ErrorCode.INVALID_TIMESTAMP, ErrorCode.UNSUPPORTED_COMPRESSION_TYPE,
])

/** Default of ReplicaManagerOptions.recentBatchesBytes: a few hundred ms of a fast producer. */
export const DEFAULT_RECENT_BATCHES_BYTES = 128 * 1024 * 1024

export interface FetchPartitionRequest {
  readonly topic: string
  readonly partition: number
  readonly fetchOffset: bigint
  readonly partitionMaxBytes: number
  /** -1 when the client does not know it. */
  readonly currentLeaderEpoch: number
}

export interface FetchParams {
  readonly maxWaitMs: number
  readonly minBytes: number
  readonly maxBytes: number
  readonly isolationLevel: number
  readonly partitions: readonly FetchPartitionRequest[]
}

export interface FetchPartitionResult {
  readonly topic: string
  readonly partition: number
  readonly errorCode: number
  readonly highWatermark: bigint
  readonly lastStableOffset: bigint
  readonly logStartOffset: bigint
  /** Whole batches (the last may be cut at the size limit, as Kafka's are), empty when none. */
  readonly records: RecordBytes
}

export interface ListOffsetResult {
  readonly errorCode: number
  readonly offset: bigint
  readonly timestamp: bigint
  readonly leaderEpoch: number
}

export interface DeleteRecordsResult {
  readonly errorCode: number
  /** The log start offset after the deletion; -1 on an error. */
  readonly lowWatermark: bigint
}

export interface EpochEndOffsetResult {
  readonly errorCode: number
  /** The largest epoch at or below the requested one, or -1 when the log knows none. */
  readonly leaderEpoch: number
  /** Where that epoch ends (the log end for the latest epoch), or -1. */
  readonly endOffset: bigint
}

/** DeleteRecords' offset meaning "up to the high watermark" (Kafka's DeleteRecordsRequest.HIGH_WATERMARK). */
export const DELETE_UP_TO_HIGH_WATERMARK = -1n

type Lookup = { readonly partition: Partition } | { readonly errorCode: number }

export class ReplicaManager {
  private readonly partitions = new Map<string, Partition>()
  /** Parked fetches, woken when a high watermark they wait on moves. */
  private readonly fetchWaiters = new Map<Partition, Set<() => void>>()
  private isClosed = false
  private readonly recentBatchesBudget: RecentBatchesBudget | undefined

  constructor(private readonly options: ReplicaManagerOptions) {
    const budgetBytes = options.recentBatchesBytes ?? DEFAULT_RECENT_BATCHES_BYTES
    this.recentBatchesBudget = budgetBytes > 0 ? new RecentBatchesBudget(budgetBytes) : undefined
  }

  get partitionCount(): number {
    return this.partitions.size
  }

  /** Every partition this broker hosts, in no particular order. */
  hostedPartitions(): IterableIterator<Partition> {
    return this.partitions.values()
  }

  /** The partition as this broker hosts it, or undefined. */
  partition(topic: string, partition: number): Partition | undefined {
    return this.partitions.get(topicPartitionKey(topic, partition))
  }

  /**
   * Makes the hosted partitions match an image at start-up: every partition with a replica here
   * is opened (created when missing), and logs the image does not know (a topic deleted while
   * the broker was down) are removed.
   */
  async loadImage(image: MetadataImage): Promise<void> {
    const wanted = new Set<string>()
    for (const topic of image.topics.byName.values()) {
      for (const [partitionId, registration] of topic.partitions) {
        if (!registration.replicas.includes(this.options.nodeId)) continue
        wanted.add(topicPartitionKey(topic.name, partitionId))
        await this.hostPartition(topic.name, topic.topicId, partitionId, registration, image)
      }
    }
    for (const { topicPartition } of [...this.options.logManager.allLogs()]) {
      if (wanted.has(topicPartitionKey(topicPartition.topic, topicPartition.partition))) continue
      this.options.logger?.warn({ topic: topicPartition.topic, partition: topicPartition.partition }, 'deleting a log whose topic the metadata does not have')
      await this.options.logManager.deleteLog(topicPartition.topic, topicPartition.partition)
    }
  }

  /** Applies a committed metadata delta: deletions first, so a reused topic name gets a new log. */
  async applyChanges(changes: MetadataChanges, image: MetadataImage): Promise<void> {
    for (const topic of changes.topicsDeleted) {
      for (const partitionId of topic.partitions.keys()) await this.stopHosting(topic.name, partitionId)
    }
    // Partitions are independent: a CreateTopics of many topics opens their logs side by side, so
    // the file system's fsyncs of one partition overlap with the next one's (ext4 commits them together).
    await forEachBounded(changes.partitionsChanged, PARTITION_CHANGE_CONCURRENCY, async (change) => {
      if (change.current.replicas.includes(this.options.nodeId)) {
        await this.hostPartition(change.topicName, change.topicId, change.partitionId, change.current, image)
      } else if (change.previous?.replicas.includes(this.options.nodeId) === true) {
        await this.stopHosting(change.topicName, change.partitionId)
      }
    })
  }

  private async hostPartition(topic: string, topicId: string, partitionIndex: number, registration: PartitionRegistration, image: MetadataImage): Promise<void> {
    const key = topicPartitionKey(topic, partitionIndex)
    const existing = this.partitions.get(key)
    if (existing !== undefined && existing.topicId === topicId) {
      existing.update(registration)
      return
    }
    const { logManager, storage } = this.options
    const onDisk = logManager.getLog(topic, partitionIndex)
    if (onDisk !== undefined) {
      // A log left by an earlier topic of the same name (deleted while this broker was down).
      const metadata = await readPartitionMetadata(storage, onDisk.directory)
      if (metadata !== undefined && metadata.topicId !== topicId) {
        this.options.logger?.warn({ topic, partition: partitionIndex, staleTopicId: metadata.topicId, topicId }, 'replacing the log of an earlier topic with the same name')
        await logManager.deleteLog(topic, partitionIndex)
      }
    }
    const log = await logManager.getOrCreateLog(topic, partitionIndex, topicId)
    if (image.topic(topic)?.topicId !== topicId) return
    const partition = new Partition({
      topic, topicId, partitionIndex, nodeId: this.options.nodeId, log, registration,
      minInsyncReplicas: () => this.options.minInsyncReplicas(topic),
      onHighWatermark: (moved) => this.wakeFetches(moved),
      ...(this.recentBatchesBudget === undefined ? {} : { recentBatches: new RecentBatches(this.recentBatchesBudget) }),
    })
    this.partitions.set(key, partition)
    partition.maybeIncrementHighWatermark()
  }

  private async stopHosting(topic: string, partitionIndex: number): Promise<void> {
    const key = topicPartitionKey(topic, partitionIndex)
    const partition = this.partitions.get(key)
    this.partitions.delete(key)
    if (partition !== undefined) {
      partition.close()
      this.wakeFetches(partition)
    }
    await this.options.logManager.deleteLog(topic, partitionIndex)
  }

  /** The leader partition for a client request, or Kafka's error for why there is none here. */
  private lookupLeader(image: MetadataImage, topic: string, partitionIndex: number): Lookup {
    const registration = image.partition(topic, partitionIndex)
    if (registration === undefined) return { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION }
    const partition = this.partition(topic, partitionIndex)
    if (partition === undefined || !partition.isLeader) return { errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER }
    if (partition.log.isOffline) return { errorCode: ErrorCode.KAFKA_STORAGE_ERROR }
    return { partition }
  }

  /** A producer's append to one partition (Produce v3+, one batch). */
  async appendRecords(image: MetadataImage, topic: string, partitionIndex: number, records: Buffer | null, requiredAcks: number, timeoutMs: number): Promise<PartitionAppendResult> {
    if (INTERNAL_TOPICS.has(topic)) {
      return { errorCode: ErrorCode.INVALID_TOPIC_EXCEPTION, errorMessage: `Cannot append to internal topic ${topic}`, logStartOffset: -1n }
    }
    const result = await this.appendToPartition(image, topic, partitionIndex, records, requiredAcks, timeoutMs)
    const stats = this.options.topicStats
    if (stats !== undefined) {
      if ('baseOffset' in result) stats.appended(topic, records?.length ?? 0, Number(result.lastOffset - result.baseOffset) + 1)
      else stats.appendFailed(isUnknownTopic(result.errorCode) ? undefined : topic, CONTENT_REFUSALS.has(result.errorCode) ? records?.length ?? 0 : 0)
    }
    return result
  }

  /** An append on behalf of the broker itself (the coordinators' internal topics). */
  appendInternal(image: MetadataImage, topic: string, partitionIndex: number, records: Buffer, timeoutMs: number): Promise<PartitionAppendResult> {
    return this.appendToPartition(image, topic, partitionIndex, records, -1, timeoutMs)
  }

  private async appendToPartition(image: MetadataImage, topic: string, partitionIndex: number, records: Buffer | null, requiredAcks: number, timeoutMs: number): Promise<PartitionAppendResult> {
    const lookup = this.lookupLeader(image, topic, partitionIndex)
    if ('errorCode' in lookup) return { errorCode: lookup.errorCode, errorMessage: describeLookupError(lookup.errorCode, topic, partitionIndex), logStartOffset: -1n }
    if (records === null || records.length === 0) {
      return { errorCode: ErrorCode.CORRUPT_MESSAGE, errorMessage: `No records for ${topic}-${partitionIndex}`, logStartOffset: lookup.partition.log.logStartOffset }
    }
    return lookup.partition.appendRecordsAsLeader(records, requiredAcks, timeoutMs)
  }

  /**
   * Reads for a consumer, parking until `minBytes` are available or `maxWaitMs` passes (Kafka's
   * DelayedFetch). A fetch with an error in any partition, or enough bytes, answers at once.
   */
  async fetch(image: () => MetadataImage, params: FetchParams): Promise<FetchPartitionResult[]> {
    const { clock } = this.options
    const deadline = clock.nowMs() + Math.max(params.maxWaitMs, 0)
    for (;;) {
      const results = await this.readPartitions(image(), params)
      const bytes = results.reduce((sum, result) => sum + result.records.length, 0)
      const hasError = results.some((result) => result.errorCode !== ErrorCode.NONE)
      const remainingMs = deadline - clock.nowMs()
      if (bytes >= params.minBytes || hasError || remainingMs <= 0 || this.isClosed) {
        this.countFetch(results)
        return results
      }
      await this.waitForData(image(), params.partitions, results, remainingMs)
    }
  }

  private countFetch(results: readonly FetchPartitionResult[]): void {
    const stats = this.options.topicStats
    if (stats === undefined) return
    for (const result of results) {
      if (result.errorCode === ErrorCode.NONE) stats.fetched(result.topic, result.records.length)
      else stats.fetchFailed(isUnknownTopic(result.errorCode) ? undefined : result.topic)
    }
  }

  private async readPartitions(image: MetadataImage, params: FetchParams): Promise<FetchPartitionResult[]> {
    const results: FetchPartitionResult[] = []
    let remainingBytes = Math.max(params.maxBytes, 0)
    let hasData = false
    for (const request of params.partitions) {
      const result = await this.readPartition(image, request, params.isolationLevel, remainingBytes, !hasData)
      remainingBytes -= result.records.length
      hasData ||= result.records.length > 0
      results.push(result)
    }
    return results
  }

  private async readPartition(image: MetadataImage, request: FetchPartitionRequest, isolationLevel: number, remainingBytes: number, isFirstWithData: boolean): Promise<FetchPartitionResult> {
    const { topic, partition: partitionIndex } = request
    const failed = (errorCode: number, partition?: Partition): FetchPartitionResult => ({
      topic, partition: partitionIndex, errorCode, records: NO_RECORDS,
      highWatermark: partition?.log.highWatermark ?? -1n,
      lastStableOffset: partition?.lastStableOffset ?? -1n,
      logStartOffset: partition?.log.logStartOffset ?? -1n,
    })
    const lookup = this.lookupLeader(image, topic, partitionIndex)
    if ('errorCode' in lookup) return failed(lookup.errorCode)
    const { partition } = lookup
    const epochError = partition.checkLeaderEpoch(request.currentLeaderEpoch)
    if (epochError !== ErrorCode.NONE) return failed(epochError, partition)
    const log = partition.log
    // The high watermark as of this read: a parked fetch compares against it, so an append that
    // lands while the read is in progress still wakes it.
    const highWatermark = log.highWatermark
    const lastStableOffset = partition.lastStableOffset
    const maxOffset = isolationLevel === IsolationLevel.READ_COMMITTED ? lastStableOffset : highWatermark
    const maxBytes = Math.min(request.partitionMaxBytes, remainingBytes)
    // Kafka returns at least one whole batch for the first partition with data, so a batch above
    // the limits never stalls a consumer.
    const cached = request.fetchOffset >= log.logStartOffset && request.fetchOffset <= log.logEndOffset
      ? partition.recentBatches?.read(request.fetchOffset, maxOffset, maxBytes, isFirstWithData)
      : undefined
    if (cached !== undefined) {
      // Several batches go out as they are, without being joined into a new buffer.
      const records = cached.length === 0 ? NO_RECORDS : cached.length === 1 ? cached[0]! : new RecordChunks(cached)
      return { topic, partition: partitionIndex, errorCode: ErrorCode.NONE, records, highWatermark, lastStableOffset, logStartOffset: log.logStartOffset }
    }
    const read = await log.read(request.fetchOffset, maxBytes, { maxOffset, isMinOneBatch: isFirstWithData })
    if (!read.ok) return failed(read.problem === 'storage' ? ErrorCode.KAFKA_STORAGE_ERROR : ErrorCode.OFFSET_OUT_OF_RANGE, partition)
    const records = read.slice !== undefined && (maxBytes > 0 || isFirstWithData) ? await readFileSlice(read.slice) : NO_RECORDS
    return {
      topic, partition: partitionIndex, errorCode: ErrorCode.NONE, records,
      highWatermark, lastStableOffset, logStartOffset: log.logStartOffset,
    }
  }

  /**
   * Resolves when a high watermark of one of these partitions moves past what `results` saw (at
   * once when it already has), or after `timeoutMs`.
   */
  private waitForData(image: MetadataImage, requests: readonly FetchPartitionRequest[], results: readonly FetchPartitionResult[], timeoutMs: number): Promise<void> {
    const watched = new Set<Partition>()
    for (const [index, request] of requests.entries()) {
      const lookup = this.lookupLeader(image, request.topic, request.partition)
      if (!('partition' in lookup)) continue
      // Moved since the read: waiting now would miss that wake-up.
      if (lookup.partition.log.highWatermark !== results[index]?.highWatermark) return Promise.resolve()
      watched.add(lookup.partition)
    }
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer)
        for (const partition of watched) this.fetchWaiters.get(partition)?.delete(done)
        resolve()
      }
      const timer = setTimeout(done, timeoutMs)
      for (const partition of watched) {
        let waiters = this.fetchWaiters.get(partition)
        if (waiters === undefined) this.fetchWaiters.set(partition, (waiters = new Set()))
        waiters.add(done)
      }
    })
  }

  private wakeFetches(partition: Partition): void {
    const waiters = this.fetchWaiters.get(partition)
    if (waiters === undefined) return
    this.fetchWaiters.delete(partition)
    for (const wake of waiters) wake()
  }

  /**
   * ListOffsets for one partition: EARLIEST, LATEST (the high watermark, or the last stable
   * offset for read_committed), MAX_TIMESTAMP, or the first offset with a timestamp at or after
   * `timestamp`; only offsets a consumer may read count. Offset -1 when none qualifies.
   */
  async listOffset(image: MetadataImage, topic: string, partitionIndex: number, timestamp: bigint, isolationLevel: number, currentLeaderEpoch: number): Promise<ListOffsetResult> {
    const none = (errorCode: number): ListOffsetResult => ({ errorCode, offset: -1n, timestamp: -1n, leaderEpoch: -1 })
    const lookup = this.lookupLeader(image, topic, partitionIndex)
    if ('errorCode' in lookup) return none(lookup.errorCode)
    const { partition } = lookup
    const epochError = partition.checkLeaderEpoch(currentLeaderEpoch)
    if (epochError !== ErrorCode.NONE) return none(epochError)
    const log = partition.log
    const lastReadable = isolationLevel === IsolationLevel.READ_COMMITTED ? partition.lastStableOffset : log.highWatermark
    if (timestamp === LATEST_TIMESTAMP) return this.offsetResult(log, lastReadable, -1n, partition)
    if (timestamp === EARLIEST_TIMESTAMP) return this.offsetResult(log, log.logStartOffset, -1n, partition)
    if (timestamp < 0n && timestamp !== MAX_TIMESTAMP) return none(ErrorCode.NONE)
    const found = await log.offsetForTimestamp(timestamp)
    if (found === undefined || found.offset >= lastReadable) return none(ErrorCode.NONE)
    return this.offsetResult(log, found.offset, found.timestamp, partition)
  }

  private offsetResult(log: PartitionLog, offset: bigint, timestamp: bigint, partition: Partition): ListOffsetResult {
    // The epoch of the batch at `offset` (the latest epoch for the log end), as Kafka answers it.
    let leaderEpoch = -1
    for (const entry of log.leaderEpochs) if (entry.startOffset <= offset) leaderEpoch = entry.epoch
    if (leaderEpoch === -1 && offset >= log.logEndOffset) leaderEpoch = partition.leaderEpoch
    return { errorCode: ErrorCode.NONE, offset, timestamp, leaderEpoch }
  }

  /**
   * DeleteRecords for one partition (Kafka's Partition.deleteRecordsOnLeader): moves the log start
   * offset to `offset` (-1: the high watermark) on the leader and returns the new low watermark.
   * With one replica in sync the leader's log start offset is the low watermark, so nothing waits.
   */
  deleteRecords(image: MetadataImage, topic: string, partitionIndex: number, offset: bigint): DeleteRecordsResult {
    const failed = (errorCode: number): DeleteRecordsResult => ({ errorCode, lowWatermark: -1n })
    // Kafka refuses internal topics here with InvalidTopicException.
    if (INTERNAL_TOPICS.has(topic)) return failed(ErrorCode.INVALID_TOPIC_EXCEPTION)
    const lookup = this.lookupLeader(image, topic, partitionIndex)
    if ('errorCode' in lookup) return failed(lookup.errorCode)
    const log = lookup.partition.log
    // Only a log that deletes may lose records on request; a compact-only log refuses (Kafka's PolicyViolationException).
    if (!log.config.cleanupPolicy.includes('delete')) return failed(ErrorCode.POLICY_VIOLATION)
    const target = offset === DELETE_UP_TO_HIGH_WATERMARK ? log.highWatermark : offset
    if (target < 0n || target > log.highWatermark) return failed(ErrorCode.OFFSET_OUT_OF_RANGE)
    return { errorCode: ErrorCode.NONE, lowWatermark: log.advanceLogStartOffset(target) }
  }

  /**
   * OffsetForLeaderEpoch for a client (Kafka's ReplicaManager.lastOffsetForLeaderEpoch, always
   * from the leader): the end offset of `leaderEpoch` in this log. As in Kafka's Partition, the
   * current leader epoch is checked before leadership, so a stale client learns it is fenced.
   */
  lastOffsetForLeaderEpoch(image: MetadataImage, topic: string, partitionIndex: number, currentLeaderEpoch: number, leaderEpoch: number): EpochEndOffsetResult {
    const failed = (errorCode: number): EpochEndOffsetResult => ({ errorCode, leaderEpoch: UNDEFINED_EPOCH, endOffset: UNDEFINED_EPOCH_OFFSET })
    const partition = this.partition(topic, partitionIndex)
    if (partition === undefined) {
      return failed(image.partition(topic, partitionIndex) === undefined ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : ErrorCode.NOT_LEADER_OR_FOLLOWER)
    }
    if (partition.log.isOffline) return failed(ErrorCode.KAFKA_STORAGE_ERROR)
    const epochError = partition.checkLeaderEpoch(currentLeaderEpoch)
    if (epochError !== ErrorCode.NONE) return failed(epochError)
    if (!partition.isLeader) return failed(ErrorCode.NOT_LEADER_OR_FOLLOWER)
    const found = partition.log.endOffsetForEpoch(leaderEpoch)
    if (found.endOffset === UNDEFINED_EPOCH_OFFSET) return failed(ErrorCode.NONE)
    return { errorCode: ErrorCode.NONE, leaderEpoch: found.epoch, endOffset: found.endOffset }
  }

  /** Wakes every parked fetch and ends acks=all waits: the broker is stopping. */
  close(): void {
    this.isClosed = true
    for (const partition of this.partitions.values()) {
      partition.close()
      this.wakeFetches(partition)
    }
  }
}

function describeLookupError(errorCode: number, topic: string, partition: number): string {
  switch (errorCode) {
    case ErrorCode.UNKNOWN_TOPIC_OR_PARTITION:
      return 'This server does not host this topic-partition.'
    case ErrorCode.NOT_LEADER_OR_FOLLOWER:
      return `This server is not the leader for ${topic}-${partition}.`
    case ErrorCode.KAFKA_STORAGE_ERROR:
      return `The log dir of ${topic}-${partition} is offline.`
    default:
      return `${topic}-${partition} is not available.`
  }
}
