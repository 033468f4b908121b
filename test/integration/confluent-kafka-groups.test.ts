// confluent-kafka-python (Debian's 1.7 on librdkafka 2.0.2) consumer groups against a real Sluice
// node: subscribed Consumers as separate Python processes (test/helpers/python-member.ts) with
// librdkafka's default assignors (range, roundrobin; eager), low session timeouts. Covers: three
// members sharing six partitions, a member leaving or dying, a static member (group.instance.id)
// restarting without a rebalance, synchronous commits resuming exactly, committed offsets
// surviving a broker restart, and the AdminClient's group calls. confluent-kafka 1.7's AdminClient
// has list_groups only (ListGroups + DescribeGroups v0): it has no delete_consumer_groups, no
// consumer group offsets calls and no offset deletion, so those are not reachable from it.
import assert from 'node:assert/strict'
import { test, type TestContext } from 'node:test'
import { startRestartableBroker, startTestBroker, waitFor } from '../helpers/broker.js'
import { ckRun } from '../helpers/confluent-kafka.js'
import { coversExactlyOnce, heldPartitions, memberMessages, spawnPythonMember, waitMembersStable, type PythonMember } from '../helpers/python-member.js'

const PARTITIONS = 6
const SESSION_MS = 1500

const MEMBER = `
import json, queue, sys, threading, time
from confluent_kafka import Consumer
args = json.loads(sys.argv[1])
def emit(**x):
    sys.stdout.write(json.dumps(x) + '\\n')
    sys.stdout.flush()
commands = queue.Queue()
def read():
    for line in sys.stdin:
        commands.put(line.strip())
    commands.put('close')
threading.Thread(target=read, daemon=True).start()
conf = {'bootstrap.servers': args['bootstrap'], 'group.id': args['group'], 'enable.auto.commit': False,
        'auto.offset.reset': 'earliest', 'session.timeout.ms': args['sessionMs'], 'heartbeat.interval.ms': 100,
        'fetch.wait.max.ms': 50, 'topic.metadata.refresh.interval.ms': 1000}
conf.update(args.get('config', {}))
c = Consumer(conf)
def on_assign(consumer, partitions):
    emit(ev='assign', partitions=sorted(p.partition for p in partitions), t=time.time())
def on_revoke(consumer, partitions):
    emit(ev='revoke', partitions=sorted(p.partition for p in partitions), t=time.time())
c.subscribe([args['topic']], on_assign=on_assign, on_revoke=on_revoke)
processing, processed, limit = True, 0, args.get('limit')
emit(ev='started')
while True:
    try:
        cmd = commands.get_nowait()
    except queue.Empty:
        cmd = None
    if cmd == 'stop':
        processing = False
        emit(ev='stopped')
    elif cmd == 'close':
        c.close()
        emit(ev='closed')
        sys.exit(0)
    m = c.poll(0.05)
    if m is None:
        continue
    if m.error():
        emit(ev='error', error=m.error().name())
        continue
    if not processing:
        continue
    # Commit synchronously, then count the record as processed.
    c.commit(message=m, asynchronous=False)
    emit(ev='msg', partition=m.partition(), offset=m.offset(), value=m.value().decode('utf-8'))
    processed += 1
    if limit is not None and processed >= limit:
        processing = False
        emit(ev='stopped')
`

const SETUP = `
from confluent_kafka.admin import AdminClient, NewTopic
a = AdminClient({'bootstrap.servers': args['bootstrap']})
if args.get('create'):
    out(outcome(a.create_topics([NewTopic(args['topic'], args['partitions'], 1)], request_timeout=10)))
else:
    p = Producer({'bootstrap.servers': args['bootstrap'], 'acks': 'all'})
    failed = []
    def report(err, msg):
        if err is not None:
            failed.append(err.name())
    for r in args['records']:
        p.produce(args['topic'], value=r['value'], partition=r['partition'], on_delivery=report)
    out({'remaining': p.flush(10), 'failed': failed})
`

async function createTopic(bootstrap: string, topic: string): Promise<void> {
  assert.deepEqual(await ckRun(SETUP, { bootstrap, topic, partitions: PARTITIONS, create: true }), { [topic]: null })
}

