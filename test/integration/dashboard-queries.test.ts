// Every PromQL expression of the Grafana dashboard and of the alert rules, evaluated by a real
// Prometheus scraping a live node with traffic: kafkajs produces (one record refused as too large),
// a group consumes and commits part of it and leaves the rest unread. A dashboard query must return
// data. An alert's expression must evaluate, every series it reads must have data (no misspelt
// metric or label), and it must return nothing on this healthy node unless it is missing from
// FAULT_ONLY_ALERTS, the explicit list of the alerts that only have data during a fault.
import assert from 'node:assert/strict'
import { test, type TestContext } from 'node:test'
import type { BrokerNode } from '../../src/index.js'
import { startTestBroker, waitFor } from '../helpers/broker.js'
import { loadDashboard, panelQueries, expandGrafanaVariables } from '../helpers/grafana-dashboard.js'
import { connectedKafkajsAdmin, connectedKafkajsProducer, consumeAndCommit } from '../helpers/kafkajs.js'
import { requirePrometheus, startPrometheus, type PrometheusServer } from '../helpers/prometheus.js'
import { repoPath } from '../helpers/repo-root.js'

const TOPIC = 'dashboard-orders'
const SMALL_TOPIC = 'dashboard-small'
const GROUP = 'dashboard-group'
const CONSUMED = 5
const UNREAD = 7
/** Enough good produce requests that the one refused stays under the SluiceRequestErrors share. */
const GOOD_SENDS = 40
const DATA_TIMEOUT_MS = 30_000

/** Grafana's variables as an "All" selection sends them; $__rate_interval as four 15 s scrapes. */
const GRAFANA_VARIABLES = { __rate_interval: '1m', topic: '.*', group: '.*' }

/** Alerts whose expression only has data during the fault it names; quiet on a healthy node. */
const FAULT_ONLY_ALERTS: Readonly<Record<string, string>> = {
  SluiceBrokerDown: 'the node is scraped (up is 1)',
  SluiceNoActiveController: 'the node is the active controller',
  SluiceOfflinePartitions: 'every partition has a leader',
  SluiceOfflineLogDirectory: 'the log dir is online',
  SluiceUnderReplicatedPartitions: 'a single node has no followers to lose',
  SluiceDiskNearlyFull: 'the test machine\'s disk has room',
  SluiceConsumerLagGrowing: 'the lag is 7 records, under 1000',
  SluiceConsumerLagSecondsGrowing: 'the unread records are seconds old, under 120 s',
  SluiceConsumerLagSecondsHigh: 'the unread records are seconds old, under 300 s',
  SluiceRequestErrors: 'one refused produce among many is under 5%',
  SluiceRequestLatencyHigh: 'requests take milliseconds',
  SluiceEventLoopLagHigh: 'the event loop is idle between requests',
  SluiceMetricsSeriesDropped: 'the partition series are under metrics.partition.series.max',
}

/**
 * Fault-only alerts that the test machine itself can trigger (a nearly full disk, a loaded CI
 * machine stalling the event loop): their expressions must evaluate and read existing series, but
 * may have data here, since then the fault is real.
 */
const MACHINE_DEPENDENT_ALERTS: ReadonlySet<string> = new Set(['SluiceDiskNearlyFull', 'SluiceEventLoopLagHigh'])

interface LoadedRule {
  readonly name: string
  readonly query: string
  readonly health: string
  readonly lastError: string
}

async function produceAndConsume(t: TestContext, node: BrokerNode): Promise<void> {
  const admin = await connectedKafkajsAdmin(t, node, 'dashboard-admin')
  await admin.createTopics({
    topics: [
      { topic: TOPIC, numPartitions: 1 },
      { topic: SMALL_TOPIC, numPartitions: 1, configEntries: [{ name: 'max.message.bytes', value: '200' }] },
    ],
  })
  const producer = await connectedKafkajsProducer(t, node, 'dashboard-producer', false)
  await producer.send({ topic: TOPIC, messages: Array.from({ length: CONSUMED }, (_, i) => ({ key: `k${i}`, value: `first-${i}` })) })
  // An error for the errors panel (MESSAGE_TOO_LARGE), outweighed by good requests.
  await assert.rejects(producer.send({ topic: SMALL_TOPIC, messages: [{ value: 'x'.repeat(1000) }] }), /larger than/)
  for (let i = 0; i < GOOD_SENDS; i++) await producer.send({ topic: SMALL_TOPIC, messages: [{ value: `small-${i}` }] })

  await consumeAndCommit(t, node, { groupId: GROUP, topic: TOPIC, count: CONSUMED, clientId: 'dashboard-consumer' })
  // Lag the group leaves behind: records stamped now, so lag in seconds stays small.
  await producer.send({ topic: TOPIC, messages: Array.from({ length: UNREAD }, (_, i) => ({ value: `unread-${i}` })) })
}

