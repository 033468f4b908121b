// A partition's log: its segments in order, the offsets (log start, log end, recovery point), the
// append path (validate, assign offsets by patching the header, write, index), reads as file
// slices, offset lookups, truncation and the flush policy. Retention and compaction act on it from
// outside (retention.ts, cleaner.ts); the log manager opens, flushes and closes it.
import { join } from 'node:path'
import type { Clock } from '../clock.js'
import { readRecords } from '../protocol/read-records.js'
import {
  LAST_OFFSET_DELTA_OFFSET,
  MAX_TIMESTAMP_OFFSET,
  RECORD_COUNT_OFFSET,
  TimestampType,
  readRecordBatchHeader,
  setBaseOffset,
  setMaxTimestamp,
  setPartitionLeaderEpoch,
  type RecordBatchProblem,
} from '../protocol/record-batch.js'
import { readFully, scanBatches } from './batch-scanner.js'
import { LEADER_EPOCH_CHECKPOINT_FILE, writeLeaderEpochCheckpoint, type EpochEndOffset, type LeaderEpochCache } from './leader-epoch-checkpoint.js'
import { batchRefusal } from './append-validation.js'
import { loadLog } from './log-loader.js'
import { isCompacted, type LogConfig } from './log-config.js'
import { LogSegment, type FileSlice } from './segment.js'
import type { Storage } from './storage.js'
import { StorageError } from './storage-error.js'
import { timestampOfRecordAtOrAfter } from './timestamp-of-record-at-or-after.js'

/** ListOffsets' special timestamps (Kafka's ListOffsetsRequest). */
export const LATEST_TIMESTAMP = -1n
export const EARLIEST_TIMESTAMP = -2n
export const MAX_TIMESTAMP = -3n

/**
 * How long after a roll the old segment is fsync'd (Kafka schedules it at once). A fresh 1 GiB
 * segment is all dirty pages, and fsyncing it holds the file system's journal, so every append
 * stalls behind it for about a second; 35 s later the kernel's own writeback (dirty pages expire
 * after 30 s by default) has written nearly all of it and the fsync is cheap. The recovery point
 * moves after it either way, so recovery after a crash rescans what was not yet fsync'd, and cuts
 * the log where a rolled segment lost its tail (open()). Compacted logs fsync at the roll.
 */
const ROLLED_SEGMENT_FLUSH_DELAY_MS = 35_000

/** Int32 offset deltas inside a segment: a segment never spans more offsets than this. */
const MAX_OFFSETS_PER_SEGMENT = 2n ** 31n - 1n

export type AppendResult =
  | {
      readonly ok: true
      readonly baseOffset: bigint
      readonly lastOffset: bigint
      /** The broker's time when message.timestamp.type is LogAppendTime, else -1. */
      readonly logAppendTime: bigint
      readonly logStartOffset: bigint
      readonly recordCount: number
    }
  /** A batch the log refuses (CORRUPT_MESSAGE, INVALID_RECORD, MESSAGE_TOO_LARGE for the client). */
  | { readonly ok: false; readonly problem: RecordBatchProblem | 'batch-too-large' | 'invalid-timestamp'; readonly reason: string }
  /** The disk failed (KAFKA_STORAGE_ERROR): nothing of the batch is acknowledged. */
  | { readonly ok: false; readonly problem: 'storage'; readonly reason: string; readonly error: StorageError }

export type ReadResult =
  | { readonly ok: true; readonly slice: FileSlice | undefined }
  | { readonly ok: false; readonly problem: 'offset-out-of-range'; readonly reason: string }
  | { readonly ok: false; readonly problem: 'storage'; readonly reason: string; readonly error: StorageError }

/** An append waiting in the queue, and what it is given once its group is written. */
interface PendingAppend {
  readonly batch: Buffer
  readonly leaderEpoch: number
  readonly resolve: (result: AppendResult) => void
  baseOffset: bigint
  lastOffset: bigint
  maxTimestamp: bigint
  logAppendTime: bigint
}

export interface OffsetAndTimestamp {
  readonly offset: bigint
  readonly timestamp: bigint
}

export interface PartitionLogOptions {
  readonly storage: Storage
  /** `<log.dir>/<topic>-<partition>` */
  readonly directory: string
  readonly config: LogConfig
  readonly clock: Clock
  /** Offset below which everything is known to be flushed (recovery-point-offset-checkpoint). */
  readonly recoveryPoint: bigint
  /** From log-start-offset-checkpoint: may be above the first segment's base after DeleteRecords. */
  readonly logStartOffset: bigint
  /** From replication-offset-checkpoint: the high watermark at the last checkpoint (0 when new). */
  readonly highWatermark?: bigint
  /** The log dir was shut down cleanly: segments and indexes are trusted without a scan. */
  readonly hadCleanShutdown: boolean
  /** Called when the disk fails under this log, so the manager can take the log dir offline. */
  readonly onStorageError?: (error: StorageError) => void
}

