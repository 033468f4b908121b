// @platformatic/kafka 2.12's admin API against a real Sluice node (issue 5). It uses the broker's
// highest versions: CreateTopics v7, DescribeConfigs v4 (sources, synonyms, types, documentation),
// AlterConfigs v2, IncrementalAlterConfigs v1, CreatePartitions v3, DeleteRecords v2, DeleteTopics
// v6. Its Admin.createTopics always sends validateOnly false, so validate-only creation goes through
// the client's own CreateTopics v7 API on a Connection. Records are read back with a group-less
// Consumer.fetch(); consumer groups come later.
import '../helpers/promise-with-resolvers.js'
import assert from 'node:assert/strict'
import { test, type TestContext } from 'node:test'
import {
  Admin,
  ConfigResourceTypes,
  ConfigSources,
  ConfigTypes,
  Connection,
  Consumer,
  IncrementalAlterConfigOperationTypes,
  Producer,
  type ProtocolError,
  createTopicsV7,
  findErrorBy,
  stringSerializers,
  type CreateTopicsOptions,
  type ConfigDescription,
} from '@platformatic/kafka'
import type { BrokerNode } from '../../src/index.js'
import { startRestartableBroker, startTestBroker, waitFor } from '../helpers/broker.js'

type DescribeConfigsResponseConfig = ConfigDescription['configs'][number]

const ZERO_UUID = '00000000-0000-0000-0000-000000000000'
const { DYNAMIC_TOPIC_CONFIG, DYNAMIC_BROKER_CONFIG, STATIC_BROKER_CONFIG, DEFAULT_CONFIG } = ConfigSources
/** Few, quick retries and short timeouts, so that an error surfaces in well under a second. */
const FAST = { retries: 1, retryDelay: 50, timeout: 3000, connectTimeout: 2000 } as const

function admin(t: TestContext, node: BrokerNode): Admin {
  const client = new Admin({ ...FAST, clientId: 'pf-admin-test', bootstrapBrokers: [node.bootstrap] })
  t.after(() => client.close())
  return client
}

function producer(t: TestContext, node: BrokerNode): Producer<string, string, string, string> {
  const client = new Producer({ ...FAST, clientId: 'pf-admin-test-producer', bootstrapBrokers: [node.bootstrap], serializers: stringSerializers, autocreateTopics: false })
  t.after(() => client.close())
  return client
}

function fetcher(t: TestContext, node: BrokerNode): Consumer {
  const client = new Consumer({ ...FAST, clientId: 'pf-admin-test-fetcher', groupId: 'pf-unused-group', bootstrapBrokers: [node.bootstrap] })
  t.after(() => client.close(true))
  return client
}

/**
 * Asserts that `promise` rejects with the broker error `apiId` (e.g. TOPIC_ALREADY_EXISTS) somewhere
 * in its error tree and, if given, with exactly the broker's `message` (Kafka's wording).
 */
async function rejectsWith(promise: Promise<unknown>, apiId: string, message?: string): Promise<void> {
  await assert.rejects(promise, (error: Error) => {
    const found = findErrorBy<ProtocolError>(error, 'apiId', apiId)
    assert.ok(found !== null, `expected ${apiId}, got ${error.name}: ${error.message} ${JSON.stringify(error, (_key, value: unknown) => typeof value === 'bigint' ? String(value) : value)}`)
    if (message !== undefined) assert.equal(found.serverErrorMessage, message, apiId)
    return true
  })
}

async function describe(client: Admin, resourceType: number, resourceName: string, configurationKeys?: string[]): Promise<Map<string, DescribeConfigsResponseConfig>> {
  const [resource] = await client.describeConfigs({
    includeSynonyms: true,
    includeDocumentation: true,
    resources: [{ resourceType: resourceType as typeof ConfigResourceTypes.TOPIC, resourceName, configurationKeys }],
  })
  assert.ok(resource !== undefined)
  assert.equal(resource.resourceName, resourceName)
  return new Map(resource.configs.map((config) => [config.name, config]))
}

const topicConfigs = (client: Admin, topic: string, keys?: string[]): Promise<Map<string, DescribeConfigsResponseConfig>> =>
  describe(client, ConfigResourceTypes.TOPIC, topic, keys)
