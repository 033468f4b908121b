// Every metric the broker exports, defined once: the name and what it means. Names follow the
// JMX exporter's conventions that Kafka dashboards read (kafka_<domain>_<type>_<name>, lower case),
// with Prometheus base units (seconds, bytes) and `_total` only on counters, so that
// `promtool check metrics` accepts a scrape; the consumer lag series are kafka_exporter's.

export interface MetricName {
  readonly name: string
  readonly help: string
  /** Exposed untyped (see untyped-gauge.ts): a gauge whose conventional name ends in _count or _sum. */
  readonly isUntyped?: true
}

/** kafka.server:type=BrokerTopicMetrics, each with a `topic` label plus an all-topics series without it. */
export const BROKER_TOPIC_METRICS = {
  bytesIn: { name: 'kafka_server_brokertopicmetrics_bytesin_total', help: 'Bytes of record batches appended for producers.' },
  bytesOut: { name: 'kafka_server_brokertopicmetrics_bytesout_total', help: 'Bytes of record batches sent to consumers.' },
  messagesIn: { name: 'kafka_server_brokertopicmetrics_messagesin_total', help: 'Records appended for producers.' },
  bytesRejected: { name: 'kafka_server_brokertopicmetrics_bytesrejected_total', help: 'Bytes of record batches refused for their content (too large, corrupt, invalid records or timestamps).' },
  failedProduceRequests: { name: 'kafka_server_brokertopicmetrics_failedproducerequests_total', help: 'Partition appends for producers answered with an error.' },
  failedFetchRequests: { name: 'kafka_server_brokertopicmetrics_failedfetchrequests_total', help: 'Partition reads for consumers answered with an error.' },
  totalProduceRequests: { name: 'kafka_server_brokertopicmetrics_totalproducerequests_total', help: 'Partition appends for producers.' },
  totalFetchRequests: { name: 'kafka_server_brokertopicmetrics_totalfetchrequests_total', help: 'Partition reads for consumers.' },
} as const satisfies Record<string, MetricName>

/** kafka.network:type=RequestMetrics, by Kafka's request name (Fetch also as FetchConsumer or FetchFollower). */
export const REQUEST_METRICS = {
  requests: { name: 'kafka_network_requestmetrics_requests_total', help: 'Requests handled, by request and version.' },
  errors: { name: 'kafka_network_requestmetrics_errors_total', help: 'Error codes in responses, by request and error (NONE included, as Kafka counts it).' },
  totalTime: { name: 'kafka_network_requestmetrics_totaltime_seconds', help: 'From the request frame read to the last response byte handed to the kernel.' },
  requestQueueTime: { name: 'kafka_network_requestmetrics_requestqueuetime_seconds', help: 'From the request frame read until its handler started.' },
  localTime: { name: 'kafka_network_requestmetrics_localtime_seconds', help: 'In the handler, including waits Kafka reports as remote time (parked fetches, acks=all, joins).' },
  responseQueueTime: { name: 'kafka_network_requestmetrics_responsequeuetime_seconds', help: 'From the response ready until its turn to be written (responses leave in request order).' },
  responseSendTime: { name: 'kafka_network_requestmetrics_responsesendtime_seconds', help: 'From the response written until the kernel took its last byte.' },
} as const satisfies Record<string, MetricName>

export const SOCKET_SERVER_METRICS = {
  connectionCount: { name: 'kafka_server_socketservermetrics_connection_count', help: 'Open client connections, by listener.', isUntyped: true },
  connectionCreations: { name: 'kafka_server_socketservermetrics_connection_creation_total', help: 'Connections accepted, by listener.' },
  connectionCloses: { name: 'kafka_server_socketservermetrics_connection_close_total', help: 'Connections closed, by listener.' },
  requestQueueSize: { name: 'kafka_network_requestchannel_requestqueuesize', help: 'Requests received and not yet answered, across connections.' },
  requestQueueBytes: { name: 'kafka_network_requestchannel_requestqueue_bytes', help: 'Bytes of requests received and not yet answered, across connections (bounded by queued.max.request.bytes per connection).' },
} as const satisfies Record<string, MetricName>

export const REPLICA_MANAGER_METRICS = {
  underReplicatedPartitions: { name: 'kafka_server_replicamanager_underreplicatedpartitions', help: 'Partitions this broker leads whose ISR is smaller than their replica set.' },
  partitionCount: { name: 'kafka_server_replicamanager_partitioncount', help: 'Partition replicas hosted by this broker.' },
  leaderCount: { name: 'kafka_server_replicamanager_leadercount', help: 'Partitions this broker leads.' },
  offlineReplicaCount: { name: 'kafka_server_replicamanager_offlinereplicacount', help: 'Replicas hosted here whose log dir is offline.' },
  isrShrinks: { name: 'kafka_server_replicamanager_isrshrinks_total', help: 'ISR shrinks of partitions this broker leads.' },
  isrExpands: { name: 'kafka_server_replicamanager_isrexpands_total', help: 'ISR expansions of partitions this broker leads.' },
} as const satisfies Record<string, MetricName>