/** What opening the log found, for the caller's log line. */
export interface LogRecoveryReport {
  readonly recoveredSegments: number
  readonly truncatedBytes: number
  readonly deletedSegments: number
  readonly reasons: string[]
}

export class PartitionLog {
  private segments: LogSegment[]
  private endOffset: bigint
  private startOffset: bigint
  private flushedOffset: bigint
  private highWatermarkOffset: bigint
  /** The epoch cache changed since leader-epoch-checkpoint was written (truncations write lazily). */
  private isEpochCheckpointStale: boolean
  private unflushedRecords = 0
  private oldestUnflushedAppendMs: number | undefined
  /** Appends run one at a time: offsets are assigned in file order. */
  /** Appends waiting for the next group (see appendQueued). */
  private readonly queuedAppends: PendingAppend[] = []
  /** Appends and paused tasks waiting for the one running to finish (see serially). */
  private readonly queuedTasks: Array<() => Promise<unknown>> = []
  private isTaskRunning = false
  /** Segments renamed .deleted, removed for good after file.delete.delay.ms. */
  private readonly pendingDeletes: Array<{ segment: LogSegment; dueMs: number }> = []
  private readonly rollJitters = new WeakMap<LogSegment, number>()
  private isClosed = false
  /** Segments rolled away from and not yet fsync'd, oldest first (see flushRolledSegments). */
  private readonly rolledUnflushed: Array<{ readonly segment: LogSegment; readonly upToOffset: bigint; readonly dueMs: number }> = []
  /** The rolled-segment fsyncs in progress. */
  private pendingRollFlush: Promise<void> = Promise.resolve()
  /** Segments created without a directory fsync, and how many of them a directory fsync covers. */
  private unsyncedDirectoryChanges = 0
  private syncedDirectoryChanges = 0
  /** Set when the log dir went offline: every append and read fails with it from then on. */
  private offlineError: StorageError | undefined

  private constructor(
    private readonly options: PartitionLogOptions,
    segments: LogSegment[],
    endOffset: bigint,
    private currentConfig: LogConfig,
    readonly recovery: LogRecoveryReport,
    /** Leader epoch → first offset (leader-epoch-checkpoint), for OffsetForLeaderEpoch and truncation. */
    private readonly epochs: LeaderEpochCache,
  ) {
    this.segments = segments
    this.endOffset = endOffset
    this.startOffset = options.logStartOffset > segments[0]!.baseOffset ? options.logStartOffset : segments[0]!.baseOffset
    if (this.startOffset > endOffset) this.startOffset = endOffset
    this.flushedOffset = options.recoveryPoint < endOffset ? options.recoveryPoint : endOffset
    this.highWatermarkOffset = this.clampToLog(options.highWatermark ?? 0n)
    // A checkpoint written before a crash may name offsets that recovery cut away.
    const isCutAtEnd = epochs.truncateFromEnd(endOffset)
    const isCutAtStart = epochs.truncateFromStart(this.startOffset)
    this.isEpochCheckpointStale = isCutAtEnd || isCutAtStart
    if (recovery.recoveredSegments > 0) this.flushedOffset = endOffset
  }

  /** Opens the log in `directory` (creating it when new) and recovers it after an unclean stop (log-loader.ts). */
  static async open(options: PartitionLogOptions): Promise<PartitionLog> {
    const { segments, endOffset, report, epochs } = await loadLog(options)
    return new PartitionLog(options, segments, endOffset, options.config, report, epochs)
  }

  /** The log dir failed: refuse appends and reads from now on (KAFKA_STORAGE_ERROR). */
  markOffline(error: StorageError): void {
    this.offlineError ??= error
  }

  get isOffline(): boolean {
    return this.offlineError !== undefined
  }

  get directory(): string {
    return this.options.directory
  }

  get config(): LogConfig {
    return this.currentConfig
  }

  /** A config change applies from the next append or job on (Kafka applies topic configs live). */
  updateConfig(config: LogConfig): void {
    this.currentConfig = config
    // Compacted logs rely on rolled segments being durable at once (see open()).
    if (isCompacted(config)) void this.flushRolledSegments()
  }

  get logEndOffset(): bigint {
    return this.endOffset
  }

  get logStartOffset(): bigint {
    return this.startOffset
  }