/** The alerting rules Prometheus loaded, once each has been evaluated at least once. */
async function evaluatedRules(prometheus: PrometheusServer): Promise<LoadedRule[]> {
  let rules: LoadedRule[] = []
  await waitFor(async () => {
    const response = await fetch(`${prometheus.url}/api/v1/rules?type=alert`, { signal: AbortSignal.timeout(5_000) })
    const body = await response.json() as { data?: { groups?: Array<{ rules?: Array<Record<string, unknown>> }> } }
    rules = (body.data?.groups ?? []).flatMap((group) => group.rules ?? []).map((rule) => ({
      name: String(rule.name), query: String(rule.query), health: String(rule.health), lastError: String(rule.lastError ?? ''),
    }))
    return rules.length > 0 && rules.every((rule) => rule.health !== 'unknown')
  }, { timeoutMs: DATA_TIMEOUT_MS, what: 'Prometheus to evaluate every alerting rule' })
  return rules
}

/** The metric selectors an expression reads: each Sluice, Node.js or process series, with its matchers. */
function selectors(expr: string): string[] {
  return [...new Set([...expr.matchAll(/\b(?:(?:kafka|nodejs|sluice|process)_\w+|up)\b(?:\{[^}]*\})?/g)].map((match) => match[0]))]
}

test('every dashboard query returns data and every alert expression evaluates against a live node', async (t) => {
  requirePrometheus()
  const node = await startTestBroker(t)
  await produceAndConsume(t, node)
  const prometheus = await startPrometheus({
    targets: [new URL(node.metricsUrl!).host],
    scrapeIntervalMs: 1_000,
    evaluationIntervalMs: 1_000,
    ruleFiles: [repoPath('docker', 'prometheus', 'alerts.yml')],
  })
  t.after(() => prometheus.close())
  // Rates need two scrapes; the lag needs the group's committed offsets in a scrape.
  const hasData = (vector: readonly unknown[]): boolean => vector.length > 0
  await prometheus.queryUntil('sum(rate(kafka_network_requestmetrics_requests_total[1m]))', hasData, { timeoutMs: DATA_TIMEOUT_MS })
  const lag = await prometheus.queryUntil(`kafka_consumergroup_lag{consumergroup="${GROUP}"}`, hasData, { timeoutMs: DATA_TIMEOUT_MS })
  assert.equal(lag[0]?.value, UNREAD)

  // The dashboard: every target of every panel, as Grafana would send it with "All" selected.
  const queries = panelQueries(await loadDashboard())
  assert.ok(queries.length >= 20)
  for (const query of queries) {
    const expr = expandGrafanaVariables(query.expr, GRAFANA_VARIABLES)
    const vector = await prometheus.queryUntil(expr, hasData, { timeoutMs: DATA_TIMEOUT_MS })
    assert.ok(vector.length > 0, `${query.panel} ${query.refId}: ${expr}`)
  }
  const lagPanel = await prometheus.query(expandGrafanaVariables('sum by (consumergroup, topic) (kafka_consumergroup_lag{consumergroup=~"$group", topic=~"$topic"})', GRAFANA_VARIABLES))
  assert.deepEqual(lagPanel.map((sample) => [sample.metric.consumergroup, sample.metric.topic, sample.value]), [[GROUP, TOPIC, UNREAD]])

  // The alerts: Prometheus's own view of the rules, so the test reads exactly what it loaded.
  const rules = await evaluatedRules(prometheus)
  assert.deepEqual([...new Set(rules.map((rule) => rule.name))].sort(), Object.keys(FAULT_ONLY_ALERTS).sort(), 'FAULT_ONLY_ALERTS names exactly the alerts in alerts.yml')
  for (const rule of rules) {
    assert.equal(rule.health, 'ok', `${rule.name}: ${rule.lastError}`)
    const result = await prometheus.query(rule.query)
    if (FAULT_ONLY_ALERTS[rule.name] === undefined) assert.ok(result.length > 0, `${rule.name} returned no data: ${rule.query}`)
    else if (!MACHINE_DEPENDENT_ALERTS.has(rule.name)) assert.deepEqual(result, [], `${rule.name} has data on a healthy node (${FAULT_ONLY_ALERTS[rule.name]}): ${rule.query}`)
    for (const selector of selectors(rule.query)) {
      const series = await prometheus.queryUntil(selector, hasData, { timeoutMs: DATA_TIMEOUT_MS })
      assert.ok(series.length > 0, `${rule.name} reads ${selector}, which has no data`)
    }
  }
  const response = await fetch(`${prometheus.url}/api/v1/alerts`, { signal: AbortSignal.timeout(5_000) })
  const active = ((await response.json()) as { data?: { alerts?: Array<{ labels?: { alertname?: string } }> } }).data?.alerts ?? []
  const unexpected = active.filter((alert) => !MACHINE_DEPENDENT_ALERTS.has(alert.labels?.alertname ?? ''))
  assert.deepEqual(unexpected, [], 'no alert is pending or firing on a healthy node')
})
