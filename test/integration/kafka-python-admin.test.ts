// The admin API of kafka-python 2.0.2 (Debian's python3-kafka) against a real node: create_topics
// (topic_configs, replica_assignments, validate_only), describe_configs (values, sources, synonyms),
// alter_configs (legacy AlterConfigs: the new set replaces the old), create_partitions,
// delete_topics, describe_cluster, and every admin error code as a kafka.errors exception.
// kafka-python picks the highest version it knows within the broker's range: CreateTopics v3,
// DeleteTopics v3, CreatePartitions v1, DescribeConfigs v2 and AlterConfigs v1. It raises on the
// first topic error of CreateTopics, DeleteTopics and CreatePartitions and returns DescribeConfigs
// and AlterConfigs responses raw. kafka-python 2.0.2 has no delete_records (DeleteRecords is
// covered through kafkajs). Each admin session is one Python child running a list of steps.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { startRestartableBroker, startTestBroker, waitFor } from '../helpers/broker.js'
import { runPythonJson } from '../helpers/python.js'

const ADMIN = `
import json, sys
from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import ConfigResource, ConfigResourceType, NewPartitions, NewTopic
from kafka.errors import KafkaError
args = json.load(sys.stdin)
a = KafkaAdminClient(bootstrap_servers=args['bootstrap'], request_timeout_ms=10000)
SOURCES = {1: 'DYNAMIC_TOPIC_CONFIG', 2: 'DYNAMIC_BROKER_CONFIG', 3: 'DYNAMIC_DEFAULT_BROKER_CONFIG', 4: 'STATIC_BROKER_CONFIG', 5: 'DEFAULT_CONFIG'}
TYPES = {'topic': ConfigResourceType.TOPIC, 'broker': ConfigResourceType.BROKER}
def raised(call):
    try:
        return call()
    except KafkaError as e:
        return {'raised': type(e).__name__, 'errno': e.errno}
def new_topic(t):
    if 'assignment' in t:
        return NewTopic(t['name'], -1, -1, replica_assignments={i: r for i, r in enumerate(t['assignment'])}, topic_configs=t.get('config', {}))
    return NewTopic(t['name'], t['partitions'], t['replicationFactor'], topic_configs=t.get('config', {}))
def entry(e):
    name, value, read_only, source, sensitive, synonyms = e
    return {'value': value, 'source': SOURCES.get(source, source), 'isReadOnly': read_only, 'isSensitive': sensitive,
            'synonyms': [[n, v, SOURCES.get(s, s)] for n, v, s in synonyms]}
def describe(step):
    resources = [ConfigResource(TYPES[r['type']], r['name'], {k: None for k in r['only']} if 'only' in r else None) for r in step['resources']]
    result = {}
    for response in a.describe_configs(resources, include_synonyms=True):
        for code, message, _type, name, entries in response.resources:
            result[name] = {'errorCode': code, 'errorMessage': message, 'count': len(entries),
                            'entries': {e[0]: entry(e) for e in entries if e[0] in step['keys']}}
    return result
def run(step):
    op = step['op']
    if op == 'create':
        return raised(lambda: [[name, code] for name, code, _message in a.create_topics(
            [new_topic(t) for t in step['topics']], validate_only=step.get('validateOnly', False)).topic_errors])
    if op == 'describe':
        return describe(step)
    if op == 'alter':
        response = a.alter_configs([ConfigResource(TYPES[r['type']], r['name'], r['configs']) for r in step['resources']])
        return {name: [code, message] for code, message, _type, name in response.resources}
    if op == 'partitions':
        return raised(lambda: [list(e[:2]) for e in a.create_partitions(
            {p['topic']: NewPartitions(p['count']) for p in step['topics']}, validate_only=step.get('validateOnly', False)).topic_errors])
    if op == 'delete':
        return raised(lambda: [list(e) for e in a.delete_topics(step['topics']).topic_error_codes])
    if op == 'list':
        return {t['topic']: len(t['partitions']) for t in a.describe_topics() if not t['is_internal']}
    if op == 'cluster':
        cluster = a.describe_cluster()
        return {'brokers': [[b['node_id'], b['host'], b['port']] for b in cluster['brokers']], 'controller': cluster['controller_id'],
                'clusterId': cluster['cluster_id']}
    if op == 'produce':
        p = KafkaProducer(bootstrap_servers=args['bootstrap'], linger_ms=0, request_timeout_ms=10000)
        offsets = [p.send(step['topic'], key=r['key'].encode(), value=r['value'].encode(), partition=0, timestamp_ms=r['timestamp']).get(timeout=10).offset
                   for r in step['records']]
        p.close(timeout=10)
        return offsets
    if op == 'watermarks':
        c = KafkaConsumer(bootstrap_servers=args['bootstrap'], request_timeout_ms=11000)
        tp = TopicPartition(step['topic'], 0)
        result = [c.beginning_offsets([tp])[tp], c.end_offsets([tp])[tp]]
        c.close()
        return result
    raise ValueError(op)
print(json.dumps([run(step) for step in args['steps']]))
a.close()
`

