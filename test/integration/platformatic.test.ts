// @platformatic/kafka 2.12 in process against a real Sluice node. It always uses the broker's
// advertised max versions: Metadata v12 (real topic ids), CreateTopics v7, Produce v7, ListOffsets v5,
// Fetch v12. It is read back through the broker's log and through a group-less Fetch; consumer
// groups come later.
import '../helpers/promise-with-resolvers.js'
import assert from 'node:assert/strict'
import { test, type TestContext } from 'node:test'
import {
  Admin,
  Consumer,
  Producer,
  findErrorBy,
  stringSerializers,
  type CompressionAlgorithmValue,
} from '@platformatic/kafka'
import { CompressionType } from '../../src/protocol/compression/compression-type.js'
import type { BrokerNode } from '../../src/index.js'
import { startTestBroker, storedBatchHeaders } from '../helpers/broker.js'
import { assertOneStoredBatch } from '../helpers/stored-records.js'

const ZERO_UUID = '00000000-0000-0000-0000-000000000000'
/** Few, quick retries and short timeouts, so that an error surfaces in well under a second. */
const FAST = { retries: 1, retryDelay: 50, timeout: 3000, connectTimeout: 2000 } as const

function admin(t: TestContext, node: BrokerNode): Admin {
  const client = new Admin({ ...FAST, clientId: 'pf-test-admin', bootstrapBrokers: [node.bootstrap] })
  t.after(() => client.close())
  return client
}

function producer(t: TestContext, node: BrokerNode, autocreateTopics = false): Producer<string, string, string, string> {
  const client = new Producer({ ...FAST, clientId: 'pf-test-producer', bootstrapBrokers: [node.bootstrap], serializers: stringSerializers, autocreateTopics })
  t.after(() => client.close())
  return client
}

/** Whether `error` or one of the errors it wraps is the broker error `apiId` (e.g. TOPIC_ALREADY_EXISTS). */
function isBrokerError(error: unknown, apiId: string): boolean {
  return error instanceof Error && findErrorBy(error, 'apiId', apiId) !== null
}

// Explicit timestamps, but recent ones: records older than retention.ms (7 days) may be deleted by
// the broker's retention check while the test runs, as Kafka would.
const BASE_TIMESTAMP = BigInt(Math.floor(Date.now() / 1000) * 1000 - 60_000)

function messagesFor(topic: string, codec: string): { topic: string; partition: number; key: string; value: string; timestamp: bigint; headers: Record<string, string> }[] {
  return Array.from({ length: 5 }, (_, i) => ({
    topic,
    partition: 0,
    key: `key-${i}`,
    // Repetitive values, so that every codec really shrinks them.
    value: `${codec} value ${i} `.repeat(20),
    timestamp: BASE_TIMESTAMP + BigInt(i * 1000),
    headers: { codec, index: String(i) },
  }))
}

test('platformatic admin creates topics with real, unique ids that Metadata v12 reports too', async (t) => {
  const node = await startTestBroker(t)
  const client = admin(t, node)

  const created = await client.createTopics({ topics: ['alpha', 'beta'], partitions: 3, replicas: 1 })
  assert.deepEqual(created.map((topic) => [topic.name, topic.partitions, topic.replicas]).sort(), [['alpha', 3, 1], ['beta', 3, 1]])
  const ids = created.map((topic) => topic.id)
  for (const id of ids) {
    assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/)
    assert.notEqual(id, ZERO_UUID)
  }
  assert.equal(new Set(ids).size, 2)

  await assert.rejects(client.createTopics({ topics: ['alpha'], partitions: 3, replicas: 1 }), (error) => {
    assert.ok(isBrokerError(error, 'TOPIC_ALREADY_EXISTS'), String(error))
    return true
  })

  assert.deepEqual((await client.listTopics()).sort(), ['alpha', 'beta'])

  const metadata = await client.metadata({ topics: ['alpha', 'beta'], forceUpdate: true })
  assert.ok(metadata.brokers.has(node.nodeId))
  assert.equal(metadata.controllerId, node.nodeId)
  for (const topic of created) {
    const described = metadata.topics.get(topic.name)
    assert.ok(described !== undefined, topic.name)
    assert.equal(described.id, topic.id, `${topic.name}: Metadata and CreateTopics give the same id`)
    assert.equal(described.partitionsCount, 3)
    for (const partition of described.partitions) {
      assert.equal(partition.leader, node.nodeId)
      assert.deepEqual(partition.replicas, [node.nodeId])
      assert.deepEqual(partition.isr, [node.nodeId])
    }
  }
})

const CODECS: readonly { name: CompressionAlgorithmValue; stored: CompressionType }[] = [
  { name: 'none', stored: CompressionType.NONE },
  { name: 'gzip', stored: CompressionType.GZIP },
  { name: 'snappy', stored: CompressionType.SNAPPY },
  { name: 'lz4', stored: CompressionType.LZ4 },
]

