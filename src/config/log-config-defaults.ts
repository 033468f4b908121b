// The broker's log.* keys as the default LogConfig of every partition, under Kafka's topic-level
// names (ServerTopicConfigSynonyms: segment.bytes ← log.segment.bytes, segment.ms ← log.roll.ms, …).
// Topic-level overrides, when they exist, are applied on top of this.
import { NO_LIMIT, type CleanupPolicy, type LogConfig, type TimestampTypeName } from '../log/log-config.js'
import type { BrokerConfig } from './broker-config.js'

export function toLogConfig(config: BrokerConfig): LogConfig {
  return {
    segmentBytes: config.logSegmentBytes,
    segmentMs: config.logRollMs,
    segmentJitterMs: config.logRollJitterMs,
    segmentIndexBytes: config.logIndexSizeMaxBytes,
    indexIntervalBytes: config.logIndexIntervalBytes,
    flushMessages: config.logFlushIntervalMessages,
    flushMs: config.logFlushIntervalMs,
    retentionMs: config.logRetentionMs,
    retentionBytes: config.logRetentionBytes,
    // The keys' validators allow only these values.
    cleanupPolicy: config.logCleanupPolicy as readonly CleanupPolicy[],
    deleteRetentionMs: config.logCleanerDeleteRetentionMs,
    minCleanableDirtyRatio: config.logCleanerMinCleanableRatio,
    minCompactionLagMs: config.logCleanerMinCompactionLagMs,
    maxCompactionLagMs: config.logCleanerMaxCompactionLagMs,
    fileDeleteDelayMs: config.logSegmentDeleteDelayMs,
    messageTimestampType: config.logMessageTimestampType as TimestampTypeName,
    maxMessageBytes: config.messageMaxBytes,
    // log.message.timestamp.before/after.max.ms are dynamic-only here; their default is no limit.
    messageTimestampBeforeMaxMs: NO_LIMIT,
    messageTimestampAfterMaxMs: NO_LIMIT,
    preallocate: config.logPreallocate,
  }
}
