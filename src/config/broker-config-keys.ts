// The broker keys Sluice reads from server.properties: Apache Kafka 3.9's names, types, defaults,
// validators, importance and dynamic-update mode (KafkaConfig, ServerLogConfigs, SocketServerConfigs,
// KRaftConfigs, QuorumConfig, ReplicationConfigs, GroupCoordinatorConfig, TransactionLogConfigs,
// TransactionStateManagerConfigs), with descriptions in our own words. A few entries are Sluice's
// own (metrics.*, log.level, log.slow.request.ms) and say so. The property name of each entry is
// the field of the parsed config.
//
// Kafka's Long.MAX_VALUE ("no limit") is Number.MAX_SAFE_INTEGER here: every long is a JS number,
// and any long above 2^53 - 1 is read as that value (see LONG_MAX_VALUE).

/** Kafka's ConfigDef.Type, plus Sluice's reading of it: int/short/long/double → number, list → string[]. */
export type ConfigType = 'int' | 'short' | 'long' | 'double' | 'boolean' | 'string' | 'list' | 'password' | 'class'

export type Importance = 'high' | 'medium' | 'low'

/**
 * Kafka's dynamic update mode (the "Update Mode" of its broker config documentation): read-only
 * needs a restart; per-broker can be changed for one broker; cluster-wide also as a cluster default.
 * Sluice records Kafka's mode; it does not apply dynamic updates yet.
 */
export type UpdateMode = 'read-only' | 'per-broker' | 'cluster-wide'

/** Kafka's validators for the keys below. */
export type Validator =
  /** ConfigDef.Range.atLeast: a number at least min. */
  | { readonly kind: 'atLeast'; readonly min: number }
  /** ConfigDef.Range.between: a number in [min, max]. */
  | { readonly kind: 'between'; readonly min: number; readonly max: number }
  /** ConfigDef.ValidString.in: one of the values, case-sensitive. */
  | { readonly kind: 'oneOf'; readonly values: readonly string[] }
  /** ConfigDef.ValidList.in: every element of the list is one of the values. */
  | { readonly kind: 'eachOneOf'; readonly values: readonly string[] }

export interface ConfigKey {
  /** The key in server.properties. */
  readonly name: string
  readonly type: ConfigType
  /** Kafka's default; null means no default (the key is optional, or derived from another key). */
  readonly defaultValue: number | boolean | string | readonly string[] | null
  readonly validator?: Validator
  readonly importance: Importance
  readonly updateMode: UpdateMode
  /** One line: what the key controls, and for Sluice where it differs from Kafka. */
  readonly doc: string
  /** 'sluice' for a key Kafka does not have; Kafka's keys leave it out. */
  readonly owner?: 'sluice'
}

/** Kafka's Long.MAX_VALUE, the "no limit" of long-valued keys, as the largest exact JS integer. */
export const LONG_MAX_VALUE = Number.MAX_SAFE_INTEGER
/** Java's Integer.MAX_VALUE. */
export const INT_MAX_VALUE = 2 ** 31 - 1

const DAY_MS = 24 * 60 * 60 * 1000

