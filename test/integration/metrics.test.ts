// The metrics endpoint against a real node: kafkajs produces (one topic also refusing a record too
// large), a kafkajs group consumes and commits part of what was produced, kcat reads at an offset
// out of range; then a scrape must show every named series, moved by exactly what happened (bytes
// in equal to the stored batches, messages in, lag and lag in seconds from the unread records'
// timestamps), pass `promtool check metrics` as it is, and reach a real Prometheus whose query API
// returns the lag. /readyz is 503 while the node loads its logs and 200 once it serves.
import assert from 'node:assert/strict'
import { test, type TestContext } from 'node:test'
import { startBroker, type BrokerNode } from '../../src/index.js'
import { FAST_TEST_PROPERTIES, startTestBroker, storedBatchBuffers } from '../helpers/broker.js'
import { connectedKafkajsAdmin, connectedKafkajsProducer, consumeAndCommit } from '../helpers/kafkajs.js'
import { runKcat } from '../helpers/kcat.js'
import { getMetricsPath, scrapeMetrics, type Scrape } from '../helpers/metrics-scrape.js'
import { promtoolCheckMetrics, requirePrometheus, startPrometheus } from '../helpers/prometheus.js'

const TOPIC = 'metrics-orders'
const SMALL_TOPIC = 'metrics-small'
const GROUP = 'metrics-group'
const CONSUMED = 5
const UNREAD = 7
/** The unread records are stamped two minutes ago, a second apart: lag in seconds is about 120. */
const UNREAD_BASE_TIMESTAMP = Date.now() - 120_000

/** Asserts a series exists, and returns its value. */
function present(scrape: Scrape, name: string, labels: Readonly<Record<string, string>> = {}): number {
  const value = scrape.value(name, labels)
  assert.ok(value !== undefined, `${name}${JSON.stringify(labels)} is missing from the scrape`)
  return value
}

async function produceAndConsume(t: TestContext, node: BrokerNode): Promise<void> {
  const admin = await connectedKafkajsAdmin(t, node, 'metrics-admin')
  await admin.createTopics({
    topics: [
      { topic: TOPIC, numPartitions: 1 },
      { topic: SMALL_TOPIC, numPartitions: 1, configEntries: [{ name: 'max.message.bytes', value: '200' }] },
    ],
  })
  const producer = await connectedKafkajsProducer(t, node, 'metrics-producer', false)
  await producer.send({ topic: TOPIC, messages: Array.from({ length: CONSUMED }, (_, i) => ({ key: `k${i}`, value: `first-${i}` })) })
  await assert.rejects(producer.send({ topic: SMALL_TOPIC, messages: [{ value: 'x'.repeat(1000) }] }), /larger than/)

  // A group member reads the first records, committing each, then leaves.
  await consumeAndCommit(t, node, { groupId: GROUP, topic: TOPIC, count: CONSUMED, clientId: 'metrics-consumer' })

  // Records the group has not read, with known timestamps.
  await producer.send({
    topic: TOPIC,
    messages: Array.from({ length: UNREAD }, (_, i) => ({ value: `unread-${i}`, timestamp: String(UNREAD_BASE_TIMESTAMP + i * 1000) })),
  })
  // A consumer fetch at an offset past the end: OFFSET_OUT_OF_RANGE, a failed fetch.
  const kcat = await runKcat(['-b', node.bootstrap, '-C', '-t', TOPIC, '-p', '0', '-o', '1000', '-e', '-X', 'auto.offset.reset=error'])
  assert.notEqual(kcat.code, 0, `kcat at an offset out of range should fail: ${kcat.stderr}`)
}

