// Topic administration for the CLI, as Kafka's Admin client does it: list, describe (Metadata for
// partitions, leaders and ISR; DescribeConfigs for the configs that differ from the defaults),
// create, delete and add partitions. Admin requests go to the bootstrap broker: in Kafka a broker
// forwards them to the controller (KIP-590), and a single Sluice node is its own controller.
// Every function answers per topic: one topic's Kafka error never hides its neighbours' outcomes.
import { ErrorCode } from '../protocol/error-codes.js'
import { ApiKey } from '../protocol/generated/api-registry.js'
import type { CreatePartitionsResponse } from '../protocol/generated/apis/create-partitions.js'
import type { CreateTopicsResponse } from '../protocol/generated/apis/create-topics.js'
import { defaultCreateTopicsRequestCreatableTopic } from '../protocol/generated/apis/create-topics.js'
import type { DeleteTopicsResponse } from '../protocol/generated/apis/delete-topics.js'
import type { KafkaClient } from './kafka-client.js'
import { ConfigResourceType } from '../metadata/image.js'
import { describeConfigs, type DescribedConfig } from './config-admin.js'
import { KafkaError } from './kafka-error.js'

/** A topic's outcome: the value, or the Kafka error the broker answered for that topic. */
export type TopicResult<T> =
  | { readonly topic: string; readonly value: T; readonly error?: undefined }
  | { readonly topic: string; readonly error: KafkaError }

export interface PartitionDescription {
  readonly partition: number
  /** -1 when the partition has no leader. */
  readonly leader: number
  readonly leaderEpoch: number
  readonly replicas: readonly number[]
  readonly isr: readonly number[]
  readonly offlineReplicas: readonly number[]
}

export interface TopicDescription {
  readonly name: string
  readonly topicId: string
  readonly isInternal: boolean
  readonly partitionCount: number
  readonly replicationFactor: number
  /** The configs whose source is not DEFAULT_CONFIG (as kafka-topics --describe shows them). */
  readonly configs: readonly DescribedConfig[]
  readonly partitions: readonly PartitionDescription[]
}

export interface NewTopic {
  readonly name: string
  /** -1: the broker's num.partitions (CreateTopics v4+, KIP-464). */
  readonly numPartitions: number
  /** -1: the broker's default.replication.factor. */
  readonly replicationFactor: number
  /** Replicas of each partition, by partition index; with it, partitions and factor stay -1. */
  readonly replicaAssignment?: readonly (readonly number[])[] | undefined
  readonly configs: ReadonlyMap<string, string>
}

export interface CreatedTopic {
  readonly name: string
  readonly topicId: string
  readonly numPartitions: number
  readonly replicationFactor: number
}

/** Every topic name, sorted; internal topics (__consumer_offsets, …) only unless excluded. */
export async function listTopics(client: KafkaClient, options: { readonly excludeInternal: boolean }): Promise<string[]> {
  const metadata = await client.metadata(null)
  return metadata.topics
    .filter((topic) => topic.errorCode === ErrorCode.NONE && !(options.excludeInternal && topic.isInternal))
    .map((topic) => topic.name ?? '')
    .sort()
}

/** Partitions, leaders, ISR and non-default configs of `names` (every topic when null), sorted by name. */
export async function describeTopics(client: KafkaClient, names: readonly string[] | null): Promise<TopicResult<TopicDescription>[]> {
  const metadata = await client.metadata(names)
  const found = new Map(metadata.topics.map((topic) => [topic.name ?? '', topic]))
  const known = [...found.values()].filter((topic) => topic.errorCode === ErrorCode.NONE).map((topic) => topic.name ?? '')
  const configs = known.length === 0 ? [] : await describeConfigs(client, known.map((name) => ({ type: ConfigResourceType.TOPIC, name })))
  const configsOf = new Map(configs.map((result) => [result.resource.name, result]))
  const results: TopicResult<TopicDescription>[] = []
  for (const name of names ?? [...found.keys()].sort()) {
    const topic = found.get(name)
    const what = `describing topic ${name}`
    if (topic === undefined) {
      results.push({ topic: name, error: new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, what) })
      continue
    }
    if (topic.errorCode !== ErrorCode.NONE) {
      results.push({ topic: name, error: new KafkaError(topic.errorCode, what) })
      continue
    }
    const described = configsOf.get(name)
    if (described?.error !== undefined) {
      results.push({ topic: name, error: described.error })
      continue
    }
    const partitions = topic.partitions
      .map((partition) => ({
        partition: partition.partitionIndex, leader: partition.leaderId, leaderEpoch: partition.leaderEpoch,
        replicas: partition.replicaNodes, isr: partition.isrNodes, offlineReplicas: partition.offlineReplicas,
      }))
      .sort((a, b) => a.partition - b.partition)
    results.push({
      topic: name,
      value: {
        name, topicId: topic.topicId, isInternal: topic.isInternal, partitionCount: partitions.length,
        replicationFactor: partitions[0]?.replicas.length ?? 0,
        configs: (described?.value ?? []).filter((config) => !config.isDefault),
        partitions,
      },
    })
  }
  return results
}

