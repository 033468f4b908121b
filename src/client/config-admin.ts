// Config administration for the CLI, as Kafka's Admin client does it: DescribeConfigs and
// IncrementalAlterConfigs (KIP-339) for topics, one broker, or the cluster-wide broker defaults
// (a BROKER resource named ''). A request about one broker goes to that broker, since only it
// knows its static configs; the others go to the bootstrap broker, which forwards to the controller.
import { ConfigSource } from '../config/describe-configs.js'
import { ConfigResourceType } from '../metadata/image.js'
import { ErrorCode } from '../protocol/error-codes.js'
import { ApiKey } from '../protocol/generated/api-registry.js'
import type { DescribeConfigsResponse } from '../protocol/generated/apis/describe-configs.js'
import type { IncrementalAlterConfigsResponse } from '../protocol/generated/apis/incremental-alter-configs.js'
import type { KafkaClient } from './kafka-client.js'
import { KafkaError } from './kafka-error.js'

export interface ConfigResource {
  /** ConfigResourceType.TOPIC or BROKER. */
  readonly type: number
  /** A topic name, a broker id, or '' for the cluster-wide broker defaults. */
  readonly name: string
}

export interface ConfigSynonymDescription {
  readonly name: string
  readonly value: string | null
  readonly source: string
}

export interface DescribedConfig {
  readonly name: string
  /** null for a sensitive config or one without a value. */
  readonly value: string | null
  /** Kafka's ConfigSource name: DYNAMIC_TOPIC_CONFIG, STATIC_BROKER_CONFIG, DEFAULT_CONFIG, … */
  readonly source: string
  readonly isDefault: boolean
  readonly isReadOnly: boolean
  readonly isSensitive: boolean
  /** The layers the value could come from, highest priority first. */
  readonly synonyms: readonly ConfigSynonymDescription[]
}

export type ConfigResult<T> =
  | { readonly resource: ConfigResource; readonly value: T; readonly error?: undefined }
  | { readonly resource: ConfigResource; readonly error: KafkaError }

/** IncrementalAlterConfigs' operations. */
export const AlterConfigOp = { SET: 0, DELETE: 1, APPEND: 2, SUBTRACT: 3 } as const

export interface ConfigAlteration {
  readonly resource: ConfigResource
  /** Keys to SET to the value. */
  readonly set: ReadonlyMap<string, string>
  /** Keys to DELETE (back to the default). */
  readonly delete: readonly string[]
}

const SOURCE_NAMES: ReadonlyMap<number, string> = new Map(Object.entries(ConfigSource).map(([name, id]) => [id, name]))

/** Kafka's name of a ConfigSource id. */
export function configSourceName(source: number): string {
  return SOURCE_NAMES.get(source) ?? `UNKNOWN(${source})`
}

/** How the CLI names a resource in messages: "topic t", "broker 1", "the broker defaults". */
export function describeResource(resource: ConfigResource): string {
  if (resource.type === ConfigResourceType.TOPIC) return `topic ${resource.name}`
  if (resource.type === ConfigResourceType.BROKER) return resource.name === '' ? 'the cluster-wide broker defaults' : `broker ${resource.name}`
  return `resource ${resource.type}:${resource.name}`
}

/** Every config of each resource, with synonyms; in the order asked. */
export async function describeConfigs(client: KafkaClient, resources: readonly ConfigResource[]): Promise<ConfigResult<DescribedConfig[]>[]> {
  const answers = await Promise.all([...byTarget(resources)].map(async ([nodeId, ofTarget]) => {
    const response = await client.request<DescribeConfigsResponse>(nodeId, ApiKey.DESCRIBE_CONFIGS, () => ({
      resources: ofTarget.map(({ type, name }) => ({ resourceType: type, resourceName: name, configurationKeys: null })),
      includeSynonyms: true,
      includeDocumentation: false,
    }), 'DescribeConfigs')
    return response.results
  }))
  const results = answers.flat()
  return resources.map((resource) => {
    const what = `describing configs of ${describeResource(resource)}`
    const result = results.find((found) => found.resourceType === resource.type && found.resourceName === resource.name)
    if (result === undefined) return { resource, error: new KafkaError(ErrorCode.UNKNOWN_SERVER_ERROR, what, 'the broker did not answer for this resource') }
    if (result.errorCode !== ErrorCode.NONE) return { resource, error: new KafkaError(result.errorCode, what, result.errorMessage) }
    const configs = result.configs.map((config) => ({
      name: config.name,
      value: config.value,
      source: configSourceName(config.configSource),
      isDefault: config.configSource === ConfigSource.DEFAULT_CONFIG,
      isReadOnly: config.readOnly,
      isSensitive: config.isSensitive,
      synonyms: config.synonyms.map((synonym) => ({ name: synonym.name, value: synonym.value, source: configSourceName(synonym.source) })),
    }))
    return { resource, value: configs.sort((a, b) => a.name.localeCompare(b.name)) }
  })
}

/** IncrementalAlterConfigs: SET and DELETE per resource; each resource succeeds or fails whole; `validateOnly` only checks. */
export async function incrementalAlterConfigs(client: KafkaClient, alterations: readonly ConfigAlteration[], validateOnly = false): Promise<ConfigResult<true>[]> {
  const answers = await Promise.all([...byTarget(alterations.map((alteration) => alteration.resource))].map(async ([nodeId, ofTarget]) => {
    const response = await client.request<IncrementalAlterConfigsResponse>(nodeId, ApiKey.INCREMENTAL_ALTER_CONFIGS, () => ({
      resources: alterations.filter((alteration) => ofTarget.includes(alteration.resource)).map((alteration) => ({
        resourceType: alteration.resource.type,
        resourceName: alteration.resource.name,
        configs: [
          ...[...alteration.set].map(([name, value]) => ({ name, configOperation: AlterConfigOp.SET, value })),
          ...alteration.delete.map((name) => ({ name, configOperation: AlterConfigOp.DELETE, value: null })),
        ],
      })),
      validateOnly,
    }), 'IncrementalAlterConfigs')
    return response.responses
  }))
  const results = answers.flat()
  return alterations.map(({ resource }) => {
    const what = `altering configs of ${describeResource(resource)}`
    const result = results.find((found) => found.resourceType === resource.type && found.resourceName === resource.name)
    if (result === undefined) return { resource, error: new KafkaError(ErrorCode.UNKNOWN_SERVER_ERROR, what, 'the broker did not answer for this resource') }
    if (result.errorCode !== ErrorCode.NONE) return { resource, error: new KafkaError(result.errorCode, what, result.errorMessage) }
    return { resource, value: true }
  })
}

/** Resources grouped by the node to ask: a broker's own configs go to it, the rest to the bootstrap broker (undefined). */
function byTarget(resources: readonly ConfigResource[]): Map<number | undefined, ConfigResource[]> {
  const groups = new Map<number | undefined, ConfigResource[]>()
  for (const resource of resources) {
    const nodeId = resource.type === ConfigResourceType.BROKER && /^\d+$/.test(resource.name) ? Number(resource.name) : undefined
    groups.set(nodeId, [...(groups.get(nodeId) ?? []), resource])
  }
  return groups
}
