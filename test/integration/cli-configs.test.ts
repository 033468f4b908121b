// `sluice configs describe|alter` against a live broker, as kafka-configs.sh is used: topic, broker
// and cluster-wide default configs set and deleted, read back with the CLI's --json and kafkajs,
// and the error paths (Kafka's error named, exit 1; bad arguments, exit 2).
import assert from 'node:assert/strict'
import { test } from 'node:test'
import kafkajs from 'kafkajs'
import { startTestBroker } from '../helpers/broker.js'
import { connectedKafkajsAdmin } from '../helpers/kafkajs.js'
import { runSluice, sluiceOk } from '../helpers/sluice-cli.js'

interface DescribedEntity {
  readonly entityType: string
  readonly entityName: string | null
  readonly configs: { readonly name: string; readonly value: string | null; readonly source: string; readonly isReadOnly: boolean; readonly isSensitive: boolean }[]
}

async function describeJson(args: readonly string[]): Promise<DescribedEntity[]> {
  return JSON.parse(await sluiceOk(['configs', 'describe', ...args, '--json'])) as DescribedEntity[]
}

test('configs alter sets and deletes topic, broker and broker-default configs that configs describe shows', async (t) => {
  const node = await startTestBroker(t)
  const admin = await connectedKafkajsAdmin(t, node, 'cli-configs-admin')
  await admin.createTopics({ topics: [{ topic: 'events', numPartitions: 1 }] })
  const server = ['--bootstrap-server', node.bootstrap]

  assert.equal(await sluiceOk(['configs', 'alter', ...server, '--topic', 'events', '--add-config', 'retention.ms=60000,cleanup.policy=[compact,delete]']),
    'Completed updating config for topic events.\n')
  const described = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: kafkajs.ConfigResourceTypes.TOPIC, name: 'events' }] })
  const values = new Map(described.resources[0]?.configEntries.map((entry) => [entry.configName, entry.configValue]))
  assert.equal(values.get('retention.ms'), '60000')
  assert.equal(values.get('cleanup.policy'), 'compact,delete')

  const [events] = await describeJson([...server, '--entity-type', 'topics', '--entity-name', 'events'])
  assert.equal(events?.entityType, 'topics')
  assert.deepEqual(events?.configs.map((config) => [config.name, config.value, config.source]),
    [['cleanup.policy', 'compact,delete', 'DYNAMIC_TOPIC_CONFIG'], ['retention.ms', '60000', 'DYNAMIC_TOPIC_CONFIG']])
  const table = await sluiceOk(['configs', 'describe', ...server, '--topic', 'events'])
  assert.match(table, /^ENTITY\s+NAME\s+VALUE\s+SOURCE$/m)
  assert.match(table, /^topic events\s+retention\.ms\s+60000\s+DYNAMIC_TOPIC_CONFIG$/m)

  await sluiceOk(['configs', 'alter', ...server, '--topic', 'events', '--delete-config', 'cleanup.policy'])
  assert.deepEqual((await describeJson([...server, '--topic', 'events']))[0]?.configs.map((config) => config.name), ['retention.ms'])
  const [every] = await describeJson([...server, '--topic', 'events', '--all'])
  const segmentBytes = every?.configs.find((config) => config.name === 'segment.bytes')
  assert.deepEqual([segmentBytes?.source, segmentBytes?.isReadOnly, segmentBytes?.isSensitive], ['DEFAULT_CONFIG', false, false])
  assert.match(await sluiceOk(['configs', 'describe', ...server, '--topic', 'events', '--all']), /^ENTITY\s+NAME\s+VALUE\s+SOURCE\s+READ-ONLY\s+SENSITIVE$/m)

  assert.equal(await sluiceOk(['configs', 'alter', ...server, '--broker', '1', '--add-config', 'log.retention.ms=7200000']), 'Completed updating config for broker 1.\n')
  assert.deepEqual((await describeJson([...server, '--entity-type', 'brokers', '--entity-name', '1']))[0]?.configs.map((config) => [config.name, config.value, config.source]),
    [['log.retention.ms', '7200000', 'DYNAMIC_BROKER_CONFIG']])
  // No name: every broker.
  assert.deepEqual((await describeJson([...server, '--entity-type', 'brokers'])).map((entity) => entity.entityName), ['1'])

  assert.equal(await sluiceOk(['configs', 'alter', ...server, '--entity-type', 'brokers', '--entity-default', '--add-config', 'log.retention.ms=3600000']),
    'Completed updating config for the cluster-wide broker defaults.\n')
  const [defaults] = await describeJson([...server, '--broker-defaults'])
  assert.equal(defaults?.entityName, null)
  assert.deepEqual(defaults?.configs.map((config) => [config.name, config.value, config.source]), [['log.retention.ms', '3600000', 'DYNAMIC_DEFAULT_BROKER_CONFIG']])
  // The per-broker value still wins over the default, as --all's source shows.
  const [broker] = await describeJson([...server, '--broker', '1', '--all'])
  assert.deepEqual(broker?.configs.filter((config) => config.name === 'log.retention.ms').map((config) => [config.value, config.source]), [['7200000', 'DYNAMIC_BROKER_CONFIG']])

  await sluiceOk(['configs', 'alter', ...server, '--broker', '1', '--delete-config', 'log.retention.ms'])
  await sluiceOk(['configs', 'alter', ...server, '--broker-defaults', '--delete-config', 'log.retention.ms'])
  assert.deepEqual((await describeJson([...server, '--broker', '1']))[0]?.configs, [])
  assert.deepEqual((await describeJson([...server, '--broker-defaults']))[0]?.configs, [])
})

