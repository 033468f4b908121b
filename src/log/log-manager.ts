// The broker's logs across its log dirs: opens them at start-up (recovering after an unclean
// stop), creates and deletes partitions, writes the per-dir checkpoints, runs the background jobs
// (flush.ms, retention, removal of deleted segments, compaction) within a time budget, takes a
// log dir offline when its disk fails, and shuts everything down cleanly.
import { basename, join } from 'node:path'
import type { Logger } from 'pino'
import type { Clock } from '../clock.js'
import { LogCleaningAbortedError, cleanLog, createCleanerState, readCleanerCheckpoint, writeCleanerCheckpoint, type CleanerState } from './cleaner.js'
import type { LogConfig } from './log-config.js'
import { checkMetaProperties, newDirectoryId, readMetaProperties, writeMetaProperties } from './meta-properties.js'
import {
  LOG_START_OFFSET_CHECKPOINT_FILE,
  RECOVERY_POINT_OFFSET_CHECKPOINT_FILE,
  REPLICATION_OFFSET_CHECKPOINT_FILE,
  readOffsetCheckpoint,
  writeOffsetCheckpoint,
} from './offset-checkpoint.js'
import { writePartitionMetadata } from './partition-metadata.js'
import { PartitionLog } from './partition-log.js'
import { applyRetention } from './retention.js'
import type { Storage } from './storage.js'
import { StorageError } from './storage-error.js'
import { parseTopicPartition, topicPartitionKey, type TopicPartition } from './topic-partition.js'
import { forEachBounded } from '../for-each-bounded.js'

/** Kafka's marker of a clean shutdown in each log dir: its presence lets the next start skip recovery. */
export const CLEAN_SHUTDOWN_FILE = '.kafka_cleanshutdown'
/** Suffix of a deleted partition's directory until it is removed (Kafka's "-delete"). */
const DELETE_DIR_SUFFIX = '-delete'

export interface LogManagerOptions {
  readonly storage: Storage
  /** log.dirs */
  readonly logDirs: readonly string[]
  readonly clock: Clock
  /** The broker-level log defaults that topics fall back to. */
  readonly defaultConfig: LogConfig
  /** Per-topic configs (topic configs over the defaults); defaults when absent. */
  readonly configFor?: (topic: string) => LogConfig
  /** log.retention.check.interval.ms */
  readonly retentionCheckIntervalMs?: number
  /** log.flush.scheduler.interval.ms: how often flush.ms is checked. */
  readonly flushCheckIntervalMs?: number
  /** log.flush.offset.checkpoint.interval.ms */
  readonly checkpointIntervalMs?: number
  /** log.cleaner.backoff.ms: how often compaction looks for dirty logs. */
  readonly cleanerBackoffMs?: number
  /**
   * log.initial.task.delay.ms (Kafka's default 30 s): retention and compaction first run this long
   * after start, so a node that was down for a while does not delete data the moment it is back.
   */
  readonly initialTaskDelayMs?: number
  /** Longest a round of background jobs may run before yielding to the next timer tick. */
  readonly backgroundBudgetMs?: number
  /** Partitions opened at once at start-up. */
  readonly openConcurrency?: number
  readonly logger?: Logger
  /**
   * The node's identity: each log dir's meta.properties is written on first use and checked on
   * later starts (a mismatch refuses to start, as Kafka does). Omitted in tests of the log alone.
   */
  readonly identity?: { readonly clusterId: string; readonly nodeId: number }
  /**
   * Directory names in a log dir that look like partitions but are not this manager's (the
   * metadata log `__cluster_metadata-0`, which the metadata layer opens itself).
   */
  readonly reservedDirectories?: readonly string[]
}

interface LogDirState {
  readonly path: string
  isOnline: boolean
  readonly logs: Map<string, PartitionLog>
}

export class LogManager {
  private readonly dirs: LogDirState[]
  private readonly logDirOf = new Map<string, LogDirState>()
  private timer: NodeJS.Timeout | undefined
  private backgroundRun: Promise<void> = Promise.resolve()
  private nextDue = { retention: 0, flush: 0, checkpoint: 0, cleaner: 0 }
  /** Per compacted log, how far it has been cleaned (the log dir's cleaner-offset-checkpoint). */
  private readonly cleanerStates = new Map<PartitionLog, CleanerState>()
  /** Round-robin position of the budgeted jobs, so a large broker gets to every partition. */
  private jobCursor = 0
  private isClosed = false

  private constructor(private readonly options: LogManagerOptions) {
    const firstRunMs = options.clock.nowMs() + (options.initialTaskDelayMs ?? 30_000)
    this.nextDue.retention = firstRunMs
    this.nextDue.cleaner = firstRunMs
    this.dirs = options.logDirs.map((path) => ({ path, isOnline: true, logs: new Map() }))
  }

