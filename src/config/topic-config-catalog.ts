// Every topic-level config of Apache Kafka 3.9 (TopicConfig / LogConfig.CONFIG, QuotaConfig's
// throttled replicas), with Kafka's type, default, validator and the broker keys it falls back to
// (ServerTopicConfigSynonyms, highest priority first). Descriptions are our own. Defaults are written
// as DescribeConfigs prints them (ConfigDef.convertToString), so Long.MAX_VALUE stays exact here.
import type { ConfigKey, ConfigType, Validator } from './broker-config-keys.js'
import { ConfigError } from './config-error.js'
import type { ConfigValue } from './config-value.js'
import { parseConfigValue } from './config-value.js'

/** Validators of topic configs that ConfigDef's ranges and string sets cannot express. */
export type TopicValidator =
  | Validator
  /** ThrottledReplicaListValidator: '*' or partitionId:brokerId pairs. */
  | { readonly kind: 'throttledReplicas' }
  /** GzipCompression's level validator: 1..9, or -1 for zlib's default. */
  | { readonly kind: 'gzipLevel' }
  /** MetadataVersionValidator of message.format.version. */
  | { readonly kind: 'messageFormatVersion' }

/** A broker key a topic config falls back to; `toMs` converts hours or minutes to milliseconds. */
export interface BrokerSynonym {
  readonly name: string
  readonly toMs?: number
}

export interface TopicConfigDef {
  readonly name: string
  readonly type: ConfigType
  /** Kafka's default, as DescribeConfigs prints it. */
  readonly defaultValue: string
  readonly validator?: TopicValidator
  /** ServerTopicConfigSynonyms: the first one set wins; empty when the broker has no such key. */
  readonly brokerSynonyms: readonly BrokerSynonym[]
  readonly doc: string
}

const LONG_MAX = '9223372036854775807'
const HOUR_MS = 3_600_000
const MINUTE_MS = 60_000
const atLeast = (min: number): Validator => ({ kind: 'atLeast', min })
const between = (min: number, max: number): Validator => ({ kind: 'between', min, max })
const same = (name: string): BrokerSynonym[] => [{ name }]

