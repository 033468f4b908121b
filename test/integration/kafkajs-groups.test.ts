// kafkajs 2.2.4 consumer groups against a real Sluice node: every codec read back through a group,
// assignment across three members, hand-over on leave and on death (a SIGKILLed child process),
// synchronous commits surviving a restart of every member and of the broker, and the admin group
// calls. Session timeouts are low (group.min.session.timeout.ms is 500 in FAST_TEST_PROPERTIES).
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { createRequire } from 'node:module'
import { test, type TestContext } from 'node:test'
import kafkajs from 'kafkajs'
import type { Consumer, ConsumerConfig, EachMessagePayload, CompressionTypes as KafkajsCompression } from 'kafkajs'
import type { BrokerNode } from '../../src/index.js'
import { startRestartableBroker, startTestBroker, waitFor } from '../helpers/broker.js'
import { kafkajsZstdCodec, type KafkajsCodec } from '../helpers/kafkajs-zstd-codec.js'
import { connectedKafkajsAdmin, connectedKafkajsProducer, kafkajsClient } from '../helpers/kafkajs.js'
import { REPO_ROOT } from '../helpers/repo-root.js'

const { CompressionTypes, CompressionCodecs, AssignerProtocol } = kafkajs
const require = createRequire(import.meta.url)
const snappyCodec = require('kafkajs-snappy') as () => KafkajsCodec
const Lz4Codec = require('kafkajs-lz4') as new () => { codec: () => KafkajsCodec }
CompressionCodecs[CompressionTypes.Snappy] = snappyCodec
CompressionCodecs[CompressionTypes.LZ4] = new Lz4Codec().codec
CompressionCodecs[CompressionTypes.ZSTD] = kafkajsZstdCodec

const SESSION_TIMEOUT_MS = 1500
const GROUP_CONFIG = {
  sessionTimeout: SESSION_TIMEOUT_MS,
  heartbeatInterval: 100,
  rebalanceTimeout: 3000,
  maxWaitTimeInMs: 100,
  retry: { retries: 5, initialRetryTime: 50, maxRetryTime: 300 },
} as const

const BASE_TIMESTAMP = Math.floor(Date.now() / 1000) * 1000 - 60_000

interface Seen { topic: string; partition: number; offset: number; key: string; value: string; timestamp: number; headers: Record<string, string> }

function seenOf({ topic, partition, message }: EachMessagePayload): Seen {
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(message.headers ?? {})) headers[name] = String(value)
  return { topic, partition, offset: Number(message.offset), key: message.key?.toString() ?? '', value: message.value?.toString() ?? '', timestamp: Number(message.timestamp), headers }
}

/** A consumer in `groupId` that records, per member, the partitions of its latest assignment. */
/**
 * A test whose clients are disconnected at its end, before the broker closes: kafkajs consumers
 * still running when their broker goes away keep retrying and hold the test process open.
 */
type Closers = (() => Promise<unknown>)[]
function groupTest(name: string, body: (t: TestContext & { closers: Closers }) => Promise<void>): void {
  test(name, async (t) => {
    const closers: Closers = []
    try {
      await body(Object.assign(t, { closers }))
    } finally {
      for (const close of closers.reverse()) await close().catch(() => {})
    }
  })
}

function groupConsumer(t: TestContext & { closers: Closers }, node: BrokerNode, groupId: string, name: string, config: Partial<ConsumerConfig> = {}): {
  consumer: Consumer
  assignment: () => { generationId: number; partitions: string[] } | undefined
} {
  const consumer = kafkajsClient(node, name).consumer({ groupId, ...GROUP_CONFIG, ...config })
  t.closers.push(() => consumer.disconnect())
  // kafkajs's GROUP_JOIN event carries no generation id: count the joins instead.
  let joins = 0
  let latest: { generationId: number; partitions: string[] } | undefined
  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    latest = { generationId: ++joins, partitions: Object.entries(payload.memberAssignment).flatMap(([topic, partitions]) => partitions.map((p) => `${topic}-${p}`)) }
  })
  consumer.on(consumer.events.STOP, () => { latest = undefined })
  return { consumer, assignment: () => latest }
}