  /** Opens every partition in every log dir. A log dir that fails to open is marked offline. */
  static async start(options: LogManagerOptions): Promise<LogManager> {
    const manager = new LogManager(options)
    for (const dir of manager.dirs) {
      try {
        await manager.openLogDir(dir)
      } catch (error) {
        if (!(error instanceof StorageError)) throw error
        manager.takeOffline(dir, error)
      }
    }
    return manager
  }

  private async openLogDir(dir: LogDirState): Promise<void> {
    const { storage, clock } = this.options
    await storage.mkdir(dir.path)
    await this.checkIdentity(dir.path)
    const marker = join(dir.path, CLEAN_SHUTDOWN_FILE)
    const hadCleanShutdown = (await storage.sizeOf(marker)) !== undefined
    const recoveryPoints = await readOffsetCheckpoint(storage, join(dir.path, RECOVERY_POINT_OFFSET_CHECKPOINT_FILE))
    const logStartOffsets = await readOffsetCheckpoint(storage, join(dir.path, LOG_START_OFFSET_CHECKPOINT_FILE))
    const highWatermarks = await readOffsetCheckpoint(storage, join(dir.path, REPLICATION_OFFSET_CHECKPOINT_FILE))
    const cleanedOffsets = await readCleanerCheckpoint(storage, dir.path)
    const partitions: TopicPartition[] = []
    for (const name of await storage.readdir(dir.path)) {
      if (name.endsWith(DELETE_DIR_SUFFIX)) {
        await storage.removeDirectory(join(dir.path, name))
        continue
      }
      if (this.options.reservedDirectories?.includes(name) === true) continue
      const topicPartition = parseTopicPartition(name)
      if (topicPartition !== undefined) partitions.push(topicPartition)
    }
    const started = clock.nowMs()
    await forEachBounded(partitions, this.options.openConcurrency ?? 16, async ({ topic, partition }) => {
      const key = topicPartitionKey(topic, partition)
      const log = await PartitionLog.open({
        storage,
        directory: join(dir.path, key),
        config: this.configFor(topic),
        clock,
        recoveryPoint: recoveryPoints.get(key) ?? 0n,
        logStartOffset: logStartOffsets.get(key) ?? 0n,
        highWatermark: highWatermarks.get(key) ?? 0n,
        hadCleanShutdown,
        onStorageError: (error) => this.takeOffline(dir, error),
      })
      if (log.recovery.recoveredSegments > 0) {
        this.options.logger?.warn({ topic, partition, ...log.recovery, logEndOffset: log.logEndOffset.toString() }, 'recovered log after an unclean shutdown')
      }
      const cleanedOffset = cleanedOffsets.get(key)
      if (cleanedOffset !== undefined) this.cleanerStates.set(log, createCleanerState(cleanedOffset))
      this.register(dir, key, log)
    })
    // From now on a crash must be detected: the marker goes until the next clean shutdown.
    if (hadCleanShutdown) await storage.unlink(marker)
    this.options.logger?.info({ logDir: dir.path, partitions: partitions.length, hadCleanShutdown, durationMs: clock.nowMs() - started }, 'log dir loaded')
  }

  /** Formats a new log dir with meta.properties, or checks that an existing one is this node's. */
  private async checkIdentity(logDir: string): Promise<void> {
    const identity = this.options.identity
    if (identity === undefined) return
    const found = await readMetaProperties(this.options.storage, logDir)
    if (found === undefined) {
      await writeMetaProperties(this.options.storage, logDir, { version: 1, clusterId: identity.clusterId, nodeId: identity.nodeId, directoryId: newDirectoryId() })
      return
    }
    const mismatch = checkMetaProperties(found, identity, logDir)
    if (mismatch !== undefined) throw mismatch
  }

  private register(dir: LogDirState, key: string, log: PartitionLog): void {
    dir.logs.set(key, log)
    this.logDirOf.set(key, dir)
  }

  private configFor(topic: string): LogConfig {
    return this.options.configFor?.(topic) ?? this.options.defaultConfig
  }

  private takeOffline(dir: LogDirState, error: StorageError): void {
    if (!dir.isOnline) return
    dir.isOnline = false
    for (const log of dir.logs.values()) log.markOffline(error)
    this.options.logger?.error({
      logDir: dir.path, partitions: dir.logs.size, error: 'KAFKA_STORAGE_ERROR', errno: error.errno, operation: error.operation, path: error.path,
      err: error,
    }, 'log dir taken offline after a storage error')
  }

  get logDirs(): ReadonlyArray<{ readonly path: string; readonly isOnline: boolean; readonly partitionCount: number }> {
    return this.dirs.map((dir) => ({ path: dir.path, isOnline: dir.isOnline, partitionCount: dir.logs.size }))
  }

