// What a request handler is: one API, the versions it serves, and a function from a typed request
// to a typed response. Decoding, encoding, version checks, timing and the catch-all for throws live
// in the dispatcher (dispatcher.ts), never in a handler.
import type { Logger } from 'pino'
import { API_DESCRIPTORS, ApiKey } from '../protocol/generated/api-registry.js'
import type { ApiVersionsRequest, ApiVersionsResponse } from '../protocol/generated/apis/api-versions.js'
import type { MetadataRequest, MetadataResponse } from '../protocol/generated/apis/metadata.js'
import type { ProduceRequest, ProduceResponse } from '../protocol/generated/apis/produce.js'
import type { FetchRequest, FetchResponse } from '../protocol/generated/apis/fetch.js'
import type { ListOffsetsRequest, ListOffsetsResponse } from '../protocol/generated/apis/list-offsets.js'
import type { OffsetCommitRequest, OffsetCommitResponse } from '../protocol/generated/apis/offset-commit.js'
import type { OffsetFetchRequest, OffsetFetchResponse } from '../protocol/generated/apis/offset-fetch.js'
import type { FindCoordinatorRequest, FindCoordinatorResponse } from '../protocol/generated/apis/find-coordinator.js'
import type { CreateTopicsRequest, CreateTopicsResponse } from '../protocol/generated/apis/create-topics.js'
import type { DeleteTopicsRequest, DeleteTopicsResponse } from '../protocol/generated/apis/delete-topics.js'
import type { CreatePartitionsRequest, CreatePartitionsResponse } from '../protocol/generated/apis/create-partitions.js'
import type { DeleteRecordsRequest, DeleteRecordsResponse } from '../protocol/generated/apis/delete-records.js'
import type { DescribeClusterRequest, DescribeClusterResponse } from '../protocol/generated/apis/describe-cluster.js'
import type { DescribeLogDirsRequest, DescribeLogDirsResponse } from '../protocol/generated/apis/describe-log-dirs.js'
import type { OffsetForLeaderEpochRequest, OffsetForLeaderEpochResponse } from '../protocol/generated/apis/offset-for-leader-epoch.js'
import type { DescribeConfigsRequest, DescribeConfigsResponse } from '../protocol/generated/apis/describe-configs.js'
import type { AlterConfigsRequest, AlterConfigsResponse } from '../protocol/generated/apis/alter-configs.js'
import type { IncrementalAlterConfigsRequest, IncrementalAlterConfigsResponse } from '../protocol/generated/apis/incremental-alter-configs.js'
import type { JoinGroupRequest, JoinGroupResponse } from '../protocol/generated/apis/join-group.js'
import type { SyncGroupRequest, SyncGroupResponse } from '../protocol/generated/apis/sync-group.js'
import type { HeartbeatRequest, HeartbeatResponse } from '../protocol/generated/apis/heartbeat.js'
import type { LeaveGroupRequest, LeaveGroupResponse } from '../protocol/generated/apis/leave-group.js'
import type { DescribeGroupsRequest, DescribeGroupsResponse } from '../protocol/generated/apis/describe-groups.js'
import type { ListGroupsRequest, ListGroupsResponse } from '../protocol/generated/apis/list-groups.js'
import type { DeleteGroupsRequest, DeleteGroupsResponse } from '../protocol/generated/apis/delete-groups.js'
import type { OffsetDeleteRequest, OffsetDeleteResponse } from '../protocol/generated/apis/offset-delete.js'
import type { AlterConfigsMode, AlterConfigsResourceRequest, AlterConfigsResourceResult } from '../controller/config-manager.js'
import type { CreateTopicResult, CreateTopicSpec, DeleteTopicResult } from '../controller/quorum-controller.js'
import type { CreatePartitionsResult, CreatePartitionsSpec } from '../controller/partition-manager.js'
import type { LogManager } from '../log/log-manager.js'
import type { MetadataImage } from '../metadata/image.js'
import type { ReplicaManager } from '../replication/replica-manager.js'
import type { OffsetCoordinator } from '../coordinator/offset-coordinator.js'

