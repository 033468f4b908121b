// The Prometheus harness (test/helpers/prometheus.ts) against Debian's Prometheus 2.42 and a fixed
// exposition served by node:http: promtool's lint and rule checks, a real scrape and PromQL queries,
// and the failures a metrics test relies on being loud (missing binary, bad query, early exit).
import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, type TestContext } from 'node:test'
import {
  promtoolCheckMetrics, promtoolCheckRules, promtoolTestRules, requirePrometheus, startPrometheus,
} from '../helpers/prometheus.js'

const EXPOSITION = [
  '# HELP demo_requests_total Requests handled.',
  '# TYPE demo_requests_total counter',
  'demo_requests_total{api="produce"} 42',
  '# HELP demo_queue_bytes Bytes waiting in the queue.',
  '# TYPE demo_queue_bytes gauge',
  'demo_queue_bytes 1024',
  '',
].join('\n')

const VALID_RULES = `groups:
  - name: demo
    rules:
      - record: job:demo_requests:rate1m
        expr: sum by (job) (rate(demo_requests_total[1m]))
      - alert: DemoQueueFull
        expr: demo_queue_bytes > 1000
        for: 1m
        labels: { severity: page }
        annotations: { summary: queue over 1000 bytes }
`

const INVALID_RULES = `groups:
  - name: demo
    rules:
      - alert: Broken
        expr: rate(demo_requests_total[1m]
`

const RULE_TEST = `rule_files: [valid.yml]
evaluation_interval: 1m
tests:
  - interval: 1m
    input_series:
      - series: 'demo_queue_bytes{job="sluice"}'
        values: '2000x3'
    alert_rule_test:
      - eval_time: 2m
        alertname: DemoQueueFull
        exp_alerts:
          - exp_labels: { severity: page, job: sluice }
            exp_annotations: { summary: queue over 1000 bytes }
`

async function tempDir(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-prom-test-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  return dir
}

/** Serves `body` at /metrics on a loopback port; closed when the test ends. */
async function serveMetrics(t: TestContext, body: string): Promise<string> {
  const server: Server = createServer((request, response) => {
    if (request.url !== '/metrics') {
      response.writeHead(404).end()
      return
    }
    response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }).end(body)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())))
  return `127.0.0.1:${(server.address() as AddressInfo).port}`
}

test('a missing binary fails naming the apt package', () => {
  requirePrometheus()
  assert.throws(() => requirePrometheus(['/nonexistent/promtool']), /apt-get install -y prometheus/)
})

test('promtool check metrics accepts a valid exposition', async () => {
  const result = await promtoolCheckMetrics(EXPOSITION)
  assert.ok(result.ok, result.output)
})

test('promtool check metrics flags a gauge named like a counter', async () => {
  const result = await promtoolCheckMetrics('# HELP demo_bad_total Not a counter.\n# TYPE demo_bad_total gauge\ndemo_bad_total 1\n')
  assert.equal(result.ok, false)
  assert.match(result.output, /demo_bad_total non-counter metrics should not have "_total" suffix/)
})

test('promtool check rules accepts a valid rule file and rejects an invalid one', async (t) => {
  const dir = await tempDir(t)
  await writeFile(join(dir, 'valid.yml'), VALID_RULES)
  await writeFile(join(dir, 'invalid.yml'), INVALID_RULES)
  const valid = await promtoolCheckRules([join(dir, 'valid.yml')])
  assert.ok(valid.ok, valid.output)
  assert.match(valid.output, /SUCCESS: 2 rules found/)
  const invalid = await promtoolCheckRules([join(dir, 'invalid.yml')])
  assert.equal(invalid.ok, false)
  assert.match(invalid.output, /Broken.*unclosed left parenthesis/)
})

test('promtool test rules runs an alert unit test', async (t) => {
  const dir = await tempDir(t)
  await writeFile(join(dir, 'valid.yml'), VALID_RULES)
  await writeFile(join(dir, 'valid.test.yml'), RULE_TEST)
  const result = await promtoolTestRules([join(dir, 'valid.test.yml')])
  assert.ok(result.ok, result.output)
})

test('Prometheus scrapes a target and answers queries', async (t) => {
  const target = await serveMetrics(t, EXPOSITION)
  const prometheus = await startPrometheus({ targets: [target] })
  t.after(() => prometheus.close())

  const vector = await prometheus.queryUntil('demo_requests_total', (v) => v.length === 1, { timeoutMs: 20_000 })
  assert.equal(vector[0]?.value, 42)
  assert.deepEqual(vector[0]?.metric, { __name__: 'demo_requests_total', api: 'produce', instance: target, job: 'sluice' })
  assert.deepEqual((await prometheus.query('demo_queue_bytes')).map((sample) => sample.value), [1024])

  const health = await prometheus.targetsHealth()
  assert.deepEqual(health.map((h) => [h.scrapeUrl, h.health]), [[`http://${target}/metrics`, 'up']])
  await assert.rejects(prometheus.query('rate(demo_requests_total'), /bad_data.*unclosed left parenthesis/)
})

test('Prometheus loads rule files and evaluates them', async (t) => {
  const dir = await tempDir(t)
  await writeFile(join(dir, 'valid.yml'), VALID_RULES)
  const target = await serveMetrics(t, EXPOSITION)
  const prometheus = await startPrometheus({ targets: [target], ruleFiles: [join(dir, 'valid.yml')], evaluationIntervalMs: 500 })
  t.after(() => prometheus.close())
  // `for: 1m` keeps the alert pending; the pending series shows the rule was loaded and evaluated.
  const alerts = await prometheus.queryUntil('ALERTS{alertname="DemoQueueFull"}', (v) => v.length === 1, { timeoutMs: 20_000 })
  assert.equal(alerts[0]?.metric['alertstate'], 'pending')
})

test('startPrometheus fails with the stderr of a server that exits early', async (t) => {
  const dir = await tempDir(t)
  await writeFile(join(dir, 'invalid.yml'), INVALID_RULES)
  await assert.rejects(
    startPrometheus({ targets: ['127.0.0.1:1'], ruleFiles: [join(dir, 'invalid.yml')] }),
    /exited with 1.*unclosed left parenthesis/s,
  )
})
