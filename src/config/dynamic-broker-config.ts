// The broker's configuration in Kafka's layers (DynamicBrokerConfig): a per-broker dynamic value
// beats a cluster-wide dynamic default, which beats server.properties, which beats Kafka's default.
// The dynamic layers are ConfigRecords of BROKER resources in the metadata image ("<id>" and "").
// Also the broker keys DescribeConfigs and AlterConfigs know: BROKER_CONFIG_KEYS plus the broker
// synonyms of topic configs that Sluice does not read at startup (log.message.timestamp.*, …).
import type { MetadataImage } from '../metadata/image.js'
import type { ConfigKey } from './broker-config-keys.js'
import { BROKER_CONFIG_KEYS } from './broker-config-keys.js'
import { ConfigError } from './config-error.js'
import { parseConfigValue } from './config-value.js'
import type { TopicConfigDef } from './topic-config-catalog.js'
import { TOPIC_CONFIGS, formatConfigValue, parseTopicConfigValue } from './topic-config-catalog.js'

export interface BrokerConfigLayers {
  readonly nodeId: number
  /** server.properties and --override as written (trimmed): Kafka's staticBrokerConfigs. */
  readonly staticConfigs: ReadonlyMap<string, string>
  /** Dynamic configs of this broker (resource "<nodeId>"). */
  readonly perBroker: ReadonlyMap<string, string>
  /** Dynamic cluster-wide defaults (resource ""). */
  readonly clusterDefaults: ReadonlyMap<string, string>
}

export function brokerConfigLayers(image: MetadataImage, nodeId: number, staticConfigs: ReadonlyMap<string, string>): BrokerConfigLayers {
  return { nodeId, staticConfigs, perBroker: image.brokerConfigs(nodeId), clusterDefaults: image.brokerConfigs() }
}

/** Topic configs' broker synonyms missing from BROKER_CONFIG_KEYS, keyed by broker name. */
const SYNONYM_ONLY_DEFS: ReadonlyMap<string, TopicConfigDef> = new Map(
  [...TOPIC_CONFIGS.values()].flatMap((def) => def.brokerSynonyms
    .filter((synonym) => !Object.values(BROKER_CONFIG_KEYS).some((key) => key.name === synonym.name))
    .map((synonym) => [synonym.name, { ...def, name: synonym.name }] as const)),
)

function synonymOnlyKey(def: TopicConfigDef): ConfigKey {
  const parsed = parseTopicConfigValue(def, def.defaultValue)
  const validator = def.validator !== undefined && (def.validator.kind === 'atLeast' || def.validator.kind === 'between') ? def.validator : undefined
  return {
    name: def.name, type: def.type, defaultValue: 'value' in parsed ? parsed.value : null, importance: 'medium', updateMode: 'cluster-wide',
    doc: def.doc, ...(validator === undefined ? {} : { validator }),
  }
}

const KEYS: ReadonlyMap<string, ConfigKey> = new Map(
  [...Object.values(BROKER_CONFIG_KEYS) as ConfigKey[], ...[...SYNONYM_ONLY_DEFS.values()].map(synonymOnlyKey)]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((key) => [key.name, key]),
)

/** Every broker key DescribeConfigs lists, in name order. */
export function brokerKeys(): IterableIterator<ConfigKey> {
  return KEYS.values()
}

export function brokerKey(name: string): ConfigKey | undefined {
  return KEYS.get(name)
}

/** Kafka's default of a broker key as DescribeConfigs prints it; null when it has none. */
export function brokerDefaultText(key: ConfigKey): string | null {
  return key.defaultValue === null ? null : formatConfigValue(key.type, key.defaultValue)
}

/** Why `text` is not a valid value of broker key `name` (ConfigException's words), or undefined. */
export function brokerValueError(name: string, text: string): string | undefined {
  const topicDef = SYNONYM_ONLY_DEFS.get(name)
  if (topicDef !== undefined) {
    const parsed = parseTopicConfigValue(topicDef, text)
    return 'error' in parsed ? parsed.error : undefined
  }
  const key = KEYS.get(name)
  if (key === undefined) return undefined
  try {
    parseConfigValue(key, text)
    return undefined
  } catch (error) {
    if (error instanceof ConfigError) return error.message
    throw error
  }
}

/**
 * Kafka's DynamicBrokerConfig.brokerConfigSynonyms (listener prefixes aside): keys that set the
 * same thing, highest priority first.
 */
export function brokerConfigSynonyms(name: string): readonly string[] {
  for (const group of SYNONYM_GROUPS) if (group.includes(name)) return group
  return [name]
}

const SYNONYM_GROUPS: readonly (readonly string[])[] = [
  ['log.roll.ms', 'log.roll.hours'],
  ['log.roll.jitter.ms', 'log.roll.jitter.hours'],
  ['log.flush.interval.ms', 'log.flush.scheduler.interval.ms'],
  ['log.retention.ms', 'log.retention.minutes', 'log.retention.hours'],
]

/** The value of broker key `name` set in some layer (per-broker, cluster default, static), or undefined. */
export function configuredBrokerValue(layers: BrokerConfigLayers, name: string): string | undefined {
  return layers.perBroker.get(name) ?? layers.clusterDefaults.get(name) ?? layers.staticConfigs.get(name)
}

/** A broker key's value on this broker: its configured value, else Kafka's default (null for none). */
export function effectiveBrokerValue(layers: BrokerConfigLayers, name: string): string | null {
  const configured = configuredBrokerValue(layers, name)
  if (configured !== undefined) return configured
  const key = KEYS.get(name)
  return key === undefined ? null : brokerDefaultText(key)
}

/**
 * The value a topic without an override has (KafkaConfig.extractLogConfigMap): the first broker
 * synonym configured in any layer, converted to the topic's unit; else the first synonym with a
 * default; else the topic config's own default.
 */
export function brokerTopicDefault(layers: BrokerConfigLayers, def: TopicConfigDef): string {
  for (const synonym of def.brokerSynonyms) {
    const text = configuredBrokerValue(layers, synonym.name)
    const converted = text === undefined ? undefined : toTopicValue(def, text, synonym.toMs)
    if (converted !== undefined) return converted
  }
  for (const synonym of def.brokerSynonyms) {
    const key = KEYS.get(synonym.name)
    const text = key === undefined ? null : brokerDefaultText(key)
    const converted = text === null ? undefined : toTopicValue(def, text, synonym.toMs)
    if (converted !== undefined) return converted
  }
  return def.defaultValue
}

function toTopicValue(def: TopicConfigDef, text: string, toMs: number | undefined): string | undefined {
  const scaled = toMs === undefined || !/^[+-]?\d+$/.test(text.trim()) ? text : (BigInt(text.trim()) * BigInt(toMs)).toString()
  const parsed = parseTopicConfigValue(def, scaled)
  if ('error' in parsed) {
    // KafkaConfig reads any negative retention as -1 (keep forever), which the topic's validator allows.
    return def.name === 'retention.ms' && /^-\d+$/.test(scaled) ? '-1' : undefined
  }
  return parsed.text
}
