// BrokerMetrics without a node: what the request path and the replica manager record, and how it
// reads in a scrape (per-topic and all-topics series, requests by version, errors by name, stage
// histograms, process metrics without the gauges promtool rejects).
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { BrokerMetrics } from '../../../src/metrics/broker-metrics.js'
import { ErrorCode } from '../../../src/protocol/error-codes.js'
import { ApiKey } from '../../../src/protocol/generated/api-registry.js'
import { parseExposition } from '../../helpers/metrics-scrape.js'

const STAGES = { requestQueueMs: 1, localMs: 20, responseQueueMs: 2, responseSendMs: 3, totalMs: 26 }

test('appends and reads move the topic\'s series and the all-topics series; a new topic starts at 0 everywhere', async () => {
  const metrics = new BrokerMetrics({ partitionSeriesMax: 10, processMetrics: false })
  metrics.appended('a', 1000, 10)
  metrics.appended('a', 500, 5)
  metrics.appendFailed('a', 0)
  metrics.appendFailed('b', 2048)
  metrics.fetched('a', 700)
  metrics.fetched('a', 0)
  metrics.fetchFailed('b')
  const scrape = parseExposition(await metrics.scrape())
  const value = (name: string, topic?: string): number | undefined =>
    scrape.value(`kafka_server_brokertopicmetrics_${name}_total`, topic === undefined ? {} : { topic })
  assert.deepEqual(
    ['bytesin', 'messagesin', 'totalproducerequests', 'failedproducerequests', 'bytesrejected', 'bytesout', 'totalfetchrequests', 'failedfetchrequests'].map((name) => [name, value(name, 'a'), value(name, 'b'), value(name)]),
    [
      ['bytesin', 1500, 0, 1500],
      ['messagesin', 15, 0, 15],
      ['totalproducerequests', 3, 1, 4],
      ['failedproducerequests', 1, 1, 2],
      ['bytesrejected', 0, 2048, 2048],
      ['bytesout', 700, 0, 700],
      ['totalfetchrequests', 2, 1, 3],
      ['failedfetchrequests', 0, 1, 1],
    ],
  )
  metrics.topicDeleted('b')
  const afterDelete = parseExposition(await metrics.scrape())
  assert.equal(afterDelete.value('kafka_server_brokertopicmetrics_bytesrejected_total', { topic: 'b' }), undefined)
  assert.equal(afterDelete.value('kafka_server_brokertopicmetrics_bytesrejected_total'), 2048, 'the all-topics series keeps what happened')
})

test('requests count by name and version, every error code by name, and each stage in seconds', async () => {
  const metrics = new BrokerMetrics({ partitionSeriesMax: 10, processMetrics: false })
  metrics.onRequestCompleted({
    apiKey: ApiKey.FETCH, apiVersion: 12, metricNames: ['Fetch', 'FetchConsumer'],
    errorCounts: new Map([[ErrorCode.NONE, 3], [ErrorCode.OFFSET_OUT_OF_RANGE, 1]]), stages: STAGES,
  })
  metrics.onRequestCompleted({ apiKey: ApiKey.FETCH, apiVersion: 11, metricNames: ['Fetch', 'FetchConsumer'], errorCounts: new Map(), stages: STAGES })
  const scrape = parseExposition(await metrics.scrape())
  assert.equal(scrape.value('kafka_network_requestmetrics_requests_total', { request: 'Fetch', version: '12' }), 1)
  assert.equal(scrape.value('kafka_network_requestmetrics_requests_total', { request: 'FetchConsumer', version: '11' }), 1)
  assert.equal(scrape.value('kafka_network_requestmetrics_errors_total', { request: 'Fetch', error: 'NONE' }), 3)
  assert.equal(scrape.value('kafka_network_requestmetrics_errors_total', { request: 'FetchConsumer', error: 'OFFSET_OUT_OF_RANGE' }), 1)
  const seconds = { totaltime: 0.026, requestqueuetime: 0.001, localtime: 0.02, responsequeuetime: 0.002, responsesendtime: 0.003 }
  for (const [stage, each] of Object.entries(seconds)) {
    assert.equal(scrape.value(`kafka_network_requestmetrics_${stage}_seconds_count`, { request: 'Fetch' }), 2, stage)
    assert.ok(Math.abs((scrape.value(`kafka_network_requestmetrics_${stage}_seconds_sum`, { request: 'FetchConsumer' }) ?? 0) - 2 * each) < 1e-9, stage)
  }
  assert.equal(scrape.value('kafka_network_requestmetrics_localtime_seconds_bucket', { request: 'Fetch', le: '0.01' }), 0)
  assert.equal(scrape.value('kafka_network_requestmetrics_localtime_seconds_bucket', { request: 'Fetch', le: '0.025' }), 2)
})

test('connections, rebalances and the replication counters; process metrics without gauges named _total', async () => {
  const metrics = new BrokerMetrics({ partitionSeriesMax: 10 })
  metrics.connectionOpened('PLAINTEXT')
  metrics.connectionOpened('PLAINTEXT')
  metrics.connectionClosed('PLAINTEXT')
  metrics.rebalanceCompleted()
  const text = await metrics.scrape()
  const scrape = parseExposition(text)
  assert.equal(scrape.value('kafka_server_socketservermetrics_connection_creation_total', { listener: 'PLAINTEXT' }), 2)
  assert.equal(scrape.value('kafka_server_socketservermetrics_connection_close_total', { listener: 'PLAINTEXT' }), 1)
  assert.equal(scrape.value('kafka_server_groupcoordinatormetrics_group_rebalance_total'), 1)
  assert.equal(scrape.value('kafka_server_replicamanager_isrshrinks_total'), 0)
  assert.ok(scrape.series('nodejs_eventloop_lag_seconds').length === 1)
  assert.ok(scrape.series('nodejs_active_handles').length === 1)
  for (const line of text.split('\n').filter((l) => l.startsWith('# TYPE '))) {
    const [, , name, type] = line.split(' ')
    if (name!.endsWith('_total')) assert.equal(type, 'counter', line)
  }
})

test('a node not yet attached scrapes without its state gauges; two scrapes at once share one', async () => {
  const metrics = new BrokerMetrics({ partitionSeriesMax: 10, processMetrics: false })
  const [first, second] = [metrics.scrape(), metrics.scrape()]
  assert.equal(first, second)
  const scrape = parseExposition(await first)
  assert.deepEqual(scrape.series('kafka_log_log_size'), [])
  assert.match(await first, /^# TYPE kafka_server_socketservermetrics_connection_count untyped$/m)
})

test('a topic that does not exist counts for all topics only, so clients cannot grow the series', async () => {
  const metrics = new BrokerMetrics({ partitionSeriesMax: 10, processMetrics: false })
  for (let i = 0; i < 5; i++) {
    metrics.appendFailed(undefined, 0)
    metrics.fetchFailed(undefined)
  }
  const scrape = parseExposition(await metrics.scrape())
  assert.deepEqual(scrape.series('kafka_server_brokertopicmetrics_failedproducerequests_total').map((sample) => [sample.labels, sample.value]), [[{}, 5]])
  assert.deepEqual(scrape.series('kafka_server_brokertopicmetrics_failedfetchrequests_total').map((sample) => [sample.labels, sample.value]), [[{}, 5]])
})
