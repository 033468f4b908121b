// kafkajs 2.2.4 in process against a real Sluice node: admin topic calls, ListOffsets, and a producer
// through every codec, checked against what the broker stored. No consumer: kafkajs consumers always
// join a group, and groups come later.
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { createRequire } from 'node:module'
import { promisify } from 'node:util'
import { test, type TestContext } from 'node:test'
import kafkajs from 'kafkajs'
import type { Admin, CompressionTypes as KafkajsCompression, Producer } from 'kafkajs'
import { CompressionType } from '../../src/protocol/compression/compression-type.js'
import type { BrokerNode } from '../../src/index.js'
import { startTestBroker, storedBatchHeaders } from '../helpers/broker.js'
import { kafkajsZstdCodec, type KafkajsCodec } from '../helpers/kafkajs-zstd-codec.js'
import { connectedKafkajsAdmin, connectedKafkajsProducer } from '../helpers/kafkajs.js'
import { assertOneStoredBatch } from '../helpers/stored-records.js'

const { CompressionTypes, CompressionCodecs } = kafkajs
const execFileAsync = promisify(execFile)
const require = createRequire(import.meta.url)

// Both codec packages are CommonJS without usable types: kafkajs-snappy exports the codec factory,
// kafkajs-lz4 a class whose instances carry it.
const snappyCodec = require('kafkajs-snappy') as () => KafkajsCodec
const Lz4Codec = require('kafkajs-lz4') as new () => { codec: () => KafkajsCodec }
CompressionCodecs[CompressionTypes.Snappy] = snappyCodec
CompressionCodecs[CompressionTypes.LZ4] = new Lz4Codec().codec
CompressionCodecs[CompressionTypes.ZSTD] = kafkajsZstdCodec

function connectedAdmin(t: TestContext, node: BrokerNode): Promise<Admin> {
  return connectedKafkajsAdmin(t, node, 'kafkajs-test-admin')
}

function connectedProducer(t: TestContext, node: BrokerNode, allowAutoTopicCreation: boolean): Promise<Producer> {
  return connectedKafkajsProducer(t, node, 'kafkajs-test-producer', allowAutoTopicCreation)
}

// Explicit timestamps, but recent ones: records older than retention.ms (7 days) may be deleted by
// the broker's retention check while the test runs, as Kafka would.
const BASE_TIMESTAMP = Math.floor(Date.now() / 1000) * 1000 - 60_000

function messagesFor(codec: string): { key: string; value: string; timestamp: string; headers: Record<string, string> }[] {
  return Array.from({ length: 5 }, (_, i) => ({
    key: `key-${i}`,
    // Repetitive values, so that every codec really shrinks them.
    value: `${codec} value ${i} `.repeat(20),
    timestamp: String(BASE_TIMESTAMP + i * 1000),
    headers: { codec, index: String(i) },
  }))
}

test('kafkajs admin creates topics, reports an existing one, lists them and describes their partitions', async (t) => {
  const node = await startTestBroker(t)
  const admin = await connectedAdmin(t, node)

  assert.equal(await admin.createTopics({ topics: [{ topic: 'alpha', numPartitions: 3 }, { topic: 'beta', numPartitions: 1 }], timeout: 3000 }), true)
  // kafkajs answers TOPIC_ALREADY_EXISTS from CreateTopics with false rather than throwing.
  assert.equal(await admin.createTopics({ topics: [{ topic: 'alpha', numPartitions: 3 }], timeout: 3000 }), false)

  assert.deepEqual((await admin.listTopics()).filter((name) => !name.startsWith('__')).sort(), ['alpha', 'beta'])

  const { topics } = await admin.fetchTopicMetadata({ topics: ['alpha', 'beta'] })
  const byName = new Map(topics.map((topic) => [topic.name, topic]))
  const alpha = byName.get('alpha')
  assert.ok(alpha !== undefined)
  assert.deepEqual(alpha.partitions.map((partition) => partition.partitionId).sort(), [0, 1, 2])
  for (const partition of alpha.partitions) {
    assert.equal(partition.partitionErrorCode, 0)
    assert.equal(partition.leader, node.nodeId)
    assert.deepEqual(partition.replicas, [node.nodeId])
    assert.deepEqual(partition.isr, [node.nodeId])
  }
  assert.equal(byName.get('beta')?.partitions.length, 1)
})

const CODECS: readonly { name: string; kafkajs: KafkajsCompression; stored: CompressionType }[] = [
  { name: 'none', kafkajs: CompressionTypes.None, stored: CompressionType.NONE },
  { name: 'gzip', kafkajs: CompressionTypes.GZIP, stored: CompressionType.GZIP },
  { name: 'snappy', kafkajs: CompressionTypes.Snappy, stored: CompressionType.SNAPPY },
  { name: 'lz4', kafkajs: CompressionTypes.LZ4, stored: CompressionType.LZ4 },
  { name: 'zstd', kafkajs: CompressionTypes.ZSTD, stored: CompressionType.ZSTD },
]

