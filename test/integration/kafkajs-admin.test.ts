// kafkajs 2.2.4's admin API against a real Sluice node (issue 5): topics with configs and replica
// assignments, DescribeConfigs (v2: sources and synonyms), legacy AlterConfigs (the only form kafkajs
// has), CreatePartitions, DeleteRecords, DeleteTopics, every error code as kafkajs reports it,
// retention driven by an altered retention.ms, and configs surviving a restart. Records are read
// back with kcat: kafkajs consumers always join a group, and groups come later.
import assert from 'node:assert/strict'
import { test, type TestContext } from 'node:test'
import kafkajs from 'kafkajs'
import type { Admin, ConfigEntries, Producer } from 'kafkajs'
import type { BrokerNode } from '../../src/index.js'
import { startRestartableBroker, startTestBroker, waitFor } from '../helpers/broker.js'
import { runKcat } from '../helpers/kcat.js'
import { KAFKAJS_RETRY, connectedKafkajsAdmin, connectedKafkajsProducer, kafkajsClient } from '../helpers/kafkajs.js'

const { ConfigResourceTypes } = kafkajs

/** DescribeConfigsResponse.ConfigSource ids, as Kafka numbers them. */
const DYNAMIC_TOPIC_CONFIG = 1
const DYNAMIC_BROKER_CONFIG = 2
const STATIC_BROKER_CONFIG = 4
const DEFAULT_CONFIG = 5

function connectedAdmin(t: TestContext, node: BrokerNode): Promise<Admin> {
  return connectedKafkajsAdmin(t, node, 'kafkajs-admin-test')
}

function connectedProducer(t: TestContext, node: BrokerNode): Promise<Producer> {
  return connectedKafkajsProducer(t, node, 'kafkajs-admin-test-producer', false)
}

/**
 * Every broker error type an admin call's rejection carries: kafkajs reports them on the error,
 * its cause, the errors of a KafkaJSAggregateError, or the partitions of a DeleteTopicRecords error.
 */
function errorTypes(error: unknown): string[] {
  if (typeof error !== 'object' || error === null) return []
  const e = error as { type?: unknown; cause?: unknown; errors?: unknown; partitions?: unknown; originalError?: unknown }
  const types = typeof e.type === 'string' ? [e.type] : []
  types.push(...errorTypes(e.cause), ...errorTypes(e.originalError))
  if (Array.isArray(e.errors)) for (const inner of e.errors) types.push(...errorTypes(inner))
  if (Array.isArray(e.partitions)) for (const partition of e.partitions) types.push(...errorTypes((partition as { error?: unknown }).error))
  return types
}

/**
 * Asserts that `promise` rejects with the broker error `type`. kafkajs keeps only the code: its
 * errors carry the code's generic description, never the broker's error message.
 */
async function rejectsWith(promise: Promise<unknown>, type: string): Promise<void> {
  await assert.rejects(promise, (error: Error) => {
    assert.ok(errorTypes(error).includes(type), `expected ${type}, got ${error.name}: ${error.message} [${errorTypes(error).join(', ')}]`)
    return true
  })
}

async function topicConfigs(admin: Admin, topic: string, configNames?: string[]): Promise<Map<string, ConfigEntries>> {
  const described = await admin.describeConfigs({
    includeSynonyms: true,
    resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, ...(configNames === undefined ? {} : { configNames }) }],
  })
  const [resource] = described.resources
  assert.ok(resource !== undefined)
  assert.equal(resource.errorCode, 0, resource.errorMessage)
  return new Map(resource.configEntries.map((entry) => [entry.configName, entry]))
}

async function brokerConfigs(admin: Admin, node: BrokerNode): Promise<Map<string, ConfigEntries>> {
  const described = await admin.describeConfigs({ includeSynonyms: true, resources: [{ type: ConfigResourceTypes.BROKER, name: String(node.nodeId) }] })
  const [resource] = described.resources
  assert.ok(resource !== undefined)
  assert.equal(resource.errorCode, 0, resource.errorMessage)
  return new Map(resource.configEntries.map((entry) => [entry.configName, entry]))
}

