// The broker's immutable image of the cluster, built by replaying the KRaft metadata log
// (Kafka's MetadataImage: features, cluster, topics, configs, producer ids, and the provenance of
// the last record applied). An image never changes: MetadataDelta.apply() builds a new one that
// shares every section, topic, partition and broker the delta did not touch.

/** The last metadata log record an image contains (Kafka's MetadataProvenance). */
export interface MetadataProvenance {
  readonly offset: bigint
  readonly epoch: number
}

/** Kafka's LeaderRecoveryState (KIP-704): RECOVERED 0, RECOVERING 1. */
export const LeaderRecoveryState = { RECOVERED: 0, RECOVERING: 1 } as const

/** A partition's replica assignment and leadership (Kafka's PartitionRegistration). */
export interface PartitionRegistration {
  readonly replicas: readonly number[]
  readonly isr: readonly number[]
  readonly removingReplicas: readonly number[]
  readonly addingReplicas: readonly number[]
  /** The leader's broker id, or NO_LEADER (-1). */
  readonly leader: number
  readonly leaderRecoveryState: number
  readonly leaderEpoch: number
  readonly partitionEpoch: number
  /** KIP-966; empty when the controller does not use eligible leader replicas. */
  readonly eligibleLeaderReplicas: readonly number[]
  readonly lastKnownElr: readonly number[]
}

/** `leader` value meaning the partition has no leader. */
export const NO_LEADER = -1

export interface TopicImage {
  readonly name: string
  /** 22-character base64url UUID, as the generated codecs spell it. */
  readonly topicId: string
  readonly partitions: ReadonlyMap<number, PartitionRegistration>
}

export interface TopicsImage {
  readonly byId: ReadonlyMap<string, TopicImage>
  readonly byName: ReadonlyMap<string, TopicImage>
}

export interface BrokerEndpoint {
  /** The listener name. */
  readonly name: string
  readonly host: string
  readonly port: number
  readonly securityProtocol: number
}

export interface SupportedFeatureRange {
  readonly minSupportedVersion: number
  readonly maxSupportedVersion: number
}

/** A broker as registered with the controller (Kafka's BrokerRegistration). */
export interface BrokerRegistration {
  readonly id: number
  readonly epoch: bigint
  /** UUID the broker picks each time it starts. */
  readonly incarnationId: string
  readonly endpoints: readonly BrokerEndpoint[]
  readonly supportedFeatures: ReadonlyMap<string, SupportedFeatureRange>
  readonly rack: string | null
  readonly isFenced: boolean
  readonly isInControlledShutdown: boolean
}

export interface ClusterImage {
  readonly brokers: ReadonlyMap<number, BrokerRegistration>
}

/** Kafka's ConfigResource.Type values as ConfigRecord.resourceType carries them. */
export const ConfigResourceType = {
  TOPIC: 2,
  BROKER: 4,
  BROKER_LOGGER: 8,
  CLIENT_METRICS: 16,
  GROUP: 32,
} as const

/** Configs overridden in the metadata log, per resource; a resource with no overrides is absent. */
export interface ConfigurationsImage {
  /** Keyed by configResourceKey(resourceType, resourceName); each value maps config name → value. */
  readonly resources: ReadonlyMap<string, ReadonlyMap<string, string>>
}

/** The key of a config resource in ConfigurationsImage.resources. */
export function configResourceKey(resourceType: number, resourceName: string): string {
  return `${resourceType}:${resourceName}`
}

/** The name of the feature that versions the metadata log itself. */
export const METADATA_VERSION_FEATURE = 'metadata.version'

export interface FeaturesImage {
  /** Finalized feature levels; a feature at level 0 is absent, as in Kafka. */
  readonly levels: ReadonlyMap<string, number>
}

export interface ProducerIdsImage {
  /** The first producer id not yet handed out; -1 before any ProducerIdsRecord. */
  readonly nextProducerId: bigint
}

const NO_CONFIGS: ReadonlyMap<string, string> = new Map()

export interface MetadataImageSections {
  readonly provenance: MetadataProvenance
  readonly features: FeaturesImage
  readonly cluster: ClusterImage
  readonly topics: TopicsImage
  readonly configs: ConfigurationsImage
  readonly producerIds: ProducerIdsImage
}

export class MetadataImage implements MetadataImageSections {
  /** The image before any record: offset -1, epoch -1, everything empty. */
  static readonly EMPTY = new MetadataImage({
    provenance: { offset: -1n, epoch: -1 },
    features: { levels: new Map() },
    cluster: { brokers: new Map() },
    topics: { byId: new Map(), byName: new Map() },
    configs: { resources: new Map() },
    producerIds: { nextProducerId: -1n },
  })

  readonly provenance: MetadataProvenance
  readonly features: FeaturesImage
  readonly cluster: ClusterImage
  readonly topics: TopicsImage
  readonly configs: ConfigurationsImage
  readonly producerIds: ProducerIdsImage

  constructor(sections: MetadataImageSections) {
    this.provenance = sections.provenance
    this.features = sections.features
    this.cluster = sections.cluster
    this.topics = sections.topics
    this.configs = sections.configs
    this.producerIds = sections.producerIds
    Object.freeze(this)
  }

  /** True when no record has been applied. */
  get isEmpty(): boolean {
    return this.provenance.offset < 0n
  }

  /** The finalized metadata.version level, or undefined before a FeatureLevelRecord sets it. */
  get metadataVersion(): number | undefined {
    return this.features.levels.get(METADATA_VERSION_FEATURE)
  }

  topic(name: string): TopicImage | undefined {
    return this.topics.byName.get(name)
  }

  topicById(topicId: string): TopicImage | undefined {
    return this.topics.byId.get(topicId)
  }

  partition(topicName: string, partitionId: number): PartitionRegistration | undefined {
    return this.topics.byName.get(topicName)?.partitions.get(partitionId)
  }

  broker(brokerId: number): BrokerRegistration | undefined {
    return this.cluster.brokers.get(brokerId)
  }

  /** A config resource's overrides (empty when it has none). */
  resourceConfigs(resourceType: number, resourceName: string): ReadonlyMap<string, string> {
    return this.configs.resources.get(configResourceKey(resourceType, resourceName)) ?? NO_CONFIGS
  }

  topicConfigs(topicName: string): ReadonlyMap<string, string> {
    return this.resourceConfigs(ConfigResourceType.TOPIC, topicName)
  }

  /** One broker's overrides, or with no id the cluster-wide broker defaults (resource name ''). */
  brokerConfigs(brokerId?: number): ReadonlyMap<string, string> {
    return this.resourceConfigs(ConfigResourceType.BROKER, brokerId === undefined ? '' : String(brokerId))
  }
}
