// Metadata (key 3), versions 0-12, answered from the broker's MetadataImage as Kafka's
// KafkaApis.handleTopicMetadataRequest and KRaftMetadataCache do.
// v9 is implemented (it is v8 made flexible), but the registry must never advertise a max of exactly
// 9: @platformatic/kafka then gives every topic the zero UUID (kafka-protocol/CLIENTS.md).
// Differs from Kafka: an auto-created topic is created before the answer, so the answer already
// describes it (Kafka answers LEADER_NOT_AVAILABLE and the client asks again); no authorizer, so both
// authorized-operations fields stay -2147483648 even when requested (Kafka without an authorizer
// would list every operation the resource supports); named topics keep request order (Kafka goes
// through a Set) with duplicates dropped.
// v0: an empty topic list means all topics; unavailable replicas are dropped from replicas and isr,
// with REPLICA_NOT_AVAILABLE. v1: null topics means all; controllerId, rack, isInternal. v2:
// clusterId. v3: throttleTimeMs. v4: allowAutoTopicCreation. v5: offlineReplicas. v6: a leader with
// no endpoint on this listener is LISTENER_NOT_FOUND instead of LEADER_NOT_AVAILABLE. v7: leaderEpoch
// (KIP-320). v8: authorized operations (KIP-430). v9: flexible. v10: topic ids (KIP-516). v11: no
// cluster authorized operations. v12: topics may be asked for by id alone (name null).
import { SluiceError } from '../errors.js'
import { ZERO_UUID } from '../log/partition-metadata.js'
import { isLegalTopicName } from '../log/topic-partition.js'
import { INTERNAL_TOPICS } from '../metadata/internal-topics.js'
import type { BrokerRegistration, MetadataImage, PartitionRegistration, TopicImage } from '../metadata/image.js'
import { ErrorCode, errorName } from '../protocol/error-codes.js'
import { ApiKey } from '../protocol/generated/api-registry.js'
import type {
  MetadataRequestTopic,
  MetadataResponseBroker,
  MetadataResponsePartition,
  MetadataResponseTopic,
} from '../protocol/generated/apis/metadata.js'
import { defineHandler, type MetadataServices } from './handler.js'

/** Kafka's Uuid.ZERO_UUID as the generated codecs spell it. */
export const ZERO_TOPIC_ID = ZERO_UUID

/** Kafka's MetadataResponse.AUTHORIZED_OPERATIONS_OMITTED (Integer.MIN_VALUE). */
export const AUTHORIZED_OPERATIONS_OMITTED = -2147483648


/** Kafka's MetadataResponse.NO_LEADER_ID. */
const NO_LEADER_ID = -1

/** A topic named in the request that does not exist: what auto-creation would act on. */
export interface MissingTopic {
  readonly name: string
}

/** Where a broker can be reached on one listener, or undefined when it is fenced, unknown or lacks that listener. */
export function liveEndpoint(image: MetadataImage, brokerId: number, listenerName: string): { host: string; port: number } | undefined {
  const broker = image.broker(brokerId)
  if (broker === undefined || broker.isFenced) return undefined
  return broker.endpoints.find((endpoint) => endpoint.name === listenerName)
}

function isLive(broker: BrokerRegistration | undefined): boolean {
  return broker !== undefined && !broker.isFenced
}

/** Unfenced brokers having an endpoint on the listener, by ascending id (Kafka's getAliveBrokerNodes). */
export function liveBrokers(image: MetadataImage, listenerName: string): MetadataResponseBroker[] {
  const brokers: MetadataResponseBroker[] = []
  for (const broker of [...image.cluster.brokers.values()].sort((a, b) => a.id - b.id)) {
    if (broker.isFenced) continue
    const endpoint = broker.endpoints.find((candidate) => candidate.name === listenerName)
    if (endpoint === undefined) continue
    brokers.push({ nodeId: broker.id, host: endpoint.host, port: endpoint.port, rack: broker.rack, unknownTaggedFields: undefined })
  }
  return brokers
}

function partitionMetadata(
  image: MetadataImage, partitionIndex: number, partition: PartitionRegistration, listenerName: string, version: number,
): MetadataResponsePartition {
  const offlineReplicas = partition.replicas.filter((id) => !isLive(image.broker(id)))
  // Kafka filters unavailable replicas out only for v0 (errorUnavailableEndpoints).
  const isDroppingUnavailable = version === 0
  const replicaNodes = isDroppingUnavailable ? partition.replicas.filter((id) => liveEndpoint(image, id, listenerName) !== undefined) : [...partition.replicas]
  const isrNodes = isDroppingUnavailable ? partition.isr.filter((id) => liveEndpoint(image, id, listenerName) !== undefined) : [...partition.isr]
  const base = { partitionIndex, leaderEpoch: partition.leaderEpoch, replicaNodes, isrNodes, offlineReplicas, unknownTaggedFields: undefined }
  if (liveEndpoint(image, partition.leader, listenerName) === undefined) {
    // A registered leader that is fenced or lacks this listener: LISTENER_NOT_FOUND from v6
    // (errorUnavailableListeners); no leader or an unregistered one: LEADER_NOT_AVAILABLE.
    const errorCode = image.broker(partition.leader) !== undefined && version >= 6
      ? ErrorCode.LISTENER_NOT_FOUND
      : ErrorCode.LEADER_NOT_AVAILABLE
    return { ...base, errorCode, leaderId: NO_LEADER_ID }
  }
  const isMissingReplicas = replicaNodes.length < partition.replicas.length || isrNodes.length < partition.isr.length
  return { ...base, errorCode: isMissingReplicas ? ErrorCode.REPLICA_NOT_AVAILABLE : ErrorCode.NONE, leaderId: partition.leader }
}

