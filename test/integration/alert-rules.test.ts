// docker/prometheus/: promtool accepts the alert rules and the scrape config, the rule unit tests
// pass, and every alert in the rules is exercised by a unit test.
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { test } from 'node:test'
import { promisify } from 'node:util'
import { promtoolCheckRules, promtoolTestRules, requirePrometheus } from '../helpers/prometheus.js'
import { repoPath } from '../helpers/repo-root.js'

const execFileAsync = promisify(execFile)
const RULES = repoPath('docker', 'prometheus', 'alerts.yml')
const RULE_TESTS = repoPath('docker', 'prometheus', 'alerts.test.yml')

test('promtool check rules accepts docker/prometheus/alerts.yml', async () => {
  const result = await promtoolCheckRules([RULES])
  assert.ok(result.ok, result.output)
  assert.match(result.output, /SUCCESS: \d+ rules found/)
})

test('promtool test rules passes docker/prometheus/alerts.test.yml', async () => {
  const result = await promtoolTestRules([RULE_TESTS])
  assert.ok(result.ok, result.output)
  assert.match(result.output, /SUCCESS/)
})

test('every alert has a severity of page or ticket and a unit test that expects it to fire', async () => {
  const rules = await readFile(RULES, 'utf8')
  const tests = await readFile(RULE_TESTS, 'utf8')
  const alerts = [...rules.matchAll(/^\s*- alert: (\w+)$/gm)].map((match) => match[1])
  assert.ok(alerts.length >= 10, `${alerts.length} alerts`)
  assert.equal([...rules.matchAll(/^\s*severity: (page|ticket)$/gm)].length, alerts.length, 'each alert has severity page or ticket')
  for (const alert of new Set(alerts)) {
    assert.match(tests, new RegExp(`alertname: ${alert}\\n\\s*exp_alerts:\\n\\s*- exp_labels:`), `${alert} is never expected to fire in alerts.test.yml`)
  }
  for (const severity of ['page', 'ticket']) assert.ok(tests.includes(`severity: ${severity}`), `no test expects a ${severity}`)
})

test('promtool check config accepts docker/prometheus/prometheus.yml and finds the rules beside it', async () => {
  requirePrometheus()
  const { stdout, stderr } = await execFileAsync('/usr/bin/promtool', ['check', 'config', repoPath('docker', 'prometheus', 'prometheus.yml')], { timeout: 15_000 })
  const output = stdout + stderr
  assert.match(output, /SUCCESS: 1 rule files found/)
  assert.match(output, /is valid prometheus config file syntax/)
})
