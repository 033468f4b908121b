// @platformatic/kafka 2.12 consumer groups (classic protocol) against a real Sluice node: every
// codec it supports on Node 20 read back through a group, three-member assignment, hand-over on
// leave and on death (a SIGKILLed child process), a static member (groupInstanceId) restarting
// without a rebalance, synchronous commits across member and broker restarts, and the admin calls.
import '../helpers/promise-with-resolvers.js'
import assert from 'node:assert/strict'
import { spawn, type ChildProcess } from 'node:child_process'
import { test, type TestContext } from 'node:test'
import {
  Admin,
  Consumer,
  Producer,
  findErrorBy,
  stringDeserializers,
  stringSerializers,
  type CompressionAlgorithmValue,
  type GroupAssignment,
  type Message,
} from '@platformatic/kafka'
import type { BrokerNode } from '../../src/index.js'
import { startRestartableBroker, startTestBroker, waitFor } from '../helpers/broker.js'
import { REPO_ROOT } from '../helpers/repo-root.js'

const FAST = { retries: 1, retryDelay: 50, timeout: 3000, connectTimeout: 2000 } as const
const SESSION_TIMEOUT_MS = 1500
const GROUP = { sessionTimeout: SESSION_TIMEOUT_MS, heartbeatInterval: 100, rebalanceTimeout: 3000 } as const
const BASE_TIMESTAMP = BigInt(Math.floor(Date.now() / 1000) * 1000 - 60_000)

type Closers = (() => Promise<unknown>)[]
type GroupContext = TestContext & { closers: Closers }

/** A test whose clients close at its end, before the broker does (t.after hooks run after the broker's). */
function groupTest(name: string, body: (t: GroupContext) => Promise<void>): void {
  test(name, async (t) => {
    const closers: Closers = []
    try {
      await body(Object.assign(t, { closers }))
    } finally {
      for (const close of closers.reverse()) await close().catch(() => {})
    }
  })
}

function admin(t: GroupContext, node: BrokerNode, clientId = 'pfg-admin'): Admin {
  const client = new Admin({ ...FAST, clientId, bootstrapBrokers: [node.bootstrap] })
  t.closers.push(() => client.close())
  return client
}

function producer(t: GroupContext, node: BrokerNode): Producer<string, string, string, string> {
  const client = new Producer({ ...FAST, clientId: 'pfg-producer', bootstrapBrokers: [node.bootstrap], serializers: stringSerializers })
  t.closers.push(() => client.close())
  return client
}

interface Joined { generationId: number; memberId: string; partitions: string[] }

function partitionsOfAssignments(assignments: readonly GroupAssignment[] | undefined | null): string[] {
  return (assignments ?? []).flatMap((a) => a.partitions.map((p) => `${a.topic}-${p}`)).sort()
}

/** A consumer in `groupId` that records its latest assignment and counts its joins. */
function groupConsumer(t: GroupContext, node: BrokerNode, groupId: string, clientId: string, extra: { groupInstanceId?: string; sessionTimeout?: number } = {}): {
  consumer: Consumer<string, string, string, string>
  joined: () => Joined | undefined
  joins: () => number
} {
  const consumer = new Consumer({ ...FAST, ...GROUP, ...extra, clientId, groupId, bootstrapBrokers: [node.bootstrap], deserializers: stringDeserializers })
  t.closers.push(() => consumer.close(true))
  let latest: Joined | undefined
  let joins = 0
  consumer.on('consumer:group:join', (payload) => {
    joins++
    latest = { generationId: payload.generationId ?? -1, memberId: payload.memberId, partitions: partitionsOfAssignments(payload.assignments) }
  })
  consumer.on('consumer:group:leave', () => { latest = undefined })
  return { consumer, joined: () => latest, joins: () => joins }
}

/** True once every member is in one generation and between them they own each partition once. */
function assignedOnce(joined: readonly (Joined | undefined)[], expected: readonly string[]): boolean {
  if (joined.some((j) => j === undefined)) return false
  if (new Set(joined.map((j) => j!.generationId)).size !== 1) return false
  return JSON.stringify(joined.flatMap((j) => j!.partitions).sort()) === JSON.stringify([...expected].sort())
}

