// A small Kafka client on the project's own codecs, for the `sluice` CLI: it bootstraps from
// host:port addresses, learns the broker's API versions (ApiVersions) and the cluster's brokers
// and leaders (Metadata), keeps one connection per broker, and sends each request at the highest
// version both sides know. Versions are negotiated once, on the bootstrap broker: the brokers of
// one cluster serve the same versions.
import { SluiceError } from '../errors.js'
import { ErrorCode, errorName } from '../protocol/error-codes.js'
import { API_DESCRIPTORS, ApiKey } from '../protocol/generated/api-registry.js'
import type { ApiVersionsResponse } from '../protocol/generated/apis/api-versions.js'
import type { FindCoordinatorResponse } from '../protocol/generated/apis/find-coordinator.js'
import type { MetadataResponse } from '../protocol/generated/apis/metadata.js'
import { ConnectionError, KafkaConnection } from './kafka-connection.js'
import { KafkaError } from './kafka-error.js'

export interface KafkaClientOptions {
  /** Comma-separated host:port addresses (Kafka's bootstrap.servers). */
  readonly bootstrap: string
  readonly clientId?: string
  /** Bound on connecting and on each request's answer. */
  readonly timeoutMs?: number
}

/** A broker of the cluster, as Metadata lists it. */
export interface BrokerAddress {
  readonly nodeId: number
  readonly host: string
  readonly port: number
  readonly rack: string | null
}

/** The highest version of each API this client speaks (each is served by Sluice and by Kafka 3.x). */
export const CLIENT_MAX_VERSIONS: ReadonlyMap<number, number> = new Map([
  [ApiKey.PRODUCE, 7], [ApiKey.FETCH, 12], [ApiKey.LIST_OFFSETS, 5], [ApiKey.METADATA, 12],
  [ApiKey.OFFSET_COMMIT, 8], [ApiKey.OFFSET_FETCH, 8], [ApiKey.FIND_COORDINATOR, 4], [ApiKey.JOIN_GROUP, 6],
  [ApiKey.HEARTBEAT, 4], [ApiKey.LEAVE_GROUP, 5], [ApiKey.SYNC_GROUP, 5], [ApiKey.DESCRIBE_GROUPS, 5],
  [ApiKey.LIST_GROUPS, 4], [ApiKey.API_VERSIONS, 3], [ApiKey.CREATE_TOPICS, 7], [ApiKey.DELETE_TOPICS, 6],
  [ApiKey.DELETE_RECORDS, 2], [ApiKey.DESCRIBE_CONFIGS, 4], [ApiKey.ALTER_CONFIGS, 2], [ApiKey.CREATE_PARTITIONS, 3],
  [ApiKey.DELETE_GROUPS, 2], [ApiKey.INCREMENTAL_ALTER_CONFIGS, 1], [ApiKey.OFFSET_DELETE, 0], [ApiKey.DESCRIBE_CLUSTER, 1],
  [ApiKey.DESCRIBE_LOG_DIRS, 4],
])

/** The broker does not serve an API (or no version this client speaks). */
export class UnsupportedApiError extends SluiceError {
  constructor(apiKey: number) {
    super('ERR_UNSUPPORTED_API', `the broker does not serve ${API_DESCRIPTORS.get(apiKey)?.name ?? `api key ${apiKey}`} at a version this client speaks`)
  }
}

const DEFAULT_TIMEOUT_MS = 10_000

/** `host:port` (or `[v6]:port`) into its parts; throws SluiceError on anything else. */
export function parseHostPort(address: string): { host: string; port: number } {
  const match = /^\[?([^\]]*?)\]?:(\d{1,5})$/.exec(address.trim())
  const port = match === null ? NaN : Number(match[2])
  if (match === null || match[1] === '' || port < 1 || port > 65535) {
    throw new SluiceError('ERR_BAD_ADDRESS', `"${address}" is not host:port`)
  }
  return { host: match[1]!, port }
}

export class KafkaClient {
  private readonly connections = new Map<number, Promise<KafkaConnection>>()
  private brokers = new Map<number, BrokerAddress>()

  private constructor(
    private readonly bootstrapConnection: KafkaConnection,
    private readonly versions: ReadonlyMap<number, { readonly min: number; readonly max: number }>,
    private readonly options: KafkaClientOptions,
  ) {}

  /** Connects to the first bootstrap address that answers and learns its API versions. */
  static async connect(options: KafkaClientOptions): Promise<KafkaClient> {
    const addresses = options.bootstrap.split(',').map((address) => address.trim()).filter((address) => address !== '')
    if (addresses.length === 0) throw new SluiceError('ERR_BAD_ADDRESS', 'no bootstrap server given')
    const failures: string[] = []
    for (const address of addresses) {
      const { host, port } = parseHostPort(address)
      let connection: KafkaConnection
      try {
        connection = await KafkaConnection.open(host, port, { timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS, clientId: options.clientId ?? 'sluice-cli' })
      } catch (error) {
        if (!(error instanceof ConnectionError)) throw error
        failures.push(error.message)
        continue
      }
      try {
        const versions = await apiVersionsOf(connection, options.timeoutMs ?? DEFAULT_TIMEOUT_MS)
        return new KafkaClient(connection, versions, options)
      } catch (error) {
        connection.close()
        throw error
      }
    }
    throw new ConnectionError(`no bootstrap server answered: ${failures.join('; ')}`)
  }

  get timeoutMs(): number {
    return this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS
  }

  /** The version to send `apiKey` at: the highest both sides know; throws UnsupportedApiError when there is none. */
  version(apiKey: number): number {
    const range = this.versions.get(apiKey)
    const ours = CLIENT_MAX_VERSIONS.get(apiKey)
    if (range === undefined || ours === undefined || Math.min(ours, range.max) < range.min) throw new UnsupportedApiError(apiKey)
    return Math.min(ours, range.max)
  }