type Resource = { type: 'topic' | 'broker'; name: string }
type Step =
  | { op: 'create'; topics: ({ name: string; partitions: number; replicationFactor: number; config?: Record<string, string> } | { name: string; assignment: number[][]; config?: Record<string, string> })[]; validateOnly?: boolean }
  | { op: 'describe'; resources: (Resource & { only?: string[] })[]; keys: string[] }
  | { op: 'alter'; resources: (Resource & { configs: Record<string, string> })[] }
  | { op: 'partitions'; topics: { topic: string; count: number }[]; validateOnly?: boolean }
  | { op: 'delete'; topics: string[] }
  | { op: 'list' }
  | { op: 'cluster' }
  | { op: 'produce'; topic: string; records: { key: string; value: string; timestamp: number }[] }
  | { op: 'watermarks'; topic: string }

interface Entry {
  value: string | null
  source: string
  isReadOnly: boolean
  isSensitive: boolean
  synonyms: [string, string | null, string][]
}

interface DescribedResource {
  errorCode: number
  errorMessage: string | null
  /** How many entries the resource had in all. */
  count: number
  /** The entries of the step's keys. */
  entries: Record<string, Entry>
}

/** Runs the steps in one KafkaAdminClient session; each step's result. */
async function admin(bootstrap: string, steps: Step[]): Promise<unknown[]> {
  return await runPythonJson(ADMIN, { bootstrap, steps }, { timeoutMs: 40_000 }) as unknown[]
}

/** The described entries of one resource (fails when the resource answered an error). */
function entriesOf(described: unknown, name: string): Record<string, Entry> {
  const resource = (described as Record<string, DescribedResource>)[name]
  if (resource === undefined || resource.errorCode !== 0) throw new Error(`describe_configs of ${name} failed: ${JSON.stringify(resource)}`)
  return resource.entries
}

/** [value, source] per key of the resources named. */
function summary(described: unknown, names: readonly string[]): Record<string, Record<string, [string | null, string]>> {
  return Object.fromEntries(names.map((name) => [name, Object.fromEntries(Object.entries(entriesOf(described, name)).map(([key, e]) => [key, [e.value, e.source]]))]))
}

