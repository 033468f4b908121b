// A MetadataDelta collects the records replayed on top of one image and builds the next image
// from them (Kafka's MetadataDelta with its TopicsDelta, ClusterDelta, ConfigurationsDelta and
// FeaturesDelta). Records are applied with Kafka's replay semantics; changes() summarizes what the
// broker must react to (create or delete logs, become leader or follower).
import { SluiceError } from '../errors.js'
import type { MetadataRecord } from './metadata-record-codec.js'
import { ConfigResourceType, MetadataImage, configResourceKey } from './image.js'
import type {
  BrokerRegistration,
  ClusterImage,
  ConfigurationsImage,
  FeaturesImage,
  MetadataProvenance,
  PartitionRegistration,
  ProducerIdsImage,
  TopicImage,
  TopicsImage,
} from './image.js'
import type { PartitionRecord } from '../protocol/generated/metadata/partition-record.js'
import type { PartitionChangeRecord } from '../protocol/generated/metadata/partition-change-record.js'
import type { RegisterBrokerRecord } from '../protocol/generated/metadata/register-broker-record.js'
import type { BrokerRegistrationChangeRecord } from '../protocol/generated/metadata/broker-registration-change-record.js'

/** PartitionChangeRecord.leader value meaning the leader stays as it is (Kafka's NO_LEADER_CHANGE). */
export const NO_LEADER_CHANGE = -2

/** PartitionChangeRecord.leaderRecoveryState value meaning unchanged. */
const NO_LEADER_RECOVERY_STATE_CHANGE = -1

/**
 * A record that cannot apply to the image it is replayed on: a partition of an unknown topic, a
 * change to an unknown partition, a broker epoch that does not match. The metadata log is then
 * inconsistent with this node's image, which is a bug or corruption, never a client's doing.
 */
export class MetadataReplayError extends SluiceError {
  constructor(message: string) {
    super('ERR_METADATA_REPLAY', message)
  }
}

/** One partition that is new or whose registration changed in the delta. */
export interface PartitionChange {
  readonly topicName: string
  readonly topicId: string
  readonly partitionId: number
  /** The registration in the base image; undefined for a new partition. */
  readonly previous: PartitionRegistration | undefined
  readonly current: PartitionRegistration
  readonly isLeaderChanged: boolean
  readonly isLeaderEpochChanged: boolean
  readonly areReplicasChanged: boolean
}

/** What a delta changes relative to its base image. */
export interface MetadataChanges {
  /** Topics that did not exist in the base image, as they are in the new one. */
  readonly topicsCreated: readonly TopicImage[]
  /** Topics of the base image that were removed, as they were. */
  readonly topicsDeleted: readonly TopicImage[]
  /**
   * Every partition that is new or whose registration changed (leader, epochs, replicas, ISR, …),
   * including the partitions of created topics; partitions of deleted topics are not listed.
   */
  readonly partitionsChanged: readonly PartitionChange[]
  /** Brokers registered, changed or unregistered. */
  readonly brokersChanged: readonly number[]
  readonly configResourcesChanged: readonly { readonly resourceType: number; readonly resourceName: string }[]
  readonly featuresChanged: readonly string[]
}

export interface LocalPartitionDeletion {
  readonly topicName: string
  readonly topicId: string
  readonly partitionId: number
}

/** The partition changes that concern one broker (Kafka's TopicsDelta.localChanges). */
export interface LocalPartitionChanges {
  /** Changed partitions this broker now leads. */
  readonly leaders: readonly PartitionChange[]
  /** Changed partitions this broker replicates without leading. */
  readonly followers: readonly PartitionChange[]
  /** Partitions whose local log should go: topic deleted, or this broker reassigned away. */
  readonly deletes: readonly LocalPartitionDeletion[]
}

interface TopicChange {
  readonly name: string
  readonly topicId: string
  /** True when the TopicRecord was replayed in this delta. */
  readonly isNew: boolean
  /** Only the partitions replayed in this delta. */
  readonly partitions: Map<number, PartitionRegistration>
}