  /**
   * The high watermark: consumers read below it. Replication decides it; the log keeps it within
   * [log start, log end] and checkpoints it (replication-offset-checkpoint).
   */
  get highWatermark(): bigint {
    return this.highWatermarkOffset
  }

  updateHighWatermark(offset: bigint): bigint {
    this.highWatermarkOffset = this.clampToLog(offset)
    return this.highWatermarkOffset
  }

  private clampToLog(offset: bigint): bigint {
    if (offset < this.startOffset) return this.startOffset
    return offset > this.endOffset ? this.endOffset : offset
  }

  /** Everything below this offset is on disk (fsync'd). */
  get recoveryPoint(): bigint {
    return this.flushedOffset
  }

  get sizeBytes(): number {
    return this.segments.reduce((total, segment) => total + segment.sizeBytes, 0)
  }

  get segmentCount(): number {
    return this.segments.length
  }

  /** The segments, oldest first (for retention, compaction and DescribeLogDirs). */
  get allSegments(): readonly LogSegment[] {
    return this.segments
  }

  private get activeSegment(): LogSegment {
    return this.segments[this.segments.length - 1]!
  }

  /**
   * Appends one batch as produced: validates it, assigns offsets from the log end by patching its
   * header (and the leader epoch, and the timestamp under LogAppendTime), writes it and indexes
   * it. With flush.messages reached it is fsync'd before the result is returned. The batch buffer
   * is modified in place.
   */
  append(batch: Buffer, leaderEpoch: number): Promise<AppendResult> {
    if (this.isClosed) return Promise.reject(new RangeError(`log ${this.directory} is closed`))
    if (this.queuedAppends.length === 0 && !this.isTaskRunning) {
      // Nothing in progress: a group of one, without the queue's extra promise (the common case).
      let answer: AppendResult | undefined
      const item: PendingAppend = { batch, leaderEpoch, resolve: (result) => { answer = result }, baseOffset: -1n, lastOffset: -1n, maxTimestamp: -1n, logAppendTime: -1n }
      return this.serially(() => this.appendItems([item]).then(() => answer!))
    }
    return new Promise((resolve) => {
      this.queuedAppends.push({ batch, leaderEpoch, resolve, baseOffset: -1n, lastOffset: -1n, maxTimestamp: -1n, logAppendTime: -1n })
      // One task appends everything queued by the time it runs (see appendQueued).
      if (this.queuedAppends.length === 1) void this.serially(() => this.appendQueued())
    })
  }

  /**
   * Runs `task` after every earlier append or paused task. When nothing is queued it starts at
   * once, so an append on an idle log reaches the disk without waiting for another turn.
   */
  private serially<T>(task: () => Promise<T>): Promise<T> {
    if (this.queuedTasks.length === 0 && !this.isTaskRunning) {
      this.isTaskRunning = true
      const run = task()
      run.then(this.startNextTask, this.startNextTask)
      return run
    }
    return new Promise<T>((resolve, reject) => {
      this.queuedTasks.push(() => {
        const run = task()
        run.then(resolve, reject)
        return run
      })
    })
  }

  /** Runs the next queued task when one finishes (the queue only orders; results go to callers). */
  private readonly startNextTask = (): void => {
    const next = this.queuedTasks.shift()
    if (next === undefined) {
      this.isTaskRunning = false
      return
    }
    next().then(this.startNextTask, this.startNextTask)
  }

  /**
   * Appends every batch queued since the last turn as one group: each is validated and given its
   * offsets in order, and the group goes to the segment in one write. Under load the queue grows
   * while a write is in progress, so groups grow with it and the cost of a write (a syscall, and
   * the kernel's throttling of dirty pages) is shared by many batches instead of capping the
   * partition at one write per batch. A batch the log refuses fails alone; a disk error fails the
   * whole group (nothing of it is acknowledged).
   */
  private appendQueued(): Promise<void> {
    return this.appendItems(this.queuedAppends.splice(0, this.queuedAppends.length))
  }