  getLog(topic: string, partition: number): PartitionLog | undefined {
    return this.logDirOf.get(topicPartitionKey(topic, partition))?.logs.get(topicPartitionKey(topic, partition))
  }

  /** Every open log with its partition (for the broker's metadata and metrics). */
  *allLogs(): Generator<{ topicPartition: TopicPartition; log: PartitionLog }> {
    for (const dir of this.dirs) {
      for (const [key, log] of dir.logs) yield { topicPartition: parseTopicPartition(key)!, log }
    }
  }

  /** Whether the log dir holding a partition is online (false also for an unknown partition). */
  isOnline(topic: string, partition: number): boolean {
    return this.logDirOf.get(topicPartitionKey(topic, partition))?.isOnline ?? false
  }

  /**
   * Returns the partition's log, creating it in the online log dir with the fewest partitions
   * (with partition.metadata naming the topic id, when given).
   */
  async getOrCreateLog(topic: string, partition: number, topicId?: string): Promise<PartitionLog> {
    const existing = this.getLog(topic, partition)
    if (existing !== undefined) return existing
    const dir = this.dirs.filter((candidate) => candidate.isOnline).sort((a, b) => a.logs.size - b.logs.size)[0]
    if (dir === undefined) throw new StorageError('ENOENT', 'create log', topicPartitionKey(topic, partition))
    const key = topicPartitionKey(topic, partition)
    const log = await PartitionLog.open({
      storage: this.options.storage,
      directory: join(dir.path, key),
      config: this.configFor(topic),
      clock: this.options.clock,
      recoveryPoint: 0n,
      logStartOffset: 0n,
      hadCleanShutdown: true,
      onStorageError: (error) => this.takeOffline(dir, error),
    })
    if (topicId !== undefined) await writePartitionMetadata(this.options.storage, log.directory, topicId)
    this.register(dir, key, log)
    return log
  }

  /**
   * Deletes a partition: its directory is renamed `…-delete` at once (so the name can be reused
   * straight away) and removed in the background.
   */
  async deleteLog(topic: string, partition: number): Promise<void> {
    const key = topicPartitionKey(topic, partition)
    const dir = this.logDirOf.get(key)
    const log = dir?.logs.get(key)
    if (dir === undefined || log === undefined) return
    dir.logs.delete(key)
    this.logDirOf.delete(key)
    this.cleanerStates.delete(log)
    await log.close()
    const renamed = join(dir.path, `${key}.${this.options.clock.nowMs().toString(36)}${DELETE_DIR_SUFFIX}`)
    await this.options.storage.rename(log.directory, renamed)
    await this.options.storage.syncDirectory(dir.path)
    void this.options.storage.removeDirectory(renamed).catch((error: unknown) => {
      this.options.logger?.warn({ path: renamed, err: error }, 'removing a deleted partition directory failed; retried at the next start')
    })
  }

  /** Writes each online dir's recovery points, log start offsets and high watermarks. */
  async checkpoint(): Promise<void> {
    for (const dir of this.dirs) {
      if (!dir.isOnline) continue
      const recoveryPoints = new Map<string, bigint>()
      const logStartOffsets = new Map<string, bigint>()
      const highWatermarks = new Map<string, bigint>()
      for (const [key, log] of dir.logs) {
        recoveryPoints.set(key, log.recoveryPoint)
        logStartOffsets.set(key, log.logStartOffset)
        highWatermarks.set(key, log.highWatermark)
      }
      const cleanedOffsets = new Map<string, bigint>()
      for (const [key, log] of dir.logs) {
        const cleaned = this.cleanerStates.get(log)?.firstDirtyOffset
        if (cleaned !== undefined) cleanedOffsets.set(key, cleaned)
      }
      try {
        await writeCleanerCheckpoint(this.options.storage, dir.path, cleanedOffsets)
        await writeOffsetCheckpoint(this.options.storage, join(dir.path, RECOVERY_POINT_OFFSET_CHECKPOINT_FILE), recoveryPoints)
        await writeOffsetCheckpoint(this.options.storage, join(dir.path, LOG_START_OFFSET_CHECKPOINT_FILE), logStartOffsets)
        await writeOffsetCheckpoint(this.options.storage, join(dir.path, REPLICATION_OFFSET_CHECKPOINT_FILE), highWatermarks)
      } catch (error) {
        if (!(error instanceof StorageError)) throw error
        this.takeOffline(dir, error)
      }
    }
  }