test('platformatic produces keyed records with headers and timestamps through none, gzip, snappy and lz4, stored as sent', async (t) => {
  const node = await startTestBroker(t)
  const adminClient = admin(t, node)
  await adminClient.createTopics({ topics: CODECS.map((codec) => `codec-${codec.name}`), partitions: 1, replicas: 1 })
  const client = producer(t, node)

  for (const codec of CODECS) {
    const topic = `codec-${codec.name}`
    const messages = messagesFor(topic, codec.name)
    const result = await client.send({ acks: -1, compression: codec.name, messages })
    assert.deepEqual(result.offsets, [{ topic, partition: 0, offset: 0n }], codec.name)

    await assertOneStoredBatch(node, topic, {
      compression: codec.stored, sent: messages, baseTimestamp: BASE_TIMESTAMP, maxTimestamp: BASE_TIMESTAMP + 4000n,
    }, codec.name)
  }

  // ListOffsets v5: latest, earliest, and the first record at or after a timestamp.
  const listed = await adminClient.listOffsets({
    topics: [{ name: 'codec-gzip', partitions: [{ partitionIndex: 0, timestamp: -1n }] }],
  })
  assert.equal(listed[0]?.partitions[0]?.offset, 5n)
  const earliest = await adminClient.listOffsets({ topics: [{ name: 'codec-gzip', partitions: [{ partitionIndex: 0, timestamp: -2n }] }] })
  assert.equal(earliest[0]?.partitions[0]?.offset, 0n)
  const byTime = await adminClient.listOffsets({ topics: [{ name: 'codec-gzip', partitions: [{ partitionIndex: 0, timestamp: BASE_TIMESTAMP + 2500n }] }] })
  assert.equal(byTime[0]?.partitions[0]?.offset, 3n)
  assert.equal(byTime[0]?.partitions[0]?.timestamp, BASE_TIMESTAMP + 3000n)

  // A group-less Fetch v12 through the client's own decoder sees the same records for every codec.
  const consumer = new Consumer({ ...FAST, clientId: 'pf-test-fetcher', groupId: 'pf-unused-group', bootstrapBrokers: [node.bootstrap] })
  t.after(() => consumer.close(true))
  for (const codec of CODECS) {
    const topic = `codec-${codec.name}`
    const response = await consumer.fetch({
      node: node.nodeId,
      maxWaitTime: 100,
      topics: [{ topicId: topic, partitions: [{ partition: 0, fetchOffset: 0n, currentLeaderEpoch: -1, lastFetchedEpoch: -1, partitionMaxBytes: 1 << 20 }] }],
    })
    const partition = response.responses[0]?.partitions[0]
    assert.ok(partition !== undefined, codec.name)
    assert.equal(partition.errorCode, 0)
    assert.equal(partition.highWatermark, 5n)
    const batches = partition.records ?? []
    assert.equal(batches.length, 1, codec.name)
    assert.equal((batches[0]?.attributes ?? -1) & 0x07, codec.stored, codec.name)
    const values = batches.flatMap((batch) => batch.records.map((record) => [record.key?.toString(), record.value?.toString(), Number(batch.firstTimestamp + record.timestampDelta)]))
    assert.deepEqual(values, messagesFor(topic, codec.name).map((message) => [message.key, message.value, Number(message.timestamp)]), codec.name)
  }
})

test('platformatic on Node 20 refuses zstd in the client with UnsupportedCompressionError, and nothing reaches the broker', async (t) => {
  const node = await startTestBroker(t)
  await admin(t, node).createTopics({ topics: ['codec-zstd'], partitions: 1, replicas: 1 })
  const client = producer(t, node)

  await assert.rejects(client.send({ acks: -1, compression: 'zstd', messages: messagesFor('codec-zstd', 'zstd') }), (error: Error) => {
    // The client wraps it: MultipleErrors ("Producing messages failed.") around the codec's error.
    const unsupported = findErrorBy(error, 'code', 'PLT_KFK_UNSUPPORTED_COMPRESSION')
    assert.ok(unsupported !== null, String(error))
    assert.equal(unsupported.message, 'zstd is not supported in the current Node.js version')
    return true
  })
  assert.deepEqual(await storedBatchHeaders(node, 'codec-zstd', 0), [])
})

test('platformatic gets MESSAGE_TOO_LARGE for a batch over message.max.bytes, and nothing is stored', async (t) => {
  const node = await startTestBroker(t, { 'message.max.bytes': '2000' })
  await admin(t, node).createTopics({ topics: ['small'], partitions: 1, replicas: 1 })
  const client = producer(t, node)

  await assert.rejects(client.send({ acks: -1, messages: [{ topic: 'small', partition: 0, key: 'k', value: 'x'.repeat(3000) }] }), (error) => {
    assert.ok(isBrokerError(error, 'MESSAGE_TOO_LARGE'), String(error))
    return true
  })
  assert.deepEqual(await storedBatchHeaders(node, 'small', 0), [])

  await client.send({ acks: -1, messages: [{ topic: 'small', partition: 0, key: 'k', value: 'x'.repeat(500) }] })
  assert.equal((await storedBatchHeaders(node, 'small', 0)).length, 1)
})

test('platformatic producing to an unknown topic without auto-creation fails with "Unknown topic"', async (t) => {
  const node = await startTestBroker(t, { 'auto.create.topics.enable': 'false' })
  const client = producer(t, node, false)

  // The client turns Metadata's UNKNOWN_TOPIC_OR_PARTITION (3) for a topic into this UserError.
  await assert.rejects(client.send({ acks: -1, messages: [{ topic: 'nowhere', key: 'k', value: 'lost' }] }), (error: Error & { code?: string }) => {
    assert.equal(error.code, 'PLT_KFK_USER', String(error))
    assert.equal(error.message, 'Unknown topic nowhere.')
    return true
  })
  assert.equal(node.logManager.getLog('nowhere', 0), undefined)
})

test('platformatic admin deletes topics', async (t) => {
  const node = await startTestBroker(t)
  const client = admin(t, node)
  await client.createTopics({ topics: ['doomed', 'kept'], partitions: 2, replicas: 1 })

  await client.deleteTopics({ topics: ['doomed'] })
  assert.deepEqual(await client.listTopics(), ['kept'])
  assert.equal(node.logManager.getLog('doomed', 0), undefined)
  assert.equal(node.logManager.getLog('doomed', 1), undefined)

  await assert.rejects(client.deleteTopics({ topics: ['doomed'] }), (error) => {
    assert.ok(isBrokerError(error, 'UNKNOWN_TOPIC_OR_PARTITION'), String(error))
    return true
  })
})