/** A config's value and source, and its synonyms as [name, value, source], highest priority first. */
function summary(entry: ConfigEntries | undefined): { value: string; source: number; synonyms: [string, string, number][] } | undefined {
  if (entry === undefined) return undefined
  return {
    value: entry.configValue,
    source: entry.configSource,
    synonyms: entry.configSynonyms.map((synonym) => [synonym.configName, synonym.configValue, synonym.configSource]),
  }
}

function valueAndSource(entry: ConfigEntries | undefined): [string, number] | undefined {
  return entry === undefined ? undefined : [entry.configValue, entry.configSource]
}

function userTopics(names: string[]): string[] {
  return names.filter((name) => !name.startsWith('__')).sort()
}

test('kafkajs admin creates topics with configs and explicit replica assignments; validateOnly creates nothing', async (t) => {
  const node = await startTestBroker(t, { 'auto.create.topics.enable': 'false' })
  const admin = await connectedAdmin(t, node)

  assert.equal(await admin.createTopics({
    timeout: 3000,
    topics: [
      {
        topic: 'configured', numPartitions: 2, replicationFactor: 1,
        configEntries: [
          { name: 'retention.ms', value: '86400000' },
          { name: 'cleanup.policy', value: 'compact' },
          { name: 'max.message.bytes', value: '2000000' },
        ],
      },
      { topic: 'assigned', replicaAssignment: [0, 1, 2].map((partition) => ({ partition, replicas: [node.nodeId] })) },
    ],
  }), true)

  const { topics } = await admin.fetchTopicMetadata({ topics: ['configured', 'assigned'] })
  const byName = new Map(topics.map((topic) => [topic.name, topic]))
  assert.equal(byName.get('configured')?.partitions.length, 2)
  const assigned = byName.get('assigned')
  assert.ok(assigned !== undefined)
  assert.deepEqual(assigned.partitions.map((partition) => partition.partitionId).sort(), [0, 1, 2])
  for (const partition of assigned.partitions) {
    assert.equal(partition.leader, node.nodeId)
    assert.deepEqual(partition.replicas, [node.nodeId])
  }

  const configs = await topicConfigs(admin, 'configured')
  assert.deepEqual(valueAndSource(configs.get('retention.ms')), ['86400000', DYNAMIC_TOPIC_CONFIG])
  assert.deepEqual(valueAndSource(configs.get('cleanup.policy')), ['compact', DYNAMIC_TOPIC_CONFIG])
  assert.deepEqual(valueAndSource(configs.get('max.message.bytes')), ['2000000', DYNAMIC_TOPIC_CONFIG])
  assert.deepEqual(valueAndSource(configs.get('segment.bytes')), ['1073741824', DEFAULT_CONFIG])
  // The running log got them too.
  assert.equal(node.logManager.getLog('configured', 0)?.config.retentionMs, 86_400_000)

  // validateOnly: the broker checks the request and creates nothing, neither a topic nor a log.
  // (waitForLeaders would ask Metadata for a topic that does not exist.)
  assert.equal(await admin.createTopics({
    validateOnly: true, waitForLeaders: false, timeout: 3000,
    topics: [{ topic: 'dry-run', numPartitions: 4, configEntries: [{ name: 'retention.ms', value: '1000' }] }],
  }), true)
  // ... and still reports what would fail.
  await rejectsWith(admin.createTopics({
    validateOnly: true, waitForLeaders: false, timeout: 3000,
    topics: [{ topic: 'dry-run', numPartitions: 4, configEntries: [{ name: 'retention.ms', value: 'forever' }] }],
  }), 'INVALID_CONFIG')
  // kafkajs answers TOPIC_ALREADY_EXISTS alone with false.
  assert.equal(await admin.createTopics({ validateOnly: true, waitForLeaders: false, timeout: 3000, topics: [{ topic: 'configured' }] }), false)
  assert.deepEqual(userTopics(await admin.listTopics()), ['assigned', 'configured'])
  assert.equal(node.logManager.getLog('dry-run', 0), undefined)
})