export const CONTROLLER_METRICS = {
  activeControllerCount: { name: 'kafka_controller_kafkacontroller_activecontrollercount', help: '1 on the active controller, else 0.' },
  offlinePartitionsCount: { name: 'kafka_controller_kafkacontroller_offlinepartitionscount', help: 'Partitions without a leader (reported by the active controller).' },
  globalTopicCount: { name: 'kafka_controller_kafkacontroller_globaltopiccount', help: 'Topics in the cluster (reported by the active controller).' },
  globalPartitionCount: { name: 'kafka_controller_kafkacontroller_globalpartitioncount', help: 'Partitions in the cluster (reported by the active controller).' },
} as const satisfies Record<string, MetricName>

/** kafka.log:type=Log per partition (capped, metrics.partition.series.max) and per log dir. */
export const LOG_METRICS = {
  size: { name: 'kafka_log_log_size', help: 'Bytes of the partition log on disk.' },
  numLogSegments: { name: 'kafka_log_log_numlogsegments', help: 'Segments of the partition log.' },
  logStartOffset: { name: 'kafka_log_log_logstartoffset', help: 'First offset of the partition log.' },
  logEndOffset: { name: 'kafka_log_log_logendoffset', help: 'Offset the next appended record gets.' },
  logDirUsed: { name: 'kafka_log_logdir_used_bytes', help: 'Bytes in use on the file system holding the log dir (as df counts them).' },
  logDirFree: { name: 'kafka_log_logdir_free_bytes', help: 'Bytes free for the broker on the file system holding the log dir.' },
  logDirTotal: { name: 'kafka_log_logdir_total_bytes', help: 'Size of the file system holding the log dir.' },
  offlineLogDirectoryCount: { name: 'kafka_log_logmanager_offlinelogdirectorycount', help: 'Log dirs taken offline after a storage error.' },
} as const satisfies Record<string, MetricName>

export const GROUP_METRICS = {
  numGroups: { name: 'kafka_coordinator_group_groupmetadatamanager_numgroups', help: 'Consumer groups this broker coordinates, by state, plus a series without the label for all of them.' },
  numOffsets: { name: 'kafka_coordinator_group_groupmetadatamanager_numoffsets', help: 'Committed offsets held by this broker\'s group coordinator.' },
  rebalances: { name: 'kafka_server_groupcoordinatormetrics_group_rebalance_total', help: 'Completed join phases of the groups this broker coordinates (each rebalance counts once).' },
} as const satisfies Record<string, MetricName>

/** kafka_exporter's series, computed by the broker for the groups it coordinates and the partitions it leads. */
export const LAG_METRICS = {
  currentOffset: { name: 'kafka_consumergroup_current_offset', help: 'Committed offset of the group for the partition.' },
  currentOffsetSum: { name: 'kafka_consumergroup_current_offset_sum', help: 'Sum of the group\'s committed offsets over the topic\'s partitions.', isUntyped: true },
  lag: { name: 'kafka_consumergroup_lag', help: 'Records between the group\'s committed offset and the high watermark.' },
  lagSum: { name: 'kafka_consumergroup_lag_sum', help: 'The group\'s lag summed over the topic\'s partitions.', isUntyped: true },
  lagSeconds: { name: 'kafka_consumergroup_lag_seconds', help: 'Now minus the timestamp of the first record after the committed offset; 0 when caught up.' },
  members: { name: 'kafka_consumergroup_members', help: 'Members of the group.' },
  partitionCurrentOffset: { name: 'kafka_topic_partition_current_offset', help: 'High watermark of the partition (the offset a consumer at the end reads next).' },
  partitionOldestOffset: { name: 'kafka_topic_partition_oldest_offset', help: 'Log start offset of the partition.' },
  topicPartitions: { name: 'kafka_topic_partitions', help: 'Partitions of the topic.' },
  brokers: { name: 'kafka_brokers', help: 'Brokers registered in the cluster.' },
} as const satisfies Record<string, MetricName>

export const SLUICE_METRICS = {
  seriesDropped: { name: 'sluice_metrics_series_dropped', help: 'Per-partition series left out of the last scrape by metrics.partition.series.max, by kind (log, topic_partition, consumergroup).' },
} as const satisfies Record<string, MetricName>

/** prom-client's default gauges whose names end in _total, which promtool rejects on a gauge. */
export const DROPPED_DEFAULT_METRICS = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'] as const