/** True once the members' latest assignments between them hold each partition exactly once. */
function assignedOnce(assignments: readonly ({ generationId: number; partitions: string[] } | undefined)[], expected: readonly string[]): boolean {
  if (assignments.some((a) => a === undefined)) return false
  const all = assignments.flatMap((a) => a!.partitions).sort()
  return JSON.stringify(all) === JSON.stringify([...expected].sort())
}

function partitionsOf(topic: string, count: number): string[] {
  return Array.from({ length: count }, (_, p) => `${topic}-${p}`)
}

const CODECS: readonly { name: string; kafkajs: KafkajsCompression }[] = [
  { name: 'none', kafkajs: CompressionTypes.None },
  { name: 'gzip', kafkajs: CompressionTypes.GZIP },
  { name: 'snappy', kafkajs: CompressionTypes.Snappy },
  { name: 'lz4', kafkajs: CompressionTypes.LZ4 },
  { name: 'zstd', kafkajs: CompressionTypes.ZSTD },
]

groupTest('kafkajs reads back through a group every record produced through every codec, with keys, headers, timestamps and order', async (t) => {
  const node = await startTestBroker(t)
  const admin = await connectedKafkajsAdmin(t, node, 'kgroups-admin')
  await admin.createTopics({ topics: CODECS.map((codec) => ({ topic: `codec-${codec.name}`, numPartitions: 2 })), timeout: 3000 })
  const producer = await connectedKafkajsProducer(t, node, 'kgroups-producer', false)

  const expected: Seen[] = []
  for (const codec of CODECS) {
    const topic = `codec-${codec.name}`
    for (let batch = 0; batch < 2; batch++) {
      for (const partition of [0, 1]) {
        const messages = Array.from({ length: 4 }, (_, i) => ({
          partition,
          key: `${codec.name}-${partition}-${batch}-${i}`,
          value: `${codec.name} value ${batch}/${i} `.repeat(10),
          timestamp: String(BASE_TIMESTAMP + batch * 10_000 + i * 1000),
          headers: { codec: codec.name, index: String(i), batch: String(batch) },
        }))
        await producer.send({ topic, acks: -1, compression: codec.kafkajs, messages })
        messages.forEach((message, i) => expected.push({
          topic, partition, offset: batch * 4 + i, key: message.key, value: message.value, timestamp: Number(message.timestamp), headers: message.headers,
        }))
      }
    }
  }

  const { consumer } = groupConsumer(t, node, 'codecs-group', 'kgroups-codecs')
  await consumer.connect()
  await consumer.subscribe({ topics: CODECS.map((codec) => `codec-${codec.name}`), fromBeginning: true })
  const seen: Seen[] = []
  await consumer.run({ eachMessage: async (payload) => { seen.push(seenOf(payload)) } })
  await waitFor(() => seen.length >= expected.length, { timeoutMs: 15_000, what: `${expected.length} records (have ${seen.length})` })

  const byPartition = (records: readonly Seen[]): Map<string, Seen[]> => {
    const map = new Map<string, Seen[]>()
    for (const record of records) map.set(`${record.topic}-${record.partition}`, [...(map.get(`${record.topic}-${record.partition}`) ?? []), record])
    return map
  }
  assert.deepEqual([...byPartition(seen)].sort(), [...byPartition(expected)].sort())
})