test('kafkajs describeConfigs reports values, sources and synonyms of default, dynamic topic and static broker keys', async (t) => {
  const node = await startTestBroker(t, { 'log.retention.ms': '3600000', 'log.segment.bytes': '50000000' })
  const admin = await connectedAdmin(t, node)
  await admin.createTopics({ timeout: 3000, topics: [{ topic: 'described', numPartitions: 1, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] }] })

  const configs = await topicConfigs(admin, 'described')
  // A dynamic topic key: its own value first among the synonyms, then the broker default behind it.
  assert.deepEqual(summary(configs.get('cleanup.policy')), {
    value: 'compact', source: DYNAMIC_TOPIC_CONFIG,
    synonyms: [['cleanup.policy', 'compact', DYNAMIC_TOPIC_CONFIG], ['log.cleanup.policy', 'delete', DEFAULT_CONFIG]],
  })
  // A static broker key: log.retention.ms from the broker's properties, log.retention.hours behind it.
  assert.deepEqual(summary(configs.get('retention.ms')), {
    value: '3600000', source: STATIC_BROKER_CONFIG,
    synonyms: [['log.retention.ms', '3600000', STATIC_BROKER_CONFIG], ['log.retention.hours', '168', DEFAULT_CONFIG]],
  })
  assert.deepEqual(summary(configs.get('segment.bytes')), {
    value: '50000000', source: STATIC_BROKER_CONFIG,
    synonyms: [['log.segment.bytes', '50000000', STATIC_BROKER_CONFIG], ['log.segment.bytes', '1073741824', DEFAULT_CONFIG]],
  })
  // A default: Kafka's own value, and the broker key it falls back to.
  assert.deepEqual(summary(configs.get('max.message.bytes')), {
    value: '1048588', source: DEFAULT_CONFIG, synonyms: [['message.max.bytes', '1048588', DEFAULT_CONFIG]],
  })
  const maxMessageBytes = configs.get('max.message.bytes')
  assert.equal(maxMessageBytes?.isDefault, true)
  assert.equal(maxMessageBytes?.readOnly, false)
  assert.equal(maxMessageBytes?.isSensitive, false)
  assert.equal(configs.get('cleanup.policy')?.isDefault, false)
  // Every topic-level config is described.
  for (const name of ['compression.type', 'delete.retention.ms', 'min.insync.replicas', 'retention.bytes', 'segment.ms', 'unclean.leader.election.enable']) {
    assert.ok(configs.has(name), name)
  }

  // Only the names asked for.
  assert.deepEqual([...(await topicConfigs(admin, 'described', ['retention.ms', 'cleanup.policy'])).keys()].sort(), ['cleanup.policy', 'retention.ms'])

  // The broker resource: its static key, and a default.
  const broker = await brokerConfigs(admin, node)
  assert.deepEqual(valueAndSource(broker.get('log.retention.ms')), ['3600000', STATIC_BROKER_CONFIG])
  assert.deepEqual(valueAndSource(broker.get('log.retention.hours')), ['168', DEFAULT_CONFIG])
  assert.deepEqual(valueAndSource(broker.get('log.segment.bytes')), ['50000000', STATIC_BROKER_CONFIG])
  assert.deepEqual(valueAndSource(broker.get('message.max.bytes')), ['1048588', DEFAULT_CONFIG])

  // An unknown topic.
  await rejectsWith(topicConfigs(admin, 'nowhere'), 'UNKNOWN_TOPIC_OR_PARTITION')
})