test('KafkaAdminClient.create_topics creates topics with topic_configs and with replica_assignments; validate_only creates nothing', async (t) => {
  const node = await startTestBroker(t)
  const [created, validated, validatedDuplicate, listing, described] = await admin(node.bootstrap, [
    {
      op: 'create', topics: [
        { name: 'py-configs', partitions: 2, replicationFactor: 1, config: { 'cleanup.policy': 'compact', 'max.message.bytes': '65536' } },
        { name: 'py-assigned', assignment: [[node.nodeId], [node.nodeId], [node.nodeId]] },
      ],
    },
    { op: 'create', topics: [{ name: 'py-validated', partitions: 4, replicationFactor: 1, config: { 'retention.ms': '1000' } }], validateOnly: true },
    { op: 'create', topics: [{ name: 'py-configs', partitions: 1, replicationFactor: 1 }], validateOnly: true },
    { op: 'list' },
    { op: 'describe', resources: [{ type: 'topic', name: 'py-configs' }], keys: ['cleanup.policy', 'max.message.bytes'] },
  ])
  assert.deepEqual(created, [['py-configs', 0], ['py-assigned', 0]])
  assert.deepEqual(validated, [['py-validated', 0]])
  assert.deepEqual(validatedDuplicate, { raised: 'TopicAlreadyExistsError', errno: 36 })
  assert.deepEqual(listing, { 'py-configs': 2, 'py-assigned': 3 })
  assert.deepEqual(summary(described, ['py-configs']), {
    'py-configs': { 'cleanup.policy': ['compact', 'DYNAMIC_TOPIC_CONFIG'], 'max.message.bytes': ['65536', 'DYNAMIC_TOPIC_CONFIG'] },
  })
  assert.equal(node.logManager.getLog('py-validated', 0), undefined)
  assert.ok(node.logManager.getLog('py-assigned', 2) !== undefined)
})

test('KafkaAdminClient.describe_configs shows values, sources and synonyms of a default, a dynamic topic key and a static broker key, and the broker resource', async (t) => {
  const node = await startTestBroker(t, { 'log.retention.ms': '3600000' })
  const brokerId = String(node.nodeId)
  const [created, described, onlyOne] = await admin(node.bootstrap, [
    { op: 'create', topics: [{ name: 'py-describe', partitions: 1, replicationFactor: 1, config: { 'cleanup.policy': 'compact' } }] },
    {
      op: 'describe', resources: [{ type: 'topic', name: 'py-describe' }, { type: 'broker', name: brokerId }],
      keys: ['cleanup.policy', 'retention.ms', 'segment.bytes', 'log.retention.ms', 'log.segment.bytes', 'num.partitions'],
    },
    { op: 'describe', resources: [{ type: 'broker', name: brokerId, only: ['log.retention.ms'] }], keys: ['log.retention.ms'] },
  ])
  assert.deepEqual(created, [['py-describe', 0]])
  const topic = entriesOf(described, 'py-describe')
  assert.deepEqual(topic['cleanup.policy'], {
    value: 'compact', source: 'DYNAMIC_TOPIC_CONFIG', isReadOnly: false, isSensitive: false,
    synonyms: [['cleanup.policy', 'compact', 'DYNAMIC_TOPIC_CONFIG'], ['log.cleanup.policy', 'delete', 'DEFAULT_CONFIG']],
  })
  assert.deepEqual(topic['retention.ms'], {
    value: '3600000', source: 'STATIC_BROKER_CONFIG', isReadOnly: false, isSensitive: false,
    synonyms: [['log.retention.ms', '3600000', 'STATIC_BROKER_CONFIG'], ['log.retention.hours', '168', 'DEFAULT_CONFIG']],
  })
  assert.deepEqual(topic['segment.bytes'], {
    value: '1073741824', source: 'DEFAULT_CONFIG', isReadOnly: false, isSensitive: false,
    synonyms: [['log.segment.bytes', '1073741824', 'DEFAULT_CONFIG']],
  })
  assert.ok((described as Record<string, DescribedResource>)['py-describe']!.count >= 30, 'every topic config is described')

  const broker = entriesOf(described, brokerId)
  assert.deepEqual(broker['log.retention.ms'], {
    value: '3600000', source: 'STATIC_BROKER_CONFIG', isReadOnly: false, isSensitive: false,
    synonyms: [['log.retention.ms', '3600000', 'STATIC_BROKER_CONFIG'], ['log.retention.hours', '168', 'DEFAULT_CONFIG']],
  })
  assert.deepEqual([broker['log.segment.bytes']?.value, broker['log.segment.bytes']?.source], ['1073741824', 'DEFAULT_CONFIG'])
  assert.deepEqual([broker['num.partitions']?.value, broker['num.partitions']?.isReadOnly], ['1', true])
  const only = (onlyOne as Record<string, DescribedResource>)[brokerId]
  assert.deepEqual([only?.errorCode, only?.count, only?.entries['log.retention.ms']?.value], [0, 1, '3600000'], 'the keys asked for, and only those')
})

