// The active controller of a one-voter quorum. It never changes state itself: each operation
// checks the request against the current image, builds the records (TopicRecord, PartitionRecord,
// RegisterBrokerRecord, …) and commits them through `commit`, which appends them to the metadata
// log and publishes the next image to the broker. A later issue puts Raft in front of `commit`.
import type { Logger } from 'pino'
import { topicConfigError } from '../config/topic-config.js'
import { isLegalTopicName } from '../log/topic-partition.js'
import type { MetadataImage } from '../metadata/image.js'
import { ConfigResourceType, METADATA_VERSION_FEATURE } from '../metadata/image.js'
import type { MetadataRecord } from '../metadata/metadata-record-codec.js'
import { ErrorCode, errorName } from '../protocol/error-codes.js'
import { ZERO_UUID } from '../log/partition-metadata.js'
import { planPartitions, type CreatePartitionsResult, type CreatePartitionsSpec } from './partition-manager.js'
import type { AlterConfigsMode, AlterConfigsResourceRequest, AlterConfigsResourceResult } from './config-manager.js'
import { planConfigChanges } from './config-manager.js'
import { assignReplicas, createTopicRecords, randomKafkaUuid, removeTopicRecord } from './topic-records.js'

/** metadata.version 3.9-IV0 (21), the level Kafka 3.9 formats a new cluster with. */
export const METADATA_VERSION_LEVEL = 21

/** Kafka's Topic.MAX_NAME_LENGTH. */
const MAX_TOPIC_NAME_LENGTH = 249

export interface ControllerOptions {
  readonly nodeId: number
  /** The quorum epoch the records are written in; 1 for the single voter until Raft elects. */
  readonly epoch: number
  /** Appends records as one batch and resolves with the image that contains them. */
  readonly commit: (records: readonly MetadataRecord[]) => Promise<MetadataImage>
  readonly image: () => MetadataImage
  readonly defaults: TopicDefaults
  /** server.properties as written (ParsedBrokerConfig.staticConfigs): what topics fall back to when configs are checked. */
  readonly staticBrokerConfigs?: ReadonlyMap<string, string>
  readonly logger?: Logger
}

/** The broker settings topic creation falls back to. */
export interface TopicDefaults {
  /** num.partitions */
  readonly numPartitions: number
  /** default.replication.factor */
  readonly defaultReplicationFactor: number
  readonly internalTopics: ReadonlyMap<string, InternalTopicSettings>
}

export interface InternalTopicSettings {
  readonly numPartitions: number
  readonly replicationFactor: number
  readonly configs: ReadonlyMap<string, string>
}

export interface CreateTopicSpec {
  readonly name: string
  /** -1: num.partitions (or the assignment's size). */
  readonly numPartitions: number
  /** -1: default.replication.factor. */
  readonly replicationFactor: number
  /** Explicit replicas per partition index; empty to let the controller place them. */
  readonly assignments: ReadonlyArray<{ readonly partitionIndex: number; readonly brokerIds: readonly number[] }>
  readonly configs: ReadonlyArray<{ readonly name: string; readonly value: string | null }>
}

export interface CreateTopicResult {
  readonly name: string
  readonly errorCode: number
  readonly errorMessage: string | null
  readonly topicId: string
  readonly numPartitions: number
  readonly replicationFactor: number
  readonly configs: ReadonlyMap<string, string>
}

export interface DeleteTopicResult {
  readonly name: string | null
  readonly topicId: string
  readonly errorCode: number
  readonly errorMessage: string | null
}


type Refusal = { readonly errorCode: number; readonly errorMessage: string }

export class QuorumController {
  /** Where the next topic's replica placement starts, so leaders spread over brokers. */
  private placementStart = 0
  /** Internal topics being created, so concurrent FindCoordinator calls create them once. */
  private readonly pendingInternalTopics = new Map<string, Promise<number>>()

  constructor(private readonly options: ControllerOptions) {}

  /** The active controller's id: in a one-voter quorum, always this node. */
  get controllerId(): number {
    return this.options.nodeId
  }