test('kafkajs legacy alterConfigs replaces the dynamic configs: keys it does not name revert to their defaults', async (t) => {
  const node = await startTestBroker(t)
  const admin = await connectedAdmin(t, node)
  await admin.createTopics({
    timeout: 3000,
    topics: [{ topic: 'altered', numPartitions: 1, configEntries: [{ name: 'retention.ms', value: '86400000' }, { name: 'cleanup.policy', value: 'compact' }] }],
  })

  await admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: 'altered', configEntries: [{ name: 'max.message.bytes', value: '500000' }] }] })
  let configs = await topicConfigs(admin, 'altered')
  assert.deepEqual(valueAndSource(configs.get('max.message.bytes')), ['500000', DYNAMIC_TOPIC_CONFIG])
  assert.deepEqual(valueAndSource(configs.get('retention.ms')), ['604800000', DEFAULT_CONFIG])
  assert.deepEqual(valueAndSource(configs.get('cleanup.policy')), ['delete', DEFAULT_CONFIG])
  assert.equal(node.logManager.getLog('altered', 0)?.config.retentionMs, 604_800_000)

  // validateOnly changes nothing.
  await admin.alterConfigs({ validateOnly: true, resources: [{ type: ConfigResourceTypes.TOPIC, name: 'altered', configEntries: [{ name: 'retention.ms', value: '1000' }] }] })
  configs = await topicConfigs(admin, 'altered')
  assert.deepEqual(valueAndSource(configs.get('max.message.bytes')), ['500000', DYNAMIC_TOPIC_CONFIG])
  assert.deepEqual(valueAndSource(configs.get('retention.ms')), ['604800000', DEFAULT_CONFIG])

  // Rejected changes leave the configs as they were.
  await rejectsWith(admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: 'altered', configEntries: [{ name: 'no.such.config', value: '1' }] }] }), 'INVALID_CONFIG')
  await rejectsWith(admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: 'altered', configEntries: [{ name: 'retention.ms', value: 'soon' }] }] }), 'INVALID_CONFIG')
  await rejectsWith(admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: 'altered', configEntries: [{ name: 'cleanup.policy', value: 'shred' }] }] }), 'INVALID_CONFIG')
  await rejectsWith(admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: 'nowhere', configEntries: [{ name: 'retention.ms', value: '1000' }] }] }), 'UNKNOWN_TOPIC_OR_PARTITION')
  assert.deepEqual(valueAndSource((await topicConfigs(admin, 'altered')).get('max.message.bytes')), ['500000', DYNAMIC_TOPIC_CONFIG])

  // An empty set clears every dynamic config.
  await admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: 'altered', configEntries: [] }] })
  assert.deepEqual(valueAndSource((await topicConfigs(admin, 'altered')).get('max.message.bytes')), ['1048588', DEFAULT_CONFIG])

  // A dynamic broker config: the topic falls back to it, with its source.
  await admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.BROKER, name: String(node.nodeId), configEntries: [{ name: 'log.retention.ms', value: '7200000' }] }] })
  assert.deepEqual(valueAndSource((await brokerConfigs(admin, node)).get('log.retention.ms')), ['7200000', DYNAMIC_BROKER_CONFIG])
  assert.deepEqual(summary((await topicConfigs(admin, 'altered')).get('retention.ms')), {
    value: '7200000', source: DYNAMIC_BROKER_CONFIG,
    synonyms: [['log.retention.ms', '7200000', DYNAMIC_BROKER_CONFIG], ['log.retention.hours', '168', DEFAULT_CONFIG]],
  })
  assert.equal(node.logManager.getLog('altered', 0)?.config.retentionMs, 7_200_000)
})