groupTest('kafkajs: three members on a six-partition topic get every partition once; a leaving member hands its partitions over', async (t) => {
  const node = await startTestBroker(t)
  const admin = await connectedKafkajsAdmin(t, node, 'kgroups-admin')
  await admin.createTopics({ topics: [{ topic: 'six', numPartitions: 6 }], timeout: 3000 })
  const members = [0, 1, 2].map((i) => groupConsumer(t, node, 'three', `kgroups-member-${i}`))
  for (const { consumer } of members) {
    await consumer.connect()
    await consumer.subscribe({ topics: ['six'], fromBeginning: true })
    await consumer.run({ eachMessage: async () => {} })
  }
  const all = partitionsOf('six', 6)
  await waitFor(() => assignedOnce(members.map((m) => m.assignment()), all), { timeoutMs: 10_000, what: 'three members sharing six partitions' })
  for (const member of members) assert.equal(member.assignment()?.partitions.length, 2)

  const described = await admin.describeGroups(['three'])
  const group = described.groups[0]
  assert.equal(group?.state, 'Stable')
  assert.equal(group?.members.length, 3)
  const fromDescribe = group!.members.flatMap((member) => {
    const decoded = AssignerProtocol.MemberAssignment.decode(member.memberAssignment)
    return Object.entries(decoded?.assignment ?? {}).flatMap(([topic, partitions]) => partitions.map((p) => `${topic}-${p}`))
  }).sort()
  assert.deepEqual(fromDescribe, [...all].sort())

  const leaving = members[0]!
  const rest = members.slice(1)
  const joins = rest.map((m) => m.assignment()!.generationId)
  const left = Date.now()
  await leaving.consumer.disconnect()
  await waitFor(() => assignedOnce(rest.map((m) => m.assignment()), all) && rest.every((m, i) => m.assignment()!.generationId > joins[i]!), {
    timeoutMs: SESSION_TIMEOUT_MS, what: 'the two remaining members taking over all six partitions',
  })
  t.diagnostic(`hand-over after LeaveGroup took ${Date.now() - left} ms`)
  assert.equal((await admin.describeGroups(['three'])).groups[0]?.members.length, 2)
})

// A member in its own process, so that SIGKILL ends it without LeaveGroup: its heartbeats just stop.
const CHILD_MEMBER = `
import kafkajs from 'kafkajs'
const [bootstrap, groupId, topic, session] = process.argv.slice(1)
const kafka = new kafkajs.Kafka({ clientId: 'kgroups-doomed', brokers: [bootstrap], logLevel: kafkajs.logLevel.NOTHING })
const consumer = kafka.consumer({ groupId, sessionTimeout: Number(session), heartbeatInterval: 100, rebalanceTimeout: 3000, maxWaitTimeInMs: 100 })
consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => console.log('JOINED ' + JSON.stringify(payload.memberAssignment)))
await consumer.connect()
await consumer.subscribe({ topics: [topic], fromBeginning: true })
await consumer.run({ eachMessage: async () => {} })
`

groupTest('kafkajs: a member that dies without leaving (SIGKILL) has its partitions handed over within the session timeout', async (t) => {
  const node = await startTestBroker(t)
  const admin = await connectedKafkajsAdmin(t, node, 'kgroups-admin')
  await admin.createTopics({ topics: [{ topic: 'six', numPartitions: 6 }], timeout: 3000 })
  const members = [0, 1].map((i) => groupConsumer(t, node, 'dying', `kgroups-member-${i}`))
  for (const { consumer } of members) {
    await consumer.connect()
    await consumer.subscribe({ topics: ['six'], fromBeginning: true })
    await consumer.run({ eachMessage: async () => {} })
  }
  const all = partitionsOf('six', 6)
  await waitFor(() => assignedOnce(members.map((m) => m.assignment()), all), { timeoutMs: 10_000, what: 'two members sharing six partitions' })

  const child = spawn(process.execPath, ['--input-type=module', '-e', CHILD_MEMBER, node.bootstrap, 'dying', 'six', String(SESSION_TIMEOUT_MS)], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] })
  t.after(() => { child.kill('SIGKILL') })
  let childAssignment: Record<string, number[]> | undefined
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    for (const line of chunk.split('\n')) if (line.startsWith('JOINED ')) childAssignment = JSON.parse(line.slice(7)) as Record<string, number[]>
  })
  await waitFor(() => childAssignment !== undefined && members.every((m) => (m.assignment()?.partitions.length ?? 0) === 2), { timeoutMs: 10_000, what: 'the child process joining as a third member' })
  assert.equal(childAssignment?.six?.length, 2)
  assert.equal((await admin.describeGroups(['dying'])).groups[0]?.members.length, 3)
  const joins = members.map((m) => m.assignment()!.generationId)

  const killed = Date.now()
  child.kill('SIGKILL')
  await waitFor(() => assignedOnce(members.map((m) => m.assignment()), all) && members.every((m, i) => m.assignment()!.generationId > joins[i]!), {
    // The session timeout, then one heartbeat interval for the survivors to learn of the rebalance and rejoin.
    timeoutMs: SESSION_TIMEOUT_MS + 1500, what: 'the survivors taking over the dead member\'s partitions',
  })
  const took = Date.now() - killed
  t.diagnostic(`hand-over after SIGKILL took ${took} ms (session timeout ${SESSION_TIMEOUT_MS} ms)`)
  assert.ok(took >= SESSION_TIMEOUT_MS - 200, `hand-over after ${took} ms: before the session timeout expired`)
})

