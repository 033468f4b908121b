// AlterConfigs and IncrementalAlterConfigs (KIP-339) as ConfigRecords, the way Kafka's broker-side
// ConfigAdminManager checks the request and the controller's ConfigurationControlManager builds the
// records. Pure: it reads the image and returns the records to commit with one result per resource;
// the image changes only when the records are replayed.
import { brokerConfigLayers, brokerKey, brokerTopicDefault, brokerValueError } from '../config/dynamic-broker-config.js'
import { topicNameError } from '../config/describe-configs.js'
import { topicConfigError } from '../config/topic-config.js'
import { topicConfigDef } from '../config/topic-config-catalog.js'
import { ConfigResourceType } from '../metadata/image.js'
import type { MetadataImage } from '../metadata/image.js'
import type { MetadataRecord } from '../metadata/metadata-record-codec.js'
import { ErrorCode } from '../protocol/error-codes.js'

/** Kafka's AlterConfigOp.OpType ids. */
export const AlterConfigOp = { SET: 0, DELETE: 1, APPEND: 2, SUBTRACT: 3 } as const

/** legacy: AlterConfigs, whose set replaces every dynamic config of the resource; incremental: KIP-339. */
export type AlterConfigsMode = 'legacy' | 'incremental'

export interface AlterableConfig {
  readonly name: string
  readonly value: string | null
  /** An AlterConfigOp id; AlterConfigs (legacy) carries none and means SET. */
  readonly configOperation?: number
}

export interface AlterConfigsResourceRequest {
  readonly resourceType: number
  readonly resourceName: string
  readonly configs: readonly AlterableConfig[]
}

export interface AlterConfigsResourceResult {
  readonly resourceType: number
  readonly resourceName: string
  readonly errorCode: number
  readonly errorMessage: string | null
}

export interface ConfigChangePlan {
  /** ConfigRecords of the accepted resources (value null deletes); empty when validateOnly. */
  readonly records: MetadataRecord[]
  /** One per requested resource, in request order. */
  readonly results: AlterConfigsResourceResult[]
}

export interface ConfigChangeContext {
  readonly image: MetadataImage
  /** The node the request reached: the only broker id a per-broker resource may name. */
  readonly nodeId: number
  /** server.properties as written, for the broker values topics fall back to. */
  readonly staticConfigs: ReadonlyMap<string, string>
}

type Refusal = { readonly errorCode: number; readonly errorMessage: string }

