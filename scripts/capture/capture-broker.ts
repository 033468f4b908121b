// The capture server's answers: just enough of a one-node broker (node 1 on the capture port) that
// real clients produce, fetch, join a group and commit. One instance serves one client run.
// This is test tooling, not broker code: topics are auto-created with one partition, batches are
// stored as produced (base offset patched), and every group has one member.
import { randomBytes } from 'node:crypto'
import { ApiKey } from '../../src/protocol/generated/api-registry.js'
import type { DecodedRequest } from '../../src/protocol/frames.js'
import { defaultApiVersionsResponse, type ApiVersionsResponse } from '../../src/protocol/generated/apis/api-versions.js'
import { defaultCreateTopicsResponse, defaultCreateTopicsResponseCreatableTopicResult, type CreateTopicsRequest, type CreateTopicsResponse } from '../../src/protocol/generated/apis/create-topics.js'
import { defaultDescribeConfigsResponse, defaultDescribeConfigsResponseDescribeConfigsResult, type DescribeConfigsRequest, type DescribeConfigsResponse } from '../../src/protocol/generated/apis/describe-configs.js'
import { defaultDescribeGroupsResponse, defaultDescribeGroupsResponseDescribedGroup, type DescribeGroupsRequest, type DescribeGroupsResponse } from '../../src/protocol/generated/apis/describe-groups.js'
import { defaultFetchResponse, defaultFetchResponseFetchableTopicResponse, defaultFetchResponsePartitionData, type FetchRequest, type FetchResponse } from '../../src/protocol/generated/apis/fetch.js'
import { defaultFindCoordinatorResponse, defaultFindCoordinatorResponseCoordinator, type FindCoordinatorRequest, type FindCoordinatorResponse } from '../../src/protocol/generated/apis/find-coordinator.js'
import { defaultHeartbeatResponse, type HeartbeatResponse } from '../../src/protocol/generated/apis/heartbeat.js'
import { defaultInitProducerIdResponse, type InitProducerIdResponse } from '../../src/protocol/generated/apis/init-producer-id.js'
import { defaultJoinGroupResponse, defaultJoinGroupResponseMember, type JoinGroupRequest, type JoinGroupResponse } from '../../src/protocol/generated/apis/join-group.js'
import { defaultLeaveGroupResponse, defaultLeaveGroupResponseMemberResponse, type LeaveGroupRequest, type LeaveGroupResponse } from '../../src/protocol/generated/apis/leave-group.js'
import { defaultListGroupsResponse, defaultListGroupsResponseListedGroup, type ListGroupsResponse } from '../../src/protocol/generated/apis/list-groups.js'
import { defaultListOffsetsResponse, defaultListOffsetsResponseListOffsetsPartitionResponse, type ListOffsetsRequest, type ListOffsetsResponse } from '../../src/protocol/generated/apis/list-offsets.js'
import { defaultMetadataResponse, defaultMetadataResponseBroker, defaultMetadataResponsePartition, defaultMetadataResponseTopic, type MetadataRequest, type MetadataResponse } from '../../src/protocol/generated/apis/metadata.js'
import { defaultOffsetCommitResponse, defaultOffsetCommitResponsePartition, type OffsetCommitRequest, type OffsetCommitResponse } from '../../src/protocol/generated/apis/offset-commit.js'
import { defaultOffsetFetchResponse, defaultOffsetFetchResponseGroup, defaultOffsetFetchResponsePartition, type OffsetFetchRequest, type OffsetFetchResponse, type OffsetFetchResponsePartition } from '../../src/protocol/generated/apis/offset-fetch.js'
import { defaultProduceResponse, defaultProduceResponsePartitionProduceResponse, type ProduceRequest, type ProduceResponse } from '../../src/protocol/generated/apis/produce.js'
import { defaultSyncGroupResponse, type SyncGroupRequest, type SyncGroupResponse } from '../../src/protocol/generated/apis/sync-group.js'
import { LAST_OFFSET_DELTA_OFFSET, MAGIC_OFFSET, MAGIC_V2, RECORD_BATCH_HEADER_SIZE, setBaseOffset, setPartitionLeaderEpoch, splitRecordBatches } from '../../src/protocol/record-batch.js'
import { ADVERTISED_VERSIONS } from './advertised-versions.js'
import { LATEST_TIMESTAMP } from '../../src/log/partition-log.js'
import { ErrorCode } from '../../src/protocol/error-codes.js'
import { recordBytesAsBuffer } from '../../src/protocol/record-bytes.js'

