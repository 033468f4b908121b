// DescribeConfigs for TOPIC and BROKER resources, as Kafka's ConfigHelper answers it: each config's
// value, its source, its synonyms (the layers it could come from, highest priority first), whether
// it is read-only or sensitive, its type and documentation. Pure: the caller passes the image and
// the broker's static configs.
import { ConfigResourceType } from '../metadata/image.js'
import type { MetadataImage } from '../metadata/image.js'
import { ErrorCode } from '../protocol/error-codes.js'
import { isLegalTopicName } from '../log/topic-partition.js'
import type { ConfigKey, ConfigType } from './broker-config-keys.js'
import type { BrokerConfigLayers } from './dynamic-broker-config.js'
import { brokerConfigLayers, brokerConfigSynonyms, brokerDefaultText, brokerKey, brokerKeys, brokerTopicDefault, effectiveBrokerValue } from './dynamic-broker-config.js'
import type { TopicConfigDef } from './topic-config-catalog.js'
import { TOPIC_CONFIGS, parseTopicConfigValue } from './topic-config-catalog.js'

/** Kafka's DescribeConfigsResponse.ConfigSource ids. */
export const ConfigSource = {
  UNKNOWN: 0,
  DYNAMIC_TOPIC_CONFIG: 1,
  DYNAMIC_BROKER_CONFIG: 2,
  DYNAMIC_DEFAULT_BROKER_CONFIG: 3,
  STATIC_BROKER_CONFIG: 4,
  DEFAULT_CONFIG: 5,
  DYNAMIC_BROKER_LOGGER_CONFIG: 6,
} as const

/** Kafka's DescribeConfigsResponse.ConfigType ids (DescribeConfigs v3+). */
export const ConfigResponseType = {
  UNKNOWN: 0, BOOLEAN: 1, STRING: 2, INT: 3, SHORT: 4, LONG: 5, DOUBLE: 6, LIST: 7, CLASS: 8, PASSWORD: 9,
} as const

export function configResponseType(type: ConfigType): number {
  switch (type) {
    case 'boolean': return ConfigResponseType.BOOLEAN
    case 'string': return ConfigResponseType.STRING
    case 'int': return ConfigResponseType.INT
    case 'short': return ConfigResponseType.SHORT
    case 'long': return ConfigResponseType.LONG
    case 'double': return ConfigResponseType.DOUBLE
    case 'list': return ConfigResponseType.LIST
    case 'class': return ConfigResponseType.CLASS
    case 'password': return ConfigResponseType.PASSWORD
    default: return assertNever(type)
  }
}

export interface ConfigSynonym {
  readonly name: string
  readonly value: string | null
  readonly source: number
}

export interface DescribedConfig {
  readonly name: string
  /** null for a sensitive config or one without a value. */
  readonly value: string | null
  readonly readOnly: boolean
  readonly isSensitive: boolean
  readonly configSource: number
  /** Empty unless synonyms were asked for. */
  readonly synonyms: readonly ConfigSynonym[]
  readonly configType: number
  /** null unless documentation was asked for. */
  readonly documentation: string | null
}

export interface DescribeConfigsResourceResult {
  readonly errorCode: number
  readonly errorMessage: string | null
  readonly resourceType: number
  readonly resourceName: string
  readonly configs: readonly DescribedConfig[]
}

export interface DescribeConfigsResource {
  readonly resourceType: number
  readonly resourceName: string
  /** null or empty: every config. */
  readonly configurationKeys: readonly string[] | null
}

export interface DescribeOptions {
  readonly includeSynonyms: boolean
  readonly includeDocumentation: boolean
}

export interface BrokerConfigSource {
  readonly image: MetadataImage
  readonly nodeId: number
  /** server.properties and --override as written: the STATIC_BROKER_CONFIG layer. */
  readonly staticConfigs: ReadonlyMap<string, string>
}