  /**
   * Formats an empty log with metadata.version, then registers `registration` (a RegisterBrokerRecord
   * whose epoch is the log offset it lands at, as Kafka's broker epoch is) and unfences it: a
   * broker of a one-node cluster is caught up as soon as its log is open.
   */
  async registerBroker(registration: Omit<Extract<MetadataRecord, { type: 'RegisterBrokerRecord' }>['value'], 'brokerEpoch' | 'fenced'>, logEndOffset: bigint): Promise<bigint> {
    const records: MetadataRecord[] = []
    if (this.options.image().features.levels.get(METADATA_VERSION_FEATURE) === undefined) {
      records.push({ type: 'FeatureLevelRecord', version: 0, value: { name: METADATA_VERSION_FEATURE, featureLevel: METADATA_VERSION_LEVEL } })
    }
    const brokerEpoch = logEndOffset + BigInt(records.length)
    records.push({ type: 'RegisterBrokerRecord', version: 3, value: { ...registration, brokerEpoch, fenced: true } })
    records.push({ type: 'UnfenceBrokerRecord', version: 0, value: { id: registration.brokerId, epoch: brokerEpoch } })
    await this.options.commit(records)
    return brokerEpoch
  }

  /**
   * CreateTopics (and auto-creation): every topic is checked on its own; the valid ones are
   * committed together unless `validateOnly`. Results keep the request's order.
   */
  async createTopics(specs: readonly CreateTopicSpec[], validateOnly: boolean): Promise<CreateTopicResult[]> {
    const image = this.options.image()
    const results: CreateTopicResult[] = []
    const records: MetadataRecord[] = []
    const namesInRequest = new Map<string, number>()
    for (const spec of specs) namesInRequest.set(spec.name, (namesInRequest.get(spec.name) ?? 0) + 1)
    const takenIds = new Set<string>()
    for (const spec of specs) {
      const refusal = (namesInRequest.get(spec.name) ?? 0) > 1
        ? { errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Duplicate topic name.' }
        : undefined
      const planned = refusal ?? this.planTopic(image, spec)
      if ('errorCode' in planned) {
        results.push({ name: spec.name, ...planned, topicId: ZERO_UUID, numPartitions: -1, replicationFactor: -1, configs: new Map() })
        continue
      }
      const topicId = randomKafkaUuid((id) => takenIds.has(id) || image.topicById(id) !== undefined)
      takenIds.add(topicId)
      if (!validateOnly) records.push(...createTopicRecords({ name: spec.name, topicId, assignments: planned.assignments, configs: planned.configs }))
      results.push({
        name: spec.name, errorCode: ErrorCode.NONE, errorMessage: null, topicId,
        numPartitions: planned.assignments.length, replicationFactor: planned.assignments[0]?.length ?? 0, configs: planned.configs,
      })
    }
    if (records.length > 0) {
      await this.options.commit(records)
      for (const result of results) {
        if (result.errorCode !== ErrorCode.NONE) continue
        this.options.logger?.info({ topic: result.name, topicId: result.topicId, partitions: result.numPartitions, replicationFactor: result.replicationFactor },
          'topic created')
      }
    }
    return results
  }

  private planTopic(image: MetadataImage, spec: CreateTopicSpec): { assignments: number[][]; configs: Map<string, string> } | Refusal {
    const { name } = spec
    if (name.length === 0 || name.length > MAX_TOPIC_NAME_LENGTH || !isLegalTopicName(name)) {
      return { errorCode: ErrorCode.INVALID_TOPIC_EXCEPTION, errorMessage: invalidTopicNameMessage(name) }
    }
    if (image.topic(name) !== undefined) return { errorCode: ErrorCode.TOPIC_ALREADY_EXISTS, errorMessage: `Topic '${name}' already exists.` }
    const collision = [...image.topics.byName.keys()].find((existing) => collisionName(existing) === collisionName(name))
    if (collision !== undefined) {
      return { errorCode: ErrorCode.INVALID_TOPIC_EXCEPTION, errorMessage: `Topic '${name}' collides with existing topic: ${collision}` }
    }
    const configs = new Map<string, string>()
    for (const { name: configName, value } of spec.configs) {
      const problem = topicConfigError(configName, value)
      if (problem !== undefined) return { errorCode: ErrorCode.INVALID_CONFIG, errorMessage: problem }
      configs.set(configName, value!)
    }
    const liveBrokers = [...image.cluster.brokers.values()].filter((broker) => !broker.isFenced).map((broker) => broker.id).sort((a, b) => a - b)
    if (spec.assignments.length > 0) return this.planExplicit(image, spec, configs)
    const numPartitions = spec.numPartitions === -1 ? this.options.defaults.numPartitions : spec.numPartitions
    const replicationFactor = spec.replicationFactor === -1 ? this.options.defaults.defaultReplicationFactor : spec.replicationFactor
    // Kafka checks the replication factor before the partition count.
    if (replicationFactor <= 0) {
      return { errorCode: ErrorCode.INVALID_REPLICATION_FACTOR, errorMessage: 'Replication factor must be larger than 0, or -1 to use the default value.' }
    }
    if (numPartitions <= 0) return { errorCode: ErrorCode.INVALID_PARTITIONS, errorMessage: 'Number of partitions was set to an invalid non-positive value.' }
    if (replicationFactor > liveBrokers.length) {
      return {
        errorCode: ErrorCode.INVALID_REPLICATION_FACTOR,
        errorMessage: `Unable to replicate the partition ${replicationFactor} time(s): The target replication factor of ${replicationFactor} ` +
          `cannot be reached because only ${liveBrokers.length} broker(s) are registered.`,
      }
    }
    const assignments = assignReplicas(liveBrokers, numPartitions, replicationFactor, this.placementStart)
    this.placementStart = (this.placementStart + 1) % Math.max(liveBrokers.length, 1)
    return { assignments, configs }
  }

  /** A topic given as a replica assignment (Kafka: numPartitions and replicationFactor must then be -1). */
  private planExplicit(image: MetadataImage, spec: CreateTopicSpec, configs: Map<string, string>): { assignments: number[][]; configs: Map<string, string> } | Refusal {
    if (spec.replicationFactor !== -1) return { errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'A manual partition assignment was specified, but replication factor was not set to -1.' }
    if (spec.numPartitions !== -1) return { errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'A manual partition assignment was specified, but numPartitions was not set to -1.' }
    const sorted = [...spec.assignments].sort((a, b) => a.partitionIndex - b.partitionIndex)
    const assignments: number[][] = []
    for (const [expected, assignment] of sorted.entries()) {
      if (assignment.partitionIndex !== expected) {
        return { errorCode: ErrorCode.INVALID_REPLICA_ASSIGNMENT, errorMessage: 'partitions should be a consecutive 0-based integer sequence' }
      }
      const replicas = [...assignment.brokerIds]
      if (replicas.length === 0) return { errorCode: ErrorCode.INVALID_REPLICA_ASSIGNMENT, errorMessage: `The manual partition assignment includes an empty replica list.` }
      if (new Set(replicas).size !== replicas.length) {
        return { errorCode: ErrorCode.INVALID_REPLICA_ASSIGNMENT, errorMessage: `The manual partition assignment includes the broker ${replicas.find((id, index) => replicas.indexOf(id) !== index)} more than once.` }
      }
      const unknown = replicas.find((id) => image.broker(id) === undefined)
      if (unknown !== undefined) {
        return { errorCode: ErrorCode.INVALID_REPLICA_ASSIGNMENT, errorMessage: `The manual partition assignment includes broker ${unknown}, but no such broker is registered.` }
      }
      if (assignments.length > 0 && replicas.length !== assignments[0]!.length) {
        return { errorCode: ErrorCode.INVALID_REPLICA_ASSIGNMENT, errorMessage: `The manual partition assignment includes a partition with ${replicas.length} replica(s), but this is not consistent with previous partitions, which have ${assignments[0]!.length} replica(s).` }
      }
      assignments.push(replicas)
    }
    return { assignments, configs }
  }

  /**
   * DeleteTopics by name (v0-5) or by name or id (v6). Each topic is removed on its own. As in
   * Kafka's ControllerApis, a topic must be given by exactly one of name and id, and a name or id
   * given twice is refused.
   */
  async deleteTopics(topics: ReadonlyArray<{ readonly name: string | null; readonly topicId: string }>): Promise<DeleteTopicResult[]> {
    const image = this.options.image()
    const records: MetadataRecord[] = []
    const removed = new Set<string>()
    const counts = new Map<string, number>()
    const keyOf = (name: string | null, topicId: string): string => (name !== null ? `name:${name}` : `id:${topicId}`)
    for (const { name, topicId } of topics) counts.set(keyOf(name, topicId), (counts.get(keyOf(name, topicId)) ?? 0) + 1)
    const results = topics.map(({ name, topicId }): DeleteTopicResult => {
      if (name === null && topicId === ZERO_UUID) {
        return { name, topicId, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Neither topic name nor id were specified.' }
      }
      if (name !== null && topicId !== ZERO_UUID) {
        return { name, topicId, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'You may not specify both topic name and topic id.' }
      }
      if ((counts.get(keyOf(name, topicId)) ?? 0) > 1) {
        return { name, topicId, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: name !== null ? 'Duplicate topic name.' : 'Duplicate topic id.' }
      }
      const topic = name !== null ? image.topic(name) : image.topicById(topicId)
      if (topic === undefined) {
        return name !== null
          ? { name, topicId, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: 'This server does not host this topic-partition.' }
          : { name, topicId, errorCode: ErrorCode.UNKNOWN_TOPIC_ID, errorMessage: 'This server does not host this topic ID.' }
      }
      if (!removed.has(topic.topicId)) records.push(removeTopicRecord(topic.topicId))
      removed.add(topic.topicId)
      return { name: topic.name, topicId: topic.topicId, errorCode: ErrorCode.NONE, errorMessage: null }
    })
    if (records.length > 0) {
      await this.options.commit(records)
      for (const topicId of removed) {
        const topic = image.topicById(topicId)
        this.options.logger?.info({ topic: topic?.name, topicId, partitions: topic?.partitions.size }, 'topic deleted')
      }
    }
    return results
  }

  /**
   * CreatePartitions: each topic is checked on its own and the valid ones are committed together
   * unless `validateOnly`. A name given twice is refused once with INVALID_REQUEST, as Kafka's
   * ControllerApis does; results keep the order of each name's first appearance.
   */
  async createPartitions(specs: readonly CreatePartitionsSpec[], validateOnly: boolean): Promise<CreatePartitionsResult[]> {
    const image = this.options.image()
    const counts = new Map<string, number>()
    for (const spec of specs) counts.set(spec.name, (counts.get(spec.name) ?? 0) + 1)
    const records: MetadataRecord[] = []
    const results: CreatePartitionsResult[] = []
    const answered = new Set<string>()
    for (const spec of specs) {
      if (answered.has(spec.name)) continue
      answered.add(spec.name)
      if ((counts.get(spec.name) ?? 0) > 1) {
        results.push({ name: spec.name, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Duplicate topic name.' })
        continue
      }
      const plan = planPartitions(image, spec)
      if ('errorCode' in plan) {
        results.push({ name: spec.name, errorCode: plan.errorCode, errorMessage: plan.errorMessage })
        continue
      }
      if (!validateOnly) records.push(...plan.records)
      results.push({ name: spec.name, errorCode: ErrorCode.NONE, errorMessage: null })
    }
    if (records.length > 0) {
      await this.options.commit(records)
      for (const spec of specs) {
        if (results.find((result) => result.name === spec.name)?.errorCode !== ErrorCode.NONE) continue
        this.options.logger?.info({ topic: spec.name, previousPartitions: image.topic(spec.name)?.partitions.size, partitions: spec.count },
          'partitions added')
      }
    }
    return results
  }

  /**
   * AlterConfigs (legacy: the set replaces the resource's dynamic configs) and
   * IncrementalAlterConfigs: each resource is checked on its own and the accepted ones are
   * committed together as ConfigRecords unless `validateOnly`. Results keep the request's order.
   */
  async alterConfigs(resources: readonly AlterConfigsResourceRequest[], mode: AlterConfigsMode, validateOnly: boolean): Promise<AlterConfigsResourceResult[]> {
    const context = { image: this.options.image(), nodeId: this.options.nodeId, staticConfigs: this.options.staticBrokerConfigs ?? new Map<string, string>() }
    const { records, results } = planConfigChanges(context, resources, mode, validateOnly)
    if (records.length > 0) {
      await this.options.commit(records)
      for (const [index, result] of results.entries()) {
        if (result.errorCode !== ErrorCode.NONE) continue
        // Names only: a value may be a secret.
        const configs = resources[index]?.configs.map((config) => config.name) ?? []
        this.options.logger?.info({ ...configResourceFields(result.resourceType, result.resourceName), mode, configs }, 'config changed')
      }
    }
    return results
  }

  /** Creates an internal topic with its settings unless it exists; concurrent callers share one creation. */
  ensureInternalTopic(name: string): Promise<number> {
    if (this.options.image().topic(name) !== undefined) return Promise.resolve(ErrorCode.NONE)
    const settings = this.options.defaults.internalTopics.get(name)
    if (settings === undefined) return Promise.resolve(ErrorCode.INVALID_TOPIC_EXCEPTION)
    let pending = this.pendingInternalTopics.get(name)
    if (pending === undefined) {
      pending = (async () => {
        const [result] = await this.createTopics([{
          name, numPartitions: settings.numPartitions, replicationFactor: settings.replicationFactor, assignments: [],
          configs: [...settings.configs].map(([configName, value]) => ({ name: configName, value })),
        }], false)
        const errorCode = result?.errorCode ?? ErrorCode.UNKNOWN_SERVER_ERROR
        if (errorCode !== ErrorCode.NONE && errorCode !== ErrorCode.TOPIC_ALREADY_EXISTS) {
          this.options.logger?.warn({ topic: name, errorCode, error: errorName(errorCode), reason: result?.errorMessage }, 'internal topic could not be created')
          return errorCode
        }
        return ErrorCode.NONE
      })().finally(() => this.pendingInternalTopics.delete(name))
      this.pendingInternalTopics.set(name, pending)
    }
    return pending
  }
}

/** Log fields naming a config resource: `topic` for a topic, `broker` for a broker (default: the cluster-wide defaults). */
function configResourceFields(resourceType: number, resourceName: string): Record<string, string | number> {
  switch (resourceType) {
    case ConfigResourceType.TOPIC:
      return { resourceType: 'topic', topic: resourceName }
    case ConfigResourceType.BROKER:
      return { resourceType: 'broker', broker: resourceName === '' ? 'default' : resourceName }
    case ConfigResourceType.BROKER_LOGGER:
      return { resourceType: 'broker-logger', resourceName }
    case ConfigResourceType.GROUP:
      return { resourceType: 'group', group: resourceName }
    default:
      return { resourceType, resourceName }
  }
}

/** Kafka's Topic.unifyCollisionChars: '.' and '_' may collide in metric names. */
function collisionName(name: string): string {
  return name.replaceAll('.', '_')
}

/** Topic.validate's messages. */
function invalidTopicNameMessage(name: string): string {
  if (name.length === 0) return 'Topic name is illegal, it can\'t be empty'
  if (name === '.' || name === '..') return 'Topic name cannot be "." or ".."'
  if (name.length > MAX_TOPIC_NAME_LENGTH) return `Topic name is illegal, it can't be longer than ${MAX_TOPIC_NAME_LENGTH} characters, Topic name: ${name}`
  return `Topic name "${name}" is illegal, it contains a character other than ASCII alphanumerics, '.', '_' and '-'`
}