function partitionsOf(topic: string, count: number): string[] {
  return Array.from({ length: count }, (_, p) => `${topic}-${p}`)
}

interface Seen { topic: string; partition: number; offset: number; key: string; value: string; timestamp: bigint; headers: Record<string, string> }

function seenOf(message: Message<string, string, string, string>): Seen {
  return {
    topic: message.topic, partition: message.partition, offset: Number(message.offset), key: message.key, value: message.value,
    timestamp: message.timestamp, headers: Object.fromEntries(message.headers),
  }
}

const CODECS: readonly CompressionAlgorithmValue[] = ['none', 'gzip', 'snappy', 'lz4']

groupTest('platformatic reads back through a group every record produced through none, gzip, snappy and lz4, with keys, headers, timestamps and order', async (t) => {
  const node = await startTestBroker(t)
  await admin(t, node).createTopics({ topics: CODECS.map((codec) => `codec-${codec}`), partitions: 2, replicas: 1 })
  const client = producer(t, node)
  const expected: Seen[] = []
  for (const codec of CODECS) {
    const topic = `codec-${codec}`
    for (let batch = 0; batch < 2; batch++) {
      for (const partition of [0, 1]) {
        const messages = Array.from({ length: 4 }, (_, i) => ({
          topic, partition,
          key: `${codec}-${partition}-${batch}-${i}`,
          value: `${codec} value ${batch}/${i} `.repeat(10),
          timestamp: BASE_TIMESTAMP + BigInt(batch * 10_000 + i * 1000),
          headers: { codec, index: String(i), batch: String(batch) },
        }))
        await client.send({ acks: -1, compression: codec, messages })
        messages.forEach((message, i) => expected.push({ ...message, offset: batch * 4 + i }))
      }
    }
  }

  const { consumer } = groupConsumer(t, node, 'codecs-group', 'pfg-codecs')
  const stream = await consumer.consume({ topics: CODECS.map((codec) => `codec-${codec}`), mode: 'earliest', ...GROUP })
  const seen: Seen[] = []
  stream.on('data', (message: Message<string, string, string, string>) => { seen.push(seenOf(message)) })
  await waitFor(() => seen.length >= expected.length, { timeoutMs: 15_000, what: `${expected.length} records (have ${seen.length})` })

  const byPartition = (records: readonly Seen[]): [string, Seen[]][] => {
    const map = new Map<string, Seen[]>()
    for (const record of records) map.set(`${record.topic}-${record.partition}`, [...(map.get(`${record.topic}-${record.partition}`) ?? []), record])
    return [...map].sort()
  }
  assert.deepEqual(byPartition(seen), byPartition(expected))
})

groupTest('platformatic: three members on a six-partition topic get every partition once; a leaving member hands its partitions over', async (t) => {
  const node = await startTestBroker(t)
  const adminClient = admin(t, node)
  await adminClient.createTopics({ topics: ['six'], partitions: 6, replicas: 1 })
  const members = [0, 1, 2].map((i) => groupConsumer(t, node, 'three', `pfg-member-${i}`))
  for (const { consumer } of members) await consumer.consume({ topics: ['six'], mode: 'earliest', ...GROUP })
  const all = partitionsOf('six', 6)
  await waitFor(() => assignedOnce(members.map((m) => m.joined()), all), { timeoutMs: 10_000, what: 'three members sharing six partitions' })
  for (const member of members) assert.equal(member.joined()?.partitions.length, 2)

  const group = (await adminClient.describeGroups({ groups: ['three'] })).get('three')
  assert.equal(group?.state, 'Stable')
  assert.equal(group?.members.size, 3)
  const fromDescribe = [...group!.members.values()].flatMap((member) => partitionsOfAssignments([...(member.assignments?.values() ?? [])])).sort()
  assert.deepEqual(fromDescribe, [...all].sort())

  const rest = members.slice(1)
  const generation = rest[0]!.joined()!.generationId
  const left = Date.now()
  await members[0]!.consumer.close(true)
  await waitFor(() => assignedOnce(rest.map((m) => m.joined()), all) && rest[0]!.joined()!.generationId > generation, {
    timeoutMs: SESSION_TIMEOUT_MS, what: 'the two remaining members taking over all six partitions',
  })
  t.diagnostic(`hand-over after LeaveGroup took ${Date.now() - left} ms`)
  assert.equal((await adminClient.describeGroups({ groups: ['three'] })).get('three')?.members.size, 2)
})