/** One resource of a DescribeConfigs request; a failure is a result carrying Kafka's error code and message. */
export function describeConfigs(source: BrokerConfigSource, resource: DescribeConfigsResource, options: DescribeOptions): DescribeConfigsResourceResult {
  const { resourceType, resourceName } = resource
  const fail = (errorCode: number, errorMessage: string | null): DescribeConfigsResourceResult => ({ errorCode, errorMessage, resourceType, resourceName, configs: [] })
  const isRequested = (name: string): boolean =>
    resource.configurationKeys === null || resource.configurationKeys.length === 0 || resource.configurationKeys.includes(name)
  const layers = brokerConfigLayers(source.image, source.nodeId, source.staticConfigs)
  const ok = (configs: DescribedConfig[]): DescribeConfigsResourceResult => ({ errorCode: ErrorCode.NONE, errorMessage: null, resourceType, resourceName, configs })

  switch (resourceType) {
    case ConfigResourceType.TOPIC: {
      const invalid = topicNameError(resourceName)
      if (invalid !== undefined) return fail(ErrorCode.INVALID_TOPIC_EXCEPTION, invalid)
      // Kafka answers a missing topic with the code alone.
      if (source.image.topic(resourceName) === undefined) return fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, null)
      const overrides = source.image.topicConfigs(resourceName)
      return ok([...TOPIC_CONFIGS.values()].filter((def) => isRequested(def.name)).map((def) => describeTopicConfig(def, overrides, layers, options)))
    }
    case ConfigResourceType.BROKER: {
      if (resourceName === '') {
        // The cluster-wide resource lists only the dynamic defaults that are set (ConfigHelper).
        const configs = [...layers.clusterDefaults.keys()].sort().filter(isRequested).map((name) => describeBrokerConfig(name, layers, false, options))
        return ok(configs)
      }
      if (!/^[+-]?\d+$/.test(resourceName)) return fail(ErrorCode.INVALID_REQUEST, `Broker id must be an integer, but it is: ${resourceName}`)
      if (Number(resourceName) !== source.nodeId) {
        return fail(ErrorCode.INVALID_REQUEST, `Unexpected broker id, expected ${source.nodeId} or empty string, but received ${resourceName}`)
      }
      return ok([...brokerKeys()].filter((key) => isRequested(key.name)).map((key) => describeBrokerConfig(key.name, layers, true, options)))
    }
    default:
      return fail(ErrorCode.INVALID_REQUEST, `Unsupported resource type: ${resourceTypeName(resourceType)}`)
  }
}

/**
 * Every topic config as a topic with `overrides` has it, without synonyms or documentation: what
 * CreateTopics v5+ answers for a created (or validated) topic, as Kafka's controller does.
 */
export function describeTopicConfigsWith(source: BrokerConfigSource, overrides: ReadonlyMap<string, string>): DescribedConfig[] {
  const layers = brokerConfigLayers(source.image, source.nodeId, source.staticConfigs)
  const options = { includeSynonyms: false, includeDocumentation: false }
  return [...TOPIC_CONFIGS.values()].map((def) => describeTopicConfig(def, overrides, layers, options))
}

/** Kafka's Topic.validate, in its words. */
export function topicNameError(name: string): string | undefined {
  if (name === '') return 'Topic name is illegal, it can\'t be empty'
  if (name === '.' || name === '..') return 'Topic name cannot be "." or ".."'
  if (name.length > 249) return `Topic name is illegal, it can't be longer than 249 characters, topic name: ${name}`
  if (!isLegalTopicName(name)) return `Topic name "${name}" is illegal, it contains a character other than ASCII alphanumerics, '.', '_' and '-'`
  return undefined
}

