// `sluice server` configured through SLUICE_CFG_ environment variables, as the container image is:
// the variables replace the file's keys, --override replaces both, and DescribeConfigs reports the
// values in force; a bad value or a malformed name stops start-up with one line.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import kafkajs from 'kafkajs'
import { KAFKAJS_RETRY } from '../helpers/kafkajs.js'
import { repoPath } from '../helpers/repo-root.js'
import { runSluice } from '../helpers/sluice-cli.js'

const { Kafka, logLevel, ConfigResourceTypes } = kafkajs

/** Loopback listeners on free ports, so the test never collides with a running broker. */
const LOOPBACK_ENV = {
  SLUICE_CFG_LISTENERS: 'PLAINTEXT://127.0.0.1:0,CONTROLLER://127.0.0.1:0',
  SLUICE_CFG_CONTROLLER_QUORUM_VOTERS: '1@127.0.0.1:0',
  SLUICE_CFG_METRICS_HOST: '127.0.0.1',
  SLUICE_CFG_METRICS_PORT: '0',
}

test('SLUICE_CFG_ variables replace the file\'s keys and --override replaces the variables', async (t) => {
  const logDir = await mkdtemp(join(tmpdir(), 'sluice-env-'))
  t.after(() => rm(logDir, { recursive: true, force: true }))
  const child = spawn(process.execPath, [
    repoPath('dist', 'src', 'main.js'), 'server', '--config', 'config/server.properties', '--override', 'num.partitions=5',
  ], {
    cwd: repoPath(), stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000, killSignal: 'SIGKILL',
    env: {
      ...process.env, ...LOOPBACK_ENV,
      SLUICE_CFG_LOG_DIRS: logDir,
      SLUICE_CFG_LOG_RETENTION_MS: '3600000',
      SLUICE_CFG_NUM_PARTITIONS: '4',
      SLUICE_CFG_AUTO_CREATE_TOPICS_ENABLE: 'false',
      SLUICE_CFG_LOG_SEGMENT_BYTES: '',
    },
  })
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString('utf8') })
  child.stdout.resume()
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)))
  t.after(() => { child.kill('SIGKILL') })
  const deadline = Date.now() + 20_000
  while (!/serving on 127\.0\.0\.1:\d+/.test(stderr) && Date.now() < deadline && child.exitCode === null) {
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  const bootstrap = /serving on (127\.0\.0\.1:\d+)/.exec(stderr)?.[1]
  assert.ok(bootstrap !== undefined, `the node did not start: ${stderr}`)
  assert.match(stderr, /metrics on http:\/\/127\.0\.0\.1:\d+\/metrics/, 'metrics.host and metrics.port came from the environment')

  const admin = new Kafka({ clientId: 'env-config', brokers: [bootstrap], connectionTimeout: 2000, requestTimeout: 5000, retry: KAFKAJS_RETRY, logLevel: logLevel.NOTHING })
    .admin({ retry: KAFKAJS_RETRY })
  await admin.connect()
  try {
    const described = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: ConfigResourceTypes.BROKER, name: '1', configNames: ['log.dirs', 'log.retention.ms', 'num.partitions', 'auto.create.topics.enable', 'log.segment.bytes'] }],
    })
    const entries = new Map((described.resources[0]?.configEntries ?? []).map((entry) => [entry.configName, entry]))
    assert.equal(entries.get('log.dirs')?.configValue, logDir)
    assert.equal(entries.get('log.retention.ms')?.configValue, '3600000')
    assert.equal(entries.get('log.retention.ms')?.isDefault, false)
    assert.equal(entries.get('num.partitions')?.configValue, '5', '--override wins over SLUICE_CFG_NUM_PARTITIONS')
    assert.equal(entries.get('auto.create.topics.enable')?.configValue, 'false')
    assert.equal(entries.get('log.segment.bytes')?.configValue, '1073741824', 'an empty variable counts as unset: Kafka\'s default')
    assert.equal(entries.get('log.segment.bytes')?.isDefault, true)
  } finally {
    await admin.disconnect()
  }
  child.kill('SIGTERM')
  assert.equal(await exited, 0)
})

test('an invalid value from a variable stops start-up with one line naming the key', async () => {
  const result = await runSluice(['server', '--config', 'config/server.properties'], { env: { ...LOOPBACK_ENV, SLUICE_CFG_NUM_PARTITIONS: 'abc' } })
  assert.equal(result.code, 1)
  assert.equal(result.stderr.trim(), 'sluice: Invalid value abc for configuration num.partitions: Not a number of type INT')
})

test('a malformed SLUICE_CFG_ name stops start-up with one line naming the variable', async () => {
  const result = await runSluice(['server', '--config', 'config/server.properties'], { env: { ...LOOPBACK_ENV, SLUICE_CFG_LOG____DIRS: '/tmp/x' } })
  assert.equal(result.code, 1)
  assert.match(result.stderr.trim(), /^sluice: Invalid environment variable SLUICE_CFG_LOG____DIRS: after SLUICE_CFG_, expected a server\.properties key/)
  assert.equal(result.stderr.trim().split('\n').length, 1)
})