// A member in its own process, so that SIGKILL ends it without LeaveGroup: its heartbeats just stop.
const CHILD_MEMBER = `
if (!Promise.withResolvers) Promise.withResolvers = function () { let resolve, reject; const promise = new Promise((a, b) => { resolve = a; reject = b }); return { promise, resolve, reject } }
const { Consumer } = await import('@platformatic/kafka')
const [bootstrap, groupId, topic, session, instance] = process.argv.slice(1)
const group = { sessionTimeout: Number(session), heartbeatInterval: 100, rebalanceTimeout: 3000 }
const consumer = new Consumer({ clientId: 'pfg-child', groupId, bootstrapBrokers: [bootstrap], retries: 1, retryDelay: 50, timeout: 3000, connectTimeout: 2000, ...group, ...(instance ? { groupInstanceId: instance } : {}) })
consumer.on('consumer:group:join', (p) => console.log('JOINED ' + JSON.stringify({ generationId: p.generationId, memberId: p.memberId, partitions: (p.assignments ?? []).flatMap((a) => a.partitions.map((n) => a.topic + '-' + n)).sort() })))
const stream = await consumer.consume({ topics: [topic], mode: 'earliest', ...group })
stream.on('data', () => {})
`

function childMember(t: GroupContext, node: BrokerNode, groupId: string, topic: string, instance = ''): { child: ChildProcess; joined: () => Joined | undefined } {
  const child = spawn(process.execPath, ['--input-type=module', '-e', CHILD_MEMBER, node.bootstrap, groupId, topic, String(SESSION_TIMEOUT_MS), instance], {
    cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'],
  })
  t.after(() => { child.kill('SIGKILL') })
  let latest: Joined | undefined
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    for (const line of chunk.split('\n')) if (line.startsWith('JOINED ')) latest = JSON.parse(line.slice(7)) as Joined
  })
  return { child, joined: () => latest }
}

groupTest('platformatic: a member that dies without leaving (SIGKILL) has its partitions handed over within the session timeout', async (t) => {
  const node = await startTestBroker(t)
  const adminClient = admin(t, node)
  await adminClient.createTopics({ topics: ['six'], partitions: 6, replicas: 1 })
  const members = [0, 1].map((i) => groupConsumer(t, node, 'dying', `pfg-member-${i}`))
  for (const { consumer } of members) await consumer.consume({ topics: ['six'], mode: 'earliest', ...GROUP })
  const all = partitionsOf('six', 6)
  await waitFor(() => assignedOnce(members.map((m) => m.joined()), all), { timeoutMs: 10_000, what: 'two members sharing six partitions' })

  const doomed = childMember(t, node, 'dying', 'six')
  await waitFor(() => assignedOnce([...members.map((m) => m.joined()), doomed.joined()], all), { timeoutMs: 10_000, what: 'the child process joining as a third member' })
  assert.equal(doomed.joined()?.partitions.length, 2)
  const generation = members[0]!.joined()!.generationId

  const killed = Date.now()
  doomed.child.kill('SIGKILL')
  await waitFor(() => assignedOnce(members.map((m) => m.joined()), all) && members[0]!.joined()!.generationId > generation, {
    timeoutMs: SESSION_TIMEOUT_MS + 1500, what: 'the survivors taking over the dead member\'s partitions',
  })
  const took = Date.now() - killed
  t.diagnostic(`hand-over after SIGKILL took ${took} ms (session timeout ${SESSION_TIMEOUT_MS} ms)`)
  assert.ok(took >= SESSION_TIMEOUT_MS - 200, `hand-over after ${took} ms: before the session timeout expired`)
})