test('kafkajs produces keyed records with headers and timestamps through every codec, stored as sent', async (t) => {
  const node = await startTestBroker(t)
  const admin = await connectedAdmin(t, node)
  await admin.createTopics({ topics: CODECS.map((codec) => ({ topic: `codec-${codec.name}`, numPartitions: 1 })), timeout: 3000 })
  const producer = await connectedProducer(t, node, false)

  for (const codec of CODECS) {
    const topic = `codec-${codec.name}`
    const messages = messagesFor(codec.name)
    const [result] = await producer.send({ topic, acks: -1, compression: codec.kafkajs, messages })
    assert.equal(result?.errorCode, 0, codec.name)
    assert.equal(result?.baseOffset, '0', codec.name)

    await assertOneStoredBatch(node, topic, {
      compression: codec.stored, sent: messages, baseTimestamp: BigInt(BASE_TIMESTAMP), maxTimestamp: BigInt(BASE_TIMESTAMP + 4000),
    }, codec.name)
  }

  // Cross-check with another reader: kcat (librdkafka, Fetch v11) decodes every codec's batch too.
  for (const codec of CODECS) {
    const { stdout, stderr } = await execFileAsync('/usr/bin/kcat', [
      '-C', '-q', '-X', 'fetch.wait.max.ms=20', '-o', 'beginning', '-e', '-b', node.bootstrap, '-t', `codec-${codec.name}`, '-f', '%k|%s|%T|%h\\n',
    ], { timeout: 10_000 })
    assert.deepEqual(stdout.split('\n').filter((line) => line !== ''), messagesFor(codec.name).map((message) =>
      `${message.key}|${message.value}|${message.timestamp}|codec=${codec.name},index=${message.headers.index}`), `kcat ${codec.name}: ${stderr}`)
  }

  // ListOffsets: latest and earliest, and by timestamp (the first record at or after it).
  assert.deepEqual(await admin.fetchTopicOffsets('codec-gzip'), [{ partition: 0, offset: '5', high: '5', low: '0' }])
  assert.deepEqual(await admin.fetchTopicOffsetsByTimestamp('codec-gzip', BASE_TIMESTAMP + 2500), [{ partition: 0, offset: '3' }])
  assert.deepEqual(await admin.fetchTopicOffsetsByTimestamp('codec-gzip', BASE_TIMESTAMP), [{ partition: 0, offset: '0' }])
  // Past every record: the log end offset.
  assert.deepEqual(await admin.fetchTopicOffsetsByTimestamp('codec-gzip', BASE_TIMESTAMP + 60_000), [{ partition: 0, offset: '5' }])
})

test('kafkajs gets MESSAGE_TOO_LARGE for a batch over message.max.bytes, and nothing is stored', async (t) => {
  const node = await startTestBroker(t, { 'message.max.bytes': '2000' })
  const admin = await connectedAdmin(t, node)
  await admin.createTopics({ topics: [{ topic: 'small', numPartitions: 1 }], timeout: 3000 })
  const producer = await connectedProducer(t, node, false)

  await assert.rejects(
    producer.send({ topic: 'small', acks: -1, messages: [{ key: 'k', value: 'x'.repeat(3000) }] }),
    (error: Error & { type?: string }) => {
      assert.equal(error.name, 'KafkaJSProtocolError')
      assert.equal(error.type, 'MESSAGE_TOO_LARGE')
      return true
    },
  )
  assert.deepEqual(await storedBatchHeaders(node, 'small', 0), [])

  // A batch under the limit still goes in.
  await producer.send({ topic: 'small', acks: -1, messages: [{ key: 'k', value: 'x'.repeat(500) }] })
  assert.equal((await storedBatchHeaders(node, 'small', 0)).length, 1)
})

test('kafkajs producing to an unknown topic without auto-creation fails with UNKNOWN_TOPIC_OR_PARTITION', async (t) => {
  const node = await startTestBroker(t, { 'auto.create.topics.enable': 'false' })
  const producer = await connectedProducer(t, node, false)

  await assert.rejects(
    producer.send({ topic: 'nowhere', acks: -1, messages: [{ value: 'lost' }] }),
    (error: Error & { type?: string; cause?: Error & { type?: string } }) => {
      const type = error.type ?? error.cause?.type
      assert.equal(type, 'UNKNOWN_TOPIC_OR_PARTITION', `${error.name}: ${error.message}`)
      return true
    },
  )
  assert.equal(node.logManager.getLog('nowhere', 0), undefined)
})

test('kafkajs admin deletes topics', async (t) => {
  const node = await startTestBroker(t)
  const admin = await connectedAdmin(t, node)
  await admin.createTopics({ topics: [{ topic: 'doomed', numPartitions: 2 }, { topic: 'kept', numPartitions: 1 }], timeout: 3000 })

  await admin.deleteTopics({ topics: ['doomed'], timeout: 3000 })
  assert.deepEqual((await admin.listTopics()).filter((name) => !name.startsWith('__')), ['kept'])
  assert.equal(node.logManager.getLog('doomed', 0), undefined)
  assert.equal(node.logManager.getLog('doomed', 1), undefined)

  // Deleting it again: the broker answers UNKNOWN_TOPIC_OR_PARTITION.
  await assert.rejects(admin.deleteTopics({ topics: ['doomed'], timeout: 3000 }), (error: Error & { type?: string; cause?: Error & { type?: string } }) => {
    const type = error.type ?? error.cause?.type
    assert.equal(type, 'UNKNOWN_TOPIC_OR_PARTITION', `${error.name}: ${error.message}`)
    return true
  })
})