groupTest('kafkajs members that commit synchronously after each record, then all restart, resume exactly where they stopped', async (t) => {
  // A delay for the first join of an empty group, so that both members of each phase join one generation.
  const node = await startTestBroker(t, { 'group.initial.rebalance.delay.ms': '500' })
  const admin = await connectedKafkajsAdmin(t, node, 'kgroups-admin')
  await admin.createTopics({ topics: [{ topic: 'work', numPartitions: 6 }], timeout: 3000 })
  const producer = await connectedKafkajsProducer(t, node, 'kgroups-producer', false)
  const all = partitionsOf('work', 6)
  const TOTAL = 120

  const processed: Seen[] = []
  const commitErrors: string[] = []
  let inFlight = 0
  async function phase(label: string, until: () => boolean): Promise<void> {
    const members = [0, 1].map((i) => groupConsumer(t, node, 'workers', `kgroups-${label}-${i}`, { sessionTimeout: 2000 }))
    await Promise.all(members.map(async ({ consumer }) => {
      await consumer.connect()
      await consumer.subscribe({ topics: ['work'], fromBeginning: true })
    }))
    await Promise.all(members.map(({ consumer }) => consumer.run({
      autoCommit: false,
      eachMessage: async (payload) => {
        // Once the phase is over, records are neither processed nor committed.
        if (until()) return
        inFlight++
        try {
          // Slow enough processing that the first members stop part-way.
          await new Promise((resolve) => setTimeout(resolve, 10))
          processed.push(seenOf(payload))
          await consumer.commitOffsets([{ topic: payload.topic, partition: payload.partition, offset: String(Number(payload.message.offset) + 1) }])
        } catch (error) {
          commitErrors.push(`${label} ${payload.partition}/${payload.message.offset}: ${String(error)}`)
        } finally {
          inFlight--
        }
      },
    })))
    await waitFor(() => assignedOnce(members.map((m) => m.assignment()), all), { timeoutMs: 10_000, what: `${label}: two members sharing six partitions` })
    if (label === 'first') {
      await producer.send({ topic: 'work', acks: -1, messages: Array.from({ length: TOTAL }, (_, i) => ({ partition: i % 6, key: `k${i}`, value: `v${i}` })) })
    }
    await waitFor(() => until() && inFlight === 0, { timeoutMs: 15_000, what: `${label}: records processed (${processed.length})` })
    await Promise.all(members.map(({ consumer }) => consumer.disconnect()))
  }
  await phase('first', () => processed.length >= TOTAL / 2)
  const firstCount = processed.length
  assert.ok(firstCount < TOTAL, `the first members processed everything (${firstCount}) before stopping`)
  await phase('second', () => processed.length >= TOTAL)
  // Give any duplicate time to show up before judging.
  await new Promise((resolve) => setTimeout(resolve, 300))

  assert.deepEqual(commitErrors, [])
  const ids = processed.map((record) => `${record.partition}/${record.offset}`)
  assert.equal(new Set(ids).size, ids.length, `a record was processed twice (${firstCount} in the first phase)`)
  assert.equal(ids.length, TOTAL)
  for (let p = 0; p < 6; p++) {
    assert.deepEqual(processed.filter((record) => record.partition === p).map((record) => record.offset), Array.from({ length: TOTAL / 6 }, (_, i) => i), `partition ${p}`)
  }
  const committed = await admin.fetchOffsets({ groupId: 'workers', topics: ['work'] })
  assert.deepEqual(committed[0]?.partitions.map((p) => [p.partition, p.offset]).sort(), all.map((_, p) => [p, String(TOTAL / 6)]))
})