interface ConfigResourceChange {
  readonly resourceType: number
  readonly resourceName: string
  /** True when the resource's earlier configs were all dropped (its topic was removed). */
  isCleared: boolean
  /** Config name → new value, or null to delete it. */
  readonly values: Map<string, string | null>
}

/** BrokerRegistrationChangeRecord.fenced (Kafka's BrokerRegistrationFencingChange). */
const FencingChange = { FENCE: 1, NONE: 0, UNFENCE: -1 } as const
/** BrokerRegistrationChangeRecord.inControlledShutdown (BrokerRegistrationInControlledShutdownChange). */
const InControlledShutdownChange = { NONE: 0, IN_CONTROLLED_SHUTDOWN: 1 } as const

export class MetadataDelta {
  private provenance: MetadataProvenance
  private readonly topicChanges = new Map<string, TopicChange>()
  private readonly deletedTopics = new Map<string, TopicImage>()
  private readonly configChanges = new Map<string, ConfigResourceChange>()
  private readonly brokerChanges = new Map<number, BrokerRegistration | null>()
  private readonly featureChanges = new Map<string, number | null>()
  private nextProducerId: bigint | undefined

  constructor(readonly image: MetadataImage) {
    this.provenance = image.provenance
  }

  /**
   * Applies one committed record read at `offset` in leader epoch `epoch`. Throws
   * MetadataReplayError when the record contradicts the image (the delta is then unusable).
   */
  replay(record: MetadataRecord, offset: bigint, epoch: number): void {
    switch (record.type) {
      case 'TopicRecord':
        this.createTopic(record.value.name, record.value.topicId)
        break
      case 'PartitionRecord':
        this.replayPartition(record.value)
        break
      case 'PartitionChangeRecord':
        this.replayPartitionChange(record.value)
        break
      case 'RemoveTopicRecord':
        this.removeTopic(record.value.topicId)
        break
      case 'ConfigRecord':
        this.configChange(record.value.resourceType, record.value.resourceName).values.set(record.value.name, record.value.value)
        break
      case 'RegisterBrokerRecord':
        this.brokerChanges.set(record.value.brokerId, brokerFromRecord(record.value))
        break
      case 'UnregisterBrokerRecord':
        this.brokerWithEpoch(record.value.brokerId, record.value.brokerEpoch, 'unregister')
        this.brokerChanges.set(record.value.brokerId, null)
        break
      case 'FenceBrokerRecord': {
        const broker = this.brokerWithEpoch(record.value.id, record.value.epoch, 'fence')
        this.brokerChanges.set(broker.id, Object.freeze({ ...broker, isFenced: true }))
        break
      }
      case 'UnfenceBrokerRecord': {
        const broker = this.brokerWithEpoch(record.value.id, record.value.epoch, 'unfence')
        this.brokerChanges.set(broker.id, Object.freeze({ ...broker, isFenced: false, isInControlledShutdown: false }))
        break
      }
      case 'BrokerRegistrationChangeRecord':
        this.replayBrokerRegistrationChange(record.value)
        break
      case 'FeatureLevelRecord':
        // KIP-584: level 0 removes the feature.
        this.featureChanges.set(record.value.name, record.value.featureLevel === 0 ? null : record.value.featureLevel)
        break
      case 'ProducerIdsRecord':
        this.nextProducerId = record.value.nextProducerId
        break
      case 'NoOpRecord':
        break
      default:
        return assertNever(record)
    }
    this.provenance = Object.freeze({ offset, epoch })
  }

  /** The next image; the base image and any image applied before are left as they were. */
  apply(): MetadataImage {
    const base = this.image
    return new MetadataImage({
      provenance: this.provenance,
      features: this.applyFeatures(base.features),
      cluster: this.applyCluster(base.cluster),
      topics: this.applyTopics(base.topics),
      configs: this.applyConfigs(base.configs),
      producerIds: this.nextProducerId === undefined ? base.producerIds : Object.freeze({ nextProducerId: this.nextProducerId }),
    })
  }