export const BROKER_CONFIG_KEYS = {
  // ----- node, roles and the quorum (KRaftConfigs, QuorumConfig) -----
  nodeId: {
    name: 'node.id', type: 'int', defaultValue: -1, importance: 'high', updateMode: 'read-only',
    doc: 'This node\'s id in the cluster; required in KRaft mode, the only mode Sluice runs in.',
  },
  processRoles: {
    name: 'process.roles', type: 'list', defaultValue: [], validator: { kind: 'eachOneOf', values: ['broker', 'controller'] },
    importance: 'high', updateMode: 'read-only',
    doc: 'What this node runs: broker, controller, or both (a combined node); required.',
  },
  controllerListenerNames: {
    name: 'controller.listener.names', type: 'string', defaultValue: null, importance: 'high', updateMode: 'read-only',
    doc: 'Comma-separated names of the listeners the controller quorum uses; the first is how brokers reach controllers.',
  },
  controllerQuorumVoters: {
    name: 'controller.quorum.voters', type: 'list', defaultValue: [], importance: 'high', updateMode: 'read-only',
    doc: 'The static quorum: id@host:port of every voting controller.',
  },
  controllerQuorumBootstrapServers: {
    name: 'controller.quorum.bootstrap.servers', type: 'list', defaultValue: [], importance: 'high', updateMode: 'read-only',
    doc: 'host:port of controllers to discover a dynamic quorum from (KIP-853), instead of controller.quorum.voters.',
  },
  brokerRack: {
    name: 'broker.rack', type: 'string', defaultValue: null, importance: 'medium', updateMode: 'read-only',
    doc: 'The rack of this broker, used to spread replicas across racks.',
  },

  // ----- listeners and sockets (SocketServerConfigs, ReplicationConfigs) -----
  listeners: {
    name: 'listeners', type: 'string', defaultValue: 'PLAINTEXT://:9092', importance: 'high', updateMode: 'per-broker',
    doc: 'NAME://host:port of every socket to listen on; an empty host binds every interface, port 0 picks a free port.',
  },
  advertisedListeners: {
    name: 'advertised.listeners', type: 'string', defaultValue: null, importance: 'high', updateMode: 'per-broker',
    doc: 'NAME://host:port that clients are told to use; defaults to the broker (non-controller) listeners.',
  },
  listenerSecurityProtocolMap: {
    name: 'listener.security.protocol.map', type: 'string',
    defaultValue: 'SASL_SSL:SASL_SSL,PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT',
    importance: 'low', updateMode: 'per-broker',
    doc: 'NAME:PROTOCOL for every listener name; controller listeners default to PLAINTEXT when this is not set.',
  },
  interBrokerListenerName: {
    name: 'inter.broker.listener.name', type: 'string', defaultValue: null, importance: 'medium', updateMode: 'read-only',
    doc: 'The listener brokers use to reach each other; defaults to PLAINTEXT (Kafka\'s security.inter.broker.protocol default).',
  },
  socketRequestMaxBytes: {
    name: 'socket.request.max.bytes', type: 'int', defaultValue: 100 * 1024 * 1024, validator: { kind: 'atLeast', min: 1 },
    importance: 'high', updateMode: 'read-only',
    doc: 'Largest request frame accepted; a larger size prefix closes the connection.',
  },
  socketSendBufferBytes: {
    name: 'socket.send.buffer.bytes', type: 'int', defaultValue: 100 * 1024, importance: 'high', updateMode: 'read-only',
    doc: 'SO_SNDBUF of accepted sockets; -1 keeps the OS default.',
  },
  socketReceiveBufferBytes: {
    name: 'socket.receive.buffer.bytes', type: 'int', defaultValue: 100 * 1024, importance: 'high', updateMode: 'read-only',
    doc: 'SO_RCVBUF of accepted sockets; -1 keeps the OS default.',
  },
  connectionsMaxIdleMs: {
    name: 'connections.max.idle.ms', type: 'long', defaultValue: 10 * 60 * 1000, importance: 'medium', updateMode: 'read-only',
    doc: 'Close a connection that has been idle this long.',
  },
  queuedMaxRequestBytes: {
    name: 'queued.max.request.bytes', type: 'long', defaultValue: -1, importance: 'medium', updateMode: 'read-only',
    doc: 'Stop reading from sockets while queued requests hold this many bytes; -1 means no bound.',
  },
  numNetworkThreads: {
    name: 'num.network.threads', type: 'int', defaultValue: 3, validator: { kind: 'atLeast', min: 1 },
    importance: 'high', updateMode: 'cluster-wide',
    doc: 'Accepted for compatibility and not used: Sluice serves sockets from its single event loop.',
  },
  numIoThreads: {
    name: 'num.io.threads', type: 'int', defaultValue: 8, validator: { kind: 'atLeast', min: 1 },
    importance: 'high', updateMode: 'cluster-wide',
    doc: 'Accepted for compatibility and not used: Sluice handles requests on its single event loop.',
  },

  // ----- topics and replication -----
  numPartitions: {
    name: 'num.partitions', type: 'int', defaultValue: 1, validator: { kind: 'atLeast', min: 1 },
    importance: 'medium', updateMode: 'read-only',
    doc: 'Partitions of a topic created without a partition count.',
  },
  defaultReplicationFactor: {
    name: 'default.replication.factor', type: 'int', defaultValue: 1, importance: 'medium', updateMode: 'read-only',
    doc: 'Replication factor of a topic created without one.',
  },
  minInsyncReplicas: {
    name: 'min.insync.replicas', type: 'int', defaultValue: 1, validator: { kind: 'atLeast', min: 1 },
    importance: 'high', updateMode: 'cluster-wide',
    doc: 'In-sync replicas an acks=all produce needs, else NOT_ENOUGH_REPLICAS.',
  },
  autoCreateTopicsEnable: {
    name: 'auto.create.topics.enable', type: 'boolean', defaultValue: true, importance: 'high', updateMode: 'read-only',
    doc: 'Create a topic when a client asks for metadata of one that does not exist.',
  },
  deleteTopicEnable: {
    name: 'delete.topic.enable', type: 'boolean', defaultValue: true, importance: 'high', updateMode: 'read-only',
    doc: 'Allow DeleteTopics; when false deletes are refused.',
  },
  messageMaxBytes: {
    name: 'message.max.bytes', type: 'int', defaultValue: 1024 * 1024 + 12, validator: { kind: 'atLeast', min: 0 },
    importance: 'high', updateMode: 'cluster-wide',
    doc: 'Largest record batch accepted (the broker default of the topic\'s max.message.bytes).',
  },
  compressionType: {
    name: 'compression.type', type: 'string', defaultValue: 'producer',
    validator: { kind: 'oneOf', values: ['uncompressed', 'zstd', 'lz4', 'snappy', 'gzip', 'producer'] },
    importance: 'high', updateMode: 'cluster-wide',
    doc: 'Compression of stored batches; producer keeps what the producer sent.',
  },
  replicaLagTimeMaxMs: {
    name: 'replica.lag.time.max.ms', type: 'long', defaultValue: 30_000, importance: 'high', updateMode: 'read-only',
    doc: 'A follower that has not caught up for this long leaves the ISR.',
  },
  uncleanLeaderElectionEnable: {
    name: 'unclean.leader.election.enable', type: 'boolean', defaultValue: false, importance: 'high', updateMode: 'cluster-wide',
    doc: 'Allow a replica outside the ISR to become leader, at the cost of losing acknowledged records.',
  },

  // ----- log directories, segments and indexes (ServerLogConfigs) -----
  logDirs: {
    name: 'log.dirs', type: 'string', defaultValue: null, importance: 'high', updateMode: 'read-only',
    doc: 'Comma-separated directories holding the partition logs; when unset, log.dir is used.',
  },
  logDir: {
    name: 'log.dir', type: 'string', defaultValue: '/tmp/kafka-logs', importance: 'high', updateMode: 'read-only',
    doc: 'The log directory when log.dirs is not set.',
  },
  logSegmentBytes: {
    name: 'log.segment.bytes', type: 'int', defaultValue: 1024 * 1024 * 1024, validator: { kind: 'atLeast', min: 14 },
    importance: 'high', updateMode: 'cluster-wide',
    doc: 'Roll the active segment past this size (at least 14, a v0 record\'s overhead).',
  },
  logRollMs: {
    name: 'log.roll.ms', type: 'long', defaultValue: null, importance: 'high', updateMode: 'cluster-wide',
    doc: 'Roll a segment this long after its first record; takes precedence over log.roll.hours.',
  },
  logRollHours: {
    name: 'log.roll.hours', type: 'int', defaultValue: 168, validator: { kind: 'atLeast', min: 1 },
    importance: 'high', updateMode: 'cluster-wide',
    doc: 'log.roll.ms in hours, used when log.roll.ms is not set.',
  },
  logRollJitterMs: {
    name: 'log.roll.jitter.ms', type: 'long', defaultValue: null, importance: 'high', updateMode: 'cluster-wide',
    doc: 'Largest random reduction of the roll time; takes precedence over log.roll.jitter.hours.',
  },
  logRollJitterHours: {
    name: 'log.roll.jitter.hours', type: 'int', defaultValue: 0, validator: { kind: 'atLeast', min: 0 },
    importance: 'high', updateMode: 'cluster-wide',
    doc: 'log.roll.jitter.ms in hours, used when log.roll.jitter.ms is not set.',
  },
  logIndexSizeMaxBytes: {
    name: 'log.index.size.max.bytes', type: 'int', defaultValue: 10 * 1024 * 1024, validator: { kind: 'atLeast', min: 4 },
    importance: 'medium', updateMode: 'cluster-wide',
    doc: 'Preallocated size of each offset and time index; a full index rolls the segment.',
  },
  logIndexIntervalBytes: {
    name: 'log.index.interval.bytes', type: 'int', defaultValue: 4096, validator: { kind: 'atLeast', min: 0 },
    importance: 'medium', updateMode: 'cluster-wide',
    doc: 'Log bytes between two offset index entries.',
  },
  logMessageTimestampType: {
    name: 'log.message.timestamp.type', type: 'string', defaultValue: 'CreateTime',
    validator: { kind: 'oneOf', values: ['CreateTime', 'LogAppendTime'] }, importance: 'medium', updateMode: 'cluster-wide',
    doc: 'CreateTime keeps producer timestamps; LogAppendTime stamps the broker\'s time.',
  },
  logPreallocate: {
    name: 'log.preallocate', type: 'boolean', defaultValue: false, importance: 'medium', updateMode: 'cluster-wide',
    doc: 'Create segment files at their full size.',
  },
  logSegmentDeleteDelayMs: {
    name: 'log.segment.delete.delay.ms', type: 'long', defaultValue: 60_000, validator: { kind: 'atLeast', min: 0 },
    importance: 'high', updateMode: 'cluster-wide',
    doc: 'How long a deleted segment stays on disk, renamed .deleted, before it is removed.',
  },
  numRecoveryThreadsPerDataDir: {
    name: 'num.recovery.threads.per.data.dir', type: 'int', defaultValue: 1, validator: { kind: 'atLeast', min: 1 },
    importance: 'high', updateMode: 'cluster-wide',
    doc: 'Logs recovered concurrently per log dir at startup and flushed at shutdown.',
  },

  // ----- retention -----
  logRetentionMs: {
    name: 'log.retention.ms', type: 'long', defaultValue: null, importance: 'high', updateMode: 'cluster-wide',
    doc: 'Delete segments older than this; -1 keeps them forever; precedence over minutes and hours.',
  },
  logRetentionMinutes: {
    name: 'log.retention.minutes', type: 'int', defaultValue: null, importance: 'high', updateMode: 'cluster-wide',
    doc: 'log.retention.ms in minutes, used when log.retention.ms is not set.',
  },
  logRetentionHours: {
    name: 'log.retention.hours', type: 'int', defaultValue: 168, importance: 'high', updateMode: 'cluster-wide',
    doc: 'log.retention.ms in hours, used when neither log.retention.ms nor log.retention.minutes is set.',
  },
  logRetentionBytes: {
    name: 'log.retention.bytes', type: 'long', defaultValue: -1, importance: 'high', updateMode: 'cluster-wide',
    doc: 'Delete the oldest segments while a partition is larger than this; -1 means no limit.',
  },
  logRetentionCheckIntervalMs: {
    name: 'log.retention.check.interval.ms', type: 'long', defaultValue: 5 * 60 * 1000, validator: { kind: 'atLeast', min: 1 },
    importance: 'medium', updateMode: 'read-only',
    doc: 'How often logs are checked for segments to delete.',
  },
  logInitialTaskDelayMs: {
    name: 'log.initial.task.delay.ms', type: 'long', defaultValue: 30 * 1000, validator: { kind: 'atLeast', min: 0 },
    importance: 'low', updateMode: 'read-only',
    doc: 'How long after start-up retention and compaction first run.',
  },
  logCleanupPolicy: {
    name: 'log.cleanup.policy', type: 'list', defaultValue: ['delete'], validator: { kind: 'eachOneOf', values: ['compact', 'delete'] },
    importance: 'medium', updateMode: 'cluster-wide',
    doc: 'delete (by time and size), compact (keep the last record per key), or both.',
  },

  // ----- the cleaner (compaction) -----
  logCleanerEnable: {
    name: 'log.cleaner.enable', type: 'boolean', defaultValue: true, importance: 'medium', updateMode: 'read-only',
    doc: 'Run the cleaner that compacts logs with cleanup.policy=compact.',
  },
  logCleanerBackoffMs: {
    name: 'log.cleaner.backoff.ms', type: 'long', defaultValue: 15_000, validator: { kind: 'atLeast', min: 0 },
    importance: 'medium', updateMode: 'cluster-wide',
    doc: 'Pause of the cleaner when no log needs cleaning.',
  },
  logCleanerMinCleanableRatio: {
    name: 'log.cleaner.min.cleanable.ratio', type: 'double', defaultValue: 0.5, validator: { kind: 'between', min: 0, max: 1 },
    importance: 'medium', updateMode: 'cluster-wide',
    doc: 'Dirty share of a log above which it is compacted.',
  },
  logCleanerDeleteRetentionMs: {
    name: 'log.cleaner.delete.retention.ms', type: 'long', defaultValue: DAY_MS, validator: { kind: 'atLeast', min: 0 },
    importance: 'medium', updateMode: 'cluster-wide',
    doc: 'How long a tombstone survives compaction.',
  },
  logCleanerMinCompactionLagMs: {
    name: 'log.cleaner.min.compaction.lag.ms', type: 'long', defaultValue: 0, validator: { kind: 'atLeast', min: 0 },
    importance: 'medium', updateMode: 'cluster-wide',
    doc: 'Records younger than this are never compacted.',
  },
  logCleanerMaxCompactionLagMs: {
    name: 'log.cleaner.max.compaction.lag.ms', type: 'long', defaultValue: LONG_MAX_VALUE, validator: { kind: 'atLeast', min: 1 },
    importance: 'medium', updateMode: 'cluster-wide',
    doc: 'A dirty record older than this makes its log eligible for compaction whatever the ratio.',
  },

  // ----- flushing and checkpoints -----
  logFlushIntervalMessages: {
    name: 'log.flush.interval.messages', type: 'long', defaultValue: LONG_MAX_VALUE, validator: { kind: 'atLeast', min: 1 },
    importance: 'high', updateMode: 'cluster-wide',
    doc: 'fsync a partition after this many unflushed records.',
  },
  logFlushIntervalMs: {
    name: 'log.flush.interval.ms', type: 'long', defaultValue: null, importance: 'high', updateMode: 'cluster-wide',
    doc: 'fsync a partition whose oldest unflushed record is this old; when unset, log.flush.scheduler.interval.ms.',
  },
  logFlushSchedulerIntervalMs: {
    name: 'log.flush.scheduler.interval.ms', type: 'long', defaultValue: LONG_MAX_VALUE, importance: 'high', updateMode: 'read-only',
    doc: 'How often logs are checked for a time-based flush.',
  },
  logFlushOffsetCheckpointIntervalMs: {
    name: 'log.flush.offset.checkpoint.interval.ms', type: 'int', defaultValue: 60_000, validator: { kind: 'atLeast', min: 0 },
    importance: 'high', updateMode: 'read-only',
    doc: 'How often the recovery-point checkpoint is written.',
  },
  logFlushStartOffsetCheckpointIntervalMs: {
    name: 'log.flush.start.offset.checkpoint.interval.ms', type: 'int', defaultValue: 60_000, validator: { kind: 'atLeast', min: 0 },
    importance: 'high', updateMode: 'read-only',
    doc: 'How often the log-start-offset checkpoint is written.',
  },

  // ----- consumer groups and offsets (GroupCoordinatorConfig) -----
  offsetsTopicNumPartitions: {
    name: 'offsets.topic.num.partitions', type: 'int', defaultValue: 50, validator: { kind: 'atLeast', min: 1 },
    importance: 'high', updateMode: 'read-only',
    doc: 'Partitions of __consumer_offsets; not to be changed once the topic exists.',
  },
  offsetsTopicReplicationFactor: {
    name: 'offsets.topic.replication.factor', type: 'short', defaultValue: 3, validator: { kind: 'atLeast', min: 1 },
    importance: 'high', updateMode: 'read-only',
    doc: 'Replication factor of __consumer_offsets; its creation waits until this many brokers exist.',
  },
  offsetsTopicSegmentBytes: {
    name: 'offsets.topic.segment.bytes', type: 'int', defaultValue: 100 * 1024 * 1024, validator: { kind: 'atLeast', min: 1 },
    importance: 'high', updateMode: 'read-only',
    doc: 'Segment size of __consumer_offsets, kept small for fast loading.',
  },
  offsetsRetentionMinutes: {
    name: 'offsets.retention.minutes', type: 'int', defaultValue: 7 * 24 * 60, validator: { kind: 'atLeast', min: 1 },
    importance: 'high', updateMode: 'read-only',
    doc: 'Committed offsets of an empty group expire after this long.',
  },
  offsetsRetentionCheckIntervalMs: {
    name: 'offsets.retention.check.interval.ms', type: 'long', defaultValue: 10 * 60 * 1000, validator: { kind: 'atLeast', min: 1 },
    importance: 'high', updateMode: 'read-only',
    doc: 'How often expired offsets are looked for.',
  },
  offsetsCommitTimeoutMs: {
    name: 'offsets.commit.timeout.ms', type: 'int', defaultValue: 5000, validator: { kind: 'atLeast', min: 1 },
    importance: 'high', updateMode: 'read-only',
    doc: 'How long an offset commit waits for __consumer_offsets replication.',
  },
  groupInitialRebalanceDelayMs: {
    name: 'group.initial.rebalance.delay.ms', type: 'int', defaultValue: 3000, importance: 'medium', updateMode: 'read-only',
    doc: 'How long the first rebalance of a new group waits for more members to join.',
  },
  groupMinSessionTimeoutMs: {
    name: 'group.min.session.timeout.ms', type: 'int', defaultValue: 6000, importance: 'medium', updateMode: 'read-only',
    doc: 'Smallest session timeout a group member may ask for.',
  },
  groupMaxSessionTimeoutMs: {
    name: 'group.max.session.timeout.ms', type: 'int', defaultValue: 30 * 60 * 1000, importance: 'medium', updateMode: 'read-only',
    doc: 'Largest session timeout a group member may ask for.',
  },
  groupMaxSize: {
    name: 'group.max.size', type: 'int', defaultValue: INT_MAX_VALUE, validator: { kind: 'atLeast', min: 1 },
    importance: 'medium', updateMode: 'read-only',
    doc: 'Most members one consumer group may have.',
  },

  // ----- transactions (TransactionLogConfigs, TransactionStateManagerConfigs) -----
  transactionStateLogNumPartitions: {
    name: 'transaction.state.log.num.partitions', type: 'int', defaultValue: 50, validator: { kind: 'atLeast', min: 1 },
    importance: 'high', updateMode: 'read-only',
    doc: 'Partitions of __transaction_state; not to be changed once the topic exists.',
  },
  transactionStateLogReplicationFactor: {
    name: 'transaction.state.log.replication.factor', type: 'short', defaultValue: 3, validator: { kind: 'atLeast', min: 1 },
    importance: 'high', updateMode: 'read-only',
    doc: 'Replication factor of __transaction_state; its creation waits until this many brokers exist.',
  },
  transactionalIdExpirationMs: {
    name: 'transactional.id.expiration.ms', type: 'int', defaultValue: 7 * DAY_MS, validator: { kind: 'atLeast', min: 1 },
    importance: 'high', updateMode: 'read-only',
    doc: 'A transactional id unused for this long is forgotten.',
  },
  transactionMaxTimeoutMs: {
    name: 'transaction.max.timeout.ms', type: 'int', defaultValue: 15 * 60 * 1000, validator: { kind: 'atLeast', min: 1 },
    importance: 'high', updateMode: 'read-only',
    doc: 'Largest transaction timeout a producer may ask for.',
  },

  // ----- Sluice's own -----
  metricsPort: {
    name: 'metrics.port', type: 'int', defaultValue: 9404, validator: { kind: 'between', min: 0, max: 65535 },
    importance: 'medium', updateMode: 'read-only', owner: 'sluice',
    doc: 'Port of the HTTP endpoint serving /metrics, /healthz and /readyz; 0 picks a free port.',
  },
  metricsHost: {
    name: 'metrics.host', type: 'string', defaultValue: '0.0.0.0', importance: 'medium', updateMode: 'read-only', owner: 'sluice',
    doc: 'Address the metrics endpoint binds; 0.0.0.0 (every interface, as the JMX exporter does) by default.',
  },
  metricsEnabled: {
    name: 'metrics.enabled', type: 'boolean', defaultValue: true, importance: 'medium', updateMode: 'read-only', owner: 'sluice',
    doc: 'Whether the broker records metrics and serves the metrics endpoint at all.',
  },
  metricsPartitionSeriesMax: {
    name: 'metrics.partition.series.max', type: 'int', defaultValue: 10_000, validator: { kind: 'atLeast', min: 0 },
    importance: 'low', updateMode: 'read-only', owner: 'sluice',
    doc: 'Most partitions (and, separately, group partitions) given per-partition series in a scrape; the rest are counted in sluice_metrics_series_dropped.',
  },
  logLevel: {
    name: 'log.level', type: 'string', defaultValue: 'info', validator: { kind: 'oneOf', values: ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] },
    importance: 'medium', updateMode: 'read-only', owner: 'sluice',
    doc: 'Lowest level of the broker\'s own log lines (pino levels); debug logs one line per request.',
  },
  logSlowRequestMs: {
    name: 'log.slow.request.ms', type: 'long', defaultValue: 1000, validator: { kind: 'atLeast', min: -1 },
    importance: 'low', updateMode: 'read-only', owner: 'sluice',
    doc: 'A request that takes longer than this (beyond the wait it asked for) is logged at warn; -1 turns the log off.',
  },
} as const satisfies Readonly<Record<string, ConfigKey>>

export type BrokerConfigProperty = keyof typeof BROKER_CONFIG_KEYS

/** The JS type of one key's value: undefined stands for "not set" where Kafka's default is null. */
export type ConfigKeyValue<K extends ConfigKey> =
  | (K['type'] extends 'int' | 'short' | 'long' | 'double'
      ? number
      : K['type'] extends 'boolean'
        ? boolean
        : K['type'] extends 'list'
          ? readonly string[]
          : string)
  | (null extends K['defaultValue'] ? undefined : never)

/** Every key's value by property name, before precedence rules and structured parsing. */
export type BrokerConfigValues = { readonly [P in BrokerConfigProperty]: ConfigKeyValue<(typeof BROKER_CONFIG_KEYS)[P]> }

/** The entry of a key name, or undefined for a key Sluice does not know. */
export function findConfigKey(name: string): readonly [BrokerConfigProperty, ConfigKey] | undefined {
  return KEYS_BY_NAME.get(name)
}

const KEYS_BY_NAME: ReadonlyMap<string, readonly [BrokerConfigProperty, ConfigKey]> = new Map(
  (Object.entries(BROKER_CONFIG_KEYS) as [BrokerConfigProperty, ConfigKey][]).map(([property, key]) => [key.name, [property, key]] as const),
)