test('KafkaAdminClient.alter_configs (legacy) replaces a topic\'s configs: a key it does not name reverts to the default', async (t) => {
  const node = await startTestBroker(t)
  const [created, altered, described] = await admin(node.bootstrap, [
    { op: 'create', topics: [{ name: 'py-alter', partitions: 1, replicationFactor: 1, config: { 'cleanup.policy': 'compact', 'retention.ms': '86400000' } }] },
    { op: 'alter', resources: [{ type: 'topic', name: 'py-alter', configs: { 'retention.ms': '5000', 'segment.bytes': '1048576' } }] },
    { op: 'describe', resources: [{ type: 'topic', name: 'py-alter' }], keys: ['cleanup.policy', 'retention.ms', 'segment.bytes'] },
  ])
  assert.deepEqual(created, [['py-alter', 0]])
  assert.deepEqual(altered, { 'py-alter': [0, null] })
  assert.deepEqual(summary(described, ['py-alter']), {
    'py-alter': {
      'cleanup.policy': ['delete', 'DEFAULT_CONFIG'],
      'retention.ms': ['5000', 'DYNAMIC_TOPIC_CONFIG'],
      'segment.bytes': ['1048576', 'DYNAMIC_TOPIC_CONFIG'],
    },
  })
  assert.equal(node.logManager.getLog('py-alter', 0)?.config.segmentBytes, 1_048_576)
  assert.equal(node.logManager.getLog('py-alter', 0)?.config.retentionMs, 5_000)
})

test('KafkaAdminClient.create_partitions grows a topic from 3 to 5 partitions; shrinking raises InvalidPartitionsError', async (t) => {
  const node = await startTestBroker(t)
  const [created, validated, listedAfterValidate, grown, listing, shrunk, same] = await admin(node.bootstrap, [
    { op: 'create', topics: [{ name: 'py-grow', partitions: 3, replicationFactor: 1 }] },
    { op: 'partitions', topics: [{ topic: 'py-grow', count: 5 }], validateOnly: true },
    { op: 'list' },
    { op: 'partitions', topics: [{ topic: 'py-grow', count: 5 }] },
    { op: 'list' },
    { op: 'partitions', topics: [{ topic: 'py-grow', count: 4 }] },
    { op: 'partitions', topics: [{ topic: 'py-grow', count: 5 }] },
  ])
  assert.deepEqual(created, [['py-grow', 0]])
  assert.deepEqual(validated, [['py-grow', 0]])
  assert.deepEqual(listedAfterValidate, { 'py-grow': 3 })
  assert.deepEqual(grown, [['py-grow', 0]])
  assert.deepEqual(listing, { 'py-grow': 5 })
  assert.deepEqual(shrunk, { raised: 'InvalidPartitionsError', errno: 37 })
  assert.deepEqual(same, { raised: 'InvalidPartitionsError', errno: 37 })
  await waitFor(() => node.logManager.getLog('py-grow', 4) !== undefined, { timeoutMs: 5_000, what: 'the log of the new partition 4' })
})