  /** What changed relative to the base image. */
  changes(): MetadataChanges {
    const topicsCreated: TopicImage[] = []
    const partitionsChanged: PartitionChange[] = []
    for (const change of this.topicChanges.values()) {
      const baseTopic = change.isNew ? undefined : this.image.topicById(change.topicId)
      if (change.isNew) topicsCreated.push(buildTopic(change, undefined))
      for (const [partitionId, current] of change.partitions) {
        const previous = baseTopic?.partitions.get(partitionId)
        if (previous === current) continue
        partitionsChanged.push({
          topicName: change.name,
          topicId: change.topicId,
          partitionId,
          previous,
          current,
          isLeaderChanged: previous === undefined || previous.leader !== current.leader,
          isLeaderEpochChanged: previous === undefined || previous.leaderEpoch !== current.leaderEpoch,
          areReplicasChanged: previous === undefined || !sameIds(previous.replicas, current.replicas),
        })
      }
    }
    return {
      topicsCreated,
      topicsDeleted: [...this.deletedTopics.values()],
      partitionsChanged,
      brokersChanged: [...this.brokerChanges.keys()],
      configResourcesChanged: [...this.configChanges.values()].map(({ resourceType, resourceName }) => ({ resourceType, resourceName })),
      featuresChanged: [...this.featureChanges.keys()],
    }
  }

  private createTopic(name: string, topicId: string): void {
    if (this.topicChanges.has(topicId) || (this.image.topicById(topicId) !== undefined && !this.deletedTopics.has(topicId))) {
      throw new MetadataReplayError(`TopicRecord for ${name} reuses topic id ${topicId}`)
    }
    const existing = this.currentTopicIdByName(name)
    if (existing !== undefined) {
      throw new MetadataReplayError(`TopicRecord for ${name} (${topicId}) while topic ${existing} has that name`)
    }
    this.topicChanges.set(topicId, { name, topicId, isNew: true, partitions: new Map() })
  }

  private currentTopicIdByName(name: string): string | undefined {
    for (const change of this.topicChanges.values()) if (change.name === name) return change.topicId
    const baseTopic = this.image.topic(name)
    return baseTopic === undefined || this.deletedTopics.has(baseTopic.topicId) ? undefined : baseTopic.topicId
  }

  private removeTopic(topicId: string): void {
    const change = this.topicChanges.get(topicId)
    const baseTopic = this.deletedTopics.has(topicId) ? undefined : this.image.topicById(topicId)
    const name = change?.name ?? baseTopic?.name
    if (name === undefined) throw new MetadataReplayError(`RemoveTopicRecord for unknown topic id ${topicId}`)
    this.topicChanges.delete(topicId)
    if (change?.isNew !== true && baseTopic !== undefined) this.deletedTopics.set(topicId, baseTopic)
    // Kafka's MetadataDelta drops a removed topic's configs with it.
    const configs = this.configChange(ConfigResourceType.TOPIC, name)
    configs.isCleared = true
    configs.values.clear()
  }

  /** The change entry of a topic that exists at this point of the replay. */
  private topicChange(topicId: string, recordName: string): TopicChange {
    const existing = this.topicChanges.get(topicId)
    if (existing !== undefined) return existing
    const baseTopic = this.deletedTopics.has(topicId) ? undefined : this.image.topicById(topicId)
    if (baseTopic === undefined) throw new MetadataReplayError(`${recordName} for unknown topic id ${topicId}`)
    const change: TopicChange = { name: baseTopic.name, topicId, isNew: false, partitions: new Map() }
    this.topicChanges.set(topicId, change)
    return change
  }

  private replayPartition(record: PartitionRecord): void {
    const change = this.topicChange(record.topicId, 'PartitionRecord')
    change.partitions.set(record.partitionId, Object.freeze({
      replicas: Object.freeze([...record.replicas]),
      isr: Object.freeze([...record.isr]),
      removingReplicas: Object.freeze([...record.removingReplicas]),
      addingReplicas: Object.freeze([...record.addingReplicas]),
      leader: record.leader,
      leaderRecoveryState: record.leaderRecoveryState,
      leaderEpoch: record.leaderEpoch,
      partitionEpoch: record.partitionEpoch,
      eligibleLeaderReplicas: Object.freeze([...(record.eligibleLeaderReplicas ?? [])]),
      lastKnownElr: Object.freeze([...(record.lastKnownElr ?? [])]),
    }))
  }