export function planConfigChanges(
  context: ConfigChangeContext, resources: readonly AlterConfigsResourceRequest[], mode: AlterConfigsMode, validateOnly: boolean,
): ConfigChangePlan {
  const records: MetadataRecord[] = []
  const counts = new Map<string, number>()
  const keyOf = (resource: AlterConfigsResourceRequest): string => `${resource.resourceType}:${resource.resourceName}`
  for (const resource of resources) counts.set(keyOf(resource), (counts.get(keyOf(resource)) ?? 0) + 1)
  const results = resources.map((resource): AlterConfigsResourceResult => {
    const { resourceType, resourceName } = resource
    const planned = (counts.get(keyOf(resource)) ?? 0) > 1
      ? { errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Each resource must appear at most once.' }
      : planResource(context, resource, mode)
    if ('errorCode' in planned) return { resourceType, resourceName, ...planned }
    if (!validateOnly) records.push(...planned)
    return { resourceType, resourceName, errorCode: ErrorCode.NONE, errorMessage: null }
  })
  return { records, results }
}

function planResource(context: ConfigChangeContext, resource: AlterConfigsResourceRequest, mode: AlterConfigsMode): MetadataRecord[] | Refusal {
  const names = resource.configs.map((config) => config.name)
  if (new Set(names).size !== names.length) return invalidRequest('Error due to duplicate config keys')
  const nullUpdates = resource.configs.filter((config) => operationOf(config) !== AlterConfigOp.DELETE && config.value === null).map((config) => config.name)
  if (nullUpdates.length > 0) return invalidRequest(`Null value not supported for : ${nullUpdates.join(', ')}`)
  const unknownOperation = resource.configs.find((config) => !Object.values(AlterConfigOp).includes(operationOf(config) as 0))
  if (unknownOperation !== undefined) return invalidRequest(`Unknown config operation type ${operationOf(unknownOperation)} for config key: ${unknownOperation.name}`)
  switch (resource.resourceType) {
    case ConfigResourceType.TOPIC:
      return planTopic(context, resource, mode)
    case ConfigResourceType.BROKER:
      return planBroker(context, resource, mode)
    default:
      return invalidRequest(`Unsupported resource type ${resource.resourceType} for resource ${resource.resourceName}`)
  }
}

function planTopic(context: ConfigChangeContext, resource: AlterConfigsResourceRequest, mode: AlterConfigsMode): MetadataRecord[] | Refusal {
  const name = resource.resourceName
  if (name === '') return invalidRequest('Default topic resources are not allowed.')
  const illegal = topicNameError(name)
  if (illegal !== undefined) return { errorCode: ErrorCode.INVALID_TOPIC_EXCEPTION, errorMessage: illegal }
  if (context.image.topic(name) === undefined) return { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: `The topic '${name}' does not exist.` }
  const current = context.image.topicConfigs(name)
  const next = new Map(mode === 'legacy' ? [] : current)
  for (const config of resource.configs) {
    const operation = operationOf(config)
    if (operation === AlterConfigOp.APPEND || operation === AlterConfigOp.SUBTRACT) {
      const def = topicConfigDef(config.name)
      if (def === undefined) return invalidConfig(`Unknown topic config name: ${config.name}`)
      // The controller's words (ConfigurationControlManager); Kafka spells the operation by name.
      if (def.type !== 'list') return invalidConfig(`Can't ${operation === AlterConfigOp.APPEND ? 'APPEND' : 'SUBTRACT'} to key ${config.name} because its type is not LIST.`)
      next.set(config.name, applyListOperation(next.get(config.name) ?? def.defaultValue, operation, config.value ?? ''))
    } else {
      applySetOrDelete(next, config)
    }
  }
  for (const [configName, value] of next) {
    const problem = topicConfigError(configName, value)
    if (problem !== undefined) return invalidConfig(problem)
  }
  const lagConflict = compactionLagConflict(context, next)
  if (lagConflict !== undefined) return invalidConfig(lagConflict)
  return configRecords(ConfigResourceType.TOPIC, name, current, next)
}

/** LogConfig.validateValues: the effective min.compaction.lag.ms may not exceed max.compaction.lag.ms. */
function compactionLagConflict(context: ConfigChangeContext, next: ReadonlyMap<string, string>): string | undefined {
  const layers = brokerConfigLayers(context.image, context.nodeId, context.staticConfigs)
  const effective = (configName: string): bigint => {
    const def = topicConfigDef(configName)!
    return BigInt((next.get(configName) ?? brokerTopicDefault(layers, def)).trim())
  }
  const min = effective('min.compaction.lag.ms')
  const max = effective('max.compaction.lag.ms')
  return min > max ? `conflict topic config setting min.compaction.lag.ms (${min}) > max.compaction.lag.ms (${max})` : undefined
}

function planBroker(context: ConfigChangeContext, resource: AlterConfigsResourceRequest, mode: AlterConfigsMode): MetadataRecord[] | Refusal {
  const name = resource.resourceName
  const isClusterDefault = name === ''
  if (!isClusterDefault) {
    // ConfigAdminManager.validateResourceNameIsCurrentNodeId: a broker changes only its own configs.
    if (!/^[+-]?\d+$/.test(name)) return invalidRequest(`Node id must be an integer, but it is: ${name}`)
    if (Number(name) !== context.nodeId) return invalidRequest(`Unexpected broker id, expected ${context.nodeId}, but received ${name}`)
  }
  const current = context.image.brokerConfigs(isClusterDefault ? undefined : context.nodeId)
  const next = new Map(mode === 'legacy' ? [] : current)
  for (const config of resource.configs) {
    const operation = operationOf(config)
    if (operation === AlterConfigOp.APPEND || operation === AlterConfigOp.SUBTRACT) {
      const key = brokerKey(config.name)
      if (key?.type !== 'list') {
        return invalidRequest(`Config value ${operation === AlterConfigOp.APPEND ? 'append' : 'subtract'} is not allowed for config key: ${config.name}`)
      }
      const base = next.get(config.name) ?? (Array.isArray(key.defaultValue) ? (key.defaultValue as readonly string[]).join(',') : '')
      next.set(config.name, applyListOperation(base, operation, config.value ?? ''))
    } else {
      applySetOrDelete(next, config)
    }
  }
  // DynamicBrokerConfig.validate over the resource's resulting dynamic configs; its ConfigException
  // reaches the client as INVALID_REQUEST. Keys Sluice does not know are kept, as Kafka keeps them.
  const readOnly = [...next.keys()].filter((key) => brokerKey(key)?.updateMode === 'read-only')
  if (readOnly.length > 0) return invalidRequest(`Cannot update these configs dynamically: Set(${readOnly.join(', ')})`)
  for (const [key, value] of next) {
    const problem = brokerValueError(key, value)
    if (problem !== undefined) return invalidRequest(problem)
  }
  const perBrokerOnly = [...next.keys()].filter((key) => brokerKey(key)?.updateMode === 'per-broker')
  if (isClusterDefault && perBrokerOnly.length > 0) {
    return invalidRequest(`Cannot update these configs at default cluster level, broker id must be specified: Set(${perBrokerOnly.join(', ')})`)
  }
  return configRecords(ConfigResourceType.BROKER, name, current, next)
}

function operationOf(config: AlterableConfig): number {
  return config.configOperation ?? AlterConfigOp.SET
}

function applySetOrDelete(next: Map<string, string>, config: AlterableConfig): void {
  if (operationOf(config) === AlterConfigOp.DELETE) next.delete(config.name)
  else next.set(config.name, config.value!)
}

/** APPEND adds the elements not yet present; SUBTRACT removes them (ConfigurationControlManager). */
function applyListOperation(base: string, operation: number, value: string): string {
  const elements = base === '' ? [] : base.split(',')
  for (const element of value.split(',')) {
    if (operation === AlterConfigOp.APPEND && !elements.includes(element)) elements.push(element)
    if (operation === AlterConfigOp.SUBTRACT) {
      const index = elements.indexOf(element)
      if (index !== -1) elements.splice(index, 1)
    }
  }
  return elements.join(',')
}

/** A ConfigRecord for each key whose value changes: set ones first, then deletions (value null). */
function configRecords(resourceType: number, resourceName: string, current: ReadonlyMap<string, string>, next: ReadonlyMap<string, string>): MetadataRecord[] {
  const records: MetadataRecord[] = []
  const record = (name: string, value: string | null): MetadataRecord => ({ type: 'ConfigRecord', version: 0, value: { resourceType, resourceName, name, value } })
  for (const [name, value] of next) if (current.get(name) !== value) records.push(record(name, value))
  for (const name of current.keys()) if (!next.has(name)) records.push(record(name, null))
  return records
}

function invalidRequest(errorMessage: string): Refusal {
  return { errorCode: ErrorCode.INVALID_REQUEST, errorMessage }
}

function invalidConfig(errorMessage: string): Refusal {
  return { errorCode: ErrorCode.INVALID_CONFIG, errorMessage }
}