test('KafkaAdminClient.delete_topics removes a topic and the name can be created again at once, empty and without its old configs', async (t) => {
  const node = await startTestBroker(t)
  const timestamp = Date.now()
  const [created, produced, deleted, listing, recreated, relisted, described, watermarks] = await admin(node.bootstrap, [
    { op: 'create', topics: [{ name: 'py-reuse', partitions: 2, replicationFactor: 1, config: { 'retention.ms': '86400000' } }] },
    { op: 'produce', topic: 'py-reuse', records: [{ key: 'k', value: 'before delete', timestamp }, { key: 'k', value: 'again', timestamp }] },
    { op: 'delete', topics: ['py-reuse'] },
    { op: 'list' },
    { op: 'create', topics: [{ name: 'py-reuse', partitions: 1, replicationFactor: 1 }] },
    { op: 'list' },
    { op: 'describe', resources: [{ type: 'topic', name: 'py-reuse' }], keys: ['retention.ms'] },
    { op: 'watermarks', topic: 'py-reuse' },
  ])
  assert.deepEqual(created, [['py-reuse', 0]])
  assert.deepEqual(produced, [0, 1])
  assert.deepEqual(deleted, [['py-reuse', 0]])
  assert.deepEqual(listing, {})
  assert.deepEqual(recreated, [['py-reuse', 0]])
  assert.deepEqual(relisted, { 'py-reuse': 1 })
  assert.equal(entriesOf(described, 'py-reuse')['retention.ms']?.source, 'DEFAULT_CONFIG')
  assert.deepEqual(watermarks, [0, 0], 'the new topic starts empty')
})

test('KafkaAdminClient.describe_cluster names this node as the one broker and the controller', async (t) => {
  const node = await startTestBroker(t)
  const [cluster] = await admin(node.bootstrap, [{ op: 'cluster' }])
  const { brokers, controller, clusterId } = cluster as { brokers: [number, string, number][]; controller: number; clusterId: string }
  assert.deepEqual(brokers, [[node.nodeId, '127.0.0.1', node.listeners.get('PLAINTEXT')!.port]])
  assert.equal(controller, node.nodeId)
  assert.match(clusterId, /^[\w-]{22}$/)
})