const DEFS: readonly TopicConfigDef[] = [
  { name: 'cleanup.policy', type: 'list', defaultValue: 'delete', validator: { kind: 'eachOneOf', values: ['compact', 'delete'] },
    brokerSynonyms: same('log.cleanup.policy'), doc: 'delete removes old segments by time and size; compact keeps the newest record per key; both may be set.' },
  { name: 'compression.gzip.level', type: 'int', defaultValue: '-1', validator: { kind: 'gzipLevel' },
    brokerSynonyms: same('compression.gzip.level'), doc: 'Level used when the broker recompresses with gzip.' },
  { name: 'compression.lz4.level', type: 'int', defaultValue: '9', validator: between(1, 17),
    brokerSynonyms: same('compression.lz4.level'), doc: 'Level used when the broker recompresses with lz4.' },
  { name: 'compression.type', type: 'string', defaultValue: 'producer',
    validator: { kind: 'oneOf', values: ['uncompressed', 'zstd', 'lz4', 'snappy', 'gzip', 'producer'] },
    brokerSynonyms: same('compression.type'), doc: 'Codec of stored batches; producer keeps whatever the producer used.' },
  { name: 'compression.zstd.level', type: 'int', defaultValue: '3', validator: between(-131072, 22),
    brokerSynonyms: same('compression.zstd.level'), doc: 'Level used when the broker recompresses with zstd.' },
  { name: 'delete.retention.ms', type: 'long', defaultValue: '86400000', validator: atLeast(0),
    brokerSynonyms: same('log.cleaner.delete.retention.ms'), doc: 'How long tombstones stay readable in a compacted topic.' },
  { name: 'file.delete.delay.ms', type: 'long', defaultValue: '60000', validator: atLeast(0),
    brokerSynonyms: same('log.segment.delete.delay.ms'), doc: 'Grace period before a deleted segment file is removed from disk.' },
  { name: 'flush.messages', type: 'long', defaultValue: LONG_MAX, validator: atLeast(1),
    brokerSynonyms: same('log.flush.interval.messages'), doc: 'fsync after this many unflushed records.' },
  { name: 'flush.ms', type: 'long', defaultValue: LONG_MAX, validator: atLeast(0),
    brokerSynonyms: [{ name: 'log.flush.interval.ms' }, { name: 'log.flush.scheduler.interval.ms' }],
    doc: 'fsync when the oldest unflushed record is this old.' },
  { name: 'follower.replication.throttled.replicas', type: 'list', defaultValue: '', validator: { kind: 'throttledReplicas' },
    brokerSynonyms: [], doc: 'Replicas (partition:broker, or *) whose follower fetches are throttled.' },
  { name: 'index.interval.bytes', type: 'int', defaultValue: '4096', validator: atLeast(0),
    brokerSynonyms: same('log.index.interval.bytes'), doc: 'Log bytes between two offset index entries.' },
  { name: 'leader.replication.throttled.replicas', type: 'list', defaultValue: '', validator: { kind: 'throttledReplicas' },
    brokerSynonyms: [], doc: 'Replicas (partition:broker, or *) whose leader-side replication is throttled.' },
  { name: 'local.retention.bytes', type: 'long', defaultValue: '-2', validator: atLeast(-2),
    brokerSynonyms: same('log.local.retention.bytes'), doc: 'Tiered storage: local bytes kept; -2 means retention.bytes.' },
  { name: 'local.retention.ms', type: 'long', defaultValue: '-2', validator: atLeast(-2),
    brokerSynonyms: same('log.local.retention.ms'), doc: 'Tiered storage: how long segments stay local; -2 means retention.ms.' },
  { name: 'max.compaction.lag.ms', type: 'long', defaultValue: LONG_MAX, validator: atLeast(1),
    brokerSynonyms: same('log.cleaner.max.compaction.lag.ms'), doc: 'A record stays uncompacted at most this long.' },
  { name: 'max.message.bytes', type: 'int', defaultValue: '1048588', validator: atLeast(0),
    brokerSynonyms: same('message.max.bytes'), doc: 'Largest record batch the topic accepts.' },
  { name: 'message.downconversion.enable', type: 'boolean', defaultValue: 'true',
    brokerSynonyms: same('log.message.downconversion.enable'), doc: 'Whether fetches of old clients may be down-converted to older record formats.' },
  { name: 'message.format.version', type: 'string', defaultValue: '3.0-IV1', validator: { kind: 'messageFormatVersion' },
    brokerSynonyms: same('log.message.format.version'), doc: 'Deprecated; ignored from 3.0 on, where records are always v2.' },
  { name: 'message.timestamp.after.max.ms', type: 'long', defaultValue: LONG_MAX, validator: atLeast(0),
    brokerSynonyms: same('log.message.timestamp.after.max.ms'), doc: 'CreateTime: refuse timestamps further ahead of the broker clock than this.' },
  { name: 'message.timestamp.before.max.ms', type: 'long', defaultValue: LONG_MAX, validator: atLeast(0),
    brokerSynonyms: same('log.message.timestamp.before.max.ms'), doc: 'CreateTime: refuse timestamps further behind the broker clock than this.' },
  { name: 'message.timestamp.difference.max.ms', type: 'long', defaultValue: LONG_MAX, validator: atLeast(0),
    brokerSynonyms: same('log.message.timestamp.difference.max.ms'), doc: 'Deprecated predecessor of the before/after timestamp bounds.' },
  { name: 'message.timestamp.type', type: 'string', defaultValue: 'CreateTime', validator: { kind: 'oneOf', values: ['CreateTime', 'LogAppendTime'] },
    brokerSynonyms: same('log.message.timestamp.type'), doc: 'CreateTime keeps the producer\'s timestamps; LogAppendTime stamps the broker\'s.' },
  { name: 'min.cleanable.dirty.ratio', type: 'double', defaultValue: '0.5', validator: between(0, 1),
    brokerSynonyms: same('log.cleaner.min.cleanable.ratio'), doc: 'Dirty share of the log above which it is compacted.' },
  { name: 'min.compaction.lag.ms', type: 'long', defaultValue: '0', validator: atLeast(0),
    brokerSynonyms: same('log.cleaner.min.compaction.lag.ms'), doc: 'Records younger than this are never compacted.' },
  { name: 'min.insync.replicas', type: 'int', defaultValue: '1', validator: atLeast(1),
    brokerSynonyms: same('min.insync.replicas'), doc: 'In-sync replicas an acks=all write needs.' },
  { name: 'preallocate', type: 'boolean', defaultValue: 'false',
    brokerSynonyms: same('log.preallocate'), doc: 'Create segment files at their full size.' },
  { name: 'remote.log.copy.disable', type: 'boolean', defaultValue: 'false',
    brokerSynonyms: [], doc: 'Tiered storage: stop copying segments to remote storage (KIP-950).' },
  { name: 'remote.log.delete.on.disable', type: 'boolean', defaultValue: 'false',
    brokerSynonyms: [], doc: 'Tiered storage: delete remote data when tiering is turned off (KIP-950).' },
  { name: 'remote.storage.enable', type: 'boolean', defaultValue: 'false',
    brokerSynonyms: [], doc: 'Tiered storage for this topic (not supported by Sluice; accepted for compatibility).' },
  { name: 'retention.bytes', type: 'long', defaultValue: '-1',
    brokerSynonyms: same('log.retention.bytes'), doc: 'Delete old segments while a partition is larger than this; -1 means no limit.' },
  { name: 'retention.ms', type: 'long', defaultValue: '604800000', validator: atLeast(-1),
    brokerSynonyms: [{ name: 'log.retention.ms' }, { name: 'log.retention.minutes', toMs: MINUTE_MS }, { name: 'log.retention.hours', toMs: HOUR_MS }],
    doc: 'Delete segments whose newest record is older than this; -1 keeps them forever.' },
  { name: 'segment.bytes', type: 'int', defaultValue: '1073741824', validator: atLeast(14),
    brokerSynonyms: same('log.segment.bytes'), doc: 'Roll to a new segment past this size.' },
  { name: 'segment.index.bytes', type: 'int', defaultValue: '10485760', validator: atLeast(4),
    brokerSynonyms: same('log.index.size.max.bytes'), doc: 'Preallocated size of each segment\'s offset and time index.' },
  { name: 'segment.jitter.ms', type: 'long', defaultValue: '0', validator: atLeast(0),
    brokerSynonyms: [{ name: 'log.roll.jitter.ms' }, { name: 'log.roll.jitter.hours', toMs: HOUR_MS }],
    doc: 'Largest random reduction of segment.ms, so partitions do not roll together.' },
  { name: 'segment.ms', type: 'long', defaultValue: '604800000', validator: atLeast(1),
    brokerSynonyms: [{ name: 'log.roll.ms' }, { name: 'log.roll.hours', toMs: HOUR_MS }],
    doc: 'Roll to a new segment this long after the active one started.' },
  { name: 'unclean.leader.election.enable', type: 'boolean', defaultValue: 'false',
    brokerSynonyms: same('unclean.leader.election.enable'), doc: 'Let a replica outside the ISR lead, at the cost of losing acknowledged records.' },
]