const brokerConfigs = (client: Admin, node: BrokerNode): Promise<Map<string, DescribeConfigsResponseConfig>> =>
  describe(client, ConfigResourceTypes.BROKER, String(node.nodeId))

function valueAndSource(config: DescribeConfigsResponseConfig | undefined): [string | null | undefined, number] | undefined {
  return config === undefined ? undefined : [config.value, config.configSource]
}

function summary(config: DescribeConfigsResponseConfig | undefined): { value: string | null | undefined; source: number; synonyms: [string, string | null | undefined, number][] } | undefined {
  if (config === undefined) return undefined
  return { value: config.value, source: config.configSource, synonyms: config.synonyms.map((synonym) => [synonym.name, synonym.value, synonym.source]) }
}

async function userTopics(client: Admin): Promise<string[]> {
  return (await client.listTopics()).sort()
}

/** Earliest (-2) or latest (-1) offset of partition 0. */
async function offsetOf(client: Admin, topic: string, timestamp: -1n | -2n): Promise<bigint | undefined> {
  const [listed] = await client.listOffsets({ topics: [{ name: topic, partitions: [{ partitionIndex: 0, timestamp }] }] })
  return listed?.partitions[0]?.offset
}

test('platformatic admin creates topics with configs and explicit replica assignments; validate-only creates nothing', async (t) => {
  const node = await startTestBroker(t, { 'auto.create.topics.enable': 'false' })
  const client = admin(t, node)

  const [configured] = await client.createTopics({
    topics: ['configured'], partitions: 2, replicas: 1,
    configs: [{ name: 'retention.ms', value: '86400000' }, { name: 'cleanup.policy', value: 'compact' }, { name: 'max.message.bytes', value: '2000000' }],
  })
  assert.ok(configured !== undefined)
  assert.equal(configured.partitions, 2)
  assert.equal(configured.replicas, 1)
  // CreateTopics v5+ answers with the topic's configs.
  assert.equal(configured.configuration['retention.ms'], '86400000')
  assert.equal(configured.configuration['cleanup.policy'], 'compact')
  assert.equal(configured.configuration['segment.bytes'], '1073741824')

  const [assigned] = await client.createTopics({
    topics: ['assigned'],
    assignments: [0, 1, 2].map((partition) => ({ partition, brokers: [node.nodeId] })),
  })
  assert.equal(assigned?.partitions, 3)
  assert.equal(assigned?.replicas, 1)
  const metadata = await client.metadata({ topics: ['assigned'], forceUpdate: true })
  const described = metadata.topics.get('assigned')
  assert.equal(described?.partitionsCount, 3)
  for (const partition of described?.partitions ?? []) assert.deepEqual(partition.replicas, [node.nodeId])

  const configs = await topicConfigs(client, 'configured')
  assert.deepEqual(valueAndSource(configs.get('retention.ms')), ['86400000', DYNAMIC_TOPIC_CONFIG])
  assert.deepEqual(valueAndSource(configs.get('cleanup.policy')), ['compact', DYNAMIC_TOPIC_CONFIG])
  assert.deepEqual(valueAndSource(configs.get('max.message.bytes')), ['2000000', DYNAMIC_TOPIC_CONFIG])

  // Validate-only, through the client's CreateTopics v7 API: the answer describes the topic that
  // would be made, and nothing is made.
  const connection = new Connection('pf-admin-test-validate', { connectTimeout: 2000 })
  t.after(() => connection.close())
  const [host, port] = node.bootstrap.split(':')
  await connection.connect(host ?? '127.0.0.1', Number(port))
  const dryRun = await createTopicsV7.api.async(connection, [
    { name: 'dry-run', numPartitions: 4, replicationFactor: 1, assignments: [], configs: [{ name: 'retention.ms', value: '1000' }] },
  ], 3000, true)
  assert.equal(dryRun.topics[0]?.errorCode, 0)
  assert.equal(dryRun.topics[0]?.numPartitions, 4)
  assert.equal(dryRun.topics[0]?.configs?.find((config) => config.name === 'retention.ms')?.value, '1000')
  await rejectsWith(createTopicsV7.api.async(connection, [
    { name: 'dry-run', numPartitions: 4, replicationFactor: 1, assignments: [], configs: [{ name: 'retention.ms', value: 'forever' }] },
  ], 3000, true), 'INVALID_CONFIG')
  await rejectsWith(createTopicsV7.api.async(connection, [
    { name: 'configured', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] },
  ], 3000, true), 'TOPIC_ALREADY_EXISTS')
  assert.deepEqual(await userTopics(client), ['assigned', 'configured'])
  assert.equal(node.logManager.getLog('dry-run', 0), undefined)
})

