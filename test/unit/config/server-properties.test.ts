import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { readBrokerConfigFile } from '../../../src/config/broker-config-file.js'
import { parseBrokerConfig } from '../../../src/config/broker-config.js'
import { ConfigError } from '../../../src/config/config-error.js'

// dist/test/unit/config → the repository root.
const ROOT = fileURLToPath(new URL('../../../../', import.meta.url))

test('config/server.properties is a combined single node and parses without warnings', async () => {
  const { config, warnings } = parseBrokerConfig(await readBrokerConfigFile(join(ROOT, 'config', 'server.properties')), [])
  assert.deepEqual(warnings, [])
  assert.equal(config.nodeId, 1)
  assert.deepEqual(config.processRoles, ['broker', 'controller'])
  assert.deepEqual(config.listeners.map((l) => `${l.name}://${l.host}:${l.port}`), ['PLAINTEXT://127.0.0.1:9092', 'CONTROLLER://127.0.0.1:9093'])
  assert.deepEqual(config.controllerListenerNames, ['CONTROLLER'])
  assert.deepEqual(config.controllerQuorumVoters, [{ nodeId: 1, host: '127.0.0.1', port: 9093 }])
  assert.deepEqual(config.advertisedListeners.map((l) => l.name), ['PLAINTEXT'])
  assert.deepEqual(config.logDirs, ['./data'])
})

test('an unreadable or malformed file is a ConfigError naming the path', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-config-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  const missing = join(dir, 'missing.properties')
  await assert.rejects(readBrokerConfigFile(missing), (error: unknown) => error instanceof ConfigError && error.message.includes(missing))
  const malformed = join(dir, 'bad.properties')
  await writeFile(malformed, 'node.id=\\u12\n')
  await assert.rejects(readBrokerConfigFile(malformed), (error: unknown) => error instanceof ConfigError && error.message.startsWith(`${malformed}, line 1:`))
})