/** Returned for a request that gets no response at all (Produce with acks=0). */
export const NO_RESPONSE = Symbol('no response')

const { NONE, UNKNOWN_TOPIC_OR_PARTITION, TOPIC_ALREADY_EXISTS, MEMBER_ID_REQUIRED, UNKNOWN_MEMBER_ID } = ErrorCode
const NODE_ID = 1
/** Longest a Fetch with nothing to return is parked: short, so clients poll a few times at most. */
const EMPTY_FETCH_WAIT_CAP_MS = 250

interface StoredBatch {
  readonly baseOffset: bigint
  readonly lastOffset: bigint
  readonly bytes: Buffer
}

interface PartitionLog {
  readonly batches: StoredBatch[]
  logEndOffset: bigint
}

interface Topic {
  readonly name: string
  readonly topicId: string
  readonly partitions: PartitionLog[]
}

interface Group {
  generationId: number
  protocolType: string
  protocolName: string
  leader: string
  readonly members: Map<string, Buffer>
  readonly assignments: Map<string, Buffer>
}

/** A topic id as Kafka prints it: 16 random bytes (never the zero UUID) as unpadded base64url. */
function newTopicId(): string {
  const bytes = randomBytes(16)
  bytes[0] = bytes[0]! | 0x01
  return bytes.toString('base64url')
}

/**
 * Appends the entries of a records blob at the log end offset, re-basing each magic 2 batch on a
 * copy (baseOffset and partitionLeaderEpoch lie outside the CRC). Any other entry, or a partial
 * one, is kept as one opaque offset: enough for a capture run, whose clients all write magic 2.
 */
function appendBatches(log: PartitionLog, records: Buffer): bigint {
  const firstOffset = log.logEndOffset
  const { batches, partialBytes } = splitRecordBatches(records)
  const entries = partialBytes > 0 ? [...batches, records.subarray(records.length - partialBytes)] : batches
  for (const entry of entries) {
    const bytes = Buffer.from(entry)
    const isBatch = bytes.length >= RECORD_BATCH_HEADER_SIZE && bytes.readInt8(MAGIC_OFFSET) === MAGIC_V2
    const lastOffset = log.logEndOffset + (isBatch ? BigInt(bytes.readInt32BE(LAST_OFFSET_DELTA_OFFSET)) : 0n)
    if (isBatch) {
      setBaseOffset(bytes, log.logEndOffset)
      setPartitionLeaderEpoch(bytes, 0)
    }
    log.batches.push({ baseOffset: log.logEndOffset, lastOffset, bytes })
    log.logEndOffset = lastOffset + 1n
  }
  return firstOffset
}

export class CaptureBroker {
  private readonly topics = new Map<string, Topic>()
  private readonly groups = new Map<string, Group>()
  private readonly commits = new Map<string, bigint>()
  /** Parked empty fetches, by timer, with the function that wakes them. */
  private readonly parkedFetches = new Map<NodeJS.Timeout, () => void>()
  private nextProducerId = 1000n
  private nextMemberNumber = 1
  private isClosed = false

  constructor(
    private readonly host: string,
    private readonly port: () => number,
  ) {}