test('platformatic describeConfigs reports values, sources, synonyms, types and documentation', async (t) => {
  const node = await startTestBroker(t, { 'log.retention.ms': '3600000', 'log.segment.bytes': '50000000' })
  const client = admin(t, node)
  await client.createTopics({ topics: ['described'], partitions: 1, replicas: 1, configs: [{ name: 'cleanup.policy', value: 'compact' }] })

  const configs = await topicConfigs(client, 'described')
  assert.deepEqual(summary(configs.get('cleanup.policy')), {
    value: 'compact', source: DYNAMIC_TOPIC_CONFIG,
    synonyms: [['cleanup.policy', 'compact', DYNAMIC_TOPIC_CONFIG], ['log.cleanup.policy', 'delete', DEFAULT_CONFIG]],
  })
  assert.deepEqual(summary(configs.get('retention.ms')), {
    value: '3600000', source: STATIC_BROKER_CONFIG,
    synonyms: [['log.retention.ms', '3600000', STATIC_BROKER_CONFIG], ['log.retention.hours', '168', DEFAULT_CONFIG]],
  })
  assert.deepEqual(summary(configs.get('segment.bytes')), {
    value: '50000000', source: STATIC_BROKER_CONFIG,
    synonyms: [['log.segment.bytes', '50000000', STATIC_BROKER_CONFIG], ['log.segment.bytes', '1073741824', DEFAULT_CONFIG]],
  })
  assert.deepEqual(summary(configs.get('max.message.bytes')), {
    value: '1048588', source: DEFAULT_CONFIG, synonyms: [['message.max.bytes', '1048588', DEFAULT_CONFIG]],
  })
  // Types and documentation (v3+).
  assert.equal(configs.get('retention.ms')?.configType, ConfigTypes.LONG)
  assert.equal(configs.get('max.message.bytes')?.configType, ConfigTypes.INT)
  assert.equal(configs.get('cleanup.policy')?.configType, ConfigTypes.LIST)
  assert.equal(configs.get('unclean.leader.election.enable')?.configType, ConfigTypes.BOOLEAN)
  assert.equal(configs.get('min.cleanable.dirty.ratio')?.configType, ConfigTypes.DOUBLE)
  assert.equal(configs.get('compression.type')?.configType, ConfigTypes.STRING)
  for (const [name, config] of configs) {
    assert.equal(typeof config.documentation, 'string', `${name} has documentation`)
    assert.equal(config.readOnly, false, name)
    assert.equal(config.isSensitive, false, name)
  }

  assert.deepEqual([...(await topicConfigs(client, 'described', ['retention.ms', 'cleanup.policy'])).keys()].sort(), ['cleanup.policy', 'retention.ms'])

  const broker = await brokerConfigs(client, node)
  assert.deepEqual(summary(broker.get('log.retention.ms')), {
    value: '3600000', source: STATIC_BROKER_CONFIG,
    synonyms: [['log.retention.ms', '3600000', STATIC_BROKER_CONFIG], ['log.retention.hours', '168', DEFAULT_CONFIG]],
  })
  assert.deepEqual(valueAndSource(broker.get('log.retention.hours')), ['168', DEFAULT_CONFIG])
  assert.deepEqual(valueAndSource(broker.get('log.segment.bytes')), ['50000000', STATIC_BROKER_CONFIG])
  assert.deepEqual(valueAndSource(broker.get('message.max.bytes')), ['1048588', DEFAULT_CONFIG])
  assert.equal(broker.get('node.id')?.readOnly, true)

  await rejectsWith(topicConfigs(client, 'nowhere'), 'UNKNOWN_TOPIC_OR_PARTITION')
})