/**
 * The request and response types of each API that has a handler, by api key. A new handler adds
 * its API here, which is what types `request` and the return value of its `handle`.
 */
export interface ApiMessages {
  [ApiKey.API_VERSIONS]: { request: ApiVersionsRequest; response: ApiVersionsResponse }
  [ApiKey.METADATA]: { request: MetadataRequest; response: MetadataResponse }
  [ApiKey.PRODUCE]: { request: ProduceRequest; response: ProduceResponse }
  [ApiKey.FETCH]: { request: FetchRequest; response: FetchResponse }
  [ApiKey.LIST_OFFSETS]: { request: ListOffsetsRequest; response: ListOffsetsResponse }
  [ApiKey.OFFSET_COMMIT]: { request: OffsetCommitRequest; response: OffsetCommitResponse }
  [ApiKey.OFFSET_FETCH]: { request: OffsetFetchRequest; response: OffsetFetchResponse }
  [ApiKey.FIND_COORDINATOR]: { request: FindCoordinatorRequest; response: FindCoordinatorResponse }
  [ApiKey.CREATE_TOPICS]: { request: CreateTopicsRequest; response: CreateTopicsResponse }
  [ApiKey.DELETE_TOPICS]: { request: DeleteTopicsRequest; response: DeleteTopicsResponse }
  [ApiKey.DELETE_RECORDS]: { request: DeleteRecordsRequest; response: DeleteRecordsResponse }
  [ApiKey.OFFSET_FOR_LEADER_EPOCH]: { request: OffsetForLeaderEpochRequest; response: OffsetForLeaderEpochResponse }
  [ApiKey.DESCRIBE_LOG_DIRS]: { request: DescribeLogDirsRequest; response: DescribeLogDirsResponse }
  [ApiKey.CREATE_PARTITIONS]: { request: CreatePartitionsRequest; response: CreatePartitionsResponse }
  [ApiKey.DESCRIBE_CLUSTER]: { request: DescribeClusterRequest; response: DescribeClusterResponse }
  [ApiKey.DESCRIBE_CONFIGS]: { request: DescribeConfigsRequest; response: DescribeConfigsResponse }
  [ApiKey.ALTER_CONFIGS]: { request: AlterConfigsRequest; response: AlterConfigsResponse }
  [ApiKey.INCREMENTAL_ALTER_CONFIGS]: { request: IncrementalAlterConfigsRequest; response: IncrementalAlterConfigsResponse }
  [ApiKey.JOIN_GROUP]: { request: JoinGroupRequest; response: JoinGroupResponse }
  [ApiKey.SYNC_GROUP]: { request: SyncGroupRequest; response: SyncGroupResponse }
  [ApiKey.HEARTBEAT]: { request: HeartbeatRequest; response: HeartbeatResponse }
  [ApiKey.LEAVE_GROUP]: { request: LeaveGroupRequest; response: LeaveGroupResponse }
  [ApiKey.DESCRIBE_GROUPS]: { request: DescribeGroupsRequest; response: DescribeGroupsResponse }
  [ApiKey.LIST_GROUPS]: { request: ListGroupsRequest; response: ListGroupsResponse }
  [ApiKey.DELETE_GROUPS]: { request: DeleteGroupsRequest; response: DeleteGroupsResponse }
  [ApiKey.OFFSET_DELETE]: { request: OffsetDeleteRequest; response: OffsetDeleteResponse }
}

export type HandledApiKey = keyof ApiMessages

/** One API's advertised range, as ApiVersions lists it. */
export interface AdvertisedRange {
  readonly apiKey: number
  readonly minVersion: number
  readonly maxVersion: number
}

/**
 * The node-level services handlers call into (partitions, groups, metadata image, …). It grows as
 * those parts are written; handlers take what they need from here rather than from module state.
 */
