// The admin API of confluent-kafka-python (Debian's 1.7 on librdkafka 2.0.2) against a real node:
// create_topics (configs, replica assignments, validate_only), describe_configs (values, sources,
// synonyms, flags), alter_configs (legacy AlterConfigs: the new set replaces the old),
// create_partitions, delete_topics, and every admin error code as librdkafka names it. librdkafka
// 2.0.2 sends CreateTopics v4, DeleteTopics v1, CreatePartitions v1, DescribeConfigs v1 and
// AlterConfigs v0. confluent-kafka 1.7 has no delete_records (DeleteRecords is covered through
// kafkajs). Each admin session is one Python child running a list of steps.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { startRestartableBroker, startTestBroker, waitFor } from '../helpers/broker.js'
import { ckProduce, ckRun, type CkRecord } from '../helpers/confluent-kafka.js'

const ADMIN = `
from confluent_kafka.admin import AdminClient, ConfigResource, ConfigSource, NewPartitions, NewTopic
a = AdminClient({'bootstrap.servers': args['bootstrap']})
def entry(e):
    return {'value': e.value, 'source': ConfigSource(e.source).name, 'isDefault': e.is_default, 'isReadOnly': e.is_read_only,
            'isSensitive': e.is_sensitive, 'synonyms': [[s.name, s.value, ConfigSource(s.source).name] for s in e.synonyms.values()]}
def describe(step):
    futures = a.describe_configs([ConfigResource(r['type'], r['name']) for r in step['resources']], request_timeout=10)
    result = {}
    for resource, future in futures.items():
        try:
            entries = future.result(timeout=10)
            result[resource.name] = {k: entry(e) for k, e in entries.items() if k in step['keys']}
            result[resource.name]['#entries'] = len(entries)
        except KafkaException as e:
            result[resource.name] = e.args[0].name()
    return result
def run(step):
    op = step['op']
    if op == 'create':
        def new_topic(t):
            if 'assignment' in t:
                return NewTopic(t['name'], t['partitions'], replica_assignment=t['assignment'], config=t.get('config', {}))
            return NewTopic(t['name'], t['partitions'], t['replicationFactor'], config=t.get('config', {}))
        topics = [new_topic(t) for t in step['topics']]
        return outcome(a.create_topics(topics, validate_only=step.get('validateOnly', False), request_timeout=10))
    if op == 'describe':
        return describe(step)
    if op == 'alter':
        resources = [ConfigResource(r['type'], r['name'], set_config=r['configs']) for r in step['resources']]
        return outcome(a.alter_configs(resources, validate_only=step.get('validateOnly', False), request_timeout=10))
    if op == 'partitions':
        return outcome(a.create_partitions([NewPartitions(p['topic'], p['count']) for p in step['topics']],
                                           validate_only=step.get('validateOnly', False), request_timeout=10))
    if op == 'delete':
        return outcome(a.delete_topics(step['topics'], request_timeout=10))
    if op == 'list':
        return {name: len(t.partitions) for name, t in a.list_topics(timeout=10).topics.items()}
    if op == 'watermarks':
        c = Consumer({'bootstrap.servers': args['bootstrap'], 'group.id': 'sluice-admin', 'enable.auto.commit': False})
        low, high = c.get_watermark_offsets(TopicPartition(step['topic'], 0), timeout=10)
        c.close()
        return [low, high]
    raise ValueError(op)
out([run(step) for step in args['steps']])
`

type Step =
  | { op: 'create'; topics: { name: string; partitions?: number; replicationFactor?: number; assignment?: number[][]; config?: Record<string, string> }[]; validateOnly?: boolean }
  | { op: 'describe'; resources: { type: 'topic' | 'broker'; name: string }[]; keys: string[] }
  | { op: 'alter'; resources: { type: 'topic' | 'broker'; name: string; configs: Record<string, string> }[]; validateOnly?: boolean }
  | { op: 'partitions'; topics: { topic: string; count: number }[]; validateOnly?: boolean }
  | { op: 'delete'; topics: string[] }
  | { op: 'list' }
  | { op: 'watermarks'; topic: string }

