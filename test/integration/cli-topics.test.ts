// `sluice topics …` as a user runs it against a live broker: each subcommand and its flags, the
// effect checked with kafkajs or the CLI's own --json describe, and the error paths (Kafka's error
// named, exit 1; bad arguments, exit 2; never a stack trace).
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { startTestBroker } from '../helpers/broker.js'
import { connectedKafkajsAdmin } from '../helpers/kafkajs.js'
import { runSluice, sluiceOk } from '../helpers/sluice-cli.js'

interface DescribedTopic {
  readonly name: string
  readonly topicId: string
  readonly partitionCount: number
  readonly replicationFactor: number
  readonly configs: Record<string, string | null>
  readonly partitions: { readonly partition: number; readonly leader: number; readonly replicas: number[]; readonly isr: number[] }[]
}

function assertNoStackTrace(stderr: string): void {
  assert.doesNotMatch(stderr, /^ {4}at /m)
}

test('topics create, list, describe, alter and delete do what kafka-topics does', async (t) => {
  const node = await startTestBroker(t)
  const admin = await connectedKafkajsAdmin(t, node, 'cli-topics-admin')
  const server = ['--bootstrap-server', node.bootstrap]

  const created = await sluiceOk(['topics', 'create', ...server, '--topic', 'orders', '--partitions', '3', '--replication-factor', '1',
    '--config', 'retention.ms=60000', '--config', 'cleanup.policy=compact,delete'])
  assert.equal(created, 'Created topic orders.\n')
  const metadata = await admin.fetchTopicMetadata({ topics: ['orders'] })
  assert.equal(metadata.topics[0]?.partitions.length, 3)

  const createdJson = JSON.parse(await sluiceOk(['topics', 'create', ...server, '--topic', 'orders', '--topic', 'audit', '--if-not-exists', '--json'])) as {
    created: { name: string; numPartitions: number }[]; existing: string[]
  }
  assert.deepEqual(createdJson.created.map((topic) => [topic.name, topic.numPartitions]), [['audit', 1]])
  assert.deepEqual(createdJson.existing, ['orders'])
  assert.equal(await sluiceOk(['topics', 'create', ...server, '--topic', 'placed', '--replica-assignment', '1,1']), 'Created topic placed.\n')

  assert.deepEqual((await sluiceOk(['topics', 'list', ...server])).split('\n').filter((line) => line !== ''), ['audit', 'orders', 'placed'])
  assert.deepEqual(JSON.parse(await sluiceOk(['topics', 'list', ...server, '--exclude-internal', '--json'])), ['audit', 'orders', 'placed'])

  const [orders] = JSON.parse(await sluiceOk(['topics', 'describe', ...server, '--topic', 'orders', '--json'])) as DescribedTopic[]
  assert.equal(orders?.name, 'orders')
  assert.match(orders?.topicId ?? '', /^[\w-]{22}$/)
  assert.equal(orders?.partitionCount, 3)
  assert.equal(orders?.replicationFactor, 1)
  assert.deepEqual(orders?.configs, { 'cleanup.policy': 'compact,delete', 'retention.ms': '60000' })
  assert.deepEqual(orders?.partitions.map((p) => [p.partition, p.leader, p.replicas, p.isr]), [[0, 1, [1], [1]], [1, 1, [1], [1]], [2, 1, [1], [1]]])
  const all = JSON.parse(await sluiceOk(['topics', 'describe', ...server, '--json'])) as DescribedTopic[]
  assert.deepEqual(all.map((topic) => [topic.name, topic.partitionCount]), [['audit', 1], ['orders', 3], ['placed', 2]])
  const table = await sluiceOk(['topics', 'describe', ...server, '--topic', 'orders'])
  assert.match(table, /^TOPIC\s+TOPIC-ID\s+PARTITIONS\s+REPLICATION-FACTOR\s+CONFIGS$/m)
  assert.match(table, /^orders\s+\S{22}\s+3\s+1\s+cleanup\.policy=compact,delete,retention\.ms=60000$/m)
  assert.match(table, /^orders\s+2\s+1\s+1\s+1$/m)
  // A single node's partitions are all in sync and led: the filters leave nothing.
  assert.equal(await sluiceOk(['topics', 'describe', ...server, '--under-replicated-partitions']), '')
  assert.deepEqual(JSON.parse(await sluiceOk(['topics', 'describe', ...server, '--topic', 'orders', '--unavailable-partitions', '--json'])).map((topic: DescribedTopic) => topic.partitions), [[]])

  assert.equal(await sluiceOk(['topics', 'alter', ...server, '--topic', 'orders', '--partitions', '5', '--config', 'retention.ms=1000', '--delete-config', 'cleanup.policy']),
    'Topic orders now has 5 partitions.\nUpdated the configs of topic orders.\n')
  const [altered] = JSON.parse(await sluiceOk(['topics', 'describe', ...server, '--topic', 'orders', '--json'])) as DescribedTopic[]
  assert.equal(altered?.partitionCount, 5)
  assert.deepEqual(altered?.configs, { 'retention.ms': '1000' })

  assert.equal(await sluiceOk(['topics', 'delete', ...server, '--topic', 'audit', '--topic', 'placed']), 'Deleted topic audit.\nDeleted topic placed.\n')
  assert.deepEqual(await admin.listTopics(), ['orders'])
  assert.deepEqual(JSON.parse(await sluiceOk(['topics', 'delete', ...server, '--topic', 'audit', '--if-exists', '--json'])), { deleted: [] })
  assert.deepEqual(JSON.parse(await sluiceOk(['topics', 'alter', ...server, '--topic', 'audit', '--partitions', '4', '--if-exists', '--json'])), { altered: [] })
})