test('kafkajs createPartitions grows a topic from 3 to 5 partitions and shrinking fails with INVALID_PARTITIONS', async (t) => {
  const node = await startTestBroker(t)
  const admin = await connectedAdmin(t, node)
  await admin.createTopics({ timeout: 3000, topics: [{ topic: 'growing', numPartitions: 3 }] })

  // validateOnly first: still 3.
  await admin.createPartitions({ validateOnly: true, timeout: 3000, topicPartitions: [{ topic: 'growing', count: 5 }] })
  assert.equal((await admin.fetchTopicMetadata({ topics: ['growing'] })).topics[0]?.partitions.length, 3)

  await admin.createPartitions({ timeout: 3000, topicPartitions: [{ topic: 'growing', count: 5 }] })
  const [growing] = (await admin.fetchTopicMetadata({ topics: ['growing'] })).topics
  assert.deepEqual(growing?.partitions.map((partition) => partition.partitionId).sort(), [0, 1, 2, 3, 4])
  for (const partition of growing?.partitions ?? []) assert.equal(partition.leader, node.nodeId)
  assert.ok(node.logManager.getLog('growing', 4) !== undefined)

  await rejectsWith(admin.createPartitions({ timeout: 3000, topicPartitions: [{ topic: 'growing', count: 2 }] }), 'INVALID_PARTITIONS')
  await rejectsWith(admin.createPartitions({ timeout: 3000, topicPartitions: [{ topic: 'growing', count: 5 }] }), 'INVALID_PARTITIONS')
  await rejectsWith(admin.createPartitions({ timeout: 3000, topicPartitions: [{ topic: 'nowhere', count: 5 }] }), 'UNKNOWN_TOPIC_OR_PARTITION')
  assert.equal((await admin.fetchTopicMetadata({ topics: ['growing'] })).topics[0]?.partitions.length, 5)
})

test('kafkajs deleteTopicRecords advances the low watermark, and reading starts there', async (t) => {
  const node = await startTestBroker(t)
  const admin = await connectedAdmin(t, node)
  await admin.createTopics({ timeout: 3000, topics: [{ topic: 'trimmed', numPartitions: 1 }] })
  const producer = await connectedProducer(t, node)
  for (let i = 0; i < 10; i++) await producer.send({ topic: 'trimmed', acks: -1, messages: [{ key: `key-${i}`, value: `value-${i}` }] })
  assert.deepEqual(await admin.fetchTopicOffsets('trimmed'), [{ partition: 0, offset: '10', high: '10', low: '0' }])

  await admin.deleteTopicRecords({ topic: 'trimmed', partitions: [{ partition: 0, offset: '4' }] })
  assert.deepEqual(await admin.fetchTopicOffsets('trimmed'), [{ partition: 0, offset: '10', high: '10', low: '4' }])
  assert.equal(node.logManager.getLog('trimmed', 0)?.logStartOffset, 4n)

  const { code, stdout, stderr } = await runKcat(['-C', '-q', '-X', 'fetch.wait.max.ms=20', '-o', 'beginning', '-e', '-b', node.bootstrap, '-t', 'trimmed', '-f', '%o %k %s\\n'], { timeoutMs: 10_000 })
  assert.equal(code, 0, stderr)
  assert.deepEqual(stdout.split('\n').filter((line) => line !== ''), [4, 5, 6, 7, 8, 9].map((i) => `${i} key-${i} value-${i}`))

  // -1 means the high watermark: everything goes.
  await admin.deleteTopicRecords({ topic: 'trimmed', partitions: [{ partition: 0, offset: '-1' }] })
  assert.deepEqual(await admin.fetchTopicOffsets('trimmed'), [{ partition: 0, offset: '10', high: '10', low: '10' }])
  // Beyond the high watermark: OFFSET_OUT_OF_RANGE.
  await rejectsWith(admin.deleteTopicRecords({ topic: 'trimmed', partitions: [{ partition: 0, offset: '11' }] }), 'OFFSET_OUT_OF_RANGE')
})