interface Entry {
  value: string | null
  source: string
  isDefault: boolean
  isReadOnly: boolean
  isSensitive: boolean
  synonyms: [string, string | null, string][]
}

/** Per resource name, the requested keys (plus '#entries', how many there were), or an error name. */
type Described = Record<string, Record<string, Entry> | string>

/** Runs the steps in one AdminClient session; each step's result (error names by topic or resource). */
async function admin(bootstrap: string, steps: Step[]): Promise<unknown[]> {
  return await ckRun(ADMIN, { bootstrap, steps }, { timeoutMs: 30_000 }) as unknown[]
}

/** The described entries of one resource (fails when the resource answered an error). */
function entriesOf(described: unknown, name: string): Record<string, Entry> {
  const result = (described as Described)[name]
  if (typeof result !== 'object') throw new Error(`describe_configs of ${name} failed: ${String(result)}`)
  return result
}

test('AdminClient.create_topics creates topics with configs and with explicit replica assignments; validate_only creates nothing', async (t) => {
  const node = await startTestBroker(t)
  const [created, validated, validatedDuplicate, listing, described] = await admin(node.bootstrap, [
    {
      op: 'create', topics: [
        { name: 'ck-configs', partitions: 2, replicationFactor: 1, config: { 'cleanup.policy': 'compact', 'max.message.bytes': '65536' } },
        { name: 'ck-assigned', partitions: 3, assignment: [[node.nodeId], [node.nodeId], [node.nodeId]] },
      ],
    },
    { op: 'create', topics: [{ name: 'ck-validated', partitions: 4, replicationFactor: 1, config: { 'retention.ms': '1000' } }], validateOnly: true },
    { op: 'create', topics: [{ name: 'ck-configs', partitions: 1, replicationFactor: 1 }], validateOnly: true },
    { op: 'list' },
    { op: 'describe', resources: [{ type: 'topic', name: 'ck-configs' }], keys: ['cleanup.policy', 'max.message.bytes'] },
  ])
  assert.deepEqual(created, { 'ck-configs': null, 'ck-assigned': null })
  assert.deepEqual(validated, { 'ck-validated': null })
  assert.deepEqual(validatedDuplicate, { 'ck-configs': 'TOPIC_ALREADY_EXISTS' })
  assert.deepEqual(listing, { 'ck-configs': 2, 'ck-assigned': 3 })
  const entries = entriesOf(described, 'ck-configs')
  assert.equal(entries['cleanup.policy']?.value, 'compact')
  assert.equal(entries['cleanup.policy']?.source, 'DYNAMIC_TOPIC_CONFIG')
  assert.equal(entries['max.message.bytes']?.value, '65536')
  assert.equal(entries['max.message.bytes']?.source, 'DYNAMIC_TOPIC_CONFIG')
  assert.equal(node.logManager.getLog('ck-validated', 0), undefined)
  assert.ok(node.logManager.getLog('ck-assigned', 2) !== undefined)
})