  private async appendItems(queued: readonly PendingAppend[]): Promise<void> {
    let group: PendingAppend[] = []
    let groupBytes = 0
    for (let index = 0; index < queued.length; index++) {
      const item = queued[index]!
      const refusal = this.refusal(item.batch)
      if (refusal !== undefined) {
        item.resolve(refusal)
        continue
      }
      const offsetDelta = BigInt(item.batch.readInt32BE(LAST_OFFSET_DELTA_OFFSET))
      const isNewEpoch = item.leaderEpoch >= 0 && (this.epochs.latestEpoch === undefined || item.leaderEpoch > this.epochs.latestEpoch)
      // A group shares one segment and one leader epoch: what is gathered is written first.
      if (group.length > 0) {
        const active = this.activeSegment
        const isRollDue = this.needsRoll(active, item.batch.length, group[group.length - 1]!.lastOffset + 1n + offsetDelta, groupBytes)
        if (isRollDue || isNewEpoch) {
          if (!(await this.writeGroup(group))) return this.failAll(queued.slice(index))
          group = []
          groupBytes = 0
        }
      }
      const baseOffset = group.length === 0 ? this.endOffset : group[group.length - 1]!.lastOffset + 1n
      const lastOffset = baseOffset + offsetDelta
      try {
        // Kafka records a new epoch's start offset durably before the epoch's first batch.
        if (isNewEpoch && this.epochs.assign(item.leaderEpoch, baseOffset)) await this.writeEpochCheckpoint()
        if (group.length === 0) {
          const active = this.activeSegment
          if (!active.areIndexesLoaded || this.needsRoll(active, item.batch.length, lastOffset, 0)) await this.maybeRoll(item.batch.length, lastOffset)
        }
      } catch (error) {
        if (!(error instanceof StorageError)) throw error
        this.goOffline(error)
        return this.failAll(queued.slice(index))
      }
      this.patchForAppend(item, baseOffset, lastOffset)
      group.push(item)
      groupBytes += item.batch.length
    }
    if (group.length > 0) await this.writeGroup(group)
  }

  /** Why the log refuses a batch before anything is written (offline, or append-validation.ts). */
  private refusal(batch: Buffer): AppendResult | undefined {
    if (this.offlineError !== undefined) return { ok: false, problem: 'storage', reason: this.offlineError.message, error: this.offlineError }
    return batchRefusal(batch, this.currentConfig, this.options.clock)
  }

  /** Assigns the batch its offsets, leader epoch and (under LogAppendTime) timestamp, in place. */
  private patchForAppend(item: PendingAppend, baseOffset: bigint, lastOffset: bigint): void {
    const { batch } = item
    setBaseOffset(batch, baseOffset)
    setPartitionLeaderEpoch(batch, item.leaderEpoch)
    item.baseOffset = baseOffset
    item.lastOffset = lastOffset
    item.maxTimestamp = batch.readBigInt64BE(MAX_TIMESTAMP_OFFSET)
    if (this.currentConfig.messageTimestampType === 'LogAppendTime') {
      item.logAppendTime = BigInt(this.options.clock.nowMs())
      item.maxTimestamp = item.logAppendTime
      setMaxTimestamp(batch, TimestampType.LOG_APPEND_TIME, item.logAppendTime)
    }
  }

  /**
   * Writes a group (offsets assigned from the log end) to the active segment in one write, moves
   * the log end past it and, with flush.messages reached, fsyncs before answering. Returns false
   * (every item answered with the storage error) when the disk failed.
   */
  private async writeGroup(group: PendingAppend[]): Promise<boolean> {
    const segment = this.activeSegment
    const sizeBefore = segment.sizeBytes
    try {
      try {
        await segment.appendBatches(group)
      } catch (error) {
        // Cut any partial write; if even that fails, recovery cuts it at the next start (the log
        // goes offline below either way, so nothing is appended after it meanwhile).
        await segment.truncateToSize(sizeBefore).catch((truncateError: unknown) => {
          if (!(truncateError instanceof StorageError)) throw truncateError
        })
        throw error
      }
      const last = group[group.length - 1]!
      this.endOffset = last.lastOffset + 1n
      for (const item of group) this.unflushedRecords += item.batch.readInt32BE(RECORD_COUNT_OFFSET)
      this.oldestUnflushedAppendMs ??= this.options.clock.nowMs()
      if (this.unflushedRecords >= this.currentConfig.flushMessages) await this.flush()
    } catch (error) {
      if (!(error instanceof StorageError)) throw error
      this.goOffline(error)
      for (const item of group) item.resolve({ ok: false, problem: 'storage', reason: error.message, error })
      return false
    }
    for (const item of group) {
      item.resolve({
        ok: true, baseOffset: item.baseOffset, lastOffset: item.lastOffset, logAppendTime: item.logAppendTime,
        logStartOffset: this.startOffset, recordCount: item.batch.readInt32BE(RECORD_COUNT_OFFSET),
      })
    }
    return true
  }

  /**
   * As Kafka takes the log dir offline: after a failed write or fsync the kernel may have dropped
   * dirty pages, so a later success could not prove anything durable.
   */
  private goOffline(error: StorageError): void {
    this.markOffline(error)
    this.options.onStorageError?.(error)
  }