test('a scrape shows every series, moved by the traffic; promtool accepts it; Prometheus queries the lag', async (t) => {
  requirePrometheus()
  const node = await startTestBroker(t)
  await produceAndConsume(t, node)
  const scrape = await scrapeMetrics(node)
  const topic = { topic: TOPIC }

  // Bytes in are exactly the batches stored; messages in the records; the refused record counts apart.
  const stored = await storedBatchBuffers(node, TOPIC, 0)
  const storedBytes = stored.reduce((sum, batch) => sum + batch.length, 0)
  assert.equal(present(scrape, 'kafka_server_brokertopicmetrics_bytesin_total', topic), storedBytes)
  assert.equal(present(scrape, 'kafka_server_brokertopicmetrics_messagesin_total', topic), CONSUMED + UNREAD)
  assert.equal(present(scrape, 'kafka_server_brokertopicmetrics_totalproducerequests_total', topic), 2)
  assert.equal(present(scrape, 'kafka_server_brokertopicmetrics_failedproducerequests_total', topic), 0)
  assert.ok(present(scrape, 'kafka_server_brokertopicmetrics_failedproducerequests_total', { topic: SMALL_TOPIC }) >= 1)
  assert.ok(present(scrape, 'kafka_server_brokertopicmetrics_bytesrejected_total', { topic: SMALL_TOPIC }) > 1000)
  assert.equal(present(scrape, 'kafka_server_brokertopicmetrics_messagesin_total'), CONSUMED + UNREAD, 'the all-topics series')
  assert.ok(present(scrape, 'kafka_server_brokertopicmetrics_bytesout_total', topic) >= stored[0]!.length, 'the group read the first batch')
  assert.ok(present(scrape, 'kafka_server_brokertopicmetrics_totalfetchrequests_total', topic) > 0)
  assert.ok(present(scrape, 'kafka_server_brokertopicmetrics_failedfetchrequests_total', topic) >= 1, 'kcat fetched out of range')
  assert.ok(present(scrape, 'kafka_server_brokertopicmetrics_bytesin_total') >= storedBytes)

  // Requests by name and version, their errors and each stage's latency.
  const produceRequests = scrape.series('kafka_network_requestmetrics_requests_total').filter((s) => s.labels.request === 'Produce')
  assert.ok(produceRequests.length > 0 && produceRequests.every((s) => /^\d+$/.test(s.labels.version ?? '')))
  assert.ok(present(scrape, 'kafka_network_requestmetrics_errors_total', { request: 'Produce', error: 'MESSAGE_TOO_LARGE' }) >= 1)
  assert.ok(present(scrape, 'kafka_network_requestmetrics_errors_total', { request: 'Fetch', error: 'OFFSET_OUT_OF_RANGE' }) >= 1)
  assert.ok(present(scrape, 'kafka_network_requestmetrics_errors_total', { request: 'Metadata', error: 'NONE' }) >= 1)
  for (const stage of ['totaltime', 'requestqueuetime', 'localtime', 'responsequeuetime', 'responsesendtime']) {
    assert.ok(present(scrape, `kafka_network_requestmetrics_${stage}_seconds_count`, { request: 'Produce' }) >= 3, stage)
    assert.ok(present(scrape, `kafka_network_requestmetrics_${stage}_seconds_count`, { request: 'FetchConsumer' }) >= 1, stage)
  }
  const produceTotal = present(scrape, 'kafka_network_requestmetrics_totaltime_seconds_sum', { request: 'Produce' })
  assert.ok(produceTotal > 0 && produceTotal < 30, `${produceTotal} s in Produce`)

  // The node's partitions, its controller view, logs and log dir.
  const partitionCount = present(scrape, 'kafka_server_replicamanager_partitioncount')
  assert.equal(partitionCount, 2 + Number(FAST_TEST_PROPERTIES['offsets.topic.num.partitions']))
  assert.equal(present(scrape, 'kafka_server_replicamanager_leadercount'), partitionCount)
  assert.equal(present(scrape, 'kafka_server_replicamanager_underreplicatedpartitions'), 0)
  assert.equal(present(scrape, 'kafka_server_replicamanager_offlinereplicacount'), 0)
  assert.equal(present(scrape, 'kafka_server_replicamanager_isrshrinks_total'), 0)
  assert.equal(present(scrape, 'kafka_server_replicamanager_isrexpands_total'), 0)
  assert.equal(present(scrape, 'kafka_controller_kafkacontroller_activecontrollercount'), 1)
  assert.equal(present(scrape, 'kafka_controller_kafkacontroller_offlinepartitionscount'), 0)
  assert.equal(present(scrape, 'kafka_controller_kafkacontroller_globaltopiccount'), 3)
  assert.equal(present(scrape, 'kafka_controller_kafkacontroller_globalpartitioncount'), partitionCount)
  const partition0 = { topic: TOPIC, partition: '0' }
  assert.equal(present(scrape, 'kafka_log_log_size', partition0), storedBytes)
  assert.equal(present(scrape, 'kafka_log_log_numlogsegments', partition0), 1)
  assert.equal(present(scrape, 'kafka_log_log_logstartoffset', partition0), 0)
  assert.equal(present(scrape, 'kafka_log_log_logendoffset', partition0), CONSUMED + UNREAD)
  const logdir = { logdir: node.logDirs[0]! }
  const total = present(scrape, 'kafka_log_logdir_total_bytes', logdir)
  const free = present(scrape, 'kafka_log_logdir_free_bytes', logdir)
  assert.ok(free > 0 && free <= total && present(scrape, 'kafka_log_logdir_used_bytes', logdir) <= total)
  assert.equal(present(scrape, 'kafka_log_logmanager_offlinelogdirectorycount'), 0)

  // Connections (the admin and producer are still connected) and the request queue.
  assert.ok(present(scrape, 'kafka_server_socketservermetrics_connection_count', { listener: 'PLAINTEXT' }) >= 1)
  assert.ok(present(scrape, 'kafka_server_socketservermetrics_connection_creation_total', { listener: 'PLAINTEXT' }) >= 3)
  assert.ok(present(scrape, 'kafka_server_socketservermetrics_connection_close_total', { listener: 'PLAINTEXT' }) >= 1, 'the consumer and kcat left')
  assert.equal(present(scrape, 'kafka_network_requestchannel_requestqueuesize'), 0)
  assert.equal(present(scrape, 'kafka_network_requestchannel_requestqueue_bytes'), 0)

  // The group: empty after its member left, rebalanced once, its committed offset and lag.
  assert.equal(present(scrape, 'kafka_coordinator_group_groupmetadatamanager_numgroups', { state: 'Empty' }), 1)
  assert.equal(present(scrape, 'kafka_coordinator_group_groupmetadatamanager_numgroups', { state: 'Stable' }), 0)
  assert.equal(present(scrape, 'kafka_coordinator_group_groupmetadatamanager_numgroups'), 1)
  assert.equal(present(scrape, 'kafka_coordinator_group_groupmetadatamanager_numoffsets'), 1)
  assert.ok(present(scrape, 'kafka_server_groupcoordinatormetrics_group_rebalance_total') >= 1)
  const groupPartition = { consumergroup: GROUP, topic: TOPIC, partition: '0' }
  assert.equal(present(scrape, 'kafka_consumergroup_current_offset', groupPartition), CONSUMED)
  assert.equal(present(scrape, 'kafka_consumergroup_lag', groupPartition), UNREAD)
  assert.equal(present(scrape, 'kafka_consumergroup_lag_sum', { consumergroup: GROUP, topic: TOPIC }), UNREAD)
  assert.equal(present(scrape, 'kafka_consumergroup_members', { consumergroup: GROUP }), 0)
  const expectedLagSeconds = (Date.now() - UNREAD_BASE_TIMESTAMP) / 1000
  const lagSeconds = present(scrape, 'kafka_consumergroup_lag_seconds', groupPartition)
  assert.ok(Math.abs(lagSeconds - expectedLagSeconds) < 5, `lag of ${lagSeconds} s, expected about ${expectedLagSeconds} s`)
  assert.equal(present(scrape, 'kafka_topic_partition_current_offset', partition0), CONSUMED + UNREAD)
  assert.equal(present(scrape, 'kafka_topic_partition_oldest_offset', partition0), 0)
  assert.equal(present(scrape, 'kafka_topic_partitions', topic), 1)
  assert.equal(present(scrape, 'kafka_brokers'), 1)
  assert.equal(present(scrape, 'sluice_metrics_series_dropped', { kind: 'log' }), 0)

  // The process and the event loop, where a JVM broker shows GC.
  assert.ok(present(scrape, 'nodejs_eventloop_lag_seconds') >= 0)
  assert.ok(scrape.series('nodejs_gc_duration_seconds_count').length > 0)
  assert.ok(present(scrape, 'process_resident_memory_bytes') > 0)
  assert.equal(scrape.series('nodejs_active_handles_total').length, 0, 'a gauge ending in _total fails promtool')

  const lint = await promtoolCheckMetrics(scrape.text)
  assert.ok(lint.ok, `promtool check metrics:\n${lint.output}`)

  // A real Prometheus scrapes the node; its query API returns the lag series.
  const prometheus = await startPrometheus({ targets: [new URL(node.metricsUrl!).host] })
  t.after(() => prometheus.close())
  const lag = await prometheus.queryUntil(`kafka_consumergroup_lag{consumergroup="${GROUP}"}`, (vector) => vector.length > 0, { timeoutMs: 30_000 })
  assert.equal(lag[0]?.value, UNREAD)
  assert.equal(lag[0]?.metric.topic, TOPIC)
  const lagSecondsQueried = await prometheus.query(`kafka_consumergroup_lag_seconds{consumergroup="${GROUP}"}`)
  assert.ok((lagSecondsQueried[0]?.value ?? 0) > 100)
})

