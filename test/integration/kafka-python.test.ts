// kafka-python 2.0.2 (Debian's python3-kafka) against a real node: its admin client, its producer
// with every codec it writes, and a consumer without a group. kafka-python probes ApiVersions v0 and
// Metadata v0 pipelined at bootstrap, infers a broker version from the answer and then uses fixed
// request versions (Produce v7, Fetch v4, ListOffsets v1, Metadata v1; admin Metadata v5,
// CreateTopics v3, DeleteTopics v3). Each test runs one Python script as a child process.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { CompressionType } from '../../src/protocol/compression/compression-type.js'
import { startTestBroker, storedBatchHeaders } from '../helpers/broker.js'
import { runPython } from '../helpers/python.js'

/** Runs `script` with `input` as JSON on stdin and parses its stdout as JSON. */
async function runPythonJson<T>(script: string, input: unknown): Promise<T> {
  return JSON.parse((await runPython(script, Buffer.from(JSON.stringify(input)))).toString('utf8')) as T
}

const ADMIN_SCRIPT = `
import json, sys, time
from kafka import KafkaAdminClient
from kafka.admin import NewTopic
from kafka.errors import TopicAlreadyExistsError
spec = json.load(sys.stdin)
admin = KafkaAdminClient(bootstrap_servers=spec['bootstrap'], request_timeout_ms=5000)
out = {}
created = admin.create_topics([NewTopic(spec['topics'][0], num_partitions=3, replication_factor=1),
                               NewTopic(spec['topics'][1], num_partitions=1, replication_factor=1)])
out['createErrors'] = [[name, code] for name, code, *rest in created.topic_errors]
try:
    admin.create_topics([NewTopic(spec['topics'][0], num_partitions=3, replication_factor=1)])
    out['duplicate'] = 'no error'
except TopicAlreadyExistsError as e:
    out['duplicate'] = type(e).__name__
out['listed'] = sorted(admin.list_topics())
out['described'] = sorted([[t['topic'], t['error_code'], len(t['partitions'])] for t in admin.describe_topics(spec['topics'])])
cluster = admin.describe_cluster()
out['brokers'] = [[b['node_id'], b['host'], b['port']] for b in cluster['brokers']]
out['controller'] = cluster['controller_id']
deleted = admin.delete_topics([spec['topics'][0]])
out['deleteErrors'] = [[name, code] for name, code in deleted.topic_error_codes]
deadline = time.time() + 5
while spec['topics'][0] in admin.list_topics() and time.time() < deadline:
    time.sleep(0.05)
out['listedAfterDelete'] = sorted(admin.list_topics())
admin.close()
json.dump(out, sys.stdout)
`

test('the kafka-python admin client creates, lists, describes and deletes topics; a duplicate create raises TopicAlreadyExistsError', async (t) => {
  const node = await startTestBroker(t)
  const port = node.listeners.get('PLAINTEXT')!.port
  const topics = ['py-admin-a', 'py-admin-b']
  const out = await runPythonJson<{
    createErrors: Array<[string, number]>
    duplicate: string
    listed: string[]
    described: Array<[string, number, number]>
    brokers: Array<[number, string, number]>
    controller: number
    deleteErrors: Array<[string, number]>
    listedAfterDelete: string[]
  }>(ADMIN_SCRIPT, { bootstrap: node.bootstrap, topics })
  assert.deepEqual(out.createErrors, [['py-admin-a', 0], ['py-admin-b', 0]])
  assert.equal(out.duplicate, 'TopicAlreadyExistsError')
  assert.deepEqual(out.listed, topics)
  assert.deepEqual(out.described, [['py-admin-a', 0, 3], ['py-admin-b', 0, 1]])
  assert.deepEqual(out.brokers, [[node.nodeId, '127.0.0.1', port]])
  assert.equal(out.controller, node.nodeId)
  assert.deepEqual(out.deleteErrors, [['py-admin-a', 0]])
  assert.deepEqual(out.listedAfterDelete, ['py-admin-b'])
})

const PRODUCE_CONSUME_SCRIPT = `
import json, sys, time
from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import NewTopic
spec = json.load(sys.stdin)
bootstrap = spec['bootstrap']
hex_or_none = lambda b: None if b is None else b.hex()
bytes_or_none = lambda h: None if h is None else bytes.fromhex(h)
admin = KafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=5000)
admin.create_topics([NewTopic(t['name'], num_partitions=2, replication_factor=1) for t in spec['topics']])
admin.close()
out = {}
for t in spec['topics']:
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks='all', compression_type=t['codec'], linger_ms=20,
                             request_timeout_ms=5000, max_block_ms=5000)
    futures = [producer.send(t['name'], key=r['key'].encode(), value=bytes_or_none(r['value']), partition=r['partition'],
                             headers=[(k, bytes.fromhex(v)) for k, v in r['headers']], timestamp_ms=r['timestamp'])
               for r in spec['records']]
    producer.flush(timeout=5)
    produced = [[m.partition, m.offset] for m in (f.get(timeout=5) for f in futures)]
    producer.close(timeout=5)
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False,
                             request_timeout_ms=5000, fetch_max_wait_ms=100)
    tps = [TopicPartition(t['name'], p) for p in (0, 1)]
    consumer.assign(tps)
    consumer.seek_to_beginning()
    consumed = []
    deadline = time.time() + 10
    while len(consumed) < len(spec['records']) and time.time() < deadline:
        for tp, records in consumer.poll(timeout_ms=200).items():
            for r in records:
                consumed.append({'partition': r.partition, 'offset': r.offset, 'key': r.key.decode(), 'value': hex_or_none(r.value),
                                 'headers': [[k, v.hex()] for k, v in r.headers], 'timestamp': r.timestamp})
    times = []
    for q in spec['timeQueries']:
        tp = TopicPartition(t['name'], q['partition'])
        found = consumer.offsets_for_times({tp: q['timestamp']})[tp]
        times.append(None if found is None else [found.offset, found.timestamp])
    consumer.close()
    out[t['name']] = {'produced': produced, 'consumed': consumed, 'times': times}
json.dump(out, sys.stdout)
`