test('configs errors: Kafka\'s error named with exit 1, bad arguments exit 2, never a stack trace', async (t) => {
  const node = await startTestBroker(t)
  const server = ['--bootstrap-server', node.bootstrap]
  await sluiceOk(['topics', 'create', ...server, '--topic', 'known'])
  const failures: { args: string[]; code: number; stderr: RegExp }[] = [
    { args: ['configs', 'describe', ...server, '--topic', 'missing'], code: 1, stderr: /^sluice: UNKNOWN_TOPIC_OR_PARTITION: describing configs of topic missing/ },
    { args: ['configs', 'alter', ...server, '--topic', 'missing', '--add-config', 'retention.ms=1'], code: 1, stderr: /^sluice: UNKNOWN_TOPIC_OR_PARTITION: altering configs of topic missing/ },
    { args: ['configs', 'alter', ...server, '--topic', 'known', '--add-config', 'retention.ms=abc'], code: 1, stderr: /^sluice: INVALID_CONFIG: altering configs of topic known: .*retention\.ms/ },
    { args: ['configs', 'describe', ...server, '--broker', '7'], code: 1, stderr: /^sluice: .*broker 7/ },
    { args: ['configs', 'describe', ...server], code: 2, stderr: /name an entity/ },
    { args: ['configs', 'describe', ...server, '--entity-type', 'users'], code: 2, stderr: /Invalid values/ },
    { args: ['configs', 'describe', ...server, '--topic', 'known', '--broker', '1'], code: 2, stderr: /mutually exclusive/ },
    { args: ['configs', 'describe', ...server, '--broker', 'one'], code: 2, stderr: /--broker expects an integer/ },
    { args: ['configs', 'alter', ...server, '--topic', 'known'], code: 2, stderr: /name something to alter/ },
    { args: ['configs', 'alter', ...server, '--entity-type', 'topics', '--add-config', 'a=1'], code: 2, stderr: /alter needs one entity/ },
    { args: ['configs', 'alter', ...server, '--topic', 'known', '--add-config', 'retention.ms'], code: 2, stderr: /--add-config expects key=value/ },
    { args: ['configs', 'alter', ...server, '--topic', 'known', '--add-config', 'retention.ms=1', '--delete-config', 'retention.ms'], code: 2, stderr: /both added and deleted: retention\.ms/ },
    { args: ['configs', 'describe', '--bootstrap-server', '127.0.0.1:1', '--topic', 'known'], code: 1, stderr: /^sluice: .*127\.0\.0\.1:1/ },
  ]
  for (const { args, code, stderr } of failures) {
    const result = await runSluice(args)
    assert.equal(result.code, code, `${args.join(' ')}: ${result.stderr}`)
    assert.match(result.stderr, stderr)
    assert.doesNotMatch(result.stderr, /^ {4}at /m)
  }
  for (const command of ['describe', 'alter']) assert.match(await sluiceOk(['configs', command, '--help']), /--entity-type/)
})