export interface BrokerServices {
  readonly nodeId: number
  /** What Metadata answers from; undefined until the node wires its metadata publisher in. */
  readonly metadata?: MetadataServices | undefined
  /** Topic creation through the controller; undefined until the node wires its controller in. */
  readonly topics?: TopicServices | undefined
  /** The partitions this broker hosts: Produce, Fetch and ListOffsets go here. */
  readonly replicas?: ReplicaManager | undefined
  /** delete.topic.enable (true when absent) */
  readonly isTopicDeletionEnabled?: boolean
  /** auto.create.topics.enable (false when absent) */
  readonly isAutoTopicCreationEnabled?: boolean
  /**
   * Committed offsets and classic group membership (`membership`) of the groups whose
   * `__consumer_offsets` partitions this node leads; undefined until wired in.
   */
  readonly groupCoordinator?: OffsetCoordinator | undefined
  /** The log dirs and their logs, for DescribeLogDirs; undefined until wired in. */
  readonly logManager?: LogManager | undefined
  /** DescribeConfigs, AlterConfigs and IncrementalAlterConfigs; undefined until the node wires its controller in. */
  readonly configs?: ConfigServices | undefined
}

/** What the config APIs need beyond the metadata image. */
export interface ConfigServices {
  /** server.properties and --override as written (ParsedBrokerConfig.staticConfigs): the STATIC_BROKER_CONFIG layer. */
  readonly staticBrokerConfigs: ReadonlyMap<string, string>
  /**
   * Checks and commits config changes through the controller (QuorumController.alterConfigs): one
   * result per resource, in order, with Kafka's error code and message; nothing is committed when
   * validateOnly.
   */
  alterConfigs(resources: readonly AlterConfigsResourceRequest[], mode: AlterConfigsMode, validateOnly: boolean): Promise<AlterConfigsResourceResult[]>
}

/** What handlers ask of the controller about topics (CreateTopics, auto-creation, internal topics). */
export interface TopicServices {
  /**
   * Creates the internal topic `__consumer_offsets` or `__transaction_state` when it does not
   * exist, with the broker's offsets.topic.* or transaction.state.log.* settings (compacted).
   * Resolves with ErrorCode.NONE once the topic is in this broker's image (created now or
   * before), else with the error code to answer (for example INVALID_REPLICATION_FACTOR when
   * fewer brokers are registered than the replication factor asks for).
   */
  ensureInternalTopic(name: '__consumer_offsets' | '__transaction_state'): Promise<number>
  /** CreateTopics and auto-creation: one result per spec, in order; committed unless validateOnly. */
  createTopics(specs: readonly CreateTopicSpec[], validateOnly: boolean): Promise<CreateTopicResult[]>
  /** DeleteTopics by name, or by id when the name is null (v6). */
  deleteTopics(topics: ReadonlyArray<{ readonly name: string | null; readonly topicId: string }>): Promise<DeleteTopicResult[]>
  /**
   * CreatePartitions: one result per distinct topic name, committed unless validateOnly. Optional
   * until the node wires it in; the handler answers through requireService.
   */
  createPartitions?(specs: readonly CreatePartitionsSpec[], validateOnly: boolean): Promise<CreatePartitionsResult[]>
}

/** The cluster view the Metadata handler (and later DescribeCluster) reads. */
export interface MetadataServices {
  /** The newest image this broker has applied; read once per request, as images never change. */
  currentImage(): MetadataImage
  /** The cluster id from meta.properties, or null when it is not known (Metadata v2+). */
  readonly clusterId: string | null
  /**
   * The node id clients are told is the controller (Metadata v1+), or -1 when none is known. In
   * KRaft mode Kafka answers a random live broker, since clients cannot reach the controllers.
   */
  controllerId(): number
}

/** What a handler knows about the request beyond its body. */
export interface HandlerContext {
  readonly services: BrokerServices
  /** The request header's client id (null when the client sent none). */
  readonly clientId: string | null
  /** `host:port` of the client. */
  readonly remoteAddress: string
  /** The connection's logger, with clientId added. */
  readonly logger: Logger
  /**
   * The name of the listener the request arrived on (Kafka's request.context.listenerName): the
   * endpoints Metadata returns are the brokers' endpoints on this listener. Undefined until the
   * connection passes it to the dispatcher.
   */
  readonly listenerName?: string | undefined
  /** The registry's advertised ranges: the one answer to ApiVersions. */
  readonly advertisedVersions: readonly AdvertisedRange[]
}