  /** Releases parked fetches so that the server can close promptly. */
  close(): void {
    this.isClosed = true
    for (const [timer, wake] of this.parkedFetches) {
      clearTimeout(timer)
      wake()
    }
    this.parkedFetches.clear()
  }

  /** The answer to one decoded request: a response body, or NO_RESPONSE. */
  async handle(request: DecodedRequest): Promise<unknown> {
    const version = request.header.requestApiVersion
    const body = request.body
    switch (request.header.requestApiKey) {
      case ApiKey.API_VERSIONS: return this.apiVersions()
      case ApiKey.METADATA: return this.metadata(version, body as MetadataRequest)
      case ApiKey.PRODUCE: return this.produce(body as ProduceRequest)
      case ApiKey.FETCH: return this.fetch(body as FetchRequest)
      case ApiKey.LIST_OFFSETS: return this.listOffsets(version, body as ListOffsetsRequest)
      case ApiKey.FIND_COORDINATOR: return this.findCoordinator(body as FindCoordinatorRequest)
      case ApiKey.JOIN_GROUP: return this.joinGroup(version, body as JoinGroupRequest)
      case ApiKey.SYNC_GROUP: return this.syncGroup(body as SyncGroupRequest)
      case ApiKey.HEARTBEAT: return { ...defaultHeartbeatResponse(), errorCode: NONE } satisfies HeartbeatResponse
      case ApiKey.LEAVE_GROUP: return this.leaveGroup(body as LeaveGroupRequest)
      case ApiKey.OFFSET_COMMIT: return this.offsetCommit(body as OffsetCommitRequest)
      case ApiKey.OFFSET_FETCH: return this.offsetFetch(body as OffsetFetchRequest)
      case ApiKey.INIT_PRODUCER_ID: return this.initProducerId()
      case ApiKey.CREATE_TOPICS: return this.createTopics(body as CreateTopicsRequest)
      case ApiKey.DESCRIBE_CONFIGS: return this.describeConfigs(body as DescribeConfigsRequest)
      case ApiKey.LIST_GROUPS: return this.listGroups()
      case ApiKey.DESCRIBE_GROUPS: return this.describeGroups(body as DescribeGroupsRequest)
      default: return request.descriptor.defaultResponse()
    }
  }

  private apiVersions(): ApiVersionsResponse {
    return {
      ...defaultApiVersionsResponse(),
      errorCode: NONE,
      apiKeys: ADVERTISED_VERSIONS.map(({ apiKey, minVersion, maxVersion }) => ({ apiKey, minVersion, maxVersion, unknownTaggedFields: undefined })),
    }
  }

  private topic(name: string, partitionCount = 1): Topic {
    let topic = this.topics.get(name)
    if (topic === undefined) {
      const partitions = Array.from({ length: Math.max(1, partitionCount) }, (): PartitionLog => ({ batches: [], logEndOffset: 0n }))
      topic = { name, topicId: newTopicId(), partitions }
      this.topics.set(name, topic)
    }
    return topic
  }

  private topicById(topicId: string): Topic | undefined {
    for (const topic of this.topics.values()) if (topic.topicId === topicId) return topic
    return undefined
  }

  private partitionLog(topicName: string, partition: number): PartitionLog | undefined {
    return this.topics.get(topicName)?.partitions[partition]
  }

  private metadata(version: number, request: MetadataRequest): MetadataResponse {
    // A null array means all topics; in v0 an empty one does too.
    const isAllTopics = request.topics === null || (version === 0 && request.topics.length === 0)
    const topics = isAllTopics
      ? [...this.topics.values()]
      : (request.topics ?? []).map((wanted) => (wanted.name === null ? this.topicById(wanted.topicId) : this.topic(wanted.name)))
          .filter((topic): topic is Topic => topic !== undefined)
    return {
      ...defaultMetadataResponse(),
      brokers: [{ ...defaultMetadataResponseBroker(), nodeId: NODE_ID, host: this.host, port: this.port(), rack: null }],
      clusterId: 'sluice-capture-cluster',
      controllerId: NODE_ID,
      topics: topics.map((topic) => ({
        ...defaultMetadataResponseTopic(),
        errorCode: NONE,
        name: topic.name,
        topicId: topic.topicId,
        isInternal: false,
        partitions: topic.partitions.map((_, partitionIndex) => ({
          ...defaultMetadataResponsePartition(),
          partitionIndex,
          leaderId: NODE_ID,
          leaderEpoch: 0,
          replicaNodes: [NODE_ID],
          isrNodes: [NODE_ID],
          offlineReplicas: [],
        })),
      })),
    }
  }