test('AdminClient.describe_configs shows values, sources and synonyms of a default, a dynamic topic key and a static broker key, and the broker resource', async (t) => {
  const node = await startTestBroker(t, { 'log.retention.ms': '3600000' })
  const brokerId = String(node.nodeId)
  const [created, described] = await admin(node.bootstrap, [
    { op: 'create', topics: [{ name: 'ck-describe', partitions: 1, replicationFactor: 1, config: { 'cleanup.policy': 'compact' } }] },
    {
      op: 'describe', resources: [{ type: 'topic', name: 'ck-describe' }, { type: 'broker', name: brokerId }],
      keys: ['cleanup.policy', 'retention.ms', 'segment.bytes', 'log.retention.ms', 'log.segment.bytes', 'num.partitions'],
    },
  ])
  assert.deepEqual(created, { 'ck-describe': null })
  const topic = entriesOf(described, 'ck-describe')
  assert.deepEqual(topic['cleanup.policy'], {
    value: 'compact', source: 'DYNAMIC_TOPIC_CONFIG', isDefault: false, isReadOnly: false, isSensitive: false,
    synonyms: [['cleanup.policy', 'compact', 'DYNAMIC_TOPIC_CONFIG'], ['log.cleanup.policy', 'delete', 'DEFAULT_CONFIG']],
  })
  assert.deepEqual(topic['retention.ms'], {
    value: '3600000', source: 'STATIC_BROKER_CONFIG', isDefault: false, isReadOnly: false, isSensitive: false,
    synonyms: [['log.retention.ms', '3600000', 'STATIC_BROKER_CONFIG'], ['log.retention.hours', '168', 'DEFAULT_CONFIG']],
  })
  assert.deepEqual(topic['segment.bytes'], {
    value: '1073741824', source: 'DEFAULT_CONFIG', isDefault: true, isReadOnly: false, isSensitive: false,
    synonyms: [['log.segment.bytes', '1073741824', 'DEFAULT_CONFIG']],
  })
  assert.ok((topic['#entries'] as unknown as number) >= 30, 'every topic config is described')

  const broker = entriesOf(described, brokerId)
  assert.deepEqual(broker['log.retention.ms'], {
    value: '3600000', source: 'STATIC_BROKER_CONFIG', isDefault: false, isReadOnly: false, isSensitive: false,
    synonyms: [['log.retention.ms', '3600000', 'STATIC_BROKER_CONFIG'], ['log.retention.hours', '168', 'DEFAULT_CONFIG']],
  })
  assert.equal(broker['log.segment.bytes']?.source, 'DEFAULT_CONFIG')
  assert.equal(broker['log.segment.bytes']?.isDefault, true)
  assert.equal(broker['num.partitions']?.value, '1')
  assert.equal(broker['num.partitions']?.isReadOnly, true)
})

test('AdminClient.alter_configs (legacy) replaces a topic\'s configs: a key it does not name reverts to the default', async (t) => {
  const node = await startTestBroker(t)
  const [created, altered, described, validated, describedAfterValidate] = await admin(node.bootstrap, [
    { op: 'create', topics: [{ name: 'ck-alter', partitions: 1, replicationFactor: 1, config: { 'cleanup.policy': 'compact', 'retention.ms': '86400000' } }] },
    { op: 'alter', resources: [{ type: 'topic', name: 'ck-alter', configs: { 'retention.ms': '5000', 'segment.bytes': '1048576' } }] },
    { op: 'describe', resources: [{ type: 'topic', name: 'ck-alter' }], keys: ['cleanup.policy', 'retention.ms', 'segment.bytes'] },
    { op: 'alter', resources: [{ type: 'topic', name: 'ck-alter', configs: { 'retention.ms': '1' } }], validateOnly: true },
    { op: 'describe', resources: [{ type: 'topic', name: 'ck-alter' }], keys: ['retention.ms', 'segment.bytes'] },
  ])
  assert.deepEqual(created, { 'ck-alter': null })
  assert.deepEqual(altered, { 'ck-alter': null })
  const entries = entriesOf(described, 'ck-alter')
  assert.deepEqual([entries['cleanup.policy']?.value, entries['cleanup.policy']?.source, entries['cleanup.policy']?.isDefault], ['delete', 'DEFAULT_CONFIG', true])
  assert.deepEqual([entries['retention.ms']?.value, entries['retention.ms']?.source], ['5000', 'DYNAMIC_TOPIC_CONFIG'])
  assert.deepEqual([entries['segment.bytes']?.value, entries['segment.bytes']?.source], ['1048576', 'DYNAMIC_TOPIC_CONFIG'])
  assert.deepEqual(validated, { 'ck-alter': null })
  const after = entriesOf(describedAfterValidate, 'ck-alter')
  assert.deepEqual([after['retention.ms']?.value, after['segment.bytes']?.value], ['5000', '1048576'], 'validate_only changes nothing')
  assert.equal(node.logManager.getLog('ck-alter', 0)?.config.segmentBytes, 1_048_576)
})