  /** Answers appends that can no longer be written (the log went offline). */
  private failAll(items: readonly PendingAppend[]): void {
    for (const item of items) {
      const refusal = this.refusal(item.batch)
      if (refusal !== undefined) item.resolve(refusal)
    }
  }

  /** Rolls to a new segment when the batch would not fit, the segment is old, or its index is full. */
  private async maybeRoll(batchBytes: number, lastOffset: bigint): Promise<LogSegment> {
    const segment = this.activeSegment
    if (!segment.areIndexesLoaded) await segment.loadIndexes()
    return this.needsRoll(segment, batchBytes, lastOffset) ? this.roll() : segment
  }

  /**
   * Kafka's roll conditions: the batch would not fit, the segment is old, its index or offset range
   * is full. `pendingBytes` are batches of the same group not yet written to the segment.
   */
  private needsRoll(segment: LogSegment, batchBytes: number, lastOffset: bigint, pendingBytes = 0): boolean {
    const sizeBytes = segment.sizeBytes + pendingBytes
    if (sizeBytes === 0) return false
    const config = this.currentConfig
    const ageMs = this.options.clock.nowMs() - segment.createdAtMs
    return (
      sizeBytes + batchBytes > config.segmentBytes ||
      ageMs > config.segmentMs - this.rollJitterOf(segment, config) ||
      segment.isIndexFull ||
      lastOffset - segment.baseOffset > MAX_OFFSETS_PER_SEGMENT
    )
  }

  /**
   * segment.jitter.ms: each segment rolls up to that much earlier than segment.ms, a random amount
   * chosen per segment (as Kafka does), so partitions created together do not all roll together.
   */
  private rollJitterOf(segment: LogSegment, config: LogConfig): number {
    if (config.segmentJitterMs <= 0) return 0
    let jitter = this.rollJitters.get(segment)
    if (jitter === undefined) {
      jitter = Math.floor(Math.random() * Math.min(config.segmentJitterMs, config.segmentMs))
      this.rollJitters.set(segment, jitter)
    }
    return jitter
  }

  /** Starts a new active segment at the log end offset. */
  async roll(): Promise<LogSegment> {
    const previous = this.activeSegment
    if (previous.sizeBytes === 0) return previous
    await previous.onRoll()
    const isFlushedNow = isCompacted(this.currentConfig)
    if (isFlushedNow) await previous.flush()
    // The directory fsync is left to the flush too (as Kafka's LocalLog.flush does it): it is a
    // journal commit, which waits for the writeback of everything written before it.
    const segment = await LogSegment.create(
      this.options.storage,
      this.directory,
      this.endOffset,
      { indexIntervalBytes: this.currentConfig.indexIntervalBytes, maxIndexBytes: this.currentConfig.segmentIndexBytes },
      this.options.clock.nowMs(),
      '',
      isFlushedNow,
    )
    if (!isFlushedNow) this.unsyncedDirectoryChanges++
    this.segments.push(segment)
    if (isFlushedNow) this.markFlushed(segment.baseOffset)
    else this.rolledUnflushed.push({ segment: previous, upToOffset: segment.baseOffset, dueMs: this.options.clock.nowMs() + ROLLED_SEGMENT_FLUSH_DELAY_MS })
    return segment
  }

  /** fsyncs the log's directory when segments were created without it (see roll). */
  private async syncDirectoryIfChanged(): Promise<void> {
    const changes = this.unsyncedDirectoryChanges
    if (changes === this.syncedDirectoryChanges) return
    await this.options.storage.syncDirectory(this.directory)
    if (changes > this.syncedDirectoryChanges) this.syncedDirectoryChanges = changes
  }

  /** True when a rolled segment waits for its fsync and its delay has passed (the manager's flush job). */
  hasDueRolledSegments(nowMs: number): boolean {
    return this.rolledUnflushed.length > 0 && this.rolledUnflushed[0]!.dueMs <= nowMs
  }