/** Produces `perPartition` records to each partition, values "p<partition>-<index>" from `first`. */
async function produce(bootstrap: string, topic: string, perPartition: number, first = 0): Promise<string[]> {
  const records = []
  for (let partition = 0; partition < PARTITIONS; partition++) {
    for (let i = first; i < first + perPartition; i++) records.push({ partition, value: `p${partition}-${i}` })
  }
  assert.deepEqual(await ckRun(SETUP, { bootstrap, topic, records }), { remaining: 0, failed: [] })
  return records.map((r) => r.value)
}

function member(t: TestContext, name: string, args: Record<string, unknown>): PythonMember {
  return spawnPythonMember(t, name, MEMBER, { sessionMs: SESSION_MS, ...args }, 60_000)
}

function waitStable(members: readonly PythonMember[], what: string, timeoutMs = 15_000): Promise<void> {
  return waitMembersStable(members, PARTITIONS, what, timeoutMs)
}

const messages = memberMessages

test('three members on a six-partition topic get every partition exactly once, two each', async (t) => {
  const node = await startTestBroker(t)
  const bootstrap = node.bootstrap
  await createTopic(bootstrap, 'ck-grp-three')
  const members = ['a', 'b', 'c'].map((name) => member(t, name, { bootstrap, group: 'ck-three', topic: 'ck-grp-three' }))
  await waitStable(members, 'three members to share the partitions')
  for (const m of members) assert.equal(heldPartitions(m).length, 2, `${m.name} holds ${JSON.stringify(heldPartitions(m))}`)
  // Records produced now reach exactly the member holding their partition.
  const values = await produce(bootstrap, 'ck-grp-three', 3)
  await waitFor(() => members.reduce((n, m) => n + messages(m).length, 0) >= values.length, { timeoutMs: 10_000, what: 'every record to be consumed' })
  for (const m of members) for (const e of messages(m)) assert.ok(heldPartitions(m).includes(e.partition as number), `${m.name} read partition ${String(e.partition)}`)
  assert.deepEqual(members.flatMap((m) => messages(m).map((e) => e.value)).sort(), [...values].sort())
  for (const m of members) m.send('close')
  assert.deepEqual(await Promise.all(members.map((m) => m.exited)), [0, 0, 0])
})

test('a member that closes hands its partitions to the rest; a SIGKILLed member\'s go over within the session timeout', async (t) => {
  const node = await startTestBroker(t)
  const bootstrap = node.bootstrap
  await createTopic(bootstrap, 'ck-grp-leave')
  const sessionMs = 2_500
  const [a, b, c] = ['a', 'b', 'c'].map((name) => member(t, name, { bootstrap, group: 'ck-leave', topic: 'ck-grp-leave', sessionMs })) as [PythonMember, PythonMember, PythonMember]
  await waitStable([a, b, c], 'three members to share the partitions')

  // Leaving: close() sends LeaveGroup, so the others rebalance at once, without waiting out the session.
  let started = Date.now()
  c.send('close')
  assert.equal(await c.exited, 0)
  await waitStable([a, b], 'a and b to take over c\'s partitions after it left')
  const afterLeave = Date.now() - started
  assert.deepEqual(heldPartitions(a).length + heldPartitions(b).length, PARTITIONS)
  assert.ok(afterLeave < sessionMs, `rebalance after a leave took ${afterLeave} ms, not under the ${sessionMs} ms session timeout`)

  // Dying: no LeaveGroup, no heartbeats; the coordinator expires b after the session timeout.
  started = Date.now()
  b.kill()
  await b.exited
  await waitFor(() => coversExactlyOnce([a], PARTITIONS), { timeoutMs: sessionMs + 5_000, what: `a to hold every partition after b died: ${JSON.stringify(a.events)}` })
  const afterDeath = Date.now() - started
  t.diagnostic(`leave handed over in ${afterLeave} ms, death in ${afterDeath} ms (session ${sessionMs} ms)`)
  // The session timeout plus one heartbeat and a rejoin round.
  a.send('close')
  assert.equal(await a.exited, 0)
})