/** A handler as the registry and dispatcher hold it: the request arrives already decoded. */
export interface Handler {
  readonly apiKey: number
  readonly minVersion: number
  readonly maxVersion: number
  /**
   * `request` is the body the generated decoder produced for `apiKey` at `version`; the promise
   * resolves with the body to encode at the same version. A rejection is a bug: the dispatcher turns
   * it into UNKNOWN_SERVER_ERROR.
   */
  handle(ctx: HandlerContext, request: unknown, version: number): Promise<unknown>
  /** Whether the response is sent; absent means always (see ResponseDisposition). */
  readonly responseDisposition?: (request: unknown, response: unknown) => ResponseDisposition
  /** See HandlerDefinition.requestMetricName. */
  readonly requestMetricName?: (request: unknown) => string
  /** See HandlerDefinition.designedWaitMs. */
  readonly designedWaitMs?: (request: unknown) => number
}

/**
 * What the connection does with a handled request's response: `send` it, `skip` it (Produce with
 * acks=0), or `close` the connection instead (acks=0 with a failed partition, as Kafka does).
 */
export type ResponseDisposition = 'send' | 'skip' | 'close'

export interface HandlerDefinition<K extends HandledApiKey> {
  readonly apiKey: K
  readonly minVersion: number
  readonly maxVersion: number
  handle(
    ctx: HandlerContext,
    request: ApiMessages[K]['request'],
    version: number,
  ): Promise<ApiMessages[K]['response']> | ApiMessages[K]['response']
  responseDisposition?(request: ApiMessages[K]['request'], response: ApiMessages[K]['response']): ResponseDisposition
  /** A second name the request metrics record it under, as Kafka splits Fetch into FetchConsumer and FetchFollower. */
  requestMetricName?(request: ApiMessages[K]['request']): string
  /**
   * How long the request may wait by design (a fetch's maxWaitMs, a join's rebalance timeout):
   * the slow-request log counts only the time beyond it.
   */
  designedWaitMs?(request: ApiMessages[K]['request']): number
}

/**
 * Checks the version range against the specification (inside it, and never the unstable latest
 * version) and erases the types for the registry. Throws RangeError on a bad range: a programming
 * error found at startup.
 */
export function defineHandler<K extends HandledApiKey>(definition: HandlerDefinition<K>): Handler {
  const { apiKey, minVersion, maxVersion } = definition
  const descriptor = API_DESCRIPTORS.get(apiKey)
  if (descriptor === undefined) throw new RangeError(`no api key ${apiKey} in the specification`)
  if (!Number.isInteger(minVersion) || !Number.isInteger(maxVersion) || minVersion > maxVersion ||
      minVersion < descriptor.minVersion || maxVersion > descriptor.maxVersion) {
    throw new RangeError(`${descriptor.name} versions ${minVersion}-${maxVersion} are outside the specification's ` +
      `${descriptor.minVersion}-${descriptor.maxVersion}`)
  }
  if (descriptor.isLatestVersionUnstable && maxVersion === descriptor.maxVersion) {
    throw new RangeError(`${descriptor.name} v${maxVersion} is unstable in Kafka and must not be served`)
  }
  return {
    apiKey,
    minVersion,
    maxVersion,
    // The dispatcher decodes `request` with this API's generated decoder, so the cast only restores
    // the type the decoder produced.
    handle: async (ctx, request, version) => definition.handle(ctx, request as ApiMessages[K]['request'], version),
    ...(definition.responseDisposition === undefined ? {} : {
      responseDisposition: (request: unknown, response: unknown) =>
        definition.responseDisposition!(request as ApiMessages[K]['request'], response as ApiMessages[K]['response']),
    }),
    ...(definition.requestMetricName === undefined ? {} : {
      requestMetricName: (request: unknown) => definition.requestMetricName!(request as ApiMessages[K]['request']),
    }),
    ...(definition.designedWaitMs === undefined ? {} : {
      designedWaitMs: (request: unknown) => definition.designedWaitMs!(request as ApiMessages[K]['request']),
    }),
  }
}
