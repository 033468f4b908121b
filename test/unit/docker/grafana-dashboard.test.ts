// The Grafana dashboard's structure, without Grafana: every panel queries the provisioned data
// source with PromQL, the layout fits the grid, and the panels the on-call person needs exist.
// test/integration/dashboard-queries.test.ts evaluates each query against a real Prometheus.
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { test } from 'node:test'
import { dataPanels, expandGrafanaVariables, loadDashboard, panelQueries, provisionedDatasourceUid } from '../../helpers/grafana-dashboard.js'
import { repoPath } from '../../helpers/repo-root.js'

test('every panel has a target with a PromQL expression, on the provisioned data source', async () => {
  const dashboard = await loadDashboard()
  const uid = await provisionedDatasourceUid()
  assert.equal(uid, 'sluice-prometheus')
  const panels = dataPanels(dashboard)
  assert.ok(panels.length >= 20, `${panels.length} panels`)
  for (const panel of panels) {
    const title = String(panel.title)
    assert.ok(typeof panel.title === 'string' && panel.title.length > 0, 'a panel without a title')
    assert.deepEqual(panel.datasource, { type: 'prometheus', uid }, title)
    assert.ok((panel.targets ?? []).length > 0, `${title} has no target`)
    for (const target of panel.targets ?? []) {
      assert.ok(typeof target.expr === 'string' && target.expr.trim().length > 0, `${title} ${String(target.refId)} has no expr`)
      assert.deepEqual(target.datasource, { type: 'prometheus', uid }, `${title} ${String(target.refId)}`)
    }
    const refIds = (panel.targets ?? []).map((target) => target.refId)
    assert.equal(new Set(refIds).size, refIds.length, `${title}: refIds repeat`)
  }
  for (const variable of dashboard.templating?.list ?? []) {
    assert.deepEqual(variable.datasource, { type: 'prometheus', uid }, `variable ${String(variable.name)}`)
    assert.match(String(variable.definition), /^label_values\(\w+, \w+\)$/)
  }
})

test('the dashboard is a schemaVersion 39 dashboard with unique ids and panels inside the 24-column grid', async () => {
  const dashboard = await loadDashboard()
  assert.equal(dashboard.schemaVersion, 39)
  assert.equal(dashboard.uid, 'sluice-overview')
  const all = dashboard.panels ?? []
  const ids = all.map((panel) => panel.id)
  assert.ok(ids.every((id) => Number.isInteger(id)))
  assert.equal(new Set(ids).size, ids.length, 'panel ids repeat')
  for (const panel of all) {
    const { x, y, w, h } = panel.gridPos ?? {}
    assert.ok(typeof x === 'number' && typeof y === 'number' && typeof w === 'number' && typeof h === 'number', `${String(panel.title)} gridPos`)
    assert.ok(x >= 0 && w > 0 && x + w <= 24 && h > 0 && y >= 0, `${String(panel.title)} is outside the grid`)
  }
})

test('the panels cover throughput, latency, lag in records and seconds, replication, disk and the event loop', async () => {
  const exprs = panelQueries(await loadDashboard()).map((query) => query.expr).join('\n')
  for (const series of [
    'kafka_server_brokertopicmetrics_bytesin_total', 'kafka_server_brokertopicmetrics_bytesout_total', 'kafka_server_brokertopicmetrics_messagesin_total',
    'kafka_network_requestmetrics_requests_total', 'kafka_network_requestmetrics_totaltime_seconds_bucket', 'kafka_network_requestmetrics_errors_total',
    'kafka_consumergroup_lag{', 'kafka_consumergroup_lag_seconds', 'kafka_server_replicamanager_underreplicatedpartitions',
    'kafka_controller_kafkacontroller_offlinepartitionscount', 'kafka_controller_kafkacontroller_activecontrollercount',
    'kafka_log_logdir_free_bytes', 'nodejs_eventloop_lag_p99_seconds', 'kafka_server_socketservermetrics_connection_count',
  ]) {
    assert.ok(exprs.includes(series), `no panel shows ${series}`)
  }
  assert.match(exprs, /histogram_quantile\(0\.99, sum by \(request, le\)/)
})

test('Grafana variables expand the way the query test sends them, and an unknown one is refused', () => {
  const values = { __rate_interval: '1m', topic: '.*' }
  assert.equal(expandGrafanaVariables('rate(x{topic=~"$topic"}[$__rate_interval])', values), 'rate(x{topic=~".*"}[1m])')
  assert.equal(expandGrafanaVariables('x{topic=~"${topic}"} or y{topic=~"[[topic]]"}', values), 'x{topic=~".*"} or y{topic=~".*"}')
  assert.throws(() => expandGrafanaVariables('x{a="$nope"}', values), /no value for the Grafana variable \$nope/)
})

test('the compose file mounts the provisioning and the dashboards where the provider looks for them', async () => {
  const compose = await readFile(repoPath('docker', 'docker-compose.yml'), 'utf8')
  const provider = await readFile(repoPath('docker', 'grafana', 'provisioning', 'dashboards', 'dashboards.yml'), 'utf8')
  const providerPath = /^\s*path:\s*(\S+)\s*$/m.exec(provider)?.[1]
  assert.equal(providerPath, '/var/lib/grafana/dashboards')
  assert.ok(compose.includes(`./grafana/dashboards:${providerPath}:ro`))
  assert.ok(compose.includes('./grafana/provisioning/datasources:/etc/grafana/provisioning/datasources:ro'))
  assert.ok(compose.includes('./grafana/provisioning/dashboards:/etc/grafana/provisioning/dashboards:ro'))
  assert.match(await readFile(repoPath('docker', 'grafana', 'provisioning', 'datasources', 'prometheus.yml'), 'utf8'), /url: http:\/\/prometheus:9090/)
})
