// confluent-kafka-python (Debian's 1.7 on librdkafka 2.0.2) against a real Sluice node: the
// AdminClient, the Producer through every codec with acks=all, a Consumer by assignment, and
// offsets_for_times.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { CompressionType, compressionTypeFromName, type CompressionName } from '../../src/protocol/compression/compression-type.js'
import { startTestBroker, storedBatchHeaders, waitFor } from '../helpers/broker.js'
import { ckConsumeAssigned, ckProduce, ckRun, type CkRecord } from '../helpers/confluent-kafka.js'

const CODECS: readonly CompressionName[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd']

/** One group.id for every consumer: set, but never joined, since the consumers only assign(). */
const CONSUMER = { 'group.id': 'sluice-e2e', 'enable.auto.commit': false } as const

const ADMIN = `
from confluent_kafka.admin import AdminClient, NewTopic
a = AdminClient({'bootstrap.servers': args['bootstrap']})
def topics():
    md = a.list_topics(timeout=10)
    return {'brokers': {str(b.id): '%s:%d' % (b.host, b.port) for b in md.brokers.values()}, 'controller': md.controller_id,
            'topics': {name: sorted(t.partitions) for name, t in md.topics.items()}}
op = args['op']
if op == 'create':
    out(outcome(a.create_topics([NewTopic(t['name'], t['partitions'], 1) for t in args['topics']], request_timeout=10)))
elif op == 'delete':
    out(outcome(a.delete_topics(args['topics'], request_timeout=10)))
else:
    out(topics())
`

interface Listing {
  brokers: Record<string, string>
  controller: number
  topics: Record<string, number[]>
}

test('AdminClient creates topics, refuses a duplicate with TOPIC_ALREADY_EXISTS, lists and deletes them', async (t) => {
  const node = await startTestBroker(t)
  const bootstrap = node.bootstrap
  assert.deepEqual(await ckRun(ADMIN, { bootstrap, op: 'create', topics: [{ name: 'ck-admin-a', partitions: 3 }, { name: 'ck-admin-b', partitions: 1 }] }), { 'ck-admin-a': null, 'ck-admin-b': null })
  assert.deepEqual(await ckRun(ADMIN, { bootstrap, op: 'create', topics: [{ name: 'ck-admin-a', partitions: 2 }] }), { 'ck-admin-a': 'TOPIC_ALREADY_EXISTS' })

  const listing = await ckRun(ADMIN, { bootstrap, op: 'list' }) as Listing
  assert.deepEqual(listing, { brokers: { 1: bootstrap }, controller: 1, topics: { 'ck-admin-a': [0, 1, 2], 'ck-admin-b': [0] } })

  assert.deepEqual(await ckRun(ADMIN, { bootstrap, op: 'delete', topics: ['ck-admin-a'] }), { 'ck-admin-a': null })
  assert.deepEqual((await ckRun(ADMIN, { bootstrap, op: 'list' }) as Listing).topics, { 'ck-admin-b': [0] })
  await waitFor(() => node.logManager.getLog('ck-admin-a', 0) === undefined, { timeoutMs: 5_000, what: 'the deleted topic\'s log to go' })
  assert.deepEqual(await ckRun(ADMIN, { bootstrap, op: 'delete', topics: ['ck-admin-a'] }), { 'ck-admin-a': 'UNKNOWN_TOPIC_OR_PART' })
})

test('the Producer writes keyed records with headers through every codec with acks=all, and an assigned Consumer reads them back', async (t) => {
  const node = await startTestBroker(t)
  const base = Date.now() - 60_000
  for (const codec of CODECS) {
    const topic = `ck-codec-${codec}`
    const records: CkRecord[] = Array.from({ length: 30 }, (_, i) => ({
      key: i === 7 ? null : `key-${i}`,
      value: i === 9 ? null : `value-${i}-${codec}-${'xyz'.repeat(40)}`,
      headers: i === 3 ? [] : [['trace', `t-${i}`], ['codec', codec], ['dup', 'a'], ['dup', 'b']],
      timestamp: base + i,
    }))
    const deliveries = await ckProduce(node.bootstrap, topic, 0, records, { 'compression.type': codec, 'acks': 'all', 'linger.ms': 20 })
    assert.deepEqual(deliveries, records.map((_, i) => ({ error: null, partition: 0, offset: i })), codec)

    const { messages, errors } = await ckConsumeAssigned(node.bootstrap, [{ topic, partition: 0, offset: 0 }], records.length, CONSUMER)
    assert.deepEqual(errors, [], codec)
    assert.deepEqual(messages, records.map((record, i) => ({
      topic, partition: 0, offset: i, key: record.key, value: record.value,
      headers: record.headers.map(([name, value]) => [name, value]),
      timestamp: [1, base + i],
    })), codec)

    const batches = await storedBatchHeaders(node, topic, 0)
    assert.equal(batches.reduce((sum, batch) => sum + batch.recordCount, 0), records.length, codec)
    const expected = compressionTypeFromName(codec)
    assert.ok(expected !== undefined)
    // librdkafka sends a batch uncompressed when compressing does not make it smaller, as with a
    // lone record split off on a busy machine: every batch of several records carries the codec.
    assert.ok(batches.some((batch) => batch.compression === expected), `${codec}: no stored batch carries the codec`)
    for (const batch of batches) {
      if (batch.recordCount > 1) assert.equal(batch.compression, expected, `${codec}: stored batch at ${batch.baseOffset} has codec ${CompressionType[batch.compression]}`)
    }
  }
})

const OFFSETS_FOR_TIMES = `
c = Consumer({'bootstrap.servers': args['bootstrap'], 'group.id': 'sluice-e2e', 'enable.auto.commit': False})
found = c.offsets_for_times([TopicPartition(args['topic'], 0, ts) for ts in args['timestamps']], timeout=10)
c.close()
out([[tp.offset, None if tp.error is None else tp.error.name()] for tp in found])
`

test('offsets_for_times finds the first offset at or after each timestamp', async (t) => {
  const node = await startTestBroker(t)
  const topic = 'ck-times'
  const base = Date.now() - 60_000
  const records: CkRecord[] = Array.from({ length: 6 }, (_, i) => ({ key: `k${i}`, value: `v${i}`, headers: [], timestamp: base + i * 1_000 }))
  // Two produce calls, so the answer must come from the second of two stored batches too.
  await ckProduce(node.bootstrap, topic, 0, records.slice(0, 3), { acks: 'all' })
  await ckProduce(node.bootstrap, topic, 0, records.slice(3), { acks: 'all', 'compression.type': 'zstd' })
  // librdkafka may split a produce call into more batches when the machine is busy (linger ends early).
  assert.ok((await storedBatchHeaders(node, topic, 0)).length >= 2)

  // One lookup per Python call: librdkafka sends a partition named twice only once.
  const timestamps = [base - 1, base, base + 2_500, base + 3_000, base + 4_001, base + 60_000]
  const lookups = await Promise.all(timestamps.map(async (timestamp) =>
    (await ckRun(OFFSETS_FOR_TIMES, { bootstrap: node.bootstrap, topic, timestamps: [timestamp] }) as [number, string | null][])[0]))
  // -1: no record at or after the timestamp (Kafka answers offset -1).
  assert.deepEqual(lookups, [[0, null], [0, null], [3, null], [3, null], [5, null], [-1, null]])

})
