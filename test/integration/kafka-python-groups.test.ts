// kafka-python 2.0.2 (Debian's python3-kafka) consumer groups against a real Sluice node:
// subscribed KafkaConsumers as separate Python processes (test/helpers/python-member.ts) with
// kafka-python's default assignors (range, roundrobin; eager), low session timeouts (its
// request_timeout_ms must exceed the session timeout). Covers: three members sharing six
// partitions, a member leaving or dying, synchronous commits resuming exactly, committed offsets
// surviving a broker restart, and KafkaAdminClient's group calls (list, describe, list offsets,
// delete). kafka-python 2.0.2 has no static membership (no group.instance.id: it sends JoinGroup
// v2 at most) and no offset deletion (no OffsetDelete), so those scenarios are covered through
// confluent-kafka / kafkajs instead. kafka-python retries a coordinator lookup forever, so every
// one-shot script bounds itself with an alarm.
import assert from 'node:assert/strict'
import { test, type TestContext } from 'node:test'
import { startRestartableBroker, startTestBroker, waitFor } from '../helpers/broker.js'
import { runPythonJson } from '../helpers/python.js'
import { coversExactlyOnce, heldPartitions, memberMessages, spawnPythonMember, waitMembersStable, type PythonMember } from '../helpers/python-member.js'

const PARTITIONS = 6
const SESSION_MS = 1500

const MEMBER = `
import json, queue, signal, sys, threading, time
from kafka import ConsumerRebalanceListener, KafkaConsumer, TopicPartition
from kafka.structs import OffsetAndMetadata
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
c = KafkaConsumer(bootstrap_servers=args['bootstrap'], group_id=args['group'], enable_auto_commit=False,
                  auto_offset_reset='earliest', session_timeout_ms=args['sessionMs'], heartbeat_interval_ms=100,
                  max_poll_interval_ms=10000, request_timeout_ms=12000, fetch_max_wait_ms=50,
                  metadata_max_age_ms=1000, client_id=args.get('clientId', 'kafka-python'))
class Listener(ConsumerRebalanceListener):
    def on_partitions_revoked(self, revoked):
        emit(ev='revoke', partitions=sorted(tp.partition for tp in revoked), t=time.time())
    def on_partitions_assigned(self, assigned):
        emit(ev='assign', partitions=sorted(tp.partition for tp in assigned), t=time.time())
c.subscribe([args['topic']], listener=Listener())
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
    for tp, records in c.poll(timeout_ms=50).items():
        for r in records:
            if not processing:
                break
            # Commit synchronously, then count the record as processed.
            c.commit({tp: OffsetAndMetadata(r.offset + 1, '')})
            emit(ev='msg', partition=r.partition, offset=r.offset, value=r.value.decode('utf-8'))
            processed += 1
            if limit is not None and processed >= limit:
                processing = False
                emit(ev='stopped')
`

const PRELUDE = `
import json, signal, sys
from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import NewTopic
from kafka.errors import KafkaError
args = json.load(sys.stdin)
def on_alarm(signum, frame):
    raise TimeoutError('timed out after 12 s')
signal.signal(signal.SIGALRM, on_alarm)
signal.alarm(12)
def out(x):
    json.dump(x, sys.stdout)
`

const SETUP = `${PRELUDE}
if args.get('create'):
    a = KafkaAdminClient(bootstrap_servers=args['bootstrap'], request_timeout_ms=5000)
    a.create_topics([NewTopic(args['topic'], num_partitions=args['partitions'], replication_factor=1)])
    a.close()
    out('created')
else:
    p = KafkaProducer(bootstrap_servers=args['bootstrap'], acks='all', request_timeout_ms=5000, max_block_ms=5000)
    futures = [p.send(args['topic'], value=r['value'].encode('utf-8'), partition=r['partition']) for r in args['records']]
    p.flush(timeout=10)
    out([f.get(timeout=1).offset for f in futures])
    p.close(timeout=5)
`

async function createTopic(bootstrap: string, topic: string): Promise<void> {
  assert.equal(await runPythonJson(SETUP, { bootstrap, topic, partitions: PARTITIONS, create: true }), 'created')
}

