// One Sluice node in the calling process: configuration in, a running broker and controller out.
// Start-up follows Kafka's order: format or check the log dirs, replay the metadata log into an
// image, open the partition logs, bind the listeners, register with the controller, then serve.
// `close()` shuts down in reverse: stop accepting, finish requests in flight, then flush and
// checkpoint the logs and leave the clean-shutdown marker. No module state: several nodes may
// run in one process.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino, type Logger } from 'pino'
import { systemClock, type Clock } from '../clock.js'
import { parseBrokerConfig, type BrokerConfig } from '../config/broker-config.js'
import { toLogConfig } from '../config/log-config-defaults.js'
import { dynamicLogDefaults, topicLogConfig, topicMinInsyncReplicas } from '../config/topic-config.js'
import { brokerConfigLayers, effectiveBrokerValue } from '../config/dynamic-broker-config.js'
import type { LogConfig } from '../log/log-config.js'
import { QuorumController } from '../controller/quorum-controller.js'
import { createDispatcher } from '../handlers/dispatcher.js'
import type { BrokerServices } from '../handlers/handler.js'
import { CONTROLLER_HANDLERS, createHandlerRegistry } from '../handlers/registry.js'
import { CLEAN_SHUTDOWN_FILE, LogManager } from '../log/log-manager.js'
import { newDirectoryId, readMetaProperties } from '../log/meta-properties.js'
import { NodeStorage } from '../log/storage.js'
import { ConfigResourceType } from '../metadata/image.js'
import type { MetadataImage } from '../metadata/image.js'
import { METADATA_LOG_DIRECTORY, MetadataLog } from '../metadata/metadata-log.js'
import type { MetadataRecord } from '../metadata/metadata-record-codec.js'
import { startListener, type Listener as NetworkListener } from '../network/listener.js'
import { ReplicaManager } from '../replication/replica-manager.js'
import { OffsetCoordinator } from '../coordinator/offset-coordinator.js'
import { consumerLag, type PartitionLag } from '../coordinator/consumer-lag.js'
import { expireOffsets } from '../coordinator/group/offset-expiry.js'
import { CoordinatorPartitions } from './coordinator-partitions.js'
import { OFFSETS_TOPIC, TRANSACTION_STATE_TOPIC } from '../metadata/internal-topics.js'
import { METADATA_VERSION_LEVEL } from '../controller/quorum-controller.js'
import { randomKafkaUuid } from '../controller/topic-records.js'
import { BrokerMetrics } from '../metrics/broker-metrics.js'
import { startMetricsServer, type MetricsServer } from '../metrics/metrics-server.js'
import { Readiness } from '../metrics/readiness.js'

export interface StartBrokerOptions {
  /**
   * server.properties keys over the defaults of a single combined node on ephemeral 127.0.0.1
   * ports with a fresh temporary log dir (removed again by close()).
   */
  readonly properties?: Readonly<Record<string, string>>
  /** An already parsed configuration; `properties` is ignored when this is given. */
  readonly config?: BrokerConfig
  /**
   * With `config`: the keys as server.properties and --override gave them
   * (ParsedBrokerConfig.staticConfigs), which DescribeConfigs reports as STATIC_BROKER_CONFIG.
   */
  readonly staticConfigs?: ReadonlyMap<string, string>
  /** pino logger; silent by default. */
  readonly logger?: Logger
  readonly clock?: Clock
  /**
   * Called once the metrics endpoint listens, before the logs are loaded: its URL (with the port
   * metrics.port=0 picked), so that /readyz can be watched during start-up. Start-up waits for
   * the promise it returns.
   */
  readonly onMetricsListening?: (url: string) => void | Promise<void>
}

export interface BrokerNode {
  readonly nodeId: number
  readonly clusterId: string
  /** `host:port` of the first client (non-controller) listener. */
  readonly bootstrap: string
  /** Every bound listener by name, with its actual port. */
  readonly listeners: ReadonlyMap<string, { readonly host: string; readonly port: number }>
  readonly logDirs: readonly string[]
  readonly config: BrokerConfig
  /** The services the handlers use, for tests and the metrics issue. */
  readonly services: BrokerServices
  readonly logManager: LogManager
  /** `http://host:port` of /metrics, /healthz and /readyz; undefined with metrics.enabled=false. */
  readonly metricsUrl: string | undefined
  /** The node's metrics (undefined with metrics.enabled=false): its scrape, for tests and embedders. */
  readonly metrics: BrokerMetrics | undefined
  /** Every committed partition's lag behind its high watermark, for the groups this node coordinates. */
  consumerLag(): PartitionLag[]
  /** Stops serving, finishes requests in flight (at most `timeoutMs`), flushes and checkpoints. */
  close(options?: { readonly timeoutMs?: number }): Promise<void>
}