  /**
   * fsyncs the rolled segments whose delay has passed (all of them without `nowMs`), then moves
   * the recovery point past them. Runs beside appends, not in their queue; operations that
   * close or remove segments wait for it first. A segment removed meanwhile (retention,
   * compaction) is skipped: its records are gone or rewritten and flushed by the cleaner.
   */
  flushRolledSegments(nowMs?: number): Promise<void> {
    const due = nowMs === undefined ? this.rolledUnflushed.length : this.rolledUnflushed.findIndex((rolled) => rolled.dueMs > nowMs)
    const batch = this.rolledUnflushed.splice(0, due < 0 ? this.rolledUnflushed.length : due)
    if (batch.length === 0) return this.pendingRollFlush
    this.pendingRollFlush = this.pendingRollFlush.then(async () => {
      for (const { segment, upToOffset } of batch) {
        if (this.offlineError !== undefined || this.isClosed) return
        try {
          // The segment's own directory entry was left unsynced at its creation.
          await this.syncDirectoryIfChanged()
          if (this.segments.includes(segment)) await segment.flush()
          this.markFlushed(upToOffset)
        } catch (error) {
          if (!(error instanceof StorageError)) throw error
          this.markOffline(error)
          this.options.onStorageError?.(error)
          return
        }
      }
    })
    return this.pendingRollFlush
  }

  /** The leader epochs and where each starts, oldest first. */
  get leaderEpochs(): ReturnType<LeaderEpochCache['entries']> {
    return this.epochs.entries()
  }

  get latestLeaderEpoch(): number | undefined {
    return this.epochs.latestEpoch
  }

  /** OffsetForLeaderEpoch: where `epoch` ended in this log (KIP-101, KIP-279). */
  endOffsetForEpoch(epoch: number): EpochEndOffset {
    return this.epochs.endOffsetFor(epoch, this.endOffset)
  }

  private async writeEpochCheckpoint(): Promise<void> {
    await writeLeaderEpochCheckpoint(this.options.storage, join(this.directory, LEADER_EPOCH_CHECKPOINT_FILE), this.epochs.entries())
    this.isEpochCheckpointStale = false
  }

  /** Makes every appended batch durable and moves the recovery point to the log end. */
  async flush(): Promise<void> {
    if (this.isEpochCheckpointStale) await this.writeEpochCheckpoint()
    const target = this.endOffset
    await this.syncDirectoryIfChanged()
    // Every segment is fsync'd below, so the rolled ones waiting for theirs are covered too.
    this.rolledUnflushed.length = 0
    for (let index = 0; index < this.segments.length; index++) {
      const next = this.segments[index + 1]
      // Segments that end at or below the recovery point are already durable.
      if (next !== undefined && next.baseOffset <= this.flushedOffset) continue
      await this.segments[index]!.flush()
    }
    this.markFlushed(target)
  }

  private markFlushed(offset: bigint): void {
    if (offset > this.flushedOffset) this.flushedOffset = offset
    if (this.flushedOffset >= this.endOffset) {
      this.unflushedRecords = 0
      this.oldestUnflushedAppendMs = undefined
    }
  }

  /** True when flush.ms has passed since the oldest unflushed append (the manager's flush job). */
  isFlushDue(nowMs: number): boolean {
    return this.oldestUnflushedAppendMs !== undefined && nowMs - this.oldestUnflushedAppendMs >= this.currentConfig.flushMs
  }

  /**
   * Reads from the batch holding `offset`: at most `maxBytes` (but the first batch whole when
   * `isMinOneBatch`), only below `maxOffset` (the high watermark or last stable offset), from one
   * segment. Offsets outside [log start, log end] are OFFSET_OUT_OF_RANGE.
   */
  async read(offset: bigint, maxBytes: number, options: { readonly maxOffset?: bigint; readonly isMinOneBatch?: boolean } = {}): Promise<ReadResult> {
    if (this.offlineError !== undefined) return { ok: false, problem: 'storage', reason: this.offlineError.message, error: this.offlineError }
    if (offset < this.startOffset || offset > this.endOffset) {
      return { ok: false, problem: 'offset-out-of-range', reason: `offset ${offset} is outside [${this.startOffset}, ${this.endOffset}]` }
    }
    const maxOffset = options.maxOffset !== undefined && options.maxOffset < this.endOffset ? options.maxOffset : this.endOffset
    if (offset >= maxOffset) return { ok: true, slice: undefined }
    for (let index = this.segmentIndexFor(offset); index < this.segments.length; index++) {
      const segment = this.segments[index]!
      const next = this.segments[index + 1]
      // Only a bound inside this segment needs a lookup; the log end is the segment's end.
      const isBoundInside = maxOffset < this.endOffset && (next === undefined || next.baseOffset > maxOffset)
      const endPosition = isBoundInside ? await segment.positionOf(maxOffset) : segment.sizeBytes
      const found = await segment.read(offset, maxBytes, endPosition, options.isMinOneBatch ?? true)
      if (found !== undefined) return { ok: true, slice: found.slice }
      // Compaction may leave a segment without the offset: the next segment continues the log.
      if (next === undefined || next.baseOffset >= maxOffset) break
    }
    return { ok: true, slice: undefined }
  }

