// `sluice cluster describe` and `sluice offsets` against a live broker: the cluster's id,
// controller and brokers; offsets by Kafka's special times, by a time in milliseconds or ISO form,
// for chosen partitions, in kafka-get-offsets' lines and as JSON; and their errors.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { startTestBroker } from '../helpers/broker.js'
import { connectedKafkajsAdmin, connectedKafkajsProducer } from '../helpers/kafkajs.js'
import { runSluice, sluiceOk } from '../helpers/sluice-cli.js'

test('cluster describe shows the cluster id, the controller and the brokers', async (t) => {
  const node = await startTestBroker(t)
  const server = ['--bootstrap-server', node.bootstrap]
  const cluster = JSON.parse(await sluiceOk(['cluster', 'describe', ...server, '--json'])) as {
    clusterId: string; controllerId: number; brokers: { id: number; host: string; port: number; rack: string | null }[]
  }
  assert.equal(cluster.clusterId, node.clusterId)
  assert.equal(cluster.controllerId, 1)
  assert.deepEqual(cluster.brokers, [{ id: 1, host: '127.0.0.1', port: Number(node.bootstrap.split(':')[1]), rack: null }])
  const table = await sluiceOk(['cluster', 'describe', ...server])
  assert.match(table, new RegExp(`^Cluster ID: ${node.clusterId}$`, 'm'))
  assert.match(table, /^Controller ID: 1$/m)
  assert.match(table, new RegExp(`^1\\s+${node.bootstrap.replace(/\./g, '\\.')}\\s+-$`, 'm'))

  const unreachable = await runSluice(['cluster', 'describe', '--bootstrap-server', '127.0.0.1:1'])
  assert.equal(unreachable.code, 1)
  assert.match(unreachable.stderr, /^sluice: .*127\.0\.0\.1:1/)
  assert.doesNotMatch(unreachable.stderr, /^ {4}at /m)
  assert.match(await sluiceOk(['cluster', 'describe', '--help']), /--bootstrap-server/)
})

test('offsets lists earliest, latest, max-timestamp and by-time offsets as kafka-get-offsets does', async (t) => {
  const node = await startTestBroker(t)
  const admin = await connectedKafkajsAdmin(t, node, 'cli-offsets-admin')
  await admin.createTopics({ topics: [{ topic: 'clicks', numPartitions: 3 }, { topic: 'views', numPartitions: 1 }] })
  const producer = await connectedKafkajsProducer(t, node, 'cli-offsets-producer', false)
  const base = Date.parse('2024-05-01T12:00:00Z')
  await producer.send({ topic: 'clicks', messages: [0, 1, 2].map((i) => ({ partition: 0, value: `c${i}`, timestamp: String(base + i * 60_000) })) })
  await producer.send({ topic: 'clicks', messages: [{ partition: 2, value: 'late', timestamp: String(base) }] })
  const server = ['--bootstrap-server', node.bootstrap]

  assert.equal(await sluiceOk(['offsets', ...server, '--topic', 'clicks']), 'clicks:0:3\nclicks:1:0\nclicks:2:1\n')
  assert.equal(await sluiceOk(['offsets', ...server, '--topic', 'clicks', '--time', 'earliest']), 'clicks:0:0\nclicks:1:0\nclicks:2:0\n')
  assert.equal(await sluiceOk(['offsets', ...server, '--topic', 'clicks', '--time', '-2', '--partitions', '0']), 'clicks:0:0\n')
  assert.equal(await sluiceOk(['offsets', ...server, '--topic', 'clicks', '--time', '-1', '--partitions', '0,2']), 'clicks:0:3\nclicks:2:1\n')
  assert.equal(await sluiceOk(['offsets', ...server, '--topic', 'clicks', '--time', 'max-timestamp', '--partitions', '0']), 'clicks:0:2\n')
  assert.equal(await sluiceOk(['offsets', ...server, '--topic', 'clicks', '--time', '-3', '--partitions', '0']), 'clicks:0:2\n')
  // The first record at or after the time; -1 when none is.
  assert.equal(await sluiceOk(['offsets', ...server, '--topic', 'clicks', '--time', String(base + 60_000), '--partitions', '0']), 'clicks:0:1\n')
  assert.equal(await sluiceOk(['offsets', ...server, '--topic', 'clicks', '--time', '2024-05-01T12:01:30Z', '--partitions', '0,2']), 'clicks:0:2\nclicks:2:-1\n')
  assert.equal(await sluiceOk(['offsets', ...server, '--topic-partitions', 'clicks:1-3,views']), 'clicks:1:0\nclicks:2:1\nviews:0:0\n')
  assert.equal(await sluiceOk(['offsets', ...server, '--topic-partitions', 'clicks:-1,clicks:2']), 'clicks:0:3\nclicks:2:1\n')
  assert.equal(await sluiceOk(['offsets', ...server, '--exclude-internal-topics']), 'clicks:0:3\nclicks:1:0\nclicks:2:1\nviews:0:0\n')

  const json = JSON.parse(await sluiceOk(['offsets', ...server, '--topic', 'clicks', '--time', 'max-timestamp', '--json'])) as { topic: string; partition: number; offset: number; timestamp: number }[]
  assert.deepEqual(json.map((entry) => [entry.topic, entry.partition, entry.offset, entry.timestamp]),
    [['clicks', 0, 2, base + 120_000], ['clicks', 1, -1, -1], ['clicks', 2, 0, base]])
})

