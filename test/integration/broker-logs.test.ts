// The log lines of a real broker driven by kafkajs: a topic created (info, with topic), a consumer
// group joined (info, with group and memberId, for the join and the rebalance's completion), a
// record too large refused (warn, with topic, partition and clientId); every line one JSON object
// with level, time, msg and nodeId. The logger is the one `sluice server` builds when its output is
// not a terminal.
import assert from 'node:assert/strict'
import { Writable } from 'node:stream'
import { test } from 'node:test'
import { createBrokerLogger } from '../../src/broker-logger.js'
import { startBroker } from '../../src/index.js'
import { FAST_TEST_PROPERTIES, waitFor } from '../helpers/broker.js'
import { kafkajsClient, KAFKAJS_RETRY } from '../helpers/kafkajs.js'

type LogLine = Record<string, unknown> & { level: number; msg: string }

const GROUP = 'logs-group'
const TOPIC = 'logs-topic'

test('a broker logs lifecycle, membership and client errors as JSON lines with context fields', { timeout: 15_000 }, async (t) => {
  const raw: string[] = []
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      raw.push(chunk.toString('utf8'))
      callback()
    },
  })
  const lines = (): LogLine[] => raw.join('').split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as LogLine)
  const withMessage = (msg: string): LogLine[] => lines().filter((line) => line.msg === msg)

  const node = await startBroker({ properties: { ...FAST_TEST_PROPERTIES }, logger: createBrokerLogger({ level: 'debug', isTerminal: false, destination: stream }) })
  // Registered first, so it runs last: clients are gone before the broker closes.
  t.after(() => node.close({ timeoutMs: 2_000 }))

  const kafka = kafkajsClient(node, 'logs-client')
  const admin = kafka.admin({ retry: KAFKAJS_RETRY })
  const producer = kafka.producer({ allowAutoTopicCreation: false, retry: { retries: 0 } })
  const consumer = kafka.consumer({
    groupId: GROUP, sessionTimeout: 1500, heartbeatInterval: 100, rebalanceTimeout: 3000, maxWaitTimeInMs: 100,
    retry: { retries: 5, initialRetryTime: 50, maxRetryTime: 300 },
  })
  t.after(() => admin.disconnect())
  t.after(() => producer.disconnect())
  t.after(() => consumer.disconnect())
  await Promise.all([admin.connect(), producer.connect(), consumer.connect()])

  // A topic whose batches may be at most 1 KiB.
  assert.equal(await admin.createTopics({
    topics: [{ topic: TOPIC, numPartitions: 2, replicationFactor: 1, configEntries: [{ name: 'max.message.bytes', value: '1024' }] }],
  }), true)
  const created = withMessage('topic created').filter((line) => line.topic === TOPIC)
  assert.equal(created.length, 1)
  assert.deepEqual([created[0]!.level, created[0]!.partitions, created[0]!.replicationFactor], [30, 2, 1])

  // A consumer group of one member.
  let hasJoined = false
  consumer.on(consumer.events.GROUP_JOIN, () => { hasJoined = true })
  await consumer.subscribe({ topic: TOPIC, fromBeginning: true })
  await consumer.run({ eachMessage: async () => {} })
  await waitFor(() => hasJoined, { timeoutMs: 8_000, what: 'the consumer to join its group' })
  const joined = withMessage('member joined group').filter((line) => line.group === GROUP)
  assert.equal(joined.length, 1)
  assert.equal(joined[0]!.level, 30)
  assert.equal(joined[0]!.clientId, 'logs-client')
  assert.equal(joined[0]!.generationId, 1)
  assert.equal(typeof joined[0]!.memberId, 'string')
  assert.match(joined[0]!.memberId as string, /^logs-client-/)
  const completed = withMessage('rebalance completed').filter((line) => line.group === GROUP)
  assert.equal(completed.length, 1)
  assert.deepEqual([completed[0]!.level, completed[0]!.generationId, completed[0]!.members, completed[0]!.leaderId],
    [30, 1, 1, joined[0]!.memberId])
  assert.equal(withMessage('rebalance started').filter((line) => line.group === GROUP).length, 1)

  // A batch over max.message.bytes: MESSAGE_TOO_LARGE, logged at warn with the client's id.
  await assert.rejects(producer.send({ topic: TOPIC, acks: -1, messages: [{ partition: 1, value: Buffer.alloc(4096, 'x') }] }))
  const refused = withMessage('produce refused')
  assert.equal(refused.length, 1)
  assert.deepEqual([refused[0]!.level, refused[0]!.topic, refused[0]!.partition, refused[0]!.clientId, refused[0]!.error],
    [40, TOPIC, 1, 'logs-client', 'MESSAGE_TOO_LARGE'])

  // The consumer leaves: the member's leave and the group emptying are info lines too.
  await consumer.disconnect()
  await waitFor(() => withMessage('group is now empty').some((line) => line.group === GROUP), { timeoutMs: 5_000, what: 'the group to empty' })
  const left = withMessage('member left group').filter((line) => line.group === GROUP)
  assert.deepEqual(left.map((line) => [line.level, line.memberId]), [[30, joined[0]!.memberId]])

  // Every line: one JSON object, a level, an ISO time, a message, the node's id; no per-request
  // detail above debug.
  const all = lines()
  assert.ok(all.length > 10)
  for (const line of all) {
    assert.equal(typeof line.level, 'number')
    assert.equal(typeof line.msg, 'string')
    assert.equal(typeof line.time, 'string')
    assert.equal(new Date(line.time as string).toISOString(), line.time)
    assert.equal(line.nodeId, node.nodeId, JSON.stringify(line))
  }
  assert.equal(all.filter((line) => line.msg === 'request handled' && line.level > 20).length, 0)
})