groupTest('kafkajs: a broker restart keeps every committed offset', async (t) => {
  const broker = await startRestartableBroker(t)
  const admin = await connectedKafkajsAdmin(t, broker.current(), 'kgroups-admin')
  await admin.createTopics({ topics: [{ topic: 'kept', numPartitions: 3 }], timeout: 3000 })
  const producer = await connectedKafkajsProducer(t, broker.current(), 'kgroups-producer', false)
  for (let i = 0; i < 30; i++) await producer.send({ topic: 'kept', acks: -1, messages: [{ partition: i % 3, key: `k${i}`, value: `v${i}` }] })
  await producer.disconnect()

  const { consumer } = groupConsumer(t, broker.current(), 'survivors', 'kgroups-survivor')
  await consumer.connect()
  await consumer.subscribe({ topics: ['kept'], fromBeginning: true })
  const seen: Seen[] = []
  await consumer.run({
    autoCommit: false,
    eachMessage: async (payload) => {
      // Commit partition p up to offset 3 + p (exclusive), so each partition's offset differs.
      const offset = Number(payload.message.offset)
      if (offset < 3 + payload.partition) {
        seen.push(seenOf(payload))
        await consumer.commitOffsets([{ topic: payload.topic, partition: payload.partition, offset: String(offset + 1) }])
      }
    },
  })
  await waitFor(() => seen.length >= 3 + 4 + 5, { timeoutMs: 10_000, what: 'records processed and committed' })
  await consumer.disconnect()
  const expected = [[0, '3'], [1, '4'], [2, '5']]
  const before = await admin.fetchOffsets({ groupId: 'survivors', topics: ['kept'] })
  assert.deepEqual(before[0]?.partitions.map((p) => [p.partition, p.offset]).sort(), expected)
  await admin.disconnect()

  const node = await broker.restart()
  const after = await connectedKafkajsAdmin(t, node, 'kgroups-admin-after')
  const fetched = await after.fetchOffsets({ groupId: 'survivors', topics: ['kept'] })
  assert.deepEqual(fetched[0]?.partitions.map((p) => [p.partition, p.offset]).sort(), expected)
  const groups = await after.listGroups()
  assert.ok(groups.groups.some((group) => group.groupId === 'survivors'), JSON.stringify(groups))

  // And a new member of the group resumes from them.
  const { consumer: resumed } = groupConsumer(t, node, 'survivors', 'kgroups-resumed')
  await resumed.connect()
  await resumed.subscribe({ topics: ['kept'], fromBeginning: true })
  const firstOffsets = new Map<number, number>()
  await resumed.run({ eachMessage: async ({ partition, message }) => { if (!firstOffsets.has(partition)) firstOffsets.set(partition, Number(message.offset)) } })
  await waitFor(() => firstOffsets.size === 3, { timeoutMs: 10_000, what: 'the resumed member reading every partition' })
  assert.deepEqual([...firstOffsets].sort(), [[0, 3], [1, 4], [2, 5]])
})