test('platformatic alterConfigs replaces the dynamic configs and incrementalAlterConfigs changes only what it names', async (t) => {
  const node = await startTestBroker(t)
  const client = admin(t, node)
  await client.createTopics({
    topics: ['altered'], partitions: 1, replicas: 1,
    configs: [{ name: 'retention.ms', value: '86400000' }, { name: 'cleanup.policy', value: 'compact' }],
  })
  const topic = { resourceType: ConfigResourceTypes.TOPIC, resourceName: 'altered' }

  // Legacy: keys it does not name revert to their defaults.
  await client.alterConfigs({ resources: [{ ...topic, configs: [{ name: 'max.message.bytes', value: '500000' }] }] })
  let configs = await topicConfigs(client, 'altered')
  assert.deepEqual(valueAndSource(configs.get('max.message.bytes')), ['500000', DYNAMIC_TOPIC_CONFIG])
  assert.deepEqual(valueAndSource(configs.get('retention.ms')), ['604800000', DEFAULT_CONFIG])
  assert.deepEqual(valueAndSource(configs.get('cleanup.policy')), ['delete', DEFAULT_CONFIG])
  await client.alterConfigs({ validateOnly: true, resources: [{ ...topic, configs: [{ name: 'retention.ms', value: '1000' }] }] })
  assert.deepEqual(valueAndSource((await topicConfigs(client, 'altered')).get('max.message.bytes')), ['500000', DYNAMIC_TOPIC_CONFIG])

  // Incremental: SET keeps the others, DELETE reverts one, APPEND and SUBTRACT edit a list.
  const { SET, DELETE, APPEND, SUBTRACT } = IncrementalAlterConfigOperationTypes
  await client.incrementalAlterConfigs({ resources: [{ ...topic, configs: [{ name: 'retention.ms', configOperation: SET, value: '3600000' }] }] })
  configs = await topicConfigs(client, 'altered')
  assert.deepEqual(valueAndSource(configs.get('retention.ms')), ['3600000', DYNAMIC_TOPIC_CONFIG])
  assert.deepEqual(valueAndSource(configs.get('max.message.bytes')), ['500000', DYNAMIC_TOPIC_CONFIG])
  assert.equal(node.logManager.getLog('altered', 0)?.config.retentionMs, 3_600_000)

  await client.incrementalAlterConfigs({ resources: [{ ...topic, configs: [{ name: 'max.message.bytes', configOperation: DELETE }] }] })
  configs = await topicConfigs(client, 'altered')
  assert.deepEqual(valueAndSource(configs.get('max.message.bytes')), ['1048588', DEFAULT_CONFIG])
  assert.deepEqual(valueAndSource(configs.get('retention.ms')), ['3600000', DYNAMIC_TOPIC_CONFIG])

  await client.incrementalAlterConfigs({ resources: [{ ...topic, configs: [{ name: 'cleanup.policy', configOperation: APPEND, value: 'compact' }] }] })
  assert.deepEqual(valueAndSource((await topicConfigs(client, 'altered')).get('cleanup.policy')), ['delete,compact', DYNAMIC_TOPIC_CONFIG])
  await client.incrementalAlterConfigs({ resources: [{ ...topic, configs: [{ name: 'cleanup.policy', configOperation: SUBTRACT, value: 'delete' }] }] })
  assert.deepEqual(valueAndSource((await topicConfigs(client, 'altered')).get('cleanup.policy')), ['compact', DYNAMIC_TOPIC_CONFIG])
  assert.deepEqual(node.logManager.getLog('altered', 0)?.config.cleanupPolicy, ['compact'])

  await client.incrementalAlterConfigs({ validateOnly: true, resources: [{ ...topic, configs: [{ name: 'retention.ms', configOperation: SET, value: '1000' }] }] })
  assert.deepEqual(valueAndSource((await topicConfigs(client, 'altered')).get('retention.ms')), ['3600000', DYNAMIC_TOPIC_CONFIG])

  // Rejected changes, in both forms.
  await rejectsWith(client.alterConfigs({ resources: [{ ...topic, configs: [{ name: 'no.such.config', value: '1' }] }] }), 'INVALID_CONFIG')
  await rejectsWith(client.alterConfigs({ resources: [{ ...topic, configs: [{ name: 'retention.ms', value: 'soon' }] }] }), 'INVALID_CONFIG')
  await rejectsWith(client.incrementalAlterConfigs({ resources: [{ ...topic, configs: [{ name: 'no.such.config', configOperation: SET, value: '1' }] }] }), 'INVALID_CONFIG')
  await rejectsWith(client.incrementalAlterConfigs({ resources: [{ ...topic, configs: [{ name: 'segment.bytes', configOperation: SET, value: '-5' }] }] }), 'INVALID_CONFIG')
  await rejectsWith(client.incrementalAlterConfigs({ resources: [{ ...topic, configs: [{ name: 'retention.ms', configOperation: APPEND, value: '5' }] }] }), 'INVALID_CONFIG')
  await rejectsWith(client.incrementalAlterConfigs({ resources: [{ resourceType: ConfigResourceTypes.TOPIC, resourceName: 'nowhere', configs: [{ name: 'retention.ms', configOperation: SET, value: '1000' }] }] }), 'UNKNOWN_TOPIC_OR_PARTITION')
  assert.deepEqual(valueAndSource((await topicConfigs(client, 'altered')).get('retention.ms')), ['3600000', DYNAMIC_TOPIC_CONFIG])

  // A dynamic broker config, set and deleted incrementally: the topic's fallback follows it.
  const broker = { resourceType: ConfigResourceTypes.BROKER, resourceName: String(node.nodeId) }
  await client.incrementalAlterConfigs({ resources: [{ ...broker, configs: [{ name: 'log.segment.bytes', configOperation: SET, value: '5000000' }] }] })
  assert.deepEqual(valueAndSource((await brokerConfigs(client, node)).get('log.segment.bytes')), ['5000000', DYNAMIC_BROKER_CONFIG])
  assert.deepEqual(summary((await topicConfigs(client, 'altered')).get('segment.bytes')), {
    value: '5000000', source: DYNAMIC_BROKER_CONFIG,
    synonyms: [['log.segment.bytes', '5000000', DYNAMIC_BROKER_CONFIG], ['log.segment.bytes', '1073741824', DEFAULT_CONFIG]],
  })
  assert.equal(node.logManager.getLog('altered', 0)?.config.segmentBytes, 5_000_000)
  await client.incrementalAlterConfigs({ resources: [{ ...broker, configs: [{ name: 'log.segment.bytes', configOperation: DELETE }] }] })
  assert.deepEqual(valueAndSource((await topicConfigs(client, 'altered')).get('segment.bytes')), ['1073741824', DEFAULT_CONFIG])
  assert.equal(node.logManager.getLog('altered', 0)?.config.segmentBytes, 1_073_741_824)
})