interface PyRecord {
  partition: number
  key: string
  value: string | null
  headers: Array<[string, string]>
  timestamp: number
}

interface PyConsumed extends PyRecord {
  offset: number
}

const CODECS: ReadonlyArray<{ name: string | null; type: CompressionType }> = [
  { name: null, type: CompressionType.NONE },
  { name: 'gzip', type: CompressionType.GZIP },
  { name: 'snappy', type: CompressionType.SNAPPY },
  { name: 'lz4', type: CompressionType.LZ4 },
  { name: 'zstd', type: CompressionType.ZSTD },
]


test('records kafka-python produces with each codec it supports come back in order with keys, headers and values', async (t) => {
  const node = await startTestBroker(t)
  // Recent timestamps: older ones fall to retention (7 days) as soon as the log is checked.
  const BASE_TIMESTAMP = Date.now() - 60_000
  // Compressible values with some binary in them, one null value, records without headers.
  const records: PyRecord[] = Array.from({ length: 12 }, (_, i) => ({
    partition: i % 3 === 0 ? 1 : 0,
    key: `key-${i}`,
    value: i === 5 ? null : Buffer.concat([Buffer.from(`value ${i} `.repeat(20)), Buffer.from([0, 255, i])]).toString('hex'),
    headers: i % 4 === 0 ? [] : [['h', 'aa'], ['index', Buffer.from([i]).toString('hex')], ['h', '']],
    timestamp: BASE_TIMESTAMP + i * 1_000,
  }))
  const inPartition = (p: number): PyRecord[] => records.filter((r) => r.partition === p)
  const expectedPartition = (p: number): PyConsumed[] => inPartition(p).map((r, offset) => ({ ...r, offset }))
  const partition0 = inPartition(0)
  const timeQueries = [
    { partition: 0, timestamp: 0 },
    { partition: 0, timestamp: partition0[2]!.timestamp },
    { partition: 0, timestamp: partition0[2]!.timestamp + 1 },
    { partition: 1, timestamp: BASE_TIMESTAMP + 100_000 },
  ]
  const topics = CODECS.map(({ name }) => ({ name: `py-codec-${name ?? 'none'}`, codec: name }))
  const out = await runPythonJson<Record<string, { produced: Array<[number, number]>; consumed: PyConsumed[]; times: Array<[number, number] | null> }>>(
    PRODUCE_CONSUME_SCRIPT, { bootstrap: node.bootstrap, topics, records, timeQueries })

  for (const [i, { name, type }] of CODECS.entries()) {
    const topic = topics[i]!.name
    const result = out[topic]
    assert.ok(result, topic)
    const counters = [0, 0]
    assert.deepEqual(result.produced, records.map((r) => [r.partition, counters[r.partition]!++]), `${topic}: produce offsets`)
    for (const p of [0, 1]) {
      assert.deepEqual(result.consumed.filter((r) => r.partition === p), expectedPartition(p), `${topic}: partition ${p} read back`)
    }
    assert.deepEqual(result.times, [
      [0, partition0[0]!.timestamp],
      [2, partition0[2]!.timestamp],
      [3, partition0[3]!.timestamp],
      null,
    ], `${topic}: offsets_for_times`)
    for (const p of [0, 1]) {
      const headers = await storedBatchHeaders(node, topic, p)
      assert.ok(headers.length > 0, `${topic}-${p} has batches`)
      assert.deepEqual(headers.map((h) => h.compression), headers.map(() => type), `${topic}-${p} is stored with ${name ?? 'no compression'}`)
      assert.equal(headers.reduce((sum, h) => sum + h.recordCount, 0), inPartition(p).length)
    }
  }
})

const TOO_LARGE_SCRIPT = `
import json, os, sys
from kafka import KafkaProducer
spec = json.load(sys.stdin)
producer = KafkaProducer(bootstrap_servers=spec['bootstrap'], acks='all', request_timeout_ms=5000, max_block_ms=5000, retries=0)
out = {}
try:
    producer.send(spec['topic'], key=b'big', value=os.urandom(spec['size'])).get(timeout=5)
    out['large'] = 'no error'
except Exception as e:
    out['large'] = type(e).__name__
out['small'] = producer.send(spec['topic'], key=b'small', value=b'fits').get(timeout=5).offset
producer.close(timeout=5)
json.dump(out, sys.stdout)
`

test('a record above message.max.bytes is refused with MessageSizeTooLargeError and the producer carries on', async (t) => {
  const node = await startTestBroker(t, { 'message.max.bytes': '2000' })
  const out = await runPythonJson<{ large: string; small: number }>(TOO_LARGE_SCRIPT, { bootstrap: node.bootstrap, topic: 'py-too-large', size: 5_000 })
  assert.equal(out.large, 'MessageSizeTooLargeError')
  assert.equal(out.small, 0)
  const headers = await storedBatchHeaders(node, 'py-too-large', 0)
  assert.equal(headers.reduce((sum, h) => sum + h.recordCount, 0), 1)
})