  /** The index of the last segment whose base offset is ≤ `offset`. */
  private segmentIndexFor(offset: bigint): number {
    let low = 0
    let high = this.segments.length - 1
    while (low < high) {
      const middle = (low + high + 1) >>> 1
      if (this.segments[middle]!.baseOffset <= offset) low = middle
      else high = middle - 1
    }
    return low
  }

  /**
   * ListOffsets for one partition: EARLIEST (-2), LATEST (-1), MAX_TIMESTAMP (-3, KIP-734) or the
   * first offset whose record timestamp is ≥ `timestamp`. Undefined when no record qualifies
   * (Kafka answers offset -1 then).
   */
  async offsetForTimestamp(timestamp: bigint): Promise<OffsetAndTimestamp | undefined> {
    if (timestamp === EARLIEST_TIMESTAMP) return { offset: this.startOffset, timestamp: -1n }
    if (timestamp === LATEST_TIMESTAMP) return { offset: this.endOffset, timestamp: -1n }
    if (timestamp === MAX_TIMESTAMP) {
      let best: OffsetAndTimestamp | undefined
      for (const segment of this.segments) {
        await segment.loadIndexes()
        if (segment.largestTimestamp >= 0n && (best === undefined || segment.largestTimestamp > best.timestamp)) {
          best = { offset: segment.offsetOfLargestTimestamp, timestamp: segment.largestTimestamp }
        }
      }
      return best
    }
    for (const segment of this.segments) {
      await segment.loadIndexes()
      if (segment.largestTimestamp < timestamp) continue
      const start = segment.timeIndex.lookup(timestamp)
      const position = (await segment.findBatch(start.offset))?.position ?? 0
      const found = await this.firstRecordAtOrAfter(segment, position, timestamp)
      if (found !== undefined) return found
    }
    return undefined
  }

  private async firstRecordAtOrAfter(segment: LogSegment, position: number, timestamp: bigint): Promise<OffsetAndTimestamp | undefined> {
    for await (const location of scanBatches(segment.file, position, segment.sizeBytes)) {
      if (location.maxTimestamp < timestamp || location.lastOffset < this.startOffset) continue
      const batch = Buffer.allocUnsafe(location.sizeBytes)
      await readFully(segment.file, batch, location.sizeBytes, location.position)
      const header = readRecordBatchHeader(batch)
      if (header.timestampType === TimestampType.LOG_APPEND_TIME) {
        return { offset: header.baseOffset > this.startOffset ? header.baseOffset : this.startOffset, timestamp: header.maxTimestamp }
      }
      for (const record of await readRecords(batch)) {
        if (record.timestamp >= timestamp && record.offset >= this.startOffset) return { offset: record.offset, timestamp: record.timestamp }
      }
    }
    return undefined
  }

  /**
   * The timestamp of the first record at or after `offset` and below `maxOffset` (the high
   * watermark), for a consumer group's lag in time; an offset below the log start means the first
   * record of the log. Undefined when there is no such record, or the log is offline or cannot be
   * read: a metrics read neither fails nor takes the log dir offline (as read(), it leaves that
   * to the appends and flushes that meet the disk's failure). See timestamp-of-record-at-or-after.ts.
   */
  async timestampOfRecordAtOrAfter(offset: bigint, maxOffset: bigint): Promise<bigint | undefined> {
    if (this.offlineError !== undefined) return undefined
    const from = offset < this.startOffset ? this.startOffset : offset
    const bound = maxOffset < this.endOffset ? maxOffset : this.endOffset
    if (from >= bound) return undefined
    try {
      // A snapshot: retention and compaction may change the list while the lookup awaits.
      return await timestampOfRecordAtOrAfter(this.segments.slice(this.segmentIndexFor(from)), from, bound)
    } catch (error) {
      // Also a segment that retention deleted and closed meanwhile.
      if (error instanceof StorageError) return undefined
      throw error
    }
  }

  /**
   * Moves the log start offset forward (DeleteRecords, or retention). Segments wholly below it are
   * deleted by the next retention pass. Returns the log start offset in effect.
   */
  advanceLogStartOffset(offset: bigint): bigint {
    if (offset > this.startOffset) this.startOffset = offset > this.endOffset ? this.endOffset : offset
    if (this.highWatermarkOffset < this.startOffset) this.highWatermarkOffset = this.startOffset
    if (this.epochs.truncateFromStart(this.startOffset)) this.isEpochCheckpointStale = true
    return this.startOffset
  }