test('platformatic createPartitions grows a topic from 3 to 5 partitions and shrinking fails with INVALID_PARTITIONS', async (t) => {
  const node = await startTestBroker(t)
  const client = admin(t, node)
  await client.createTopics({ topics: ['growing'], partitions: 3, replicas: 1 })

  await client.createPartitions({ validateOnly: true, topics: [{ name: 'growing', count: 5 }] })
  assert.equal((await client.metadata({ topics: ['growing'], forceUpdate: true })).topics.get('growing')?.partitionsCount, 3)

  await client.createPartitions({ topics: [{ name: 'growing', count: 5 }] })
  const growing = (await client.metadata({ topics: ['growing'], forceUpdate: true })).topics.get('growing')
  assert.equal(growing?.partitionsCount, 5)
  for (const partition of growing?.partitions ?? []) assert.equal(partition.leader, node.nodeId)

  // With an explicit assignment for the new partition.
  await client.createPartitions({ topics: [{ name: 'growing', count: 6, assignments: [{ brokerIds: [node.nodeId] }] }] })
  assert.equal((await client.metadata({ topics: ['growing'], forceUpdate: true })).topics.get('growing')?.partitionsCount, 6)

  await rejectsWith(client.createPartitions({ topics: [{ name: 'growing', count: 2 }] }), 'INVALID_PARTITIONS',
    'The topic growing currently has 6 partition(s); 2 would not be an increase.')
  await rejectsWith(client.createPartitions({ topics: [{ name: 'growing', count: 6 }] }), 'INVALID_PARTITIONS', 'Topic already has 6 partition(s).')
  await rejectsWith(client.createPartitions({ topics: [{ name: 'growing', count: 7, assignments: [{ brokerIds: [node.nodeId + 1] }] }] }), 'INVALID_REPLICA_ASSIGNMENT')
  await rejectsWith(client.createPartitions({ topics: [{ name: 'nowhere', count: 5 }] }), 'UNKNOWN_TOPIC_OR_PARTITION')
  assert.equal((await client.metadata({ topics: ['growing'], forceUpdate: true })).topics.get('growing')?.partitionsCount, 6)
})