function topicMetadata(image: MetadataImage, topic: TopicImage, listenerName: string, version: number): MetadataResponseTopic {
  const partitions = [...topic.partitions.entries()]
    .sort(([a], [b]) => a - b)
    .map(([index, partition]) => partitionMetadata(image, index, partition, listenerName, version))
  return {
    errorCode: ErrorCode.NONE,
    name: topic.name,
    topicId: topic.topicId,
    isInternal: INTERNAL_TOPICS.has(topic.name),
    partitions,
    topicAuthorizedOperations: AUTHORIZED_OPERATIONS_OMITTED,
    unknownTaggedFields: undefined,
  }
}

function topicError(errorCode: number, name: string | null, topicId: string): MetadataResponseTopic {
  return {
    errorCode, name, topicId, isInternal: false, partitions: [],
    topicAuthorizedOperations: AUTHORIZED_OPERATIONS_OMITTED, unknownTaggedFields: undefined,
  }
}

/** A requested topic's entry: by id when the request gives an id and no name (v10+), else by name. */
function requestedTopic(image: MetadataImage, requested: MetadataRequestTopic, listenerName: string, version: number): MetadataResponseTopic {
  if (requested.name === null) {
    const topic = requested.topicId === ZERO_TOPIC_ID ? undefined : image.topicById(requested.topicId)
    if (topic !== undefined) return topicMetadata(image, topic, listenerName, version)
    // The response's name is nullable only from v12, the first version whose request may omit it.
    return topicError(ErrorCode.UNKNOWN_TOPIC_ID, version >= 12 ? null : '', requested.topicId)
  }
  const topic = image.topic(requested.name)
  if (topic !== undefined) return topicMetadata(image, topic, listenerName, version)
  const errorCode = isLegalTopicName(requested.name) ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : ErrorCode.INVALID_TOPIC_EXCEPTION
  return topicError(errorCode, requested.name, ZERO_TOPIC_ID)
}

/** Drops repeated topics, keeping the first (Kafka collects the requested topics into a set). */
function distinctTopics(topics: readonly MetadataRequestTopic[]): MetadataRequestTopic[] {
  const seen = new Set<string>()
  return topics.filter((topic) => {
    const key = topic.name === null ? `id:${topic.topicId}` : `name:${topic.name}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

/**
 * The topics to auto-create: the legal names the response reports as UNKNOWN_TOPIC_OR_PARTITION
 * while auto-creation is allowed (by the request from v4, by broker policy before).
 */
export function autoCreationCandidates(topics: readonly MetadataResponseTopic[], allowAutoTopicCreation: boolean): MissingTopic[] {
  if (!allowAutoTopicCreation) return []
  return topics.flatMap((topic) =>
    topic.errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION && topic.name !== null ? [{ name: topic.name }] : [])
}

function requireMetadataServices(services: MetadataServices | undefined): MetadataServices {
  if (services === undefined) throw new SluiceError('ERR_METADATA_SERVICES_MISSING', 'Metadata needs BrokerServices.metadata')
  return services
}

export const metadataHandler = defineHandler({
  apiKey: ApiKey.METADATA, minVersion: 0, maxVersion: 12,
  async handle(ctx, request, version) {
    const services = requireMetadataServices(ctx.services.metadata)
    if (ctx.listenerName === undefined) throw new SluiceError('ERR_LISTENER_NAME_MISSING', 'Metadata needs the connection\'s listener name')
    const listenerName = ctx.listenerName
    // One image for the whole answer: images never change, so brokers and topics agree.
    let image = services.currentImage()
    const isAllTopics = request.topics === null || (version === 0 && request.topics.length === 0)
    const answer = (): MetadataResponseTopic[] => isAllTopics
      ? [...image.topics.byName.values()].map((topic) => topicMetadata(image, topic, listenerName, version))
      : distinctTopics(request.topics ?? []).map((topic) => requestedTopic(image, topic, listenerName, version))
    let topics = answer()
    // Before v4 the request cannot say, so broker policy (auto.create.topics.enable) decides.
    const isCreationAllowed = ctx.services.isAutoTopicCreationEnabled === true && (version < 4 || request.allowAutoTopicCreation)
    const missing = autoCreationCandidates(topics, isCreationAllowed).filter(({ name }) => !INTERNAL_TOPICS.has(name))
    if (missing.length > 0 && ctx.services.topics !== undefined) {
      // Kafka answers LEADER_NOT_AVAILABLE and lets the client ask again; here creation commits in
      // one step, so the answer can already describe the new topics.
      const results = await ctx.services.topics.createTopics(
        missing.map(({ name }) => ({ name, numPartitions: -1, replicationFactor: -1, assignments: [], configs: [] })), false)
      for (const result of results) {
        if (result.errorCode !== ErrorCode.NONE && result.errorCode !== ErrorCode.TOPIC_ALREADY_EXISTS) {
          ctx.logger.warn({ topic: result.name, errorCode: result.errorCode, error: errorName(result.errorCode), reason: result.errorMessage }, 'topic auto-creation failed')
        }
      }
      image = services.currentImage()
      topics = answer().map((topic) => (
        topic.errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION && missing.some(({ name }) => name === topic.name)
          ? { ...topic, errorCode: ErrorCode.LEADER_NOT_AVAILABLE } : topic))
    }
    return {
      throttleTimeMs: 0,
      brokers: liveBrokers(image, listenerName),
      clusterId: services.clusterId,
      controllerId: services.controllerId(),
      topics,
      clusterAuthorizedOperations: AUTHORIZED_OPERATIONS_OMITTED,
      unknownTaggedFields: undefined,
    }
  },
})