groupTest('platformatic: a static member (groupInstanceId) restarting within the session timeout gets its partitions back without a rebalance', async (t) => {
  const node = await startTestBroker(t)
  const adminClient = admin(t, node)
  await adminClient.createTopics({ topics: ['six'], partitions: 6, replicas: 1 })
  const steady = groupConsumer(t, node, 'static', 'pfg-steady', { groupInstanceId: 'steady-1' })
  await steady.consumer.consume({ topics: ['six'], mode: 'earliest', ...GROUP, groupInstanceId: 'steady-1' })
  const first = childMember(t, node, 'static', 'six', 'restarting-1')
  const all = partitionsOf('six', 6)
  await waitFor(() => assignedOnce([steady.joined(), first.joined()], all), { timeoutMs: 10_000, what: 'two static members sharing six partitions' })
  const before = first.joined()!
  const steadyJoins = steady.joins()
  const generation = steady.joined()!.generationId
  const described = (await adminClient.describeGroups({ groups: ['static'] })).get('static')
  assert.deepEqual([...described!.members.values()].map((m) => m.groupInstanceId).sort(), ['restarting-1', 'steady-1'])

  // Killed (no LeaveGroup) and started again well within the session timeout.
  first.child.kill('SIGKILL')
  const second = childMember(t, node, 'static', 'six', 'restarting-1')
  await waitFor(() => second.joined() !== undefined, { timeoutMs: SESSION_TIMEOUT_MS, what: 'the static member rejoining' })
  const after = second.joined()!
  assert.deepEqual(after.partitions, before.partitions, 'the same partitions back')
  assert.equal(after.generationId, before.generationId, 'no new generation')
  assert.notEqual(after.memberId, before.memberId, 'a new member id replaces the old one')
  // Past the old member's session timeout: still no rebalance for the other member.
  await new Promise((resolve) => setTimeout(resolve, SESSION_TIMEOUT_MS + 500))
  assert.equal(steady.joins(), steadyJoins, 'the other member saw a rebalance')
  assert.equal(steady.joined()?.generationId, generation)
  const now = (await adminClient.describeGroups({ groups: ['static'] })).get('static')
  assert.equal(now?.state, 'Stable')
  assert.deepEqual([...now!.members.values()].map((m) => [m.groupInstanceId, m.id === after.memberId || m.groupInstanceId === 'steady-1']).sort(), [['restarting-1', true], ['steady-1', true]])
})

groupTest('platformatic members that commit synchronously after each record, then all restart, resume exactly where they stopped', async (t) => {
  // A delay for the first join of an empty group, so that both members of each phase join one generation.
  const node = await startTestBroker(t, { 'group.initial.rebalance.delay.ms': '500' })
  const adminClient = admin(t, node)
  await adminClient.createTopics({ topics: ['work'], partitions: 6, replicas: 1 })
  const client = producer(t, node)
  const all = partitionsOf('work', 6)
  const TOTAL = 120
  const processed: Seen[] = []
  const commitErrors: string[] = []

  async function phase(label: string, until: () => boolean): Promise<void> {
    const members = [0, 1].map((i) => groupConsumer(t, node, 'workers', `pfg-${label}-${i}`, { sessionTimeout: 2000 }))
    const streams = await Promise.all(members.map(({ consumer }) => consumer.consume({ topics: ['work'], mode: 'committed', fallbackMode: 'earliest', autocommit: false, ...GROUP, sessionTimeout: 2000 })))
    await waitFor(() => assignedOnce(members.map((m) => m.joined()), all), { timeoutMs: 10_000, what: `${label}: two members sharing six partitions` })
    if (label === 'first') {
      await client.send({ acks: -1, messages: Array.from({ length: TOTAL }, (_, i) => ({ topic: 'work', partition: i % 6, key: `k${i}`, value: `v${i}` })) })
    }
    let inFlight = 0
    const loops = streams.map(async (stream) => {
      for await (const message of stream) {
        // Once the phase is over, records are neither processed nor committed.
        if (until()) continue
        inFlight++
        try {
          // Slow enough processing that the first members stop part-way.
          await new Promise((resolve) => setTimeout(resolve, 10))
          processed.push(seenOf(message))
          await message.commit()
        } catch (error) {
          commitErrors.push(`${label} ${message.partition}/${message.offset}: ${String(error)}`)
        } finally {
          inFlight--
        }
      }
    })
    await waitFor(() => until() && inFlight === 0, { timeoutMs: 15_000, what: `${label}: records processed (${processed.length})` })
    // Closing the consumers ends their streams, and so the loops.
    await Promise.all(members.map(({ consumer }) => consumer.close(true)))
    await Promise.all(loops)
  }
  await phase('first', () => processed.length >= TOTAL / 2)
  const firstCount = processed.length
  assert.ok(firstCount < TOTAL, `the first members processed everything (${firstCount}) before stopping`)
  await phase('second', () => processed.length >= TOTAL)

  assert.deepEqual(commitErrors, [])
  const ids = processed.map((record) => `${record.partition}/${record.offset}`)
  assert.equal(new Set(ids).size, ids.length, `a record was processed twice (${firstCount} in the first phase)`)
  assert.equal(ids.length, TOTAL)
  for (let p = 0; p < 6; p++) {
    assert.deepEqual(processed.filter((record) => record.partition === p).map((record) => record.offset), Array.from({ length: TOTAL / 6 }, (_, i) => i), `partition ${p}`)
  }
  const [offsets] = await adminClient.listConsumerGroupOffsets({ groups: ['workers'] })
  assert.deepEqual(offsets?.topics.find((topic) => topic.name === 'work')?.partitions.map((p) => [p.partitionIndex, p.committedOffset]).sort(), all.map((_, p) => [p, BigInt(TOTAL / 6)]))
})