test('platformatic deleteRecords advances the low watermark, and a fetch from it reads the rest', async (t) => {
  const node = await startTestBroker(t)
  const client = admin(t, node)
  await client.createTopics({ topics: ['trimmed'], partitions: 1, replicas: 1 })
  const sender = producer(t, node)
  for (let i = 0; i < 10; i++) await sender.send({ messages: [{ topic: 'trimmed', partition: 0, key: `key-${i}`, value: `value-${i}` }] })
  assert.equal(await offsetOf(client, 'trimmed', -2n), 0n)
  assert.equal(await offsetOf(client, 'trimmed', -1n), 10n)

  const [deleted] = await client.deleteRecords({ topics: [{ name: 'trimmed', partitions: [{ partition: 0, offset: 4n }] }] })
  assert.deepEqual(deleted, { name: 'trimmed', partitions: [{ partition: 0, lowWatermark: 4n }] })
  assert.equal(await offsetOf(client, 'trimmed', -2n), 4n)

  const consumer = fetcher(t, node)
  const fetchFrom = async (fetchOffset: bigint) => {
    const response = await consumer.fetch({
      node: node.nodeId,
      maxWaitTime: 100,
      topics: [{ topicId: 'trimmed', partitions: [{ partition: 0, fetchOffset, currentLeaderEpoch: -1, lastFetchedEpoch: -1, partitionMaxBytes: 1 << 20 }] }],
    })
    const partition = response.responses[0]?.partitions[0]
    assert.ok(partition !== undefined)
    return partition
  }
  const fromStart = await fetchFrom(4n)
  assert.equal(fromStart.errorCode, 0)
  assert.equal(fromStart.logStartOffset, 4n)
  const read = (fromStart.records ?? []).flatMap((batch) => batch.records.map((record) => [Number(batch.firstOffset) + record.offsetDelta, record.key?.toString(), record.value?.toString()]))
  assert.deepEqual(read, [4, 5, 6, 7, 8, 9].map((i) => [i, `key-${i}`, `value-${i}`]))
  // Before the new start: OFFSET_OUT_OF_RANGE, which the client throws.
  await rejectsWith(fetchFrom(0n), 'OFFSET_OUT_OF_RANGE')

  await rejectsWith(client.deleteRecords({ topics: [{ name: 'trimmed', partitions: [{ partition: 0, offset: 11n }] }] }), 'OFFSET_OUT_OF_RANGE')
  const [all] = await client.deleteRecords({ topics: [{ name: 'trimmed', partitions: [{ partition: 0, offset: -1n }] }] })
  assert.equal(all?.partitions[0]?.lowWatermark, 10n)
})