test('KafkaAdminClient raises every admin error code: TopicAlreadyExists, InvalidTopic, InvalidPartitions, InvalidReplicationFactor, InvalidReplicationAssignment, InvalidConfiguration, UnknownTopicOrPartition', async (t) => {
  const node = await startTestBroker(t)
  const results = await admin(node.bootstrap, [
    { op: 'create', topics: [{ name: 'py-exists', partitions: 1, replicationFactor: 1 }] },
    { op: 'create', topics: [{ name: 'py-exists', partitions: 1, replicationFactor: 1 }] },
    { op: 'create', topics: [{ name: 'bad name!', partitions: 1, replicationFactor: 1 }] },
    { op: 'create', topics: [{ name: '..', partitions: 1, replicationFactor: 1 }] },
    { op: 'create', topics: [{ name: 'py-zero-partitions', partitions: 0, replicationFactor: 1 }] },
    { op: 'create', topics: [{ name: 'py-three-replicas', partitions: 1, replicationFactor: 3 }] },
    { op: 'create', topics: [{ name: 'py-missing-broker', assignment: [[node.nodeId + 1]] }] },
    { op: 'create', topics: [{ name: 'py-bad-value', partitions: 1, replicationFactor: 1, config: { 'retention.ms': 'soon' } }] },
    { op: 'create', topics: [{ name: 'py-unknown-key', partitions: 1, replicationFactor: 1, config: { 'no.such.config': '1' } }] },
    { op: 'partitions', topics: [{ topic: 'py-exists', count: 1 }] },
    { op: 'partitions', topics: [{ topic: 'py-missing', count: 2 }] },
    { op: 'alter', resources: [{ type: 'topic', name: 'py-exists', configs: { 'cleanup.policy': 'sometimes' } }, { type: 'topic', name: 'py-missing', configs: { 'retention.ms': '1000' } }] },
    { op: 'describe', resources: [{ type: 'topic', name: 'py-missing' }], keys: [] },
    { op: 'delete', topics: ['py-missing'] },
    { op: 'list' },
  ])
  const [created, duplicate, badName, dots, zeroPartitions, threeReplicas, missingBroker, badValue, unknownKey,
    shrink, growMissing, alters, describes, deletes, listing] = results
  assert.deepEqual(created, [['py-exists', 0]])
  assert.deepEqual(duplicate, { raised: 'TopicAlreadyExistsError', errno: 36 })
  assert.deepEqual(badName, { raised: 'InvalidTopicError', errno: 17 })
  assert.deepEqual(dots, { raised: 'InvalidTopicError', errno: 17 })
  assert.deepEqual(zeroPartitions, { raised: 'InvalidPartitionsError', errno: 37 })
  assert.deepEqual(threeReplicas, { raised: 'InvalidReplicationFactorError', errno: 38 })
  assert.deepEqual(missingBroker, { raised: 'InvalidReplicationAssignmentError', errno: 39 })
  assert.deepEqual(badValue, { raised: 'InvalidConfigurationError', errno: 40 })
  assert.deepEqual(unknownKey, { raised: 'InvalidConfigurationError', errno: 40 })
  assert.deepEqual(shrink, { raised: 'InvalidPartitionsError', errno: 37 })
  assert.deepEqual(growMissing, { raised: 'UnknownTopicOrPartitionError', errno: 3 })
  const alterErrors = alters as Record<string, [number, string | null]>
  assert.equal(alterErrors['py-exists']?.[0], 40)
  assert.match(alterErrors['py-exists']?.[1] ?? '', /sometimes/)
  assert.deepEqual(alterErrors['py-missing'], [3, 'The topic \'py-missing\' does not exist.'])
  const described = (describes as Record<string, DescribedResource>)['py-missing']
  assert.deepEqual([described?.errorCode, described?.errorMessage], [3, null], 'Kafka answers DescribeConfigs of a missing topic with the code alone')
  assert.deepEqual(deletes, { raised: 'UnknownTopicOrPartitionError', errno: 3 })
  assert.deepEqual(listing, { 'py-exists': 1 }, 'no failed request created anything')
})

test('retention.ms lowered through KafkaAdminClient.alter_configs deletes the old segments of a live topic', async (t) => {
  const node = await startTestBroker(t, { 'log.retention.check.interval.ms': '200', 'log.initial.task.delay.ms': '0' })
  const bootstrap = node.bootstrap
  const topic = 'py-retention'
  // Five minutes old: inside the default retention (7 days), outside 60 s. One record per batch
  // (each send waits for its acknowledgement), so the 1 KiB segments roll every few records.
  const base = Date.now() - 5 * 60_000
  const records = Array.from({ length: 30 }, (_, i) => ({ key: `k${i}`, value: `${i}:${'x'.repeat(200)}`, timestamp: base + i }))
  const [created, produced] = await admin(bootstrap, [
    { op: 'create', topics: [{ name: topic, partitions: 1, replicationFactor: 1, config: { 'segment.bytes': '1024' } }] },
    { op: 'produce', topic, records },
  ])
  assert.deepEqual(created, [[topic, 0]])
  assert.deepEqual(produced, records.map((_, i) => i))
  const log = node.logManager.getLog(topic, 0)
  assert.ok(log !== undefined)
  const segmentsBefore = log.segmentCount
  assert.ok(segmentsBefore >= 5, `small segments roll: ${segmentsBefore} segments`)
  assert.equal(log.logStartOffset, 0n)

  // The legacy form replaces every topic config, so segment.bytes is named again.
  const [altered, described] = await admin(bootstrap, [
    { op: 'alter', resources: [{ type: 'topic', name: topic, configs: { 'segment.bytes': '1024', 'retention.ms': '60000' } }] },
    { op: 'describe', resources: [{ type: 'topic', name: topic }], keys: ['retention.ms', 'segment.bytes'] },
  ])
  assert.deepEqual(altered, { [topic]: [0, null] })
  assert.deepEqual(summary(described, [topic]), { [topic]: { 'retention.ms': ['60000', 'DYNAMIC_TOPIC_CONFIG'], 'segment.bytes': ['1024', 'DYNAMIC_TOPIC_CONFIG'] } })
  await waitFor(() => log.segmentCount < segmentsBefore && log.logStartOffset > 0n, { timeoutMs: 10_000, what: 'retention to delete the old segments' })
  const [watermarks] = await admin(bootstrap, [{ op: 'watermarks', topic }])
  const [low, high] = watermarks as [number, number]
  assert.ok(low > 0, `the earliest offset the client sees rose: ${low}`)
  assert.equal(high, records.length)
})

