// The metrics endpoint: /metrics in Prometheus' text format, /healthz, /readyz following the
// node's readiness checks and its shutdown, and clear answers to anything else.
import assert from 'node:assert/strict'
import { test, type TestContext } from 'node:test'
import { BrokerMetrics } from '../../../src/metrics/broker-metrics.js'
import { startMetricsServer, type MetricsServer } from '../../../src/metrics/metrics-server.js'
import { Readiness } from '../../../src/metrics/readiness.js'

async function serve(t: TestContext, metrics = new BrokerMetrics({ partitionSeriesMax: 10, processMetrics: false })): Promise<{ server: MetricsServer; readiness: Readiness }> {
  const readiness = new Readiness()
  const server = await startMetricsServer({ host: '127.0.0.1', port: 0, metrics, readiness })
  t.after(() => server.close())
  return { server, readiness }
}

const get = (server: MetricsServer, path: string, method = 'GET'): Promise<Response> =>
  fetch(`${server.url}${path}`, { method, signal: AbortSignal.timeout(5_000) })

test('/readyz is 503 until every check passed, 200 then, and 503 again once shutting down; /healthz is 200 throughout', async (t) => {
  const { server, readiness } = await serve(t)
  assert.equal((await get(server, '/healthz')).status, 200)
  readiness.pass('metadataCaughtUp')
  readiness.pass('logDirsLoaded')
  const starting = await get(server, '/readyz')
  assert.equal(starting.status, 503)
  assert.deepEqual(await starting.json(), { ready: false, shuttingDown: false, checks: { logDirsLoaded: true, metadataCaughtUp: true, listenersOpen: false } })
  readiness.pass('listenersOpen')
  assert.equal((await get(server, '/readyz')).status, 200)
  readiness.shutDown()
  const stopping = await get(server, '/readyz')
  assert.equal(stopping.status, 503)
  assert.equal(((await stopping.json()) as { shuttingDown: boolean }).shuttingDown, true)
  assert.equal((await get(server, '/healthz')).status, 200)
})

test('/metrics answers in the Prometheus text format, HEAD without a body; other paths 404, other methods 405', async (t) => {
  const { server } = await serve(t)
  const scrape = await get(server, '/metrics?name=ignored')
  assert.equal(scrape.status, 200)
  assert.match(scrape.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/)
  assert.match(await scrape.text(), /^# TYPE kafka_server_brokertopicmetrics_bytesin_total counter$/m)
  const head = await get(server, '/metrics', 'HEAD')
  assert.equal(head.status, 200)
  assert.equal(await head.text(), '')
  assert.equal((await get(server, '/nope')).status, 404)
  const post = await get(server, '/metrics', 'POST')
  assert.equal(post.status, 405)
  assert.equal(post.headers.get('allow'), 'GET, HEAD')
})

test('a scrape that fails answers 500 and the endpoint keeps serving', async (t) => {
  class FailingMetrics extends BrokerMetrics {
    override scrape(): Promise<string> {
      return Promise.reject(new Error('collector bug'))
    }
  }
  const { server } = await serve(t, new FailingMetrics({ partitionSeriesMax: 10, processMetrics: false }))
  assert.equal((await get(server, '/metrics')).status, 500)
  assert.equal((await get(server, '/healthz')).status, 200)
})

test('close ends kept-alive scraper connections instead of waiting for them', async (t) => {
  const { server } = await serve(t)
  const response = await fetch(`${server.url}/metrics`, { headers: { connection: 'keep-alive' } })
  await response.text()
  const closed = await Promise.race([server.close().then(() => 'closed'), new Promise((resolve) => setTimeout(() => resolve('hung'), 2_000))])
  assert.equal(closed, 'closed')
})
