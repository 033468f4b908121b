// Topic-level configs (Kafka's LogConfig / TopicConfig names) over the broker's log defaults. This
// is the subset the log honours; issue 5 brings every topic config with its validator, synonyms
// and DescribeConfigs. A topic's overrides are ConfigRecords in the metadata image.
import { NO_LIMIT, type CleanupPolicy, type LogConfig, type TimestampTypeName } from '../log/log-config.js'

const LONG_MAX = 2n ** 63n - 1n

type Parser = (value: string) => Partial<LogConfig> | undefined

function integer(field: keyof LogConfig, min: number): Parser {
  return (value) => {
    if (!/^-?\d+$/.test(value.trim())) return undefined
    const parsed = BigInt(value.trim())
    if (parsed > LONG_MAX || parsed < -LONG_MAX - 1n) return undefined
    // Long.MAX_VALUE and its neighbours mean "no limit": the log compares against NO_LIMIT.
    const clamped = parsed > BigInt(NO_LIMIT) ? NO_LIMIT : Number(parsed)
    return clamped >= min ? { [field]: clamped } : undefined
  }
}

function ratio(field: keyof LogConfig): Parser {
  return (value) => {
    const parsed = Number(value.trim())
    return value.trim() !== '' && Number.isFinite(parsed) && parsed >= 0 && parsed <= 1 ? { [field]: parsed } : undefined
  }
}

const CLEANUP_POLICIES: readonly string[] = ['delete', 'compact']
const TIMESTAMP_TYPES: readonly string[] = ['CreateTime', 'LogAppendTime']

/** Each topic config the log honours, with Kafka's lower bounds (TopicConfig / LogConfig validators). */
const LOG_TOPIC_CONFIGS: ReadonlyMap<string, Parser> = new Map<string, Parser>([
  ['segment.bytes', integer('segmentBytes', 14)],
  ['segment.ms', integer('segmentMs', 1)],
  ['segment.jitter.ms', integer('segmentJitterMs', 0)],
  ['segment.index.bytes', integer('segmentIndexBytes', 4)],
  ['index.interval.bytes', integer('indexIntervalBytes', 0)],
  ['flush.messages', integer('flushMessages', 1)],
  ['flush.ms', integer('flushMs', 0)],
  ['retention.ms', integer('retentionMs', -1)],
  ['retention.bytes', integer('retentionBytes', Number.MIN_SAFE_INTEGER)],
  ['delete.retention.ms', integer('deleteRetentionMs', 0)],
  ['min.compaction.lag.ms', integer('minCompactionLagMs', 0)],
  ['max.compaction.lag.ms', integer('maxCompactionLagMs', 1)],
  ['file.delete.delay.ms', integer('fileDeleteDelayMs', 0)],
  ['max.message.bytes', integer('maxMessageBytes', 0)],
  ['min.cleanable.dirty.ratio', ratio('minCleanableDirtyRatio')],
  ['preallocate', (value) => (value === 'true' || value === 'false' ? { preallocate: value === 'true' } : undefined)],
  ['cleanup.policy', (value) => {
    const policies = value.split(',').map((policy) => policy.trim()).filter((policy) => policy !== '')
    return policies.every((policy) => CLEANUP_POLICIES.includes(policy)) ? { cleanupPolicy: policies as CleanupPolicy[] } : undefined
  }],
  ['message.timestamp.type', (value) => (TIMESTAMP_TYPES.includes(value) ? { messageTimestampType: value as TimestampTypeName } : undefined)],
])

const COMPRESSION_TYPES: readonly string[] = ['uncompressed', 'zstd', 'lz4', 'snappy', 'gzip', 'producer']

/** Topic configs that are not the log's but are still valid on a topic. */
const OTHER_TOPIC_CONFIGS: ReadonlyMap<string, (value: string) => boolean> = new Map([
  ['compression.type', (value: string) => COMPRESSION_TYPES.includes(value)],
  ['min.insync.replicas', (value: string) => /^\d+$/.test(value) && Number(value) >= 1],
  ['unclean.leader.election.enable', (value: string) => value === 'true' || value === 'false'],
  ['message.downconversion.enable', (value: string) => value === 'true' || value === 'false'],
])

/** Why a topic config is refused, in Kafka's words; undefined when it is valid. */
export function topicConfigError(name: string, value: string | null): string | undefined {
  const parse = LOG_TOPIC_CONFIGS.get(name)
  const check = OTHER_TOPIC_CONFIGS.get(name)
  if (parse === undefined && check === undefined) return `Unknown topic config name: ${name}`
  if (value === null) return `Null value not supported for topic configs: ${name}`
  const isValid = parse !== undefined ? parse(value) !== undefined : check!(value)
  return isValid ? undefined : `Invalid value ${value} for configuration ${name}`
}

/** The broker defaults with a topic's overrides applied; invalid overrides are ignored. */
export function topicLogConfig(defaults: LogConfig, overrides: ReadonlyMap<string, string> | undefined): LogConfig {
  if (overrides === undefined || overrides.size === 0) return defaults
  let config = defaults
  for (const [name, value] of overrides) {
    const parsed = LOG_TOPIC_CONFIGS.get(name)?.(value)
    if (parsed !== undefined) config = { ...config, ...parsed }
  }
  return config
}

/** min.insync.replicas of a topic: its override, else the broker's. */
export function topicMinInsyncReplicas(brokerDefault: number, overrides: ReadonlyMap<string, string> | undefined): number {
  const value = overrides?.get('min.insync.replicas')
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : brokerDefault
}