test('kafkajs deletes a topic and re-creates the name as a new, empty topic without the old configs', async (t) => {
  const node = await startTestBroker(t)
  const admin = await connectedAdmin(t, node)
  await admin.createTopics({ timeout: 3000, topics: [{ topic: 'reborn', numPartitions: 2, configEntries: [{ name: 'retention.ms', value: '86400000' }] }] })
  const producer = await connectedProducer(t, node)
  await producer.send({ topic: 'reborn', acks: -1, messages: [{ partition: 0, value: 'old' }, { partition: 0, value: 'older' }] })
  assert.equal((await admin.fetchTopicOffsets('reborn')).find((partition) => partition.partition === 0)?.high, '2')

  await admin.deleteTopics({ topics: ['reborn'], timeout: 3000 })
  assert.deepEqual(userTopics(await admin.listTopics()), [])
  // The name is reusable at once.
  assert.equal(await admin.createTopics({ timeout: 3000, topics: [{ topic: 'reborn', numPartitions: 1 }] }), true)
  assert.deepEqual(await admin.fetchTopicOffsets('reborn'), [{ partition: 0, offset: '0', high: '0', low: '0' }])
  assert.deepEqual(valueAndSource((await topicConfigs(admin, 'reborn')).get('retention.ms')), ['604800000', DEFAULT_CONFIG])
  assert.equal(node.logManager.getLog('reborn', 1), undefined)
  await producer.send({ topic: 'reborn', acks: -1, messages: [{ partition: 0, value: 'new' }] })
  assert.deepEqual(await admin.fetchTopicOffsets('reborn'), [{ partition: 0, offset: '1', high: '1', low: '0' }])
})

test('kafkajs admin sees every CreateTopics and DeleteTopics error code the broker sends', async (t) => {
  const node = await startTestBroker(t)
  const admin = await connectedAdmin(t, node)
  await admin.createTopics({ timeout: 3000, topics: [{ topic: 'existing', numPartitions: 1 }] })
  const create = (topic: Parameters<Admin['createTopics']>[0]['topics'][number]): Promise<boolean> =>
    admin.createTopics({ timeout: 3000, waitForLeaders: false, topics: [topic] })

  // kafkajs answers TOPIC_ALREADY_EXISTS alone with false rather than throwing.
  assert.equal(await create({ topic: 'existing', numPartitions: 1 }), false)
  await rejectsWith(create({ topic: 'bad name!' }), 'INVALID_TOPIC_EXCEPTION')
  await rejectsWith(create({ topic: '..' }), 'INVALID_TOPIC_EXCEPTION')
  await rejectsWith(create({ topic: 'x'.repeat(250) }), 'INVALID_TOPIC_EXCEPTION')
  await rejectsWith(create({ topic: 'no-partitions', numPartitions: 0 }), 'INVALID_PARTITIONS')
  await rejectsWith(create({ topic: 'too-many-replicas', numPartitions: 1, replicationFactor: 3 }), 'INVALID_REPLICATION_FACTOR')
  await rejectsWith(create({ topic: 'unknown-broker', replicaAssignment: [{ partition: 0, replicas: [node.nodeId + 1] }] }), 'INVALID_REPLICA_ASSIGNMENT')
  await rejectsWith(create({ topic: 'gap', replicaAssignment: [{ partition: 0, replicas: [node.nodeId] }, { partition: 2, replicas: [node.nodeId] }] }), 'INVALID_REPLICA_ASSIGNMENT')
  await rejectsWith(create({ topic: 'unknown-config', configEntries: [{ name: 'no.such.config', value: '1' }] }), 'INVALID_CONFIG')
  await rejectsWith(create({ topic: 'bad-value', configEntries: [{ name: 'retention.ms', value: 'forever' }] }), 'INVALID_CONFIG')
  await rejectsWith(create({ topic: 'bad-value', configEntries: [{ name: 'min.insync.replicas', value: '0' }] }), 'INVALID_CONFIG')
  await rejectsWith(admin.deleteTopics({ topics: ['nowhere'], timeout: 3000 }), 'UNKNOWN_TOPIC_OR_PARTITION')

  // None of the failed requests left anything behind.
  assert.deepEqual(userTopics(await admin.listTopics()), ['existing'])
})