/** Every topic config by name, in name order. */
export const TOPIC_CONFIGS: ReadonlyMap<string, TopicConfigDef> = new Map(DEFS.map((def) => [def.name, def]))

export function topicConfigDef(name: string): TopicConfigDef | undefined {
  return TOPIC_CONFIGS.get(name)
}

export type ParsedTopicValue = { readonly value: ConfigValue; readonly text: string } | { readonly error: string }

/**
 * Parses `text` as Kafka's LogConfig would: by type, then by validator. `text` is the normalised
 * form DescribeConfigs prints (trimmed, integers canonical, lists joined by ','); `error` is
 * ConfigException's message ("Invalid value X for configuration Y: reason").
 */
export function parseTopicConfigValue(def: TopicConfigDef, raw: string): ParsedTopicValue {
  const validator = def.validator
  const standardValidator = validator !== undefined && isStandard(validator) ? validator : undefined
  let value: ConfigValue
  try {
    value = parseConfigValue(asConfigKey(def, standardValidator), raw)
  } catch (error) {
    if (error instanceof ConfigError) return { error: error.message }
    throw error
  }
  const text = formatConfigValue(def.type, value, raw)
  const reason = validator === undefined || standardValidator !== undefined ? undefined : customReason(def.name, validator, value)
  if (reason === undefined) return { value, text }
  // ConfigException prints the parsed value: a Java List shows as [a, b].
  const shown = Array.isArray(value) ? `[${(value as readonly string[]).join(', ')}]` : text
  return { error: `Invalid value ${shown} for configuration ${def.name}: ${reason}` }
}