groupTest('platformatic: a broker restart keeps every committed offset', async (t) => {
  const broker = await startRestartableBroker(t)
  const before = new Admin({ ...FAST, clientId: 'pfg-admin-before', bootstrapBrokers: [broker.current().bootstrap] })
  t.closers.push(() => before.close())
  await before.createTopics({ topics: ['kept'], partitions: 3, replicas: 1 })
  const client = new Producer({ ...FAST, clientId: 'pfg-producer', bootstrapBrokers: [broker.current().bootstrap], serializers: stringSerializers })
  await client.send({ acks: -1, messages: Array.from({ length: 30 }, (_, i) => ({ topic: 'kept', partition: i % 3, key: `k${i}`, value: `v${i}` })) })
  await client.close()

  const { consumer } = groupConsumer(t, broker.current(), 'survivors', 'pfg-survivor')
  const stream = await consumer.consume({ topics: ['kept'], mode: 'earliest', autocommit: false, ...GROUP })
  let committed = 0
  for await (const message of stream) {
    // Commit partition p up to offset 3 + p (exclusive), so each partition's offset differs.
    if (Number(message.offset) < 3 + message.partition) {
      await message.commit()
      if (++committed === 3 + 4 + 5) break
    }
  }
  await consumer.close(true)
  const offsetsOf = async (adminClient: Admin): Promise<[number, bigint][] | undefined> => {
    const [group] = await adminClient.listConsumerGroupOffsets({ groups: ['survivors'] })
    return group?.topics.find((topic) => topic.name === 'kept')?.partitions.map((p): [number, bigint] => [p.partitionIndex, p.committedOffset]).sort()
  }
  const expected = [[0, 3n], [1, 4n], [2, 5n]]
  assert.deepEqual(await offsetsOf(before), expected)
  await before.close()

  const node = await broker.restart()
  const after = admin(t, node, 'pfg-admin-after')
  assert.deepEqual(await offsetsOf(after), expected)
  assert.ok((await after.listGroups()).has('survivors'))
})