test('offsets errors: an unknown topic or partition names Kafka\'s error with exit 1; a bad --time exits 2', async (t) => {
  const node = await startTestBroker(t)
  const server = ['--bootstrap-server', node.bootstrap]
  await sluiceOk(['topics', 'create', ...server, '--topic', 'known', '--partitions', '2'])
  const failures: { args: string[]; code: number; stderr: RegExp; stdout?: string }[] = [
    { args: ['offsets', ...server, '--topic', 'missing'], code: 1, stderr: /^sluice: UNKNOWN_TOPIC_OR_PARTITION: offsets of topic missing/ },
    { args: ['offsets', ...server, '--topic-partitions', 'known:0,missing'], code: 1, stderr: /^sluice: UNKNOWN_TOPIC_OR_PARTITION: offsets of topic missing/, stdout: 'known:0:0\n' },
    { args: ['offsets', ...server, '--topic', 'known', '--partitions', '5'], code: 1, stderr: /^sluice: UNKNOWN_TOPIC_OR_PARTITION: partition 5 of topic known/ },
    { args: ['offsets', ...server, '--topic', 'known', '--time', 'yesterday'], code: 2, stderr: /--time expects .*got "yesterday"/ },
    { args: ['offsets', ...server, '--topic', 'known', '--time', '-7'], code: 2, stderr: /--time expects/ },
    { args: ['offsets', ...server, '--topic', 'known', '--partitions', 'x'], code: 2, stderr: /--partitions expects an integer/ },
    { args: ['offsets', ...server, '--partitions', '0'], code: 2, stderr: /--partitions needs --topic/ },
    { args: ['offsets', ...server, '--topic', 'known', '--topic-partitions', 'known:0'], code: 2, stderr: /cannot be combined/ },
    { args: ['offsets', '--bootstrap-server', '127.0.0.1:1', '--topic', 'known'], code: 1, stderr: /^sluice: .*127\.0\.0\.1:1/ },
  ]
  for (const { args, code, stderr, stdout } of failures) {
    const result = await runSluice(args)
    assert.equal(result.code, code, `${args.join(' ')}: ${result.stderr}`)
    assert.match(result.stderr, stderr)
    if (stdout !== undefined) assert.equal(result.stdout, stdout)
    assert.doesNotMatch(result.stderr, /^ {4}at /m)
  }
  assert.match(await sluiceOk(['offsets', '--help']), /--topic-partitions/)
})