/** Produces `perPartition` records to each partition, values "p<partition>-<index>". */
async function produce(bootstrap: string, topic: string, perPartition: number): Promise<string[]> {
  const records = []
  for (let partition = 0; partition < PARTITIONS; partition++) {
    for (let i = 0; i < perPartition; i++) records.push({ partition, value: `p${partition}-${i}` })
  }
  assert.equal((await runPythonJson(SETUP, { bootstrap, topic, records }) as number[]).length, records.length)
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
  await createTopic(bootstrap, 'py-grp-three')
  const members = ['a', 'b', 'c'].map((name) => member(t, name, { bootstrap, group: 'py-three', topic: 'py-grp-three' }))
  await waitStable(members, 'three members to share the partitions')
  for (const m of members) assert.equal(heldPartitions(m).length, 2, `${m.name} holds ${JSON.stringify(heldPartitions(m))}`)
  const values = await produce(bootstrap, 'py-grp-three', 3)
  await waitFor(() => members.reduce((n, m) => n + messages(m).length, 0) >= values.length, { timeoutMs: 10_000, what: 'every record to be consumed' })
  for (const m of members) for (const e of messages(m)) assert.ok(heldPartitions(m).includes(e.partition as number), `${m.name} read partition ${String(e.partition)}`)
  assert.deepEqual(members.flatMap((m) => messages(m).map((e) => e.value)).sort(), [...values].sort())
  for (const m of members) m.send('close')
  assert.deepEqual(await Promise.all(members.map((m) => m.exited)), [0, 0, 0])
})

test('a member that closes hands its partitions to the rest; a SIGKILLed member\'s go over within the session timeout', async (t) => {
  const node = await startTestBroker(t)
  const bootstrap = node.bootstrap
  await createTopic(bootstrap, 'py-grp-leave')
  const sessionMs = 2_500
  const [a, b, c] = ['a', 'b', 'c'].map((name) => member(t, name, { bootstrap, group: 'py-leave', topic: 'py-grp-leave', sessionMs })) as [PythonMember, PythonMember, PythonMember]
  await waitStable([a, b, c], 'three members to share the partitions')

  // Leaving: close() sends LeaveGroup, so the others rebalance at once, without waiting out the session.
  let started = Date.now()
  c.send('close')
  assert.equal(await c.exited, 0)
  await waitStable([a, b], 'a and b to take over c\'s partitions after it left')
  const afterLeave = Date.now() - started
  assert.ok(afterLeave < sessionMs, `rebalance after a leave took ${afterLeave} ms, not under the ${sessionMs} ms session timeout`)

  // Dying: no LeaveGroup, no heartbeats; the coordinator expires b after the session timeout.
  started = Date.now()
  b.kill()
  await b.exited
  await waitFor(() => coversExactlyOnce([a], PARTITIONS), { timeoutMs: sessionMs + 5_000, what: `a to hold every partition after b died: ${JSON.stringify(a.events)}` })
  const afterDeath = Date.now() - started
  t.diagnostic(`leave handed over in ${afterLeave} ms, death in ${afterDeath} ms (session ${sessionMs} ms)`)
  a.send('close')
  assert.equal(await a.exited, 0)
})