test('AdminClient.create_partitions grows a topic from 3 to 5 partitions; shrinking answers INVALID_PARTITIONS', async (t) => {
  const node = await startTestBroker(t)
  const [created, validated, listedAfterValidate, grown, listing, shrunk, same] = await admin(node.bootstrap, [
    { op: 'create', topics: [{ name: 'ck-grow', partitions: 3, replicationFactor: 1 }] },
    { op: 'partitions', topics: [{ topic: 'ck-grow', count: 5 }], validateOnly: true },
    { op: 'list' },
    { op: 'partitions', topics: [{ topic: 'ck-grow', count: 5 }] },
    { op: 'list' },
    { op: 'partitions', topics: [{ topic: 'ck-grow', count: 4 }] },
    { op: 'partitions', topics: [{ topic: 'ck-grow', count: 5 }] },
  ])
  assert.deepEqual(created, { 'ck-grow': null })
  assert.deepEqual(validated, { 'ck-grow': null })
  assert.deepEqual(listedAfterValidate, { 'ck-grow': 3 })
  assert.deepEqual(grown, { 'ck-grow': null })
  assert.deepEqual(listing, { 'ck-grow': 5 })
  assert.deepEqual(shrunk, { 'ck-grow': 'INVALID_PARTITIONS' })
  assert.deepEqual(same, { 'ck-grow': 'INVALID_PARTITIONS' })
  await waitFor(() => node.logManager.getLog('ck-grow', 4) !== undefined, { timeoutMs: 5_000, what: 'the log of the new partition 4' })
})

test('AdminClient.delete_topics removes a topic and the name can be created again at once, without its old configs', async (t) => {
  const node = await startTestBroker(t)
  const bootstrap = node.bootstrap
  const [created] = await admin(bootstrap, [
    { op: 'create', topics: [{ name: 'ck-reuse', partitions: 2, replicationFactor: 1, config: { 'retention.ms': '1000' } }] },
  ])
  assert.deepEqual(created, { 'ck-reuse': null })
  const reports = await ckProduce(bootstrap, 'ck-reuse', 0, [{ key: 'k', value: 'before delete', headers: [] }])
  assert.deepEqual(reports.map((r) => [r.error, r.offset]), [[null, 0]])
  const [deleted, listing, recreated, relisted, described, watermarks] = await admin(bootstrap, [
    { op: 'delete', topics: ['ck-reuse'] },
    { op: 'list' },
    { op: 'create', topics: [{ name: 'ck-reuse', partitions: 1, replicationFactor: 1 }] },
    { op: 'list' },
    { op: 'describe', resources: [{ type: 'topic', name: 'ck-reuse' }], keys: ['retention.ms'] },
    { op: 'watermarks', topic: 'ck-reuse' },
  ])
  assert.deepEqual(deleted, { 'ck-reuse': null })
  assert.equal((listing as Record<string, number>)['ck-reuse'], undefined)
  assert.deepEqual(recreated, { 'ck-reuse': null })
  assert.equal((relisted as Record<string, number>)['ck-reuse'], 1)
  assert.equal(entriesOf(described, 'ck-reuse')['retention.ms']?.source, 'DEFAULT_CONFIG')
  assert.deepEqual(watermarks, [0, 0], 'the new topic starts empty')
})