/** The single combined node that startBroker runs unless told otherwise. */
const SINGLE_NODE_DEFAULTS: Readonly<Record<string, string>> = {
  'node.id': '1',
  'process.roles': 'broker,controller',
  'listeners': 'PLAINTEXT://127.0.0.1:0,CONTROLLER://127.0.0.1:0',
  'controller.listener.names': 'CONTROLLER',
  'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
  'controller.quorum.voters': '1@127.0.0.1:0',
  'offsets.topic.replication.factor': '1',
  'transaction.state.log.replication.factor': '1',
  // Many nodes may run in one process (tests): each gets its own loopback metrics port.
  'metrics.host': '127.0.0.1',
  'metrics.port': '0',
}

/** Kafka's SecurityProtocol ids, as RegisterBrokerRecord endpoints carry them. */
const SECURITY_PROTOCOL_IDS = { PLAINTEXT: 0, SSL: 1, SASL_PLAINTEXT: 2, SASL_SSL: 3 } as const

/** The quorum epoch of the single voter until Raft elects leaders. */
const SINGLE_VOTER_EPOCH = 1


export async function startBroker(options: StartBrokerOptions = {}): Promise<BrokerNode> {
  let temporaryDir: string | undefined
  let config = options.config
  let staticConfigs = options.staticConfigs ?? new Map<string, string>()
  if (config === undefined) {
    const properties = new Map(Object.entries({ ...SINGLE_NODE_DEFAULTS, ...options.properties }))
    if (!properties.has('log.dirs') && !properties.has('log.dir')) {
      temporaryDir = await mkdtemp(join(tmpdir(), 'sluice-'))
      properties.set('log.dirs', temporaryDir)
    }
    const parsed = parseBrokerConfig(properties)
    config = parsed.config
    staticConfigs = parsed.staticConfigs
  }
  try {
    return await startNode(config, staticConfigs, options, temporaryDir)
  } catch (error) {
    if (temporaryDir !== undefined) await rm(temporaryDir, { recursive: true, force: true })
    throw error
  }
}

/** The metrics and the endpoint, up before anything else so that a starting node answers /readyz with 503. */
interface Observability {
  readonly metrics: BrokerMetrics | undefined
  readonly readiness: Readiness
  readonly server: MetricsServer | undefined
}

async function startObservability(config: BrokerConfig, options: StartBrokerOptions, logger: Logger): Promise<Observability> {
  const readiness = new Readiness()
  if (!config.metricsEnabled) return { metrics: undefined, readiness, server: undefined }
  const metrics = new BrokerMetrics({ partitionSeriesMax: config.metricsPartitionSeriesMax })
  const server = await startMetricsServer({ host: config.metricsHost, port: config.metricsPort, metrics, readiness, logger })
  try {
    await options.onMetricsListening?.(server.url)
  } catch (error) {
    await server.close()
    throw error
  }
  return { metrics, readiness, server }
}

async function startNode(config: BrokerConfig, staticConfigs: ReadonlyMap<string, string>, options: StartBrokerOptions, temporaryDir: string | undefined): Promise<BrokerNode> {
  const logger = (options.logger ?? pino({ enabled: false })).child({ nodeId: config.nodeId })
  const observability = await startObservability(config, options, logger)
  try {
    return await startParts(config, staticConfigs, options, temporaryDir, logger, observability)
  } catch (error) {
    await observability.server?.close()
    throw error
  }
}