test('members committing synchronously after each record, then all restarting, resume exactly where they stopped', async (t) => {
  const node = await startTestBroker(t)
  const bootstrap = node.bootstrap
  await createTopic(bootstrap, 'py-grp-resume')
  // Each first-run member stops processing after 7 records: mid-partition (10 per partition).
  const first = ['a', 'b', 'c'].map((name) => member(t, name, { bootstrap, group: 'py-resume', topic: 'py-grp-resume', limit: 7 }))
  await waitStable(first, 'three members to share')
  const values = await produce(bootstrap, 'py-grp-resume', 10)
  await Promise.all(first.map((m) => m.waitEvent((e) => e.ev === 'stopped', { timeoutMs: 10_000, what: '7 records processed' })))
  for (const m of first) m.send('close')
  await Promise.all(first.map((m) => m.exited))
  const firstRun = first.flatMap((m) => messages(m))
  assert.equal(firstRun.length, 21)

  const second = ['d', 'e', 'f'].map((name) => member(t, name, { bootstrap, group: 'py-resume', topic: 'py-grp-resume' }))
  await waitFor(() => second.reduce((n, m) => n + messages(m).length, 0) >= values.length - firstRun.length, { timeoutMs: 15_000, what: 'the rest of the records' })
  await new Promise((resolve) => setTimeout(resolve, 500))
  const secondRun = second.flatMap((m) => messages(m))
  const all = [...firstRun, ...secondRun].map((e) => e.value as string)
  assert.equal(all.length, values.length, `processed ${all.length} records for ${values.length} produced`)
  assert.deepEqual(all.sort(), [...values].sort())
  for (let p = 0; p < PARTITIONS; p++) {
    const offsets = [...firstRun, ...secondRun].filter((e) => e.partition === p).map((e) => e.offset as number).sort((x, y) => x - y)
    assert.deepEqual(offsets, Array.from({ length: 10 }, (_, i) => i), `partition ${p}`)
  }
  for (const m of second) m.send('close')
  await Promise.all(second.map((m) => m.exited))
})

const COMMITTED = `${PRELUDE}
c = KafkaConsumer(bootstrap_servers=args['bootstrap'], group_id=args['group'], enable_auto_commit=False, request_timeout_ms=11000)
out([c.committed(TopicPartition(args['topic'], p)) for p in range(args['partitions'])])
c.close()
`

test('a broker restart keeps every committed offset', async (t) => {
  const broker = await startRestartableBroker(t)
  const bootstrap = broker.current().bootstrap
  await createTopic(bootstrap, 'py-grp-restart')
  const values = await produce(bootstrap, 'py-grp-restart', 5)
  const a = member(t, 'a', { bootstrap, group: 'py-restart', topic: 'py-grp-restart', limit: 17 })
  await a.waitEvent((e) => e.ev === 'stopped', { timeoutMs: 15_000, what: '17 records processed' })
  a.send('close')
  assert.equal(await a.exited, 0)
  const firstRun = messages(a)
  const expected = Array.from({ length: PARTITIONS }, (_, p) => {
    const offsets = firstRun.filter((e) => e.partition === p).map((e) => e.offset as number)
    return offsets.length === 0 ? null : Math.max(...offsets) + 1
  })
  const query = { bootstrap, group: 'py-restart', topic: 'py-grp-restart', partitions: PARTITIONS }
  assert.deepEqual(await runPythonJson(COMMITTED, query), expected)

  await broker.restart()
  assert.deepEqual(await runPythonJson(COMMITTED, query), expected)
  const b = member(t, 'b', { bootstrap, group: 'py-restart', topic: 'py-grp-restart' })
  await waitFor(() => messages(b).length >= values.length - firstRun.length, { timeoutMs: 15_000, what: 'the rest of the records after the restart' })
  await new Promise((resolve) => setTimeout(resolve, 300))
  assert.deepEqual([...firstRun, ...messages(b)].map((e) => e.value as string).sort(), [...values].sort())
  b.send('close')
  assert.equal(await b.exited, 0)
})

const ADMIN = `${PRELUDE}
a = KafkaAdminClient(bootstrap_servers=args['bootstrap'], request_timeout_ms=5000)
def raised(call):
    try:
        return call()
    except KafkaError as e:
        return {'raised': type(e).__name__}
def describe(g):
    return {'error_code': g.error_code, 'group': g.group, 'state': g.state, 'protocol_type': g.protocol_type, 'protocol': g.protocol,
            'members': sorted([{'client_id': m.client_id, 'topics': list(m.member_metadata.subscription) if m.member_metadata else None,
                                'assigned': sorted(p for t, ps in (m.member_assignment.assignment if m.member_assignment else []) for p in ps)}
                               for m in g.members], key=lambda m: m['client_id'])}
result = {}
for step in args['steps']:
    op = step['op']
    if op == 'list':
        result[step['as']] = sorted([list(g) for g in a.list_consumer_groups()])
    elif op == 'describe':
        result[step['as']] = raised(lambda: [describe(g) for g in a.describe_consumer_groups(step['groups'])])
    elif op == 'offsets':
        result[step['as']] = raised(lambda: sorted([[tp.topic, tp.partition, o.offset] for tp, o in a.list_consumer_group_offsets(step['group']).items()]))
    elif op == 'delete':
        result[step['as']] = raised(lambda: sorted([[g, e.__name__ if isinstance(e, type) else type(e).__name__] for g, e in a.delete_consumer_groups(step['groups'])]))
a.close()
out(result)
`

