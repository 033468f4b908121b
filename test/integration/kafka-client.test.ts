// The CLI's client (src/client/) against a real node: bootstrap and versions, leaders, offsets,
// records back (compressed ones too), and its errors: an unreachable address, an unknown topic.
import assert from 'node:assert/strict'
import { createServer, type AddressInfo } from 'node:net'
import { test } from 'node:test'
import kafkajs from 'kafkajs'
import { KafkaClient, parseHostPort } from '../../src/client/kafka-client.js'
import { ConnectionError } from '../../src/client/kafka-connection.js'
import { KafkaError } from '../../src/client/kafka-error.js'
import { EARLIEST, LATEST, listOffsets } from '../../src/client/list-offsets.js'
import { fetchRecords } from '../../src/client/fetch-records.js'
import { ApiKey } from '../../src/protocol/generated/api-registry.js'
import { ErrorCode } from '../../src/protocol/error-codes.js'
import { startTestBroker } from '../helpers/broker.js'
import { connectedKafkajsAdmin, connectedKafkajsProducer } from '../helpers/kafkajs.js'

test('bootstraps, negotiates versions, finds leaders, lists offsets and fetches records, gzip included', async (t) => {
  const node = await startTestBroker(t)
  const admin = await connectedKafkajsAdmin(t, node, 'client-admin')
  await admin.createTopics({ topics: [{ topic: 'client-t', numPartitions: 2 }] })
  const producer = await connectedKafkajsProducer(t, node, 'client-producer', false)
  await producer.send({ topic: 'client-t', compression: kafkajs.CompressionTypes.GZIP, messages: [{ partition: 1, key: 'k', value: 'v1', headers: { h: 'x' } }, { partition: 1, value: 'v2' }] })
  const client = await KafkaClient.connect({ bootstrap: `127.0.0.1:1,${node.bootstrap}`, timeoutMs: 2000 })
  t.after(() => client.close())
  assert.equal(client.version(ApiKey.METADATA), 12)
  assert.deepEqual([...await client.partitionLeaders('client-t')], [[0, 1], [1, 1]])
  assert.deepEqual((await listOffsets(client, 'client-t', LATEST)).map((p) => [p.partition, p.offset]), [[0, 0n], [1, 2n]])
  assert.deepEqual((await listOffsets(client, 'client-t', EARLIEST, [1])).map((p) => p.offset), [0n])
  const fetched = await fetchRecords(client, 1, 'client-t', 1, 1n)
  assert.equal(fetched.errorCode, ErrorCode.NONE)
  assert.deepEqual(fetched.records.map((record) => [record.offset, record.value?.toString()]), [[1n, 'v2']])
  assert.equal(fetched.nextOffset, 2n)
  assert.equal(fetched.highWatermark, 2n)
  const first = await fetchRecords(client, 1, 'client-t', 1, 0n)
  assert.deepEqual(first.records[0]?.headers.map((header) => [header.key.toString(), header.value?.toString()]), [['h', 'x']])
  await assert.rejects(listOffsets(client, 'no-such-topic', LATEST), (error: unknown) =>
    error instanceof KafkaError && error.errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION && /^UNKNOWN_TOPIC_OR_PARTITION: topic no-such-topic/.test(error.message))
  assert.equal(await client.groupCoordinator('any-group'), 1)
})

test('an address nothing listens on is a ConnectionError naming it; a malformed one is refused', async () => {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  await new Promise<void>((resolve) => server.close(() => resolve()))
  await assert.rejects(KafkaClient.connect({ bootstrap: `127.0.0.1:${port}`, timeoutMs: 2000 }), (error: unknown) =>
    error instanceof ConnectionError && error.message.includes(`127.0.0.1:${port}`) && error.message.includes('ECONNREFUSED'))
  assert.throws(() => parseHostPort('localhost'), /"localhost" is not host:port/)
  assert.deepEqual(parseHostPort('[::1]:9092'), { host: '::1', port: 9092 })
})