test('AdminClient sees every admin error code: TOPIC_ALREADY_EXISTS, TOPIC_EXCEPTION, INVALID_PARTITIONS, INVALID_REPLICATION_FACTOR, INVALID_REPLICA_ASSIGNMENT, INVALID_CONFIG, UNKNOWN_TOPIC_OR_PART', async (t) => {
  const node = await startTestBroker(t)
  const [created, creates, partitions, alters, describes, deletes, listing] = await admin(node.bootstrap, [
    { op: 'create', topics: [{ name: 'ck-exists', partitions: 1, replicationFactor: 1 }] },
    {
      op: 'create', topics: [
        { name: 'ck-exists', partitions: 1, replicationFactor: 1 },
        { name: 'bad name!', partitions: 1, replicationFactor: 1 },
        { name: 'ck-zero-partitions', partitions: 0, replicationFactor: 1 },
        { name: 'ck-three-replicas', partitions: 1, replicationFactor: 3 },
        { name: 'ck-missing-broker', partitions: 1, assignment: [[node.nodeId + 1]] },
        { name: 'ck-bad-value', partitions: 1, replicationFactor: 1, config: { 'retention.ms': 'soon' } },
        { name: 'ck-unknown-key', partitions: 1, replicationFactor: 1, config: { 'no.such.config': '1' } },
      ],
    },
    { op: 'partitions', topics: [{ topic: 'ck-exists', count: 1 }, { topic: 'ck-missing', count: 2 }] },
    { op: 'alter', resources: [{ type: 'topic', name: 'ck-exists', configs: { 'cleanup.policy': 'sometimes' } }] },
    { op: 'describe', resources: [{ type: 'topic', name: 'ck-missing' }], keys: [] },
    { op: 'delete', topics: ['ck-missing'] },
    { op: 'list' },
  ])
  assert.deepEqual(created, { 'ck-exists': null })
  assert.deepEqual(creates, {
    'ck-exists': 'TOPIC_ALREADY_EXISTS',
    'bad name!': 'TOPIC_EXCEPTION', // librdkafka's name for INVALID_TOPIC_EXCEPTION (17)
    'ck-zero-partitions': 'INVALID_PARTITIONS',
    'ck-three-replicas': 'INVALID_REPLICATION_FACTOR',
    'ck-missing-broker': 'INVALID_REPLICA_ASSIGNMENT',
    'ck-bad-value': 'INVALID_CONFIG',
    'ck-unknown-key': 'INVALID_CONFIG',
  })
  assert.deepEqual(partitions, { 'ck-exists': 'INVALID_PARTITIONS', 'ck-missing': 'UNKNOWN_TOPIC_OR_PART' })
  assert.deepEqual(alters, { 'ck-exists': 'INVALID_CONFIG' })
  assert.deepEqual(describes, { 'ck-missing': 'UNKNOWN_TOPIC_OR_PART' })
  assert.deepEqual(deletes, { 'ck-missing': 'UNKNOWN_TOPIC_OR_PART' })
  assert.deepEqual(listing, { 'ck-exists': 1 }, 'no failed request created anything')
})

test('retention.ms lowered through AdminClient.alter_configs deletes the old segments of a live topic', async (t) => {
  const node = await startTestBroker(t, { 'log.retention.check.interval.ms': '200', 'log.initial.task.delay.ms': '0' })
  const bootstrap = node.bootstrap
  const topic = 'ck-retention'
  assert.deepEqual(await admin(bootstrap, [{ op: 'create', topics: [{ name: topic, partitions: 1, replicationFactor: 1, config: { 'segment.bytes': '1024' } }] }]), [{ [topic]: null }])
  // Five minutes old: inside the default retention (7 days), outside 60 s.
  const base = Date.now() - 5 * 60_000
  const records: CkRecord[] = Array.from({ length: 30 }, (_, i) => ({ key: `k${i}`, value: `${i}:${'x'.repeat(200)}`, headers: [], timestamp: base + i }))
  const reports = await ckProduce(bootstrap, topic, 0, records, { 'batch.num.messages': 1, 'linger.ms': 0, 'compression.type': 'none' })
  assert.deepEqual(reports.map((r) => r.error), records.map(() => null))
  const log = node.logManager.getLog(topic, 0)
  assert.ok(log !== undefined)
  const segmentsBefore = log.segmentCount
  assert.ok(segmentsBefore >= 5, `small segments roll: ${segmentsBefore} segments`)
  assert.equal(log.logStartOffset, 0n)

  // The legacy form replaces every topic config, so segment.bytes is named again.
  const [altered, described] = await admin(bootstrap, [
    { op: 'alter', resources: [{ type: 'topic', name: topic, configs: { 'segment.bytes': '1024', 'retention.ms': '60000' } }] },
    { op: 'describe', resources: [{ type: 'topic', name: topic }], keys: ['retention.ms'] },
  ])
  assert.deepEqual(altered, { [topic]: null })
  assert.equal(entriesOf(described, topic)['retention.ms']?.value, '60000')
  await waitFor(() => log.segmentCount < segmentsBefore && log.logStartOffset > 0n, { timeoutMs: 10_000, what: 'retention to delete the old segments' })
  const [watermarks] = await admin(bootstrap, [{ op: 'watermarks', topic }])
  const [low, high] = watermarks as [number, number]
  assert.ok(low > 0, `the earliest offset the client sees rose: ${low}`)
  assert.equal(high, records.length)
})