test('KafkaAdminClient lists, describes and deletes groups and lists their committed offsets', async (t) => {
  const node = await startTestBroker(t)
  const bootstrap = node.bootstrap
  await createTopic(bootstrap, 'py-grp-admin')
  await produce(bootstrap, 'py-grp-admin', 2)
  const members = ['a', 'b'].map((name) => member(t, name, { bootstrap, group: 'py-admin', topic: 'py-grp-admin', clientId: `client-${name}` }))
  await waitStable(members, 'two members to share')
  await waitFor(() => members.reduce((n, m) => n + messages(m).length, 0) >= 12, { timeoutMs: 10_000, what: 'every record processed and committed' })
  const other = member(t, 'o', { bootstrap, group: 'py-admin-other', topic: 'py-grp-admin', clientId: 'client-o', limit: 1 })
  await other.waitEvent((e) => e.ev === 'stopped', { timeoutMs: 10_000, what: 'the other group\'s first record' })

  const live = await runPythonJson(ADMIN, { bootstrap, steps: [
    { op: 'list', as: 'list' },
    { op: 'describe', groups: ['py-admin'], as: 'describe' },
    { op: 'offsets', group: 'py-admin', as: 'offsets' },
    { op: 'delete', groups: ['py-admin'], as: 'deleteNonEmpty' },
  ] }) as Record<string, unknown>
  assert.deepEqual(live.list, [['py-admin', 'consumer'], ['py-admin-other', 'consumer']])
  const held = Object.fromEntries(members.map((m) => [`client-${m.name}`, heldPartitions(m)]))
  assert.deepEqual(live.describe, [{
    error_code: 0, group: 'py-admin', state: 'Stable', protocol_type: 'consumer', protocol: 'range',
    members: [{ client_id: 'client-a', topics: ['py-grp-admin'], assigned: held['client-a'] }, { client_id: 'client-b', topics: ['py-grp-admin'], assigned: held['client-b'] }],
  }])
  assert.deepEqual(live.offsets, Array.from({ length: PARTITIONS }, (_, p) => ['py-grp-admin', p, 2]))
  assert.deepEqual(live.deleteNonEmpty, [['py-admin', 'NonEmptyGroupError']])

  for (const m of members) m.send('close')
  await Promise.all(members.map((m) => m.exited))
  const after = await runPythonJson(ADMIN, { bootstrap, steps: [
    { op: 'describe', groups: ['py-admin'], as: 'empty' },
    { op: 'delete', groups: ['py-admin'], as: 'delete' },
    { op: 'list', as: 'list' },
    { op: 'describe', groups: ['py-admin'], as: 'deleted' },
    { op: 'offsets', group: 'py-admin', as: 'offsets' },
    { op: 'delete', groups: ['py-admin'], as: 'deleteAgain' },
  ] }) as Record<string, unknown>
  assert.deepEqual(after.empty, [{ error_code: 0, group: 'py-admin', state: 'Empty', protocol_type: 'consumer', protocol: '', members: [] }])
  assert.deepEqual(after.delete, [['py-admin', 'NoError']])
  assert.deepEqual(after.list, [['py-admin-other', 'consumer']])
  assert.deepEqual(after.deleted, [{ error_code: 0, group: 'py-admin', state: 'Dead', protocol_type: '', protocol: '', members: [] }])
  assert.deepEqual(after.offsets, [])
  assert.deepEqual(after.deleteAgain, [['py-admin', 'GroupIdNotFoundError']])
  other.send('close')
  await other.exited
})
