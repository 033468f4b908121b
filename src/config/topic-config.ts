// A topic's configs over the broker's log defaults, checked against the full catalog of Kafka's
// topic configs (topic-config-catalog.ts). A topic's overrides are ConfigRecords in the image.
import type { CleanupPolicy, LogConfig, TimestampTypeName } from '../log/log-config.js'
import type { ConfigValue } from './config-value.js'
import type { BrokerConfigLayers } from './dynamic-broker-config.js'
import { brokerTopicDefault } from './dynamic-broker-config.js'
import { parseTopicConfigValue, topicConfigDef } from './topic-config-catalog.js'

type Field = (value: ConfigValue) => Partial<LogConfig>

/** The topic configs the log honours, and the LogConfig field each sets. */
const LOG_FIELDS: ReadonlyMap<string, Field> = new Map<string, Field>([
  ['segment.bytes', (value) => ({ segmentBytes: value as number })],
  ['segment.ms', (value) => ({ segmentMs: value as number })],
  ['segment.jitter.ms', (value) => ({ segmentJitterMs: value as number })],
  ['segment.index.bytes', (value) => ({ segmentIndexBytes: value as number })],
  ['index.interval.bytes', (value) => ({ indexIntervalBytes: value as number })],
  ['flush.messages', (value) => ({ flushMessages: value as number })],
  ['flush.ms', (value) => ({ flushMs: value as number })],
  ['retention.ms', (value) => ({ retentionMs: value as number })],
  ['retention.bytes', (value) => ({ retentionBytes: value as number })],
  ['delete.retention.ms', (value) => ({ deleteRetentionMs: value as number })],
  ['min.compaction.lag.ms', (value) => ({ minCompactionLagMs: value as number })],
  ['max.compaction.lag.ms', (value) => ({ maxCompactionLagMs: value as number })],
  ['file.delete.delay.ms', (value) => ({ fileDeleteDelayMs: value as number })],
  ['max.message.bytes', (value) => ({ maxMessageBytes: value as number })],
  ['min.cleanable.dirty.ratio', (value) => ({ minCleanableDirtyRatio: value as number })],
  ['preallocate', (value) => ({ preallocate: value as boolean })],
  // The validators allow only these values.
  ['cleanup.policy', (value) => ({ cleanupPolicy: value as CleanupPolicy[] })],
  ['message.timestamp.type', (value) => ({ messageTimestampType: value as TimestampTypeName })],
  ['message.timestamp.before.max.ms', (value) => ({ messageTimestampBeforeMaxMs: value as number })],
  ['message.timestamp.after.max.ms', (value) => ({ messageTimestampAfterMaxMs: value as number })],
])

/** Why a topic config is refused, in Kafka's words (LogConfig.validate); undefined when it is valid. */
export function topicConfigError(name: string, value: string | null): string | undefined {
  const def = topicConfigDef(name)
  if (def === undefined) return `Unknown topic config name: ${name}`
  if (value === null) return `Null value not supported for topic configs: ${name}`
  const parsed = parseTopicConfigValue(def, value)
  return 'error' in parsed ? parsed.error : undefined
}

/** The broker defaults with a topic's overrides applied; invalid overrides are ignored. */
export function topicLogConfig(defaults: LogConfig, overrides: ReadonlyMap<string, string> | undefined): LogConfig {
  if (overrides === undefined || overrides.size === 0) return defaults
  let config = defaults
  for (const [name, text] of overrides) {
    const field = LOG_FIELDS.get(name)
    const def = topicConfigDef(name)
    if (field === undefined || def === undefined) continue
    const parsed = parseTopicConfigValue(def, text)
    if ('value' in parsed) config = { ...config, ...field(parsed.value) }
  }
  return config
}

/**
 * The log defaults with the dynamic broker configs applied (ConfigRecords of BROKER "<id>" and ""):
 * a topic config whose broker synonym is set dynamically takes the value Kafka resolves across the
 * layers, so a new log.retention.ms or message.max.bytes reaches every topic without an override.
 * `staticDefaults` is toLogConfig of server.properties; it is returned as is when nothing is dynamic.
 */
export function dynamicLogDefaults(staticDefaults: LogConfig, layers: BrokerConfigLayers): LogConfig {
  if (layers.perBroker.size === 0 && layers.clusterDefaults.size === 0) return staticDefaults
  const isDynamic = (name: string): boolean => layers.perBroker.has(name) || layers.clusterDefaults.has(name)
  let config = staticDefaults
  for (const [name, field] of LOG_FIELDS) {
    const def = topicConfigDef(name)
    if (def === undefined || !def.brokerSynonyms.some((synonym) => isDynamic(synonym.name))) continue
    const parsed = parseTopicConfigValue(def, brokerTopicDefault(layers, def))
    if ('value' in parsed) config = { ...config, ...field(parsed.value) }
  }
  return config
}

/** min.insync.replicas of a topic: its valid override, else the broker's. */
export function topicMinInsyncReplicas(brokerDefault: number, overrides: ReadonlyMap<string, string> | undefined): number {
  const text = overrides?.get('min.insync.replicas')
  const def = topicConfigDef('min.insync.replicas')
  if (text === undefined || def === undefined) return brokerDefault
  const parsed = parseTopicConfigValue(def, text)
  return 'value' in parsed ? parsed.value as number : brokerDefault
}