groupTest('kafkajs admin describes, lists and deletes groups, and deletes records under a group', async (t) => {
  const node = await startTestBroker(t)
  const admin = await connectedKafkajsAdmin(t, node, 'kgroups-admin')
  await admin.createTopics({ topics: [{ topic: 'admin-topic', numPartitions: 2 }], timeout: 3000 })
  const producer = await connectedKafkajsProducer(t, node, 'kgroups-producer', false)
  for (let i = 0; i < 10; i++) await producer.send({ topic: 'admin-topic', acks: -1, messages: [{ partition: i % 2, value: `v${i}` }] })

  const { consumer, assignment } = groupConsumer(t, node, 'admin-group', 'kgroups-admin-member')
  await consumer.connect()
  await consumer.subscribe({ topics: ['admin-topic'], fromBeginning: true })
  let count = 0
  await consumer.run({ autoCommit: false, eachMessage: async () => { count++ } })
  await waitFor(() => count === 10 && assignment() !== undefined, { timeoutMs: 10_000, what: 'the member reading every record' })
  await consumer.commitOffsets([{ topic: 'admin-topic', partition: 0, offset: '5' }, { topic: 'admin-topic', partition: 1, offset: '4' }])

  const listed = await admin.listGroups()
  assert.deepEqual(listed.groups.filter((group) => group.groupId === 'admin-group'), [{ groupId: 'admin-group', protocolType: 'consumer' }])
  const described = (await admin.describeGroups(['admin-group'])).groups[0]
  assert.equal(described?.state, 'Stable')
  assert.equal(described?.protocolType, 'consumer')
  assert.equal(described?.protocol, 'RoundRobinAssigner')
  assert.equal(described?.members.length, 1)
  assert.equal(described?.members[0]?.clientId, 'kgroups-admin-member')
  assert.deepEqual(AssignerProtocol.MemberAssignment.decode(described!.members[0]!.memberAssignment)?.assignment, { 'admin-topic': [0, 1] })
  // An unknown group describes as Dead with no members, as in Kafka.
  const unknown = (await admin.describeGroups(['no-such-group'])).groups[0]
  assert.equal(unknown?.state, 'Dead')
  assert.deepEqual(unknown?.members, [])

  // kafkajs has no OffsetDelete call; deleteTopicRecords (DeleteRecords) moves the log start, and
  // the group's committed offsets stay as they were.
  await admin.deleteTopicRecords({ topic: 'admin-topic', partitions: [{ partition: 0, offset: '2' }] })
  assert.deepEqual((await admin.fetchTopicOffsets('admin-topic')).find((p) => p.partition === 0), { partition: 0, offset: '5', high: '5', low: '2' })
  assert.deepEqual((await admin.fetchOffsets({ groupId: 'admin-group', topics: ['admin-topic'] }))[0]?.partitions.map((p) => [p.partition, p.offset]).sort(), [[0, '5'], [1, '4']])

  // Deleting a group with a live member fails with NON_EMPTY_GROUP.
  await assert.rejects(admin.deleteGroups(['admin-group']), (error: Error & { groups?: { errorCode: number; error?: { type?: string } }[] }) => {
    assert.equal(error.groups?.[0]?.error?.type, 'NON_EMPTY_GROUP', `${error.name}: ${error.message}`)
    return true
  })
  await consumer.disconnect()
  await waitFor(async () => (await admin.describeGroups(['admin-group'])).groups[0]?.state === 'Empty', { timeoutMs: 3000, what: 'the group becoming Empty' })
  // setOffsets joins the empty group with a temporary, paused member, seeks, commits and leaves.
  // It takes about 5 s: kafkajs's paused member waits out its default maxWaitTime before the FETCH
  // event it stops on (client behaviour, not the broker's).
  await admin.setOffsets({ groupId: 'admin-group', topic: 'admin-topic', partitions: [{ partition: 1, offset: '2' }] })
  assert.deepEqual((await admin.fetchOffsets({ groupId: 'admin-group', topics: ['admin-topic'] }))[0]?.partitions.map((p) => [p.partition, p.offset]).sort(), [[0, '5'], [1, '2']])

  assert.deepEqual(await admin.deleteGroups(['admin-group']), [{ groupId: 'admin-group', errorCode: 0 }])
  assert.ok(!(await admin.listGroups()).groups.some((group) => group.groupId === 'admin-group'))
  assert.deepEqual((await admin.fetchOffsets({ groupId: 'admin-group', topics: ['admin-topic'] }))[0]?.partitions.map((p) => [p.partition, p.offset]).sort(), [[0, '-1'], [1, '-1']])
  // Deleting it again: GROUP_ID_NOT_FOUND.
  await assert.rejects(admin.deleteGroups(['admin-group']), (error: Error & { groups?: { error?: { type?: string } }[] }) => {
    assert.equal(error.groups?.[0]?.error?.type, 'GROUP_ID_NOT_FOUND', `${error.name}: ${error.message}`)
    return true
  })
})