test('kafkajs lowering retention.ms through alterConfigs deletes the old segments of a live topic', async (t) => {
  const node = await startTestBroker(t, {
    'log.retention.check.interval.ms': '200',
    'log.initial.task.delay.ms': '0',
    'log.segment.bytes': '1024',
  })
  const admin = await connectedAdmin(t, node)
  await admin.createTopics({ timeout: 3000, topics: [{ topic: 'aging', numPartitions: 1 }] })
  const producer = await connectedProducer(t, node)

  // Ten batches of ~400 bytes, five minutes old: 1 KiB segments hold two each.
  const old = Date.now() - 5 * 60_000
  for (let i = 0; i < 10; i++) {
    await producer.send({ topic: 'aging', acks: -1, messages: [{ key: `key-${i}`, value: `old-${i} `.repeat(50), timestamp: String(old + i) }] })
  }
  const log = node.logManager.getLog('aging', 0)
  assert.ok(log !== undefined)
  const segmentsBefore = log.segmentCount
  assert.ok(segmentsBefore >= 5, `segments: ${segmentsBefore}`)
  // Within the default 7 days, nothing goes.
  assert.equal((await admin.fetchTopicOffsets('aging'))[0]?.low, '0')

  await admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: 'aging', configEntries: [{ name: 'retention.ms', value: '60000' }] }] })
  await waitFor(async () => Number((await admin.fetchTopicOffsets('aging'))[0]?.low) > 0, { timeoutMs: 10_000, what: 'the low watermark to rise' })
  await waitFor(() => log.segmentCount < segmentsBefore, { timeoutMs: 10_000, what: 'old segments to be deleted' })
  assert.ok(log.logStartOffset > 0n)
  assert.equal((await admin.fetchTopicOffsets('aging'))[0]?.high, '10')
})

test('kafkajs sees every config again after a broker restart', async (t) => {
  const broker = await startRestartableBroker(t, { 'log.retention.ms': '3600000' })
  const setUp = kafkajsClient(broker.current(), 'kafkajs-admin-before-restart').admin({ retry: KAFKAJS_RETRY })
  await setUp.connect()
  try {
    await setUp.createTopics({
      timeout: 3000,
      topics: [
        { topic: 'kept', numPartitions: 3, configEntries: [{ name: 'cleanup.policy', value: 'compact' }, { name: 'max.message.bytes', value: '2000000' }] },
        { topic: 'altered', numPartitions: 1, configEntries: [{ name: 'retention.ms', value: '1000' }] },
      ],
    })
    await setUp.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: 'altered', configEntries: [{ name: 'segment.ms', value: '600000' }] }] })
    await setUp.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.BROKER, name: String(broker.current().nodeId), configEntries: [{ name: 'log.segment.bytes', value: '5000000' }] }] })
    await setUp.createPartitions({ timeout: 3000, topicPartitions: [{ topic: 'kept', count: 4 }] })
  } finally {
    await setUp.disconnect()
  }

  const node = await broker.restart()
  const admin = await connectedAdmin(t, node)
  const kept = await topicConfigs(admin, 'kept')
  assert.deepEqual(valueAndSource(kept.get('cleanup.policy')), ['compact', DYNAMIC_TOPIC_CONFIG])
  assert.deepEqual(valueAndSource(kept.get('max.message.bytes')), ['2000000', DYNAMIC_TOPIC_CONFIG])
  assert.deepEqual(valueAndSource(kept.get('retention.ms')), ['3600000', STATIC_BROKER_CONFIG])
  assert.deepEqual(valueAndSource(kept.get('segment.bytes')), ['5000000', DYNAMIC_BROKER_CONFIG])
  const altered = await topicConfigs(admin, 'altered')
  assert.deepEqual(valueAndSource(altered.get('segment.ms')), ['600000', DYNAMIC_TOPIC_CONFIG])
  assert.deepEqual(valueAndSource(altered.get('retention.ms')), ['3600000', STATIC_BROKER_CONFIG])
  assert.deepEqual(valueAndSource((await brokerConfigs(admin, node)).get('log.segment.bytes')), ['5000000', DYNAMIC_BROKER_CONFIG])
  assert.equal((await admin.fetchTopicMetadata({ topics: ['kept'] })).topics[0]?.partitions.length, 4)
  assert.equal(node.logManager.getLog('kept', 0)?.config.segmentBytes, 5_000_000)
})