function describeTopicConfig(def: TopicConfigDef, overrides: ReadonlyMap<string, string>, layers: BrokerConfigLayers, options: DescribeOptions): DescribedConfig {
  const override = overrides.get(def.name)
  const parsedOverride = override === undefined ? undefined : parseTopicConfigValue(def, override)
  const overrideText = parsedOverride !== undefined && 'text' in parsedOverride ? parsedOverride.text : undefined
  const value = overrideText ?? brokerTopicDefault(layers, def)
  const isSensitive = def.type === 'password'
  const firstSynonym = def.brokerSynonyms[0]
  const brokerSynonyms = firstSynonym === undefined
    ? []
    : layeredSynonyms(firstSynonym.name, def.brokerSynonyms.map((synonym) => synonym.name), layers, isSensitive)
  const allSynonyms = overrideText === undefined
    ? brokerSynonyms
    : [{ name: def.name, value: isSensitive ? null : overrideText, source: ConfigSource.DYNAMIC_TOPIC_CONFIG }, ...brokerSynonyms]
  return {
    name: def.name,
    value: isSensitive ? null : value,
    readOnly: false,
    isSensitive,
    configSource: allSynonyms[0]?.source ?? ConfigSource.DEFAULT_CONFIG,
    synonyms: options.includeSynonyms ? allSynonyms : [],
    configType: configResponseType(def.type),
    documentation: options.includeDocumentation ? def.doc : null,
  }
}

function describeBrokerConfig(name: string, layers: BrokerConfigLayers, isPerBroker: boolean, options: DescribeOptions): DescribedConfig {
  const key: ConfigKey | undefined = brokerKey(name)
  const isSensitive = key?.type === 'password'
  const value = isPerBroker ? effectiveBrokerValue(layers, name) : layers.clusterDefaults.get(name) ?? null
  const allSynonyms = layeredSynonyms(name, brokerConfigSynonyms(name), layers, isSensitive)
    .filter((synonym) => isPerBroker || synonym.source === ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG)
  return {
    name,
    value: isSensitive ? null : value,
    readOnly: key === undefined || key.updateMode === 'read-only',
    isSensitive,
    configSource: allSynonyms[0]?.source ?? ConfigSource.DEFAULT_CONFIG,
    synonyms: options.includeSynonyms ? allSynonyms : [],
    configType: key === undefined ? ConfigResponseType.UNKNOWN : configResponseType(key.type),
    documentation: options.includeDocumentation ? key?.doc ?? null : null,
  }
}

/**
 * ConfigHelper.configSynonyms: every layer's value of each synonym, layer by layer (per-broker,
 * cluster default, static, default), then everything before the first entry named `name` dropped.
 * So retention.ms (first synonym log.retention.ms) shows no synonyms when only
 * log.retention.hours is set, exactly as Kafka answers.
 */
function layeredSynonyms(name: string, synonyms: readonly string[], layers: BrokerConfigLayers, isSensitive: boolean): ConfigSynonym[] {
  const found: ConfigSynonym[] = []
  const add = (lookup: (synonym: string) => string | null | undefined, source: number): void => {
    for (const synonym of synonyms) {
      const value = lookup(synonym)
      if (value !== undefined && value !== null) found.push({ name: synonym, value: isSensitive ? null : value, source })
    }
  }
  add((synonym) => layers.perBroker.get(synonym), ConfigSource.DYNAMIC_BROKER_CONFIG)
  add((synonym) => layers.clusterDefaults.get(synonym), ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG)
  add((synonym) => layers.staticConfigs.get(synonym), ConfigSource.STATIC_BROKER_CONFIG)
  add((synonym) => {
    const key = brokerKey(synonym)
    return key === undefined ? undefined : brokerDefaultText(key)
  }, ConfigSource.DEFAULT_CONFIG)
  const start = found.findIndex((synonym) => synonym.name === name)
  return start === -1 ? [] : found.slice(start)
}

const RESOURCE_TYPE_NAMES: ReadonlyMap<number, string> = new Map(Object.entries(ConfigResourceType).map(([typeName, id]) => [id, typeName]))

function resourceTypeName(resourceType: number): string {
  return RESOURCE_TYPE_NAMES.get(resourceType) ?? 'UNKNOWN'
}

function assertNever(value: never): never {
  throw new Error(`unexpected ${JSON.stringify(value)}`)
}