  private produce(request: ProduceRequest): ProduceResponse | typeof NO_RESPONSE {
    const responses = request.topicData.map((topicData) => {
      const topic = this.topic(topicData.name)
      return {
        name: topicData.name,
        partitionResponses: topicData.partitionData.map((partitionData) => {
          const log = topic.partitions[partitionData.index]
          const baseOffset = log === undefined || partitionData.records === null ? -1n : appendBatches(log, recordBytesAsBuffer(partitionData.records))
          return { ...defaultProduceResponsePartitionProduceResponse(), index: partitionData.index, errorCode: NONE, baseOffset, logStartOffset: 0n }
        }),
        unknownTaggedFields: undefined,
      }
    })
    if (request.acks === 0) return NO_RESPONSE
    return { ...defaultProduceResponse(), responses }
  }

  private async fetch(request: FetchRequest): Promise<FetchResponse> {
    const build = (): { response: FetchResponse; byteCount: number } => {
      let byteCount = 0
      const responses = request.topics.map((wanted) => {
        const topic = wanted.topic === '' ? this.topicById(wanted.topicId) : this.topics.get(wanted.topic)
        return {
          ...defaultFetchResponseFetchableTopicResponse(),
          topic: wanted.topic,
          topicId: wanted.topicId,
          partitions: wanted.partitions.map((wantedPartition) => {
            const log = topic?.partitions[wantedPartition.partition]
            const chunks: Buffer[] = []
            let size = 0
            for (const batch of log?.batches ?? []) {
              if (batch.lastOffset < wantedPartition.fetchOffset) continue
              if (chunks.length > 0 && size + batch.bytes.length > wantedPartition.partitionMaxBytes) break
              chunks.push(batch.bytes)
              size += batch.bytes.length
            }
            byteCount += size
            const highWatermark = log?.logEndOffset ?? 0n
            return {
              ...defaultFetchResponsePartitionData(),
              partitionIndex: wantedPartition.partition,
              errorCode: log === undefined ? UNKNOWN_TOPIC_OR_PARTITION : NONE,
              highWatermark,
              lastStableOffset: highWatermark,
              logStartOffset: 0n,
              abortedTransactions: [],
              records: Buffer.concat(chunks, size),
            }
          }),
        }
      })
      return { response: { ...defaultFetchResponse(), errorCode: NONE, sessionId: 0, responses }, byteCount }
    }
    const first = build()
    if (first.byteCount > 0 || request.maxWaitMs <= 0 || this.isClosed) return first.response
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.parkedFetches.delete(timer)
        resolve()
      }, Math.min(request.maxWaitMs, EMPTY_FETCH_WAIT_CAP_MS))
      this.parkedFetches.set(timer, resolve)
    })
    return build().response
  }

  private listOffsets(version: number, request: ListOffsetsRequest): ListOffsetsResponse {
    return {
      ...defaultListOffsetsResponse(),
      topics: request.topics.map((wanted) => ({
        name: wanted.name,
        partitions: wanted.partitions.map((partition) => {
          const log = this.partitionLog(wanted.name, partition.partitionIndex)
          const logEndOffset = log?.logEndOffset ?? 0n
          // Latest is the log end offset; earliest, and any real timestamp (no time index here), the log start.
          const offset = partition.timestamp === LATEST_TIMESTAMP ? logEndOffset : 0n
          return {
            ...defaultListOffsetsResponseListOffsetsPartitionResponse(),
            partitionIndex: partition.partitionIndex,
            errorCode: log === undefined ? UNKNOWN_TOPIC_OR_PARTITION : NONE,
            oldStyleOffsets: version === 0 ? [offset] : [],
            timestamp: -1n,
            offset,
            leaderEpoch: 0,
          }
        }),
        unknownTaggedFields: undefined,
      })),
    }
  }

  private findCoordinator(request: FindCoordinatorRequest): FindCoordinatorResponse {
    const self = { nodeId: NODE_ID, host: this.host, port: this.port() }
    return {
      ...defaultFindCoordinatorResponse(),
      errorCode: NONE,
      errorMessage: null,
      ...self,
      coordinators: request.coordinatorKeys.map((key) => ({ ...defaultFindCoordinatorResponseCoordinator(), key, ...self, errorCode: NONE, errorMessage: null })),
    }
  }

  private group(groupId: string): Group {
    let group = this.groups.get(groupId)
    if (group === undefined) {
      group = { generationId: 0, protocolType: 'consumer', protocolName: '', leader: '', members: new Map(), assignments: new Map() }
      this.groups.set(groupId, group)
    }
    return group
  }

  /** v4+: a first join without a member id gets MEMBER_ID_REQUIRED and an id to rejoin with (KIP-394). */
  private joinGroup(version: number, request: JoinGroupRequest): JoinGroupResponse {
    const group = this.group(request.groupId)
    let memberId = request.memberId
    if (memberId === '') {
      memberId = `${request.groupId}-member-${this.nextMemberNumber++}`
      if (version >= 4) return { ...defaultJoinGroupResponse(), errorCode: MEMBER_ID_REQUIRED, memberId, generationId: -1 }
    }
    const protocol = request.protocols[0]
    group.members.clear()
    group.members.set(memberId, protocol?.metadata ?? Buffer.alloc(0))
    group.generationId += 1
    group.protocolType = request.protocolType
    group.protocolName = protocol?.name ?? ''
    group.leader = memberId
    return {
      ...defaultJoinGroupResponse(),
      errorCode: NONE,
      generationId: group.generationId,
      protocolType: group.protocolType,
      protocolName: group.protocolName,
      leader: memberId,
      memberId,
      members: [...group.members].map(([id, metadata]) => ({ ...defaultJoinGroupResponseMember(), memberId: id, metadata })),
    }
  }

  private syncGroup(request: SyncGroupRequest): SyncGroupResponse {
    const group = this.group(request.groupId)
    if (!group.members.has(request.memberId)) return { ...defaultSyncGroupResponse(), errorCode: UNKNOWN_MEMBER_ID }
    if (request.memberId === group.leader) {
      for (const { memberId, assignment } of request.assignments) group.assignments.set(memberId, assignment)
    }
    return {
      ...defaultSyncGroupResponse(),
      errorCode: NONE,
      protocolType: group.protocolType,
      protocolName: group.protocolName,
      assignment: group.assignments.get(request.memberId) ?? Buffer.alloc(0),
    }
  }

  private leaveGroup(request: LeaveGroupRequest): LeaveGroupResponse {
    const group = this.group(request.groupId)
    const leaving = request.members.length > 0 ? request.members.map((member) => member.memberId) : [request.memberId]
    for (const memberId of leaving) group.members.delete(memberId)
    return {
      ...defaultLeaveGroupResponse(),
      errorCode: NONE,
      members: request.members.map((member) => ({ ...defaultLeaveGroupResponseMemberResponse(), memberId: member.memberId, groupInstanceId: member.groupInstanceId, errorCode: NONE })),
    }
  }

  private offsetCommit(request: OffsetCommitRequest): OffsetCommitResponse {
    return {
      ...defaultOffsetCommitResponse(),
      topics: request.topics.map((topic) => ({
        name: topic.name,
        partitions: topic.partitions.map((partition) => {
          this.commits.set(`${request.groupId}\u0000${topic.name}\u0000${partition.partitionIndex}`, partition.committedOffset)
          return { ...defaultOffsetCommitResponsePartition(), partitionIndex: partition.partitionIndex, errorCode: NONE }
        }),
        unknownTaggedFields: undefined,
      })),
    }
  }

  /** The committed offset, or -1 (no offset) when the group never committed this partition. */
  private committed(groupId: string, topicName: string, partitionIndex: number): OffsetFetchResponsePartition {
    const committedOffset = this.commits.get(`${groupId}\u0000${topicName}\u0000${partitionIndex}`) ?? -1n
    return { ...defaultOffsetFetchResponsePartition(), partitionIndex, committedOffset, committedLeaderEpoch: -1, metadata: '', errorCode: NONE }
  }

  /** v1-7 name one group; v8 names several (KIP-709). A null topic list means every committed partition. */
  private offsetFetch(request: OffsetFetchRequest): OffsetFetchResponse {
    const answer = (groupId: string, topics: ReadonlyArray<{ name: string; partitionIndexes: number[] }> | null) =>
      (topics ?? []).map((topic) => ({
        name: topic.name,
        partitions: topic.partitionIndexes.map((partitionIndex) => this.committed(groupId, topic.name, partitionIndex)),
        unknownTaggedFields: undefined,
      }))
    return {
      ...defaultOffsetFetchResponse(),
      errorCode: NONE,
      topics: answer(request.groupId, request.topics),
      groups: request.groups.map((group) => ({ ...defaultOffsetFetchResponseGroup(), groupId: group.groupId, topics: answer(group.groupId, group.topics), errorCode: NONE })),
    }
  }

  private initProducerId(): InitProducerIdResponse {
    return { ...defaultInitProducerIdResponse(), errorCode: NONE, producerId: this.nextProducerId++, producerEpoch: 0 }
  }

  private createTopics(request: CreateTopicsRequest): CreateTopicsResponse {
    return {
      ...defaultCreateTopicsResponse(),
      topics: request.topics.map((wanted) => {
        const exists = this.topics.has(wanted.name)
        const topic = this.topic(wanted.name, wanted.numPartitions)
        return {
          ...defaultCreateTopicsResponseCreatableTopicResult(),
          name: wanted.name,
          topicId: topic.topicId,
          errorCode: exists ? TOPIC_ALREADY_EXISTS : NONE,
          errorMessage: null,
          numPartitions: topic.partitions.length,
          replicationFactor: 1,
          configs: [],
        }
      }),
    }
  }

  private describeConfigs(request: DescribeConfigsRequest): DescribeConfigsResponse {
    return {
      ...defaultDescribeConfigsResponse(),
      results: request.resources.map((resource) => ({
        ...defaultDescribeConfigsResponseDescribeConfigsResult(),
        errorCode: NONE,
        errorMessage: null,
        resourceType: resource.resourceType,
        resourceName: resource.resourceName,
        configs: [],
      })),
    }
  }

  private listGroups(): ListGroupsResponse {
    return {
      ...defaultListGroupsResponse(),
      errorCode: NONE,
      groups: [...this.groups.entries()].map(([groupId, group]) => ({ ...defaultListGroupsResponseListedGroup(), groupId, protocolType: group.protocolType, groupState: 'Stable' })),
    }
  }

  private describeGroups(request: DescribeGroupsRequest): DescribeGroupsResponse {
    return {
      ...defaultDescribeGroupsResponse(),
      groups: request.groups.map((groupId) => ({ ...defaultDescribeGroupsResponseDescribedGroup(), groupId, errorCode: NONE, groupState: this.groups.has(groupId) ? 'Stable' : 'Dead' })),
    }
  }
}