test('a broker restart keeps topic configs, dynamic broker configs and grown partition counts', async (t) => {
  const broker = await startRestartableBroker(t, { 'log.retention.ms': '3600000' })
  const node = broker.current()
  const brokerId = String(node.nodeId)
  const keys = ['cleanup.policy', 'retention.ms', 'max.message.bytes', 'segment.bytes', 'log.cleaner.delete.retention.ms', 'log.segment.bytes']
  const [created, alteredTopic, alteredBroker, grown, before] = await admin(node.bootstrap, [
    { op: 'create', topics: [{ name: 'ck-durable', partitions: 3, replicationFactor: 1, config: { 'cleanup.policy': 'compact', 'max.message.bytes': '65536' } }] },
    { op: 'alter', resources: [{ type: 'topic', name: 'ck-durable', configs: { 'cleanup.policy': 'compact', 'retention.ms': '7200000' } }] },
    { op: 'alter', resources: [{ type: 'broker', name: brokerId, configs: { 'log.cleaner.delete.retention.ms': '3600000', 'log.segment.bytes': '2097152' } }] },
    { op: 'partitions', topics: [{ topic: 'ck-durable', count: 5 }] },
    { op: 'describe', resources: [{ type: 'topic', name: 'ck-durable' }, { type: 'broker', name: brokerId }], keys },
  ])
  assert.deepEqual(created, { 'ck-durable': null })
  assert.deepEqual(alteredTopic, { 'ck-durable': null })
  assert.deepEqual(alteredBroker, { [brokerId]: null })
  assert.deepEqual(grown, { 'ck-durable': null })
  const summary = (described: unknown): Record<string, Record<string, [string | null, string]>> => Object.fromEntries(
    ['ck-durable', brokerId].map((name) => [name, Object.fromEntries(Object.entries(entriesOf(described, name))
      .filter(([key]) => key !== '#entries').map(([key, e]) => [key, [e.value, e.source]]))]))
  const expected = {
    'ck-durable': {
      'cleanup.policy': ['compact', 'DYNAMIC_TOPIC_CONFIG'],
      'retention.ms': ['7200000', 'DYNAMIC_TOPIC_CONFIG'],
      'max.message.bytes': ['1048588', 'DEFAULT_CONFIG'], // the legacy alter did not name it
      'segment.bytes': ['2097152', 'DYNAMIC_BROKER_CONFIG'],
    },
    [brokerId]: {
      'log.cleaner.delete.retention.ms': ['3600000', 'DYNAMIC_BROKER_CONFIG'],
      'log.segment.bytes': ['2097152', 'DYNAMIC_BROKER_CONFIG'],
    },
  }
  assert.deepEqual(summary(before), expected)

  const restarted = await broker.restart()
  const [after, listing] = await admin(restarted.bootstrap, [
    { op: 'describe', resources: [{ type: 'topic', name: 'ck-durable' }, { type: 'broker', name: brokerId }], keys },
    { op: 'list' },
  ])
  assert.deepEqual(summary(after), expected)
  assert.deepEqual(listing, { 'ck-durable': 5 })
  assert.equal(restarted.logManager.getLog('ck-durable', 0)?.config.segmentBytes, 2_097_152)
  assert.equal(restarted.logManager.getLog('ck-durable', 0)?.config.retentionMs, 7_200_000)
})