test('/readyz is 503 while the node loads its logs and 200 once it serves; /healthz answers throughout', async (t) => {
  const duringStart: Array<{ path: string; status: number; body: string }> = []
  const node = await startBroker({
    properties: FAST_TEST_PROPERTIES,
    async onMetricsListening(url) {
      for (const path of ['/readyz', '/healthz']) {
        const response = await fetch(`${url}${path}`, { signal: AbortSignal.timeout(5_000) })
        duringStart.push({ path, status: response.status, body: await response.text() })
      }
    },
  })
  t.after(() => node.close({ timeoutMs: 2_000 }))
  const [readyz, healthz] = duringStart
  assert.equal(readyz?.status, 503)
  assert.deepEqual(JSON.parse(readyz?.body ?? '{}').checks, { logDirsLoaded: false, metadataCaughtUp: false, listenersOpen: false })
  assert.equal(healthz?.status, 200)
  const ready = await getMetricsPath(node, '/readyz')
  assert.equal(ready.status, 200)
  assert.deepEqual(await ready.json(), { ready: true, shuttingDown: false, checks: { logDirsLoaded: true, metadataCaughtUp: true, listenersOpen: true } })
})

test('metrics.enabled=false serves no endpoint and the broker still works', async (t) => {
  const node = await startTestBroker(t, { 'metrics.enabled': 'false' })
  assert.equal(node.metricsUrl, undefined)
  assert.equal(node.metrics, undefined)
  const producer = await connectedKafkajsProducer(t, node, 'metrics-off', true)
  const [result] = await producer.send({ topic: 'no-metrics', messages: [{ value: 'v' }], acks: -1 })
  assert.equal(result?.errorCode, 0)
})

test('metrics.partition.series.max caps the per-partition series and counts what it left out', async (t) => {
  const node = await startTestBroker(t, { 'metrics.partition.series.max': '2' })
  const admin = await connectedKafkajsAdmin(t, node, 'metrics-cap-admin')
  await admin.createTopics({ topics: [{ topic: 'metrics-wide', numPartitions: 5 }] })
  const scrape = await scrapeMetrics(node)
  const hosted = 5
  assert.equal(scrape.series('kafka_log_log_size').length, 2)
  assert.equal(present(scrape, 'sluice_metrics_series_dropped', { kind: 'log' }), hosted - 2)
  assert.equal(scrape.series('kafka_topic_partition_current_offset').length, 2)
  assert.equal(present(scrape, 'sluice_metrics_series_dropped', { kind: 'topic_partition' }), hosted - 2)
  assert.equal(present(scrape, 'kafka_server_replicamanager_partitioncount'), hosted, 'counts are never capped')
})