function isStandard(validator: TopicValidator): validator is Validator {
  return validator.kind === 'atLeast' || validator.kind === 'between' || validator.kind === 'oneOf' || validator.kind === 'eachOneOf'
}

/** The key shape config-value.ts parses with (importance and update mode do not matter there). */
function asConfigKey(def: TopicConfigDef, validator: Validator | undefined): ConfigKey {
  return { name: def.name, type: def.type, defaultValue: null, importance: 'medium', updateMode: 'cluster-wide', doc: def.doc, ...(validator === undefined ? {} : { validator }) }
}

const THROTTLED_REPLICA = /^\d+:\d+$/
const METADATA_VERSION = /^(\d+)\.(\d+)(\.\d+)?(-IV\d+)?$/

/** Releases MetadataVersion.fromVersionString knows in 3.9: 0.8.0 … 0.11.0, 1.0 … 3.9. */
function isKnownRelease(text: string): boolean {
  const match = METADATA_VERSION.exec(text)
  if (match === null) return false
  const major = Number(match[1])
  const minor = Number(match[2])
  if (major === 0) return match[3] !== undefined && minor >= 8 && minor <= 11
  return (major === 1 && minor <= 1) || (major === 2 && minor <= 8) || (major === 3 && minor <= 9)
}

function customReason(name: string, validator: TopicValidator, value: ConfigValue): string | undefined {
  switch (validator.kind) {
    case 'throttledReplicas': {
      // ThrottledReplicaListValidator allows empty elements, and '*' alone.
      const entries = (value as readonly string[]).map((entry) => entry.trim())
      const isValid = entries.join('') === '*' || entries.every((entry) => entry === '' || THROTTLED_REPLICA.test(entry))
      return isValid ? undefined : `${name} must be the literal '*' or a list of replicas in the following format: [partitionId]:[brokerId],[partitionId]:[brokerId],...`
    }
    case 'gzipLevel': {
      const level = value as number
      return level === -1 || (level >= 1 && level <= 9) ? undefined : 'Value must be between 1 and 9 or equal to -1'
    }
    case 'messageFormatVersion':
      return isKnownRelease(value as string) ? undefined : `Version ${String(value)} is not a valid version`
    default:
      return undefined
  }
}

/**
 * A parsed value as ConfigDef.convertToString prints it: integers from their digits (so
 * Long.MAX_VALUE stays exact), doubles as Java prints them (1.0, not 1), lists joined by ','.
 */
export function formatConfigValue(type: ConfigType, value: ConfigValue, raw?: string): string {
  if (typeof value === 'boolean') return String(value)
  if (typeof value === 'string') return value
  if (typeof value !== 'number') return value.join(',')
  if (type === 'double') return Number.isInteger(value) ? `${value}.0` : String(value)
  if (raw !== undefined && /^[+-]?\d+$/.test(raw.trim())) return BigInt(raw.trim()).toString()
  // Numbers from BROKER_CONFIG_KEYS carry Long.MAX_VALUE as the largest exact JS integer.
  if (value >= Number.MAX_SAFE_INTEGER) return LONG_MAX
  if (value <= -Number.MAX_SAFE_INTEGER) return '-9223372036854775808'
  return String(value)
}