  /**
   * Sends `body` to a broker (`nodeId`, or the bootstrap broker when undefined) at the negotiated
   * version, which `body` may depend on (it is built for that version by the caller's `build`).
   */
  async request<Response>(nodeId: number | undefined, apiKey: number, build: (version: number) => unknown, what: string, timeoutMs = this.timeoutMs): Promise<Response> {
    const version = this.version(apiKey)
    const connection = nodeId === undefined ? this.bootstrapConnection : await this.connectionTo(nodeId)
    return connection.request<Response>(apiKey, version, build(version), timeoutMs, what)
  }

  /** Metadata for `topics` (every topic when null), without creating any; remembers the brokers. */
  async metadata(topics: readonly string[] | null): Promise<MetadataResponse> {
    const response = await this.request<MetadataResponse>(undefined, ApiKey.METADATA, () => ({
      topics: topics === null ? null : topics.map((name) => ({ name, topicId: ZERO_TOPIC_ID, unknownTaggedFields: undefined })),
      allowAutoTopicCreation: false,
      includeClusterAuthorizedOperations: false,
      includeTopicAuthorizedOperations: false,
    }), 'Metadata')
    this.brokers = new Map(response.brokers.map((broker) => [broker.nodeId, { nodeId: broker.nodeId, host: broker.host, port: broker.port, rack: broker.rack }]))
    return response
  }

  /** The leader of each partition of `topic`; throws KafkaError for an unknown topic. */
  async partitionLeaders(topic: string): Promise<Map<number, number>> {
    const response = await this.metadata([topic])
    const found = response.topics[0]
    if (found === undefined) throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `topic ${topic}`)
    if (found.errorCode !== ErrorCode.NONE) throw new KafkaError(found.errorCode, `topic ${topic}`)
    return new Map(found.partitions.map((partition) => [partition.partitionIndex, partition.leaderId]))
  }

  /** The node coordinating `groupId` (FindCoordinator), retried briefly while it is loading. */
  async groupCoordinator(groupId: string): Promise<number> {
    const deadline = Date.now() + this.timeoutMs
    for (let attempt = 0; ; attempt++) {
      const response = await this.request<FindCoordinatorResponse>(undefined, ApiKey.FIND_COORDINATOR, (version) => ({
        key: groupId, keyType: 0, coordinatorKeys: version >= 4 ? [groupId] : [], unknownTaggedFields: undefined,
      }), `FindCoordinator for group ${groupId}`)
      const coordinator = this.version(ApiKey.FIND_COORDINATOR) >= 4 ? response.coordinators[0] : response
      const errorCode = coordinator?.errorCode ?? ErrorCode.UNKNOWN_SERVER_ERROR
      if (errorCode === ErrorCode.NONE && coordinator !== undefined) {
        this.brokers.set(coordinator.nodeId, { nodeId: coordinator.nodeId, host: coordinator.host, port: coordinator.port, rack: null })
        return coordinator.nodeId
      }
      const isLoading = errorCode === ErrorCode.COORDINATOR_NOT_AVAILABLE || errorCode === ErrorCode.COORDINATOR_LOAD_IN_PROGRESS
      if (!isLoading || Date.now() > deadline || attempt >= 100) throw new KafkaError(errorCode, `finding the coordinator of group ${groupId}`, coordinator?.errorMessage)
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }

  /** Every broker the last Metadata listed. */
  get knownBrokers(): ReadonlyMap<number, BrokerAddress> {
    return this.brokers
  }

  /** The connection to `nodeId`, opened on first use (Metadata first, when the node is unknown) and again once it has closed. */
  async connectionTo(nodeId: number): Promise<KafkaConnection> {
    const known = this.connections.get(nodeId)
    const open = known === undefined ? undefined : await known.catch(() => undefined)
    if (open !== undefined && open.isOpen) return open
    const opening = this.openConnection(nodeId)
    this.connections.set(nodeId, opening)
    opening.catch(() => this.connections.delete(nodeId))
    return opening
  }

  close(): void {
    this.bootstrapConnection.close()
    for (const connection of this.connections.values()) void connection.then((open) => open.close(), () => {})
    this.connections.clear()
  }

  private async openConnection(nodeId: number): Promise<KafkaConnection> {
    if (!this.brokers.has(nodeId)) await this.metadata([])
    const broker = this.brokers.get(nodeId)
    if (broker === undefined) throw new ConnectionError(`broker ${nodeId} is not in the cluster's metadata`)
    return KafkaConnection.open(broker.host, broker.port, { timeoutMs: this.timeoutMs, clientId: this.options.clientId ?? 'sluice-cli' })
  }
}

/** Metadata's "no topic id" (v10+ requests name topics and leave the id zero). */
const ZERO_TOPIC_ID = 'AAAAAAAAAAAAAAAAAAAAAA'

async function apiVersionsOf(connection: KafkaConnection, timeoutMs: number): Promise<Map<number, { min: number; max: number }>> {
  const response = await connection.request<ApiVersionsResponse>(ApiKey.API_VERSIONS, 3,
    { clientSoftwareName: 'sluice-cli', clientSoftwareVersion: '0.1.0', unknownTaggedFields: undefined }, timeoutMs, 'ApiVersions')
  if (response.errorCode !== ErrorCode.NONE) {
    throw new SluiceError('ERR_UNSUPPORTED_API', `ApiVersions v3 answered ${errorName(response.errorCode)}: the broker is older than this client supports`)
  }
  return new Map(response.apiKeys.map((key) => [key.apiKey, { min: key.minVersion, max: key.maxVersion }]))
}