test('a broker restart keeps the topic and broker configs set through KafkaAdminClient, and grown partition counts', async (t) => {
  const broker = await startRestartableBroker(t, { 'log.retention.ms': '3600000' })
  const node = broker.current()
  const brokerId = String(node.nodeId)
  const keys = ['cleanup.policy', 'retention.ms', 'max.message.bytes', 'segment.bytes', 'log.cleaner.delete.retention.ms', 'log.segment.bytes', 'log.retention.ms']
  const resources: Resource[] = [{ type: 'topic', name: 'py-durable' }, { type: 'broker', name: brokerId }]
  const [created, alteredTopic, alteredBroker, grown, before] = await admin(node.bootstrap, [
    { op: 'create', topics: [{ name: 'py-durable', partitions: 3, replicationFactor: 1, config: { 'cleanup.policy': 'compact', 'max.message.bytes': '65536' } }] },
    { op: 'alter', resources: [{ type: 'topic', name: 'py-durable', configs: { 'cleanup.policy': 'compact', 'retention.ms': '7200000' } }] },
    { op: 'alter', resources: [{ type: 'broker', name: brokerId, configs: { 'log.cleaner.delete.retention.ms': '3600000', 'log.segment.bytes': '2097152' } }] },
    { op: 'partitions', topics: [{ topic: 'py-durable', count: 5 }] },
    { op: 'describe', resources, keys },
  ])
  assert.deepEqual(created, [['py-durable', 0]])
  assert.deepEqual(alteredTopic, { 'py-durable': [0, null] })
  assert.deepEqual(alteredBroker, { [brokerId]: [0, null] })
  assert.deepEqual(grown, [['py-durable', 0]])
  const expected = {
    'py-durable': {
      'cleanup.policy': ['compact', 'DYNAMIC_TOPIC_CONFIG'],
      'retention.ms': ['7200000', 'DYNAMIC_TOPIC_CONFIG'],
      'max.message.bytes': ['1048588', 'DEFAULT_CONFIG'], // the legacy alter did not name it
      'segment.bytes': ['2097152', 'DYNAMIC_BROKER_CONFIG'],
    },
    [brokerId]: {
      'log.cleaner.delete.retention.ms': ['3600000', 'DYNAMIC_BROKER_CONFIG'],
      'log.segment.bytes': ['2097152', 'DYNAMIC_BROKER_CONFIG'],
      'log.retention.ms': ['3600000', 'STATIC_BROKER_CONFIG'],
    },
  }
  assert.deepEqual(summary(before, ['py-durable', brokerId]), expected)

  const restarted = await broker.restart()
  const [after, listing] = await admin(restarted.bootstrap, [{ op: 'describe', resources, keys }, { op: 'list' }])
  assert.deepEqual(summary(after, ['py-durable', brokerId]), expected)
  assert.deepEqual(listing, { 'py-durable': 5 })
  assert.equal(restarted.logManager.getLog('py-durable', 0)?.config.segmentBytes, 2_097_152)
  assert.equal(restarted.logManager.getLog('py-durable', 0)?.config.retentionMs, 7_200_000)
})