  /** Starts the background timer (every `tickMs`, the jobs that are due run). */
  startBackgroundJobs(tickMs = 1000): void {
    const tick = (): void => {
      this.backgroundRun = this.runDueJobs()
        .catch((error: unknown) => this.options.logger?.error({ err: error }, 'log background job failed'))
        .finally(() => {
          if (!this.isClosed) this.timer = setTimeout(tick, tickMs).unref()
        })
    }
    this.timer = setTimeout(tick, tickMs).unref()
  }

  /**
   * Runs the jobs whose interval has passed: flush.ms, retention (and removal of `.deleted`
   * segments), compaction, checkpoints. Each job stops when the time budget is spent and resumes
   * where it left off next time.
   */
  async runDueJobs(): Promise<void> {
    const now = this.options.clock.nowMs()
    const logs = [...this.onlineLogs()]
    const budgetEnd = now + (this.options.backgroundBudgetMs ?? 200)
    const due = (job: keyof LogManager['nextDue'], intervalMs: number): boolean => {
      if (now < this.nextDue[job]) return false
      this.nextDue[job] = now + intervalMs
      return true
    }
    if (due('flush', this.options.flushCheckIntervalMs ?? 1000)) {
      for (const log of logs) {
        if (log.isFlushDue(now)) await this.guard(log, () => log.flush())
        else if (log.hasDueRolledSegments(now)) await this.guard(log, () => log.flushRolledSegments(now))
      }
    }
    if (due('retention', this.options.retentionCheckIntervalMs ?? 300_000)) {
      await this.forEachWithinBudget(logs, budgetEnd, async (log) => {
        await applyRetention(log, now)
        await log.removeDeletedSegments(now)
      })
    }
    if (due('cleaner', this.options.cleanerBackoffMs ?? 15_000)) {
      await this.forEachWithinBudget(logs, budgetEnd, (log) => this.clean(log, now))
    }
    if (due('checkpoint', this.options.checkpointIntervalMs ?? 60_000)) await this.checkpoint()
  }

  /** One compaction round on a compacted log that is dirty enough (cleaner.ts decides). */
  private async clean(log: PartitionLog, nowMs: number): Promise<void> {
    if (!log.config.cleanupPolicy.includes('compact')) return
    let state = this.cleanerStates.get(log)
    if (state === undefined) {
      state = createCleanerState()
      this.cleanerStates.set(log, state)
    }
    try {
      const result = await cleanLog(log, { nowMs, storage: this.options.storage, state, isAborted: () => this.isClosed || log.isOffline })
      if (result !== undefined) {
        const topicPartition = parseTopicPartition(basename(log.directory))
        this.options.logger?.info({ topic: topicPartition?.topic, partition: topicPartition?.partition, directory: log.directory, ...stringifyBigInts(result) },
          'log cleaned')
      }
    } catch (error) {
      // A round stopped because the log is closing or went away: the next round starts over.
      if (!(error instanceof LogCleaningAbortedError)) throw error
    }
  }

  private *onlineLogs(): Generator<PartitionLog> {
    for (const dir of this.dirs) if (dir.isOnline) yield* dir.logs.values()
  }

  private async forEachWithinBudget(logs: PartitionLog[], budgetEndMs: number, job: (log: PartitionLog) => Promise<unknown>): Promise<void> {
    for (let visited = 0; visited < logs.length; visited++) {
      if (this.options.clock.nowMs() > budgetEndMs) return
      const log = logs[this.jobCursor++ % logs.length]!
      await this.guard(log, () => job(log))
    }
  }

  /** Runs a job on one log; a storage failure takes the log's dir offline instead of escaping. */
  private async guard(log: PartitionLog, job: () => Promise<unknown>): Promise<void> {
    try {
      await job()
    } catch (error) {
      if (!(error instanceof StorageError)) throw error
      const dir = this.dirs.find((candidate) => [...candidate.logs.values()].includes(log))
      if (dir !== undefined) this.takeOffline(dir, error)
      else log.markOffline(error)
    }
  }

  /** Clean shutdown: stop the jobs, flush and close every log, checkpoint, leave the marker. */
  async close(): Promise<void> {
    if (this.isClosed) return
    this.isClosed = true
    clearTimeout(this.timer)
    await this.backgroundRun
    for (const dir of this.dirs) {
      for (const log of dir.logs.values()) {
        try {
          await log.close()
        } catch (error) {
          if (!(error instanceof StorageError)) throw error
          this.takeOffline(dir, error)
        }
      }
    }
    await this.checkpoint()
    for (const dir of this.dirs) {
      if (!dir.isOnline) continue
      await this.options.storage.writeFileAtomic(join(dir.path, CLEAN_SHUTDOWN_FILE), Buffer.alloc(0))
    }
  }
}

/** A result object with bigints turned into strings, for a JSON log line. */
function stringifyBigInts(value: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).map(([key, field]) => [key, typeof field === 'bigint' ? field.toString() : field]))
}