test('a static member (group.instance.id) restarting within the session timeout gets its partitions back without a rebalance', async (t) => {
  const node = await startTestBroker(t)
  const bootstrap = node.bootstrap
  await createTopic(bootstrap, 'ck-grp-static')
  const sessionMs = 6_000
  const start = (name: string): PythonMember => member(t, name, { bootstrap, group: 'ck-static', topic: 'ck-grp-static', sessionMs, config: { 'group.instance.id': `static-${name}` } })
  const a = start('a')
  await waitStable([a], 'a alone to hold every partition')
  const b = start('b')
  await waitStable([a, b], 'a and b to share')
  const c = start('c')
  await waitStable([a, b, c], 'three static members to share')
  const before = { a: a.events.length, b: b.events.length }
  const cPartitions = heldPartitions(c)

  // A static member's close() sends no LeaveGroup (librdkafka), so the group keeps its place.
  const started = Date.now()
  c.send('close')
  assert.equal(await c.exited, 0)
  const c2 = start('c')
  const assigned = await c2.waitEvent((e) => e.ev === 'assign', { timeoutMs: sessionMs, what: 'the restarted static member\'s assignment' })
  const restartMs = Date.now() - started
  assert.ok(restartMs < sessionMs, `restart took ${restartMs} ms`)
  assert.deepEqual(assigned.partitions, cPartitions)
  // Give a rebalance, were there one, time to reach the others: they must see no revocation.
  await new Promise((resolve) => setTimeout(resolve, 2_000))
  assert.deepEqual(a.events.slice(before.a).filter((e) => e.ev !== 'msg'), [], 'a saw a rebalance')
  assert.deepEqual(b.events.slice(before.b).filter((e) => e.ev !== 'msg'), [], 'b saw a rebalance')
  assert.ok(coversExactlyOnce([a, b, c2], PARTITIONS))
  // And the restarted member really consumes its partitions.
  const values = await produce(bootstrap, 'ck-grp-static', 2)
  await waitFor(() => [a, b, c2].reduce((n, m) => n + messages(m).length, 0) >= values.length, { timeoutMs: 10_000, what: 'every record to be consumed' })
  assert.deepEqual([...new Set(messages(c2).map((e) => e.partition))].sort(), cPartitions)
  for (const m of [a, b, c2]) m.send('close')
  await Promise.all([a, b, c2].map((m) => m.exited))
})

test('members committing synchronously after each record, then all restarting, resume exactly where they stopped', async (t) => {
  const node = await startTestBroker(t)
  const bootstrap = node.bootstrap
  await createTopic(bootstrap, 'ck-grp-resume')
  // Each first-run member stops processing after 7 records: mid-partition (10 per partition).
  const first = ['a', 'b', 'c'].map((name) => member(t, name, { bootstrap, group: 'ck-resume', topic: 'ck-grp-resume', limit: 7 }))
  await waitStable(first, 'three members to share')
  const values = await produce(bootstrap, 'ck-grp-resume', 10)
  await Promise.all(first.map((m) => m.waitEvent((e) => e.ev === 'stopped', { timeoutMs: 10_000, what: '7 records processed' })))
  for (const m of first) m.send('close')
  await Promise.all(first.map((m) => m.exited))
  const firstRun = first.flatMap((m) => messages(m))
  assert.equal(firstRun.length, 21)

  const second = ['d', 'e', 'f'].map((name) => member(t, name, { bootstrap, group: 'ck-resume', topic: 'ck-grp-resume' }))
  await waitFor(() => second.reduce((n, m) => n + messages(m).length, 0) >= values.length - firstRun.length, { timeoutMs: 15_000, what: 'the rest of the records' })
  // Nothing more arrives: the second run started from the committed offsets.
  await new Promise((resolve) => setTimeout(resolve, 500))
  const secondRun = second.flatMap((m) => messages(m))
  const all = [...firstRun, ...secondRun].map((e) => e.value as string)
  assert.equal(all.length, values.length, `processed ${all.length} records for ${values.length} produced`)
  assert.deepEqual(all.sort(), [...values].sort())
  // Within a partition, the second run starts at the offset after the first run's last.
  for (let p = 0; p < PARTITIONS; p++) {
    const offsets = [...firstRun, ...secondRun].filter((e) => e.partition === p).map((e) => e.offset as number).sort((x, y) => x - y)
    assert.deepEqual(offsets, Array.from({ length: 10 }, (_, i) => i), `partition ${p}`)
  }
  for (const m of second) m.send('close')
  await Promise.all(second.map((m) => m.exited))
})

const COMMITTED = `
c = Consumer({'bootstrap.servers': args['bootstrap'], 'group.id': args['group'], 'enable.auto.commit': False})
out([tp.offset for tp in c.committed([TopicPartition(args['topic'], p) for p in range(args['partitions'])], timeout=10)])
c.close()
`

