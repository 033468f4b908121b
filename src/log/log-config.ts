// The settings of one partition's log, under Kafka's topic-level names, with Kafka's defaults.
// The config layer (server.properties, topic configs) builds these; the log only reads them.

export type CleanupPolicy = 'delete' | 'compact'
export type TimestampTypeName = 'CreateTime' | 'LogAppendTime'

export interface LogConfig {
  /** segment.bytes: roll the active segment past this size. */
  readonly segmentBytes: number
  /** segment.ms: roll when the active segment's first batch is older than this. */
  readonly segmentMs: number
  /** segment.jitter.ms: random reduction of segment.ms so partitions do not roll together. */
  readonly segmentJitterMs: number
  /** segment.index.bytes: preallocated size of the offset and time indexes. */
  readonly segmentIndexBytes: number
  /** index.interval.bytes: log bytes between two offset index entries. */
  readonly indexIntervalBytes: number
  /** flush.messages: fsync after this many unflushed records (1 = before every acknowledgement). */
  readonly flushMessages: number
  /** flush.ms: fsync when the oldest unflushed append is this old. */
  readonly flushMs: number
  /** retention.ms: delete segments whose newest record is older; -1 keeps them forever. */
  readonly retentionMs: number
  /** retention.bytes: delete the oldest segments while the log is larger; -1 means no limit. */
  readonly retentionBytes: number
  /** cleanup.policy: delete, compact, or both. */
  readonly cleanupPolicy: readonly CleanupPolicy[]
  /** delete.retention.ms: how long a tombstone survives compaction. */
  readonly deleteRetentionMs: number
  /** min.cleanable.dirty.ratio: dirty share of the log that makes it worth compacting. */
  readonly minCleanableDirtyRatio: number
  /** min.compaction.lag.ms: records younger than this are never compacted. */
  readonly minCompactionLagMs: number
  /** max.compaction.lag.ms: a dirty record older than this makes the log eligible whatever the ratio. */
  readonly maxCompactionLagMs: number
  /** file.delete.delay.ms: how long a deleted segment stays on disk as .deleted. */
  readonly fileDeleteDelayMs: number
  /** message.timestamp.type: CreateTime keeps the producer's timestamps, LogAppendTime overwrites them. */
  readonly messageTimestampType: TimestampTypeName
  /** max.message.bytes: largest batch accepted. */
  readonly maxMessageBytes: number
  /**
   * message.timestamp.before.max.ms / after.max.ms: how far a CreateTime timestamp may lie before
   * or after the broker's clock (NO_LIMIT: any).
   */
  readonly messageTimestampBeforeMaxMs: number
  readonly messageTimestampAfterMaxMs: number
  /** preallocate: create segment files at their full size. */
  readonly preallocate: boolean
}

/** Kafka's "no limit" for long-valued configs (Long.MAX_VALUE), as a number the log can compare. */
export const NO_LIMIT = Number.MAX_SAFE_INTEGER

export const DEFAULT_LOG_CONFIG: LogConfig = {
  segmentBytes: 1024 * 1024 * 1024,
  segmentMs: 7 * 24 * 60 * 60 * 1000,
  segmentJitterMs: 0,
  segmentIndexBytes: 10 * 1024 * 1024,
  indexIntervalBytes: 4096,
  flushMessages: NO_LIMIT,
  flushMs: NO_LIMIT,
  retentionMs: 7 * 24 * 60 * 60 * 1000,
  retentionBytes: -1,
  cleanupPolicy: ['delete'],
  deleteRetentionMs: 24 * 60 * 60 * 1000,
  minCleanableDirtyRatio: 0.5,
  minCompactionLagMs: 0,
  maxCompactionLagMs: NO_LIMIT,
  fileDeleteDelayMs: 60_000,
  messageTimestampType: 'CreateTime',
  maxMessageBytes: 1024 * 1024 + 12,
  messageTimestampBeforeMaxMs: NO_LIMIT,
  messageTimestampAfterMaxMs: NO_LIMIT,
  preallocate: false,
}

export function logConfig(overrides: Partial<LogConfig> = {}): LogConfig {
  return { ...DEFAULT_LOG_CONFIG, ...overrides }
}

/** cleanup.policy includes compact: the log may have holes in its offsets by design. */
export function isCompacted(config: LogConfig): boolean {
  return config.cleanupPolicy.includes('compact')
}