/** CreateTopics; `validateOnly` asks the broker to check without creating. */
export async function createTopics(client: KafkaClient, topics: readonly NewTopic[], validateOnly = false): Promise<TopicResult<CreatedTopic>[]> {
  const response = await client.request<CreateTopicsResponse>(undefined, ApiKey.CREATE_TOPICS, () => ({
    topics: topics.map((topic) => ({
      ...defaultCreateTopicsRequestCreatableTopic(),
      name: topic.name,
      numPartitions: topic.numPartitions,
      replicationFactor: topic.replicationFactor,
      assignments: (topic.replicaAssignment ?? []).map((brokerIds, partitionIndex) => ({ partitionIndex, brokerIds: [...brokerIds] })),
      configs: [...topic.configs].map(([name, value]) => ({ name, value })),
    })),
    timeoutMs: client.timeoutMs,
    validateOnly,
  }), 'CreateTopics')
  return topics.map(({ name }) => {
    const result = response.topics.find((topic) => topic.name === name)
    const what = `creating topic ${name}`
    if (result === undefined) return { topic: name, error: new KafkaError(ErrorCode.UNKNOWN_SERVER_ERROR, what, 'the broker did not answer for this topic') }
    if (result.errorCode !== ErrorCode.NONE) return { topic: name, error: new KafkaError(result.errorCode, what, result.errorMessage) }
    return { topic: name, value: { name, topicId: result.topicId, numPartitions: result.numPartitions, replicationFactor: result.replicationFactor } }
  })
}

/** DeleteTopics by name. */
export async function deleteTopics(client: KafkaClient, names: readonly string[]): Promise<TopicResult<true>[]> {
  const response = await client.request<DeleteTopicsResponse>(undefined, ApiKey.DELETE_TOPICS, () => ({
    // v6 names topics in `topics`, older versions in `topicNames`; each version ignores the other.
    topics: names.map((name) => ({ name, topicId: ZERO_TOPIC_ID })),
    topicNames: [...names],
    timeoutMs: client.timeoutMs,
  }), 'DeleteTopics')
  return names.map((name) => {
    const result = response.responses.find((topic) => topic.name === name)
    const what = `deleting topic ${name}`
    if (result === undefined) return { topic: name, error: new KafkaError(ErrorCode.UNKNOWN_SERVER_ERROR, what, 'the broker did not answer for this topic') }
    if (result.errorCode !== ErrorCode.NONE) return { topic: name, error: new KafkaError(result.errorCode, what, result.errorMessage) }
    return { topic: name, value: true }
  })
}

/** CreatePartitions: raises each topic's partition count to `count` (Kafka never lowers it); `validateOnly` only checks. */
export async function createPartitions(client: KafkaClient, topics: readonly { readonly name: string; readonly count: number }[], validateOnly = false): Promise<TopicResult<number>[]> {
  const response = await client.request<CreatePartitionsResponse>(undefined, ApiKey.CREATE_PARTITIONS, () => ({
    topics: topics.map(({ name, count }) => ({ name, count, assignments: null })),
    timeoutMs: client.timeoutMs,
    validateOnly,
  }), 'CreatePartitions')
  return topics.map(({ name, count }) => {
    const result = response.results.find((topic) => topic.name === name)
    const what = `adding partitions to topic ${name}`
    if (result === undefined) return { topic: name, error: new KafkaError(ErrorCode.UNKNOWN_SERVER_ERROR, what, 'the broker did not answer for this topic') }
    if (result.errorCode !== ErrorCode.NONE) return { topic: name, error: new KafkaError(result.errorCode, what, result.errorMessage) }
    return { topic: name, value: count }
  })
}

/** Kafka's "no topic id" (requests that name topics leave the id zero). */
const ZERO_TOPIC_ID = 'AAAAAAAAAAAAAAAAAAAAAA'