test('platformatic deletes a topic and re-creates the name with a new topic id', async (t) => {
  const node = await startTestBroker(t)
  const client = admin(t, node)
  const [first] = await client.createTopics({ topics: ['reborn'], partitions: 2, replicas: 1, configs: [{ name: 'retention.ms', value: '86400000' }] })
  assert.ok(first !== undefined)
  const sender = producer(t, node)
  await sender.send({ messages: [{ topic: 'reborn', partition: 0, value: 'old' }] })

  await client.deleteTopics({ topics: ['reborn'] })
  assert.deepEqual(await userTopics(client), [])
  await rejectsWith(client.deleteTopics({ topics: ['reborn'] }), 'UNKNOWN_TOPIC_OR_PARTITION')

  const [second] = await client.createTopics({ topics: ['reborn'], partitions: 1, replicas: 1 })
  assert.ok(second !== undefined)
  assert.notEqual(second.id, ZERO_UUID)
  assert.notEqual(second.id, first.id)
  assert.equal((await client.metadata({ topics: ['reborn'], forceUpdate: true })).topics.get('reborn')?.id, second.id)
  assert.equal(await offsetOf(client, 'reborn', -1n), 0n)
  assert.deepEqual(valueAndSource((await topicConfigs(client, 'reborn')).get('retention.ms')), ['604800000', DEFAULT_CONFIG])
})

test('platformatic admin sees every CreateTopics error code the broker sends', async (t) => {
  const node = await startTestBroker(t)
  const client = admin(t, node)
  await client.createTopics({ topics: ['existing'], partitions: 1, replicas: 1 })
  const create = (options: CreateTopicsOptions): Promise<unknown> => client.createTopics(options)

  await rejectsWith(create({ topics: ['existing'], partitions: 1, replicas: 1 }), 'TOPIC_ALREADY_EXISTS', "Topic 'existing' already exists.")
  await rejectsWith(create({ topics: ['bad name!'], partitions: 1, replicas: 1 }), 'INVALID_TOPIC_EXCEPTION',
    'Topic name "bad name!" is illegal, it contains a character other than ASCII alphanumerics, \'.\', \'_\' and \'-\'')
  await rejectsWith(create({ topics: ['..'], partitions: 1, replicas: 1 }), 'INVALID_TOPIC_EXCEPTION', 'Topic name cannot be "." or ".."')
  await rejectsWith(create({ topics: ['no-partitions'], partitions: 0, replicas: 1 }), 'INVALID_PARTITIONS', 'Number of partitions was set to an invalid non-positive value.')
  await rejectsWith(create({ topics: ['too-many-replicas'], partitions: 1, replicas: 3 }), 'INVALID_REPLICATION_FACTOR',
    'Unable to replicate the partition 3 time(s): The target replication factor of 3 cannot be reached because only 1 broker(s) are registered.')
  await rejectsWith(create({ topics: ['unknown-broker'], assignments: [{ partition: 0, brokers: [node.nodeId + 1] }] }), 'INVALID_REPLICA_ASSIGNMENT',
    `The manual partition assignment includes broker ${node.nodeId + 1}, but no such broker is registered.`)
  await rejectsWith(create({ topics: ['gap'], assignments: [{ partition: 0, brokers: [node.nodeId] }, { partition: 2, brokers: [node.nodeId] }] }), 'INVALID_REPLICA_ASSIGNMENT',
    'partitions should be a consecutive 0-based integer sequence')
  await rejectsWith(create({ topics: ['unknown-config'], partitions: 1, replicas: 1, configs: [{ name: 'no.such.config', value: '1' }] }), 'INVALID_CONFIG',
    'Unknown topic config name: no.such.config')
  await rejectsWith(create({ topics: ['bad-value'], partitions: 1, replicas: 1, configs: [{ name: 'retention.ms', value: 'forever' }] }), 'INVALID_CONFIG',
    'Invalid value forever for configuration retention.ms: Not a number of type LONG')
  await rejectsWith(create({ topics: ['bad-value'], partitions: 1, replicas: 1, configs: [{ name: 'cleanup.policy', value: 'shred' }] }), 'INVALID_CONFIG')
  await rejectsWith(client.deleteTopics({ topics: ['nowhere'] }), 'UNKNOWN_TOPIC_OR_PARTITION')

  assert.deepEqual(await userTopics(client), ['existing'])
})