  /**
   * Removes every record at or after `offset` (a follower diverged from its leader): whole
   * segments after it are deleted and the batch holding it goes with everything after it, so the
   * log end offset becomes `offset` when it is a batch boundary (as truncation points are).
   */
  truncateTo(offset: bigint): Promise<void> {
    return this.serially(() => this.truncateNow(offset))
  }

  private async truncateNow(offset: bigint): Promise<void> {
    if (offset >= this.endOffset) return
    await this.pendingRollFlush
    const keep = Math.max(0, this.segmentIndexFor(offset))
    const removed = this.segments.splice(keep + 1)
    for (const segment of removed) await this.deleteSegment(segment)
    const segment = this.segments[keep]!
    if (segment.baseOffset >= offset && keep > 0) {
      this.segments.splice(keep, 1)
      await this.deleteSegment(segment)
      removed.push(segment)
    } else {
      await segment.truncateTo(offset)
    }
    // As in open(): removed segments must not come back after a power loss behind new appends.
    if (removed.length > 0) await this.options.storage.syncDirectory(this.directory)
    const active = this.activeSegment
    const dataEnd = (await active.readNextOffset()) ?? active.baseOffset
    this.endOffset = dataEnd < this.startOffset ? this.startOffset : dataEnd
    if (this.flushedOffset > this.endOffset) this.flushedOffset = this.endOffset
    if (this.highWatermarkOffset > this.endOffset) this.highWatermarkOffset = this.endOffset
    if (this.epochs.truncateFromEnd(this.endOffset)) await this.writeEpochCheckpoint()
  }

  /**
   * Deletes the given oldest segments (retention): renamed `.deleted` now, removed after
   * file.delete.delay.ms. The active segment is never deleted; if all data goes, a new empty
   * segment starts at the log end.
   */
  async deleteOldestSegments(count: number): Promise<number> {
    await this.pendingRollFlush
    let deleted = 0
    while (deleted < count && this.segments.length > 0) {
      if (this.segments.length === 1) {
        if (this.activeSegment.sizeBytes === 0) break
        await this.roll()
      }
      const segment = this.segments.shift()!
      await this.deleteSegment(segment)
      deleted++
    }
    const first = this.segments[0]!
    if (first.baseOffset > this.startOffset) this.startOffset = first.baseOffset
    return deleted
  }

  private async deleteSegment(segment: LogSegment): Promise<void> {
    await segment.markDeleted()
    this.pendingDeletes.push({ segment, dueMs: this.options.clock.nowMs() + this.currentConfig.fileDeleteDelayMs })
  }

  /** Removes `.deleted` files whose delay has passed (the manager's background job). */
  async removeDeletedSegments(nowMs: number, force = false): Promise<number> {
    let removed = 0
    while (this.pendingDeletes.length > 0 && (force || this.pendingDeletes[0]!.dueMs <= nowMs)) {
      await this.pendingDeletes.shift()!.segment.destroy()
      removed++
    }
    return removed
  }

  /** Replaces segments (the cleaner's output) under the append lock. */
  async replaceSegments(oldSegments: readonly LogSegment[], newSegments: readonly LogSegment[]): Promise<void> {
    await this.pendingRollFlush
    const index = this.segments.indexOf(oldSegments[0]!)
    if (index < 0 || oldSegments.some((segment, i) => this.segments[index + i] !== segment)) {
      throw new RangeError(`log ${this.directory}: segments to replace are not contiguous`)
    }
    this.segments.splice(index, oldSegments.length, ...newSegments)
    for (const segment of oldSegments) this.pendingDeletes.push({ segment, dueMs: this.options.clock.nowMs() + this.currentConfig.fileDeleteDelayMs })
  }

  /** Runs `task` between appends (the cleaner's swap, for instance). */
  withAppendsPaused<T>(task: () => Promise<T>): Promise<T> {
    return this.serially(task)
  }

  /** Flushes, writes out and trims the indexes, and closes every file (a clean shutdown). */
  close(): Promise<void> {
    // In the queue, so an append accepted before the close is flushed with the rest.
    return this.serially(async () => {
      if (this.isClosed) return
      await this.pendingRollFlush
      await this.flush()
      this.isClosed = true
      for (const segment of this.segments) await segment.close()
      await this.removeDeletedSegments(0, true)
    })
  }

  /** Closes and removes the whole partition directory (the topic was deleted). */
  delete(): Promise<void> {
    return this.serially(async () => {
      await this.pendingRollFlush
      this.isClosed = true
      for (const segment of this.segments) await segment.close()
      for (const { segment } of this.pendingDeletes) await segment.destroy()
      await this.options.storage.removeDirectory(this.directory)
    })
  }
}