  /**
   * Kafka's PartitionRegistration.merge: null fields keep their value; a leader other than
   * NO_LEADER_CHANGE (-1 included) replaces the leader and bumps the leader epoch; every change
   * bumps the partition epoch.
   */
  private replayPartitionChange(record: PartitionChangeRecord): void {
    const change = this.topicChange(record.topicId, 'PartitionChangeRecord')
    const previous = change.partitions.get(record.partitionId) ??
      (change.isNew ? undefined : this.image.topicById(record.topicId)?.partitions.get(record.partitionId))
    if (previous === undefined) {
      throw new MetadataReplayError(`PartitionChangeRecord for unknown partition ${change.name}-${record.partitionId}`)
    }
    const isLeaderChanged = record.leader !== NO_LEADER_CHANGE
    change.partitions.set(record.partitionId, Object.freeze({
      replicas: frozenOr(record.replicas, previous.replicas),
      isr: frozenOr(record.isr, previous.isr),
      removingReplicas: frozenOr(record.removingReplicas, previous.removingReplicas),
      addingReplicas: frozenOr(record.addingReplicas, previous.addingReplicas),
      leader: isLeaderChanged ? record.leader : previous.leader,
      leaderRecoveryState: record.leaderRecoveryState === NO_LEADER_RECOVERY_STATE_CHANGE
        ? previous.leaderRecoveryState
        : record.leaderRecoveryState,
      leaderEpoch: isLeaderChanged ? previous.leaderEpoch + 1 : previous.leaderEpoch,
      partitionEpoch: previous.partitionEpoch + 1,
      eligibleLeaderReplicas: frozenOr(record.eligibleLeaderReplicas, previous.eligibleLeaderReplicas),
      lastKnownElr: frozenOr(record.lastKnownElr, previous.lastKnownElr),
    }))
  }

  private configChange(resourceType: number, resourceName: string): ConfigResourceChange {
    const key = configResourceKey(resourceType, resourceName)
    let change = this.configChanges.get(key)
    if (change === undefined) {
      change = { resourceType, resourceName, isCleared: false, values: new Map() }
      this.configChanges.set(key, change)
    }
    return change
  }

  /** Kafka's ClusterDelta.getBrokerOrThrow: the broker must be registered with exactly this epoch. */
  private brokerWithEpoch(brokerId: number, epoch: bigint, action: string): BrokerRegistration {
    const broker = this.brokerChanges.has(brokerId) ? this.brokerChanges.get(brokerId) : this.image.broker(brokerId)
    if (broker === undefined || broker === null) {
      throw new MetadataReplayError(`cannot ${action} broker ${brokerId}: it is not registered`)
    }
    if (broker.epoch !== epoch) {
      throw new MetadataReplayError(`cannot ${action} broker ${brokerId} with epoch ${epoch}: its epoch is ${broker.epoch}`)
    }
    return broker
  }

  private replayBrokerRegistrationChange(record: BrokerRegistrationChangeRecord): void {
    const broker = this.brokerWithEpoch(record.brokerId, record.brokerEpoch, 'change')
    let isFenced = broker.isFenced
    switch (record.fenced) {
      case FencingChange.FENCE: isFenced = true; break
      case FencingChange.UNFENCE: isFenced = false; break
      case FencingChange.NONE: break
      default: throw new MetadataReplayError(`BrokerRegistrationChangeRecord has unknown fenced value ${record.fenced}`)
    }
    let isInControlledShutdown = broker.isInControlledShutdown
    switch (record.inControlledShutdown) {
      case InControlledShutdownChange.IN_CONTROLLED_SHUTDOWN: isInControlledShutdown = true; break
      case InControlledShutdownChange.NONE: break
      default: throw new MetadataReplayError(
        `BrokerRegistrationChangeRecord has unknown inControlledShutdown value ${record.inControlledShutdown}`)
    }
    this.brokerChanges.set(broker.id, Object.freeze({ ...broker, isFenced, isInControlledShutdown }))
  }

  private applyFeatures(base: FeaturesImage): FeaturesImage {
    if (this.featureChanges.size === 0) return base
    const levels = new Map(base.levels)
    for (const [name, level] of this.featureChanges) {
      if (level === null) levels.delete(name)
      else levels.set(name, level)
    }
    return Object.freeze({ levels })
  }