test('platformatic lowering retention.ms through incrementalAlterConfigs deletes the old segments of a live topic', async (t) => {
  const node = await startTestBroker(t, {
    'log.retention.check.interval.ms': '200',
    'log.initial.task.delay.ms': '0',
    'log.segment.bytes': '1024',
  })
  const client = admin(t, node)
  await client.createTopics({ topics: ['aging'], partitions: 1, replicas: 1 })
  const sender = producer(t, node)

  // Ten batches of ~400 bytes, five minutes old: 1 KiB segments hold two each.
  const old = BigInt(Date.now() - 5 * 60_000)
  for (let i = 0; i < 10; i++) {
    await sender.send({ messages: [{ topic: 'aging', partition: 0, key: `key-${i}`, value: `old-${i} `.repeat(50), timestamp: old + BigInt(i) }] })
  }
  const log = node.logManager.getLog('aging', 0)
  assert.ok(log !== undefined)
  const segmentsBefore = log.segmentCount
  assert.ok(segmentsBefore >= 5, `segments: ${segmentsBefore}`)
  assert.equal(await offsetOf(client, 'aging', -2n), 0n)

  await client.incrementalAlterConfigs({
    resources: [{ resourceType: ConfigResourceTypes.TOPIC, resourceName: 'aging', configs: [{ name: 'retention.ms', configOperation: IncrementalAlterConfigOperationTypes.SET, value: '60000' }] }],
  })
  await waitFor(async () => ((await offsetOf(client, 'aging', -2n)) ?? 0n) > 0n, { timeoutMs: 10_000, what: 'the low watermark to rise' })
  await waitFor(() => log.segmentCount < segmentsBefore, { timeoutMs: 10_000, what: 'old segments to be deleted' })
  assert.equal(await offsetOf(client, 'aging', -1n), 10n)
})

test('platformatic sees every config again after a broker restart', async (t) => {
  const broker = await startRestartableBroker(t, { 'log.retention.ms': '3600000' })
  const before = new Admin({ ...FAST, clientId: 'pf-admin-before-restart', bootstrapBrokers: [broker.current().bootstrap] })
  let ids: Map<string, string>
  try {
    const created = await before.createTopics({
      topics: ['kept'], partitions: 3, replicas: 1,
      configs: [{ name: 'cleanup.policy', value: 'compact' }, { name: 'max.message.bytes', value: '2000000' }],
    })
    ids = new Map(created.map((topic) => [topic.name, topic.id]))
    await before.incrementalAlterConfigs({
      resources: [
        { resourceType: ConfigResourceTypes.TOPIC, resourceName: 'kept', configs: [{ name: 'segment.ms', configOperation: IncrementalAlterConfigOperationTypes.SET, value: '600000' }] },
        { resourceType: ConfigResourceTypes.BROKER, resourceName: String(broker.current().nodeId), configs: [{ name: 'log.segment.bytes', configOperation: IncrementalAlterConfigOperationTypes.SET, value: '5000000' }] },
      ],
    })
    await before.createPartitions({ topics: [{ name: 'kept', count: 4 }] })
  } finally {
    await before.close()
  }

  const node = await broker.restart()
  const client = admin(t, node)
  const kept = await topicConfigs(client, 'kept')
  assert.deepEqual(valueAndSource(kept.get('cleanup.policy')), ['compact', DYNAMIC_TOPIC_CONFIG])
  assert.deepEqual(valueAndSource(kept.get('max.message.bytes')), ['2000000', DYNAMIC_TOPIC_CONFIG])
  assert.deepEqual(valueAndSource(kept.get('segment.ms')), ['600000', DYNAMIC_TOPIC_CONFIG])
  assert.deepEqual(valueAndSource(kept.get('retention.ms')), ['3600000', STATIC_BROKER_CONFIG])
  assert.deepEqual(valueAndSource(kept.get('segment.bytes')), ['5000000', DYNAMIC_BROKER_CONFIG])
  assert.deepEqual(valueAndSource((await brokerConfigs(client, node)).get('log.segment.bytes')), ['5000000', DYNAMIC_BROKER_CONFIG])
  const metadata = (await client.metadata({ topics: ['kept'], forceUpdate: true })).topics.get('kept')
  assert.equal(metadata?.partitionsCount, 4)
  assert.equal(metadata?.id, ids.get('kept'))
  assert.equal(node.logManager.getLog('kept', 0)?.config.segmentMs, 600_000)
})