async function startParts(config: BrokerConfig, staticConfigs: ReadonlyMap<string, string>, options: StartBrokerOptions, temporaryDir: string | undefined,
  logger: Logger, { metrics, readiness, server: metricsServer }: Observability): Promise<BrokerNode> {
  const clock = options.clock ?? systemClock
  const storage = new NodeStorage()
  const nodeId = config.nodeId
  const metadataLogDir = config.logDirs[0]!
  await storage.mkdir(metadataLogDir)

  // The first start formats the log dirs with a new cluster id; later starts keep theirs.
  let clusterId: string | undefined
  for (const dir of config.logDirs) clusterId ??= (await readMetaProperties(storage, dir))?.clusterId
  const isNewCluster = clusterId === undefined
  clusterId ??= randomKafkaUuid()
  const hadCleanShutdown = (await storage.sizeOf(join(metadataLogDir, CLEAN_SHUTDOWN_FILE))) !== undefined
  const metadataLog = await MetadataLog.open({ storage, logDir: metadataLogDir, clock, hadCleanShutdown })
  // A single voter's log is the whole quorum's: replayed means caught up.
  readiness.pass('metadataCaughtUp')
  const staticLogDefaults = toLogConfig(config)
  const image = (): MetadataImage => metadataLog.image
  // The log defaults with the dynamic broker configs of the image applied (log.retention.ms set
  // through AlterConfigs on this broker or cluster-wide reaches every topic without an override).
  let brokerLayers = brokerConfigLayers(metadataLog.image, nodeId, staticConfigs)
  let logDefaults = dynamicLogDefaults(staticLogDefaults, brokerLayers)
  const logConfigFor = (topic: string): LogConfig => topicLogConfig(logDefaults, image().topicConfigs(topic))
  const brokerMinInsyncReplicas = (): number => Number(effectiveBrokerValue(brokerLayers, 'min.insync.replicas') ?? config.minInsyncReplicas)
  const logManager = await LogManager.start({
    storage, logDirs: config.logDirs, clock, defaultConfig: staticLogDefaults, logger,
    configFor: logConfigFor,
    retentionCheckIntervalMs: config.logRetentionCheckIntervalMs,
    initialTaskDelayMs: config.logInitialTaskDelayMs,
    flushCheckIntervalMs: config.logFlushSchedulerIntervalMs,
    checkpointIntervalMs: config.logFlushOffsetCheckpointIntervalMs,
    cleanerBackoffMs: config.logCleanerBackoffMs,
    identity: { clusterId, nodeId },
    reservedDirectories: [METADATA_LOG_DIRECTORY],
  })
  logger.info({ clusterId, isNewCluster, metadataOffset: metadataLog.highestOffset.toString(), topics: metadataLog.image.topics.byName.size }, 'metadata log replayed')

  const replicaManager = new ReplicaManager({
    nodeId, clock, logManager, storage, logger,
    minInsyncReplicas: (topic) => topicMinInsyncReplicas(brokerMinInsyncReplicas(), image().topicConfigs(topic)),
    ...(metrics === undefined ? {} : { topicStats: metrics }),
  })
  await replicaManager.loadImage(metadataLog.image)
  readiness.pass('logDirsLoaded')
  const groupCoordinator = new OffsetCoordinator({
    clock, logger: logger.child({ component: 'group-coordinator' }),
    ...(metrics === undefined ? {} : { onRebalanceCompleted: () => metrics.rebalanceCompleted() }),
    // FindCoordinator hashes over the topic's real partition count once it exists.
    partitionCount: metadataLog.image.topic(OFFSETS_TOPIC)?.partitions.size ?? config.offsetsTopicNumPartitions,
    groupConfig: {
      minSessionTimeoutMs: config.groupMinSessionTimeoutMs,
      maxSessionTimeoutMs: config.groupMaxSessionTimeoutMs,
      initialRebalanceDelayMs: config.groupInitialRebalanceDelayMs,
      maxSize: config.groupMaxSize,
    },
  })
  const coordinatorPartitions = new CoordinatorPartitions(groupCoordinator, replicaManager, image, config.offsetsCommitTimeoutMs, logger)
  coordinatorPartitions.sync(metadataLog.image)
  // offsets.retention.minutes, checked every offsets.retention.check.interval.ms (KIP-211).
  let expiry: Promise<unknown> = Promise.resolve()
  const expiryTimer = setInterval(() => {
    expiry = expiry.then(() => expireOffsets(groupCoordinator, clock.nowMs(), config.offsetsRetentionMinutes * 60_000))
      .then((result) => {
        if (result.expiredOffsets > 0) logger.info(result, 'expired committed offsets of empty groups')
      })
      .catch((error: unknown) => logger.error({ err: error }, 'offset expiry failed'))
  }, config.offsetsRetentionCheckIntervalMs)
  expiryTimer.unref()

  /**
   * A config change reaches the running logs at once, as in Kafka: the next retention pass, roll or
   * cleaner run reads the new value. A broker-level change can move every topic's defaults.
   */
  const applyConfigChanges = (changed: readonly { readonly resourceType: number; readonly resourceName: string }[]): void => {
    const isBrokerChange = changed.some(({ resourceType, resourceName }) =>
      resourceType === ConfigResourceType.BROKER && (resourceName === '' || resourceName === String(nodeId)))
    if (isBrokerChange) {
      brokerLayers = brokerConfigLayers(image(), nodeId, staticConfigs)
      logDefaults = dynamicLogDefaults(staticLogDefaults, brokerLayers)
    }
    const topics = isBrokerChange
      ? [...image().topics.byName.keys()]
      : changed.filter(({ resourceType }) => resourceType === ConfigResourceType.TOPIC).map(({ resourceName }) => resourceName)
    for (const topic of topics) {
      const topicConfig = logConfigFor(topic)
      for (const [partitionId] of image().topic(topic)?.partitions ?? []) replicaManager.partition(topic, partitionId)?.log.updateConfig(topicConfig)
    }
  }

  // Committed records reach the broker's state in log order, each delta after the one before.
  let publishing: Promise<unknown> = Promise.resolve()
  const commit = async (records: readonly MetadataRecord[]): Promise<MetadataImage> => {
    const result = await metadataLog.append(records, SINGLE_VOTER_EPOCH)
    const published = publishing.then(async () => {
      await replicaManager.applyChanges(result.changes, result.image)
      for (const topic of result.changes.topicsDeleted) metrics?.topicDeleted(topic.name)
      applyConfigChanges(result.changes.configResourcesChanged)
      coordinatorPartitions.sync(result.image)
    })
    publishing = published.catch((error: unknown) => logger.error({ err: error }, 'applying committed metadata failed'))
    await published
    return result.image
  }

  const internalTopicConfigs = new Map([['cleanup.policy', 'compact']])
  const controller = new QuorumController({
    nodeId, epoch: SINGLE_VOTER_EPOCH, commit, image, logger, staticBrokerConfigs: staticConfigs,
    defaults: {
      numPartitions: config.numPartitions,
      defaultReplicationFactor: config.defaultReplicationFactor,
      internalTopics: new Map([
        [OFFSETS_TOPIC, {
          numPartitions: config.offsetsTopicNumPartitions,
          replicationFactor: config.offsetsTopicReplicationFactor,
          configs: new Map([...internalTopicConfigs, ['segment.bytes', String(config.offsetsTopicSegmentBytes)]]),
        }],
        [TRANSACTION_STATE_TOPIC, {
          numPartitions: config.transactionStateLogNumPartitions,
          replicationFactor: config.transactionStateLogReplicationFactor,
          configs: internalTopicConfigs,
        }],
      ]),
    },
  })

  const services: BrokerServices = {
    nodeId,
    metadata: { currentImage: image, clusterId, controllerId: () => controller.controllerId },
    topics: {
      ensureInternalTopic: (name) => controller.ensureInternalTopic(name),
      createTopics: (specs, validateOnly) => controller.createTopics(specs, validateOnly),
      deleteTopics: (topics) => controller.deleteTopics(topics),
      createPartitions: (specs, validateOnly) => controller.createPartitions(specs, validateOnly),
    },
    logManager,
    configs: {
      staticBrokerConfigs: staticConfigs,
      alterConfigs: (resources, mode, validateOnly) => controller.alterConfigs(resources, mode, validateOnly),
    },
    replicas: replicaManager,
    groupCoordinator,
    isTopicDeletionEnabled: config.deleteTopicEnable,
    isAutoTopicCreationEnabled: config.autoCreateTopicsEnable,
  }

  // Requests that arrive before the node has registered wait for it rather than see no brokers.
  let markReady!: () => void
  const ready = new Promise<void>((resolve) => { markReady = resolve })
  const brokerRegistry = createHandlerRegistry()
  const controllerRegistry = createHandlerRegistry(CONTROLLER_HANDLERS)
  const networkListeners: NetworkListener[] = []
  const listenerStates: Array<{ readonly name: string; readonly network: NetworkListener }> = []
  const bound = new Map<string, { host: string; port: number }>()
  try {
    for (const listener of config.listeners) {
      const isController = config.controllerListenerNames.includes(listener.name)
      const dispatch = createDispatcher({
        registry: isController ? controllerRegistry : brokerRegistry, services, logger, listenerName: listener.name,
        slowRequestMs: config.logSlowRequestMs,
        ...(metrics === undefined ? {} : { observer: metrics }),
      })
      const network = await startListener({
        host: listener.host === '' ? '0.0.0.0' : listener.host,
        port: listener.port,
        logger: logger.child({ listener: listener.name }),
        options: {
          maxRequestBytes: config.socketRequestMaxBytes,
          idleTimeoutMs: config.connectionsMaxIdleMs,
          // Kafka's bound is broker-wide and off by default (-1); a set value bounds each connection here.
          ...(config.queuedMaxRequestBytes > 0 ? { maxQueuedBytes: config.queuedMaxRequestBytes } : {}),
        },
        handleFrame: async (frame, context) => {
          await ready
          return dispatch(frame, context)
        },
        ...(metrics === undefined ? {} : {
          onConnection: (connection) => {
            metrics.connectionOpened(listener.name)
            void connection.closed.then(() => metrics.connectionClosed(listener.name))
          },
        }),
      })
      listenerStates.push({ name: listener.name, network })
      networkListeners.push(network)
      bound.set(listener.name, network.address)
    }

    // Advertised endpoints with the ports actually bound (port 0 picks one, as in Kafka).
    const endPoints = config.advertisedListeners.map((listener) => ({
      name: listener.name,
      host: listener.host === '' ? '127.0.0.1' : listener.host,
      port: listener.port === 0 ? bound.get(listener.name)?.port ?? 0 : listener.port,
      securityProtocol: SECURITY_PROTOCOL_IDS[listener.securityProtocol],
    }))
    await controller.registerBroker({
      brokerId: nodeId, isMigratingZkBroker: false, incarnationId: newDirectoryId(), endPoints,
      features: [{ name: 'metadata.version', minSupportedVersion: 1, maxSupportedVersion: METADATA_VERSION_LEVEL }],
      rack: config.brokerRack ?? null, inControlledShutdown: false, logDirs: [],
    }, metadataLog.logEndOffset)
    logManager.startBackgroundJobs()
    markReady()
    readiness.pass('listenersOpen')
  } catch (error) {
    clearInterval(expiryTimer)
    groupCoordinator.close()
    await Promise.all(networkListeners.map((network) => network.close({ timeoutMs: 0 })))
    await metadataLog.close()
    await logManager.close()
    throw error
  }

  const clientListener = config.advertisedListeners.find((listener) => !config.controllerListenerNames.includes(listener.name))
  const clientAddress = clientListener === undefined ? undefined : bound.get(clientListener.name)
  const bootstrap = clientAddress === undefined ? '' : `${clientAddress.host}:${clientAddress.port}`
  metrics?.attach({
    nodeId, clock, image, replicas: replicaManager, logManager, groupCoordinator,
    isActiveController: () => controller.controllerId === nodeId,
    listeners: () => listenerStates.map(({ name, network }) => ({
      name, connections: network.connections, requestsInFlight: network.requestsInFlight, queuedBytes: network.queuedBytes,
    })),
  })
  logger.info({ clusterId, bootstrap, listeners: Object.fromEntries(bound), metricsUrl: metricsServer?.url }, 'broker started')

  let closing: Promise<void> | undefined
  return {
    nodeId, clusterId, bootstrap, listeners: bound, logDirs: config.logDirs, config, services, logManager,
    metricsUrl: metricsServer?.url, metrics,
    consumerLag: () => consumerLag(groupCoordinator, (topic, partition) => replicaManager.partition(topic, partition)?.log.highWatermark),
    close(closeOptions) {
      closing ??= (async () => {
        readiness.shutDown()
        const listenersClosed = Promise.all(networkListeners.map((network) => network.close({ timeoutMs: closeOptions?.timeoutMs ?? 30_000 })))
        // Parked fetches, acks=all waits and joins or syncs still waiting (COORDINATOR_NOT_AVAILABLE)
        // answer now, so the listeners can drain; group timers stop.
        replicaManager.close()
        groupCoordinator.close()
        clearInterval(expiryTimer)
        await listenersClosed
        await publishing
        await expiry
        await coordinatorPartitions.close()
        await metadataLog.close()
        await logManager.close()
        await metricsServer?.close()
        if (temporaryDir !== undefined) await rm(temporaryDir, { recursive: true, force: true })
        logger.info('broker stopped')
      })()
      return closing
    },
  }
}