test('a broker restart keeps every committed offset', async (t) => {
  const broker = await startRestartableBroker(t)
  const bootstrap = broker.current().bootstrap
  await createTopic(bootstrap, 'ck-grp-restart')
  const values = await produce(bootstrap, 'ck-grp-restart', 5)
  const a = member(t, 'a', { bootstrap, group: 'ck-restart', topic: 'ck-grp-restart', limit: 17 })
  await a.waitEvent((e) => e.ev === 'stopped', { timeoutMs: 15_000, what: '17 records processed' })
  a.send('close')
  assert.equal(await a.exited, 0)
  const firstRun = messages(a)
  const expected = Array.from({ length: PARTITIONS }, (_, p) => {
    const offsets = firstRun.filter((e) => e.partition === p).map((e) => e.offset as number)
    return offsets.length === 0 ? -1001 : Math.max(...offsets) + 1
  })
  const query = { bootstrap, group: 'ck-restart', topic: 'ck-grp-restart', partitions: PARTITIONS }
  assert.deepEqual(await ckRun(COMMITTED, query), expected)

  await broker.restart()
  assert.deepEqual(await ckRun(COMMITTED, query), expected)
  const b = member(t, 'b', { bootstrap, group: 'ck-restart', topic: 'ck-grp-restart' })
  await waitFor(() => messages(b).length >= values.length - firstRun.length, { timeoutMs: 15_000, what: 'the rest of the records after the restart' })
  await new Promise((resolve) => setTimeout(resolve, 300))
  assert.deepEqual([...firstRun, ...messages(b)].map((e) => e.value as string).sort(), [...values].sort())
  b.send('close')
  assert.equal(await b.exited, 0)
})

const LIST_GROUPS = `
from confluent_kafka.admin import AdminClient
a = AdminClient({'bootstrap.servers': args['bootstrap']})
def member(m):
    return {'client_id': m.client_id, 'has_assignment': len(m.assignment) > 0}
groups = a.list_groups(timeout=10) if args.get('group') is None else a.list_groups(args['group'], timeout=10)
out(sorted([{'id': g.id, 'state': g.state, 'protocol_type': g.protocol_type, 'protocol': g.protocol, 'error': None if g.error is None else g.error.name(),
             'members': sorted([member(m) for m in g.members], key=lambda m: m['client_id'])} for g in groups], key=lambda g: g['id']))
`

test('AdminClient.list_groups lists every group and describes one: state, protocol and members', async (t) => {
  const node = await startTestBroker(t)
  const bootstrap = node.bootstrap
  await createTopic(bootstrap, 'ck-grp-admin')
  const members = ['a', 'b'].map((name) => member(t, name, { bootstrap, group: 'ck-admin', topic: 'ck-grp-admin', config: { 'client.id': `client-${name}` } }))
  await waitStable(members, 'two members to share')
  const other = member(t, 'o', { bootstrap, group: 'ck-admin-other', topic: 'ck-grp-admin', config: { 'client.id': 'client-o' } })
  await waitStable([other], 'the other group\'s member')

  const described = await ckRun(LIST_GROUPS, { bootstrap, group: 'ck-admin' }) as unknown[]
  assert.deepEqual(described, [{
    id: 'ck-admin', state: 'Stable', protocol_type: 'consumer', protocol: 'range', error: null,
    members: [{ client_id: 'client-a', has_assignment: true }, { client_id: 'client-b', has_assignment: true }],
  }])
  const listed = await ckRun(LIST_GROUPS, { bootstrap }) as { id: string; state: string; protocol_type: string }[]
  assert.deepEqual(listed.map((g) => [g.id, g.state, g.protocol_type]), [['ck-admin', 'Stable', 'consumer'], ['ck-admin-other', 'Stable', 'consumer']])

  for (const m of members) m.send('close')
  await Promise.all(members.map((m) => m.exited))
  const empty = await ckRun(LIST_GROUPS, { bootstrap, group: 'ck-admin' }) as unknown[]
  assert.deepEqual(empty, [{ id: 'ck-admin', state: 'Empty', protocol_type: 'consumer', protocol: '', error: null, members: [] }])
  other.send('close')
  await other.exited
})