groupTest('platformatic admin lists, describes and deletes groups, and deletes a group\'s committed offsets (OffsetDelete)', async (t) => {
  const node = await startTestBroker(t)
  const adminClient = admin(t, node)
  await adminClient.createTopics({ topics: ['admin-topic', 'other-topic'], partitions: 2, replicas: 1 })
  const { consumer, joined } = groupConsumer(t, node, 'admin-group', 'pfg-admin-member')
  await consumer.consume({ topics: ['admin-topic'], mode: 'earliest', autocommit: false, ...GROUP })
  await waitFor(() => joined() !== undefined, { timeoutMs: 10_000, what: 'the member joining' })
  await consumer.commit({ offsets: [
    { topic: 'admin-topic', partition: 0, offset: 5n, leaderEpoch: 0 },
    { topic: 'admin-topic', partition: 1, offset: 4n, leaderEpoch: 0 },
  ] })
  // A group-less commit from the admin client (OffsetCommit, generation -1) to a live group is
  // refused with UNKNOWN_MEMBER_ID, as in Kafka.
  await assert.rejects(adminClient.alterConsumerGroupOffsets({ groupId: 'admin-group', topics: [{ name: 'other-topic', partitionOffsets: [{ partition: 0, offset: 2n }] }] }), (error: Error) => {
    assert.ok(findErrorBy(error, 'apiId', 'UNKNOWN_MEMBER_ID') !== null, String(error))
    return true
  })

  const listed = await adminClient.listGroups()
  assert.equal(listed.get('admin-group')?.protocolType, 'consumer')
  assert.equal(listed.get('admin-group')?.state, 'Stable')
  const group = (await adminClient.describeGroups({ groups: ['admin-group'] })).get('admin-group')
  assert.equal(group?.state, 'Stable')
  assert.equal(group?.protocolType, 'consumer')
  assert.equal(group?.members.size, 1)
  const member = [...group!.members.values()][0]
  assert.equal(member?.clientId, 'pfg-admin-member')
  assert.deepEqual(partitionsOfAssignments([...(member?.assignments?.values() ?? [])]), ['admin-topic-0', 'admin-topic-1'])

  // OffsetDelete for a topic the live group subscribes to: GROUP_SUBSCRIBED_TO_TOPIC, as in Kafka.
  await assert.rejects(adminClient.deleteConsumerGroupOffsets({ groupId: 'admin-group', topics: [{ name: 'admin-topic', partitionIndexes: [0] }] }), (error: Error) => {
    assert.ok(findErrorBy(error, 'apiId', 'GROUP_SUBSCRIBED_TO_TOPIC') !== null, String(error))
    return true
  })
  await assert.rejects(adminClient.deleteGroups({ groups: ['admin-group'] }), (error: Error) => {
    assert.ok(findErrorBy(error, 'apiId', 'NON_EMPTY_GROUP') !== null, String(error))
    return true
  })

  await consumer.close(true)
  await waitFor(async () => (await adminClient.describeGroups({ groups: ['admin-group'] })).get('admin-group')?.state === 'Empty', { timeoutMs: 3000, what: 'the group becoming Empty' })
  // Once empty, OffsetDelete removes the partition's committed offset.
  assert.deepEqual(await adminClient.deleteConsumerGroupOffsets({ groupId: 'admin-group', topics: [{ name: 'admin-topic', partitionIndexes: [0] }] }), [{ name: 'admin-topic', partitionIndexes: [0] }])
  const [offsets] = await adminClient.listConsumerGroupOffsets({ groups: ['admin-group'] })
  const remaining = offsets?.topics.flatMap((topic) => topic.partitions.filter((p) => p.committedOffset >= 0n).map((p) => [topic.name, p.partitionIndex, p.committedOffset]))
  assert.ok(remaining?.some(([name, p, offset]) => name === 'admin-topic' && p === 1 && offset === 4n), JSON.stringify(remaining, (_, v: unknown) => typeof v === 'bigint' ? String(v) : v))
  assert.ok(!remaining?.some(([name, p]) => name === 'admin-topic' && p === 0), JSON.stringify(remaining, (_, v: unknown) => typeof v === 'bigint' ? String(v) : v))

  await adminClient.deleteGroups({ groups: ['admin-group'] })
  assert.equal((await adminClient.listGroups()).has('admin-group'), false)
  await assert.rejects(adminClient.deleteGroups({ groups: ['admin-group'] }), (error: Error) => {
    assert.ok(findErrorBy(error, 'apiId', 'GROUP_ID_NOT_FOUND') !== null, String(error))
    return true
  })
})