test('topics commands name the Kafka error of each failing topic and exit 1', async (t) => {
  const node = await startTestBroker(t)
  const server = ['--bootstrap-server', node.bootstrap]
  await sluiceOk(['topics', 'create', ...server, '--topic', 'known', '--partitions', '3'])

  const cases: { args: string[]; stderr: RegExp; stdout?: RegExp }[] = [
    { args: ['topics', 'create', ...server, '--topic', 'known'], stderr: /^sluice: TOPIC_ALREADY_EXISTS: creating topic known: / },
    { args: ['topics', 'describe', ...server, '--topic', 'known', '--topic', 'missing'], stderr: /^sluice: UNKNOWN_TOPIC_OR_PARTITION: describing topic missing/, stdout: /^known\s+0\s+1/m },
    { args: ['topics', 'delete', ...server, '--topic', 'missing'], stderr: /^sluice: UNKNOWN_TOPIC_OR_PARTITION: deleting topic missing/ },
    { args: ['topics', 'alter', ...server, '--topic', 'missing', '--partitions', '4'], stderr: /^sluice: UNKNOWN_TOPIC_OR_PARTITION: adding partitions to topic missing/ },
    { args: ['topics', 'alter', ...server, '--topic', 'missing', '--config', 'retention.ms=1'], stderr: /^sluice: UNKNOWN_TOPIC_OR_PARTITION: altering configs of topic missing/ },
    { args: ['topics', 'alter', ...server, '--topic', 'known', '--partitions', '2'], stderr: /^sluice: INVALID_PARTITIONS: adding partitions to topic known: / },
    { args: ['topics', 'create', ...server, '--topic', 'bad-config', '--config', 'retention.ms=abc'], stderr: /^sluice: INVALID_CONFIG: creating topic bad-config: .*retention\.ms/ },
    // Both changes are validated before either is made, so the partitions are not added here.
    { args: ['topics', 'alter', ...server, '--topic', 'known', '--partitions', '6', '--config', 'retention.ms=abc'], stderr: /^sluice: INVALID_CONFIG: altering configs of topic known: .*retention\.ms/ },
  ]
  for (const { args, stderr, stdout } of cases) {
    const result = await runSluice(args)
    assert.equal(result.code, 1, `${args.join(' ')}: ${result.stderr}`)
    assert.match(result.stderr, stderr)
    if (stdout !== undefined) assert.match(result.stdout, stdout)
    assertNoStackTrace(result.stderr)
  }
  const [known] = JSON.parse(await sluiceOk(['topics', 'describe', ...server, '--topic', 'known', '--json'])) as DescribedTopic[]
  assert.equal(known?.partitionCount, 3)
  assert.deepEqual(known?.configs, {})
})

test('bad topics arguments exit 2 with the reason; an unreachable broker exits 1 naming its address', async (t) => {
  const node = await startTestBroker(t)
  const server = ['--bootstrap-server', node.bootstrap]
  const usage: { args: string[]; stderr: RegExp }[] = [
    { args: ['topics', 'create', ...server], stderr: /Missing required argument: topic/ },
    { args: ['topics', 'create', ...server, '--topic', 't', '--partitions', 'abc'], stderr: /--partitions expects an integer of at least 1, got "abc"/ },
    { args: ['topics', 'create', ...server, '--topic', 't', '--replication-factor', '0'], stderr: /--replication-factor expects an integer of at least 1, got "0"/ },
    { args: ['topics', 'create', ...server, '--topic', 't', '--config', 'retention.ms'], stderr: /--config expects key=value, got "retention\.ms"/ },
    { args: ['topics', 'create', ...server, '--topic', 't', '--partitions', '2', '--replica-assignment', '1'], stderr: /mutually exclusive/ },
    { args: ['topics', 'create', ...server, '--topic', 't', '--replica-assignment', '1:1'], stderr: /--replica-assignment needs the same number of distinct brokers/ },
    { args: ['topics', 'alter', ...server, '--topic', 't'], stderr: /name something to alter/ },
    { args: ['topics', 'delete', ...server], stderr: /Missing required argument: topic/ },
    { args: ['topics', 'list'], stderr: /Missing required argument: bootstrap-server/ },
    { args: ['topics'], stderr: /name a topics command/ },
    { args: ['topics', 'rename', ...server], stderr: /Unknown arguments?: .*rename\. Did you mean create\?/ },
  ]
  for (const { args, stderr } of usage) {
    const result = await runSluice(args)
    assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`)
    assert.match(result.stderr, stderr)
    assert.match(result.stderr, /Run with --help for usage\./)
    assertNoStackTrace(result.stderr)
  }
  assert.deepEqual(JSON.parse(await sluiceOk(['topics', 'list', ...server, '--json'])), [], 'no bad argument created a topic')

  const unreachable = await runSluice(['topics', 'list', '--bootstrap-server', '127.0.0.1:1', '--timeout-ms', '2000'])
  assert.equal(unreachable.code, 1)
  assert.match(unreachable.stderr, /^sluice: .*127\.0\.0\.1:1/)
  assertNoStackTrace(unreachable.stderr)

  for (const command of ['list', 'create', 'describe', 'alter', 'delete']) {
    const help = await sluiceOk(['topics', command, '--help'])
    assert.match(help, new RegExp(`sluice topics ${command}`))
    assert.match(help, /--bootstrap-server/)
  }
  assert.match(await sluiceOk(['topics', '--help']), /sluice topics create +create topics/)
})