  private applyCluster(base: ClusterImage): ClusterImage {
    if (this.brokerChanges.size === 0) return base
    const brokers = new Map(base.brokers)
    for (const [brokerId, broker] of this.brokerChanges) {
      if (broker === null) brokers.delete(brokerId)
      else brokers.set(brokerId, broker)
    }
    return Object.freeze({ brokers })
  }

  private applyTopics(base: TopicsImage): TopicsImage {
    if (this.topicChanges.size === 0 && this.deletedTopics.size === 0) return base
    const byId = new Map(base.byId)
    const byName = new Map(base.byName)
    for (const deleted of this.deletedTopics.values()) {
      byId.delete(deleted.topicId)
      if (byName.get(deleted.name)?.topicId === deleted.topicId) byName.delete(deleted.name)
    }
    for (const change of this.topicChanges.values()) {
      const topic = buildTopic(change, change.isNew ? undefined : base.byId.get(change.topicId))
      byId.set(topic.topicId, topic)
      byName.set(topic.name, topic)
    }
    return Object.freeze({ byId, byName })
  }

  private applyConfigs(base: ConfigurationsImage): ConfigurationsImage {
    if (this.configChanges.size === 0) return base
    const resources = new Map(base.resources)
    for (const [key, change] of this.configChanges) {
      const values = new Map(change.isCleared ? undefined : base.resources.get(key))
      for (const [name, value] of change.values) {
        if (value === null) values.delete(name)
        else values.set(name, value)
      }
      if (values.size === 0) resources.delete(key)
      else resources.set(key, values)
    }
    return Object.freeze({ resources })
  }
}

/** The partition changes in `changes` that concern broker `brokerId`. */
export function localPartitionChanges(changes: MetadataChanges, brokerId: number): LocalPartitionChanges {
  const leaders: PartitionChange[] = []
  const followers: PartitionChange[] = []
  const deletes: LocalPartitionDeletion[] = []
  for (const change of changes.partitionsChanged) {
    if (change.current.leader === brokerId) leaders.push(change)
    else if (change.current.replicas.includes(brokerId)) followers.push(change)
    else if (change.previous?.replicas.includes(brokerId) === true) {
      deletes.push({ topicName: change.topicName, topicId: change.topicId, partitionId: change.partitionId })
    }
  }
  for (const topic of changes.topicsDeleted) {
    for (const [partitionId, partition] of topic.partitions) {
      if (partition.replicas.includes(brokerId)) deletes.push({ topicName: topic.name, topicId: topic.topicId, partitionId })
    }
  }
  return { leaders, followers, deletes }
}

function buildTopic(change: TopicChange, base: TopicImage | undefined): TopicImage {
  if (base !== undefined && change.partitions.size === 0) return base
  const partitions = new Map(base?.partitions)
  for (const [partitionId, partition] of change.partitions) partitions.set(partitionId, partition)
  return Object.freeze({ name: change.name, topicId: change.topicId, partitions })
}

function brokerFromRecord(record: RegisterBrokerRecord): BrokerRegistration {
  return Object.freeze({
    id: record.brokerId,
    epoch: record.brokerEpoch,
    incarnationId: record.incarnationId,
    endpoints: Object.freeze(record.endPoints.map(({ name, host, port, securityProtocol }) =>
      Object.freeze({ name, host, port, securityProtocol }))),
    supportedFeatures: new Map(record.features.map(({ name, minSupportedVersion, maxSupportedVersion }) =>
      [name, Object.freeze({ minSupportedVersion, maxSupportedVersion })])),
    rack: record.rack,
    isFenced: record.fenced,
    isInControlledShutdown: record.inControlledShutdown,
  })
}

function frozenOr(ids: readonly number[] | null, previous: readonly number[]): readonly number[] {
  return ids === null ? previous : Object.freeze([...ids])
}

function sameIds(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((id, index) => id === b[index])
}

function assertNever(record: never): never {
  throw new Error(`unhandled metadata record ${String((record as { type: unknown }).type)}`)
}
