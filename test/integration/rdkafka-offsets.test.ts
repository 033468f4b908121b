// librdkafka 2.0.2 (confluent-kafka-python, kcat) with the offsets coordinator: committing and
// reading back a group's offsets by assignment (no rebalance), committed offsets across a restart,
// and lz4, which librdkafka writes only once the broker advertises FindCoordinator v0.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { CompressionType } from '../../src/protocol/compression/compression-type.js'
import { ApiKey } from '../../src/protocol/generated/api-registry.js'
import { ADVERTISED_VERSIONS } from '../../src/handlers/registry.js'
import { startRestartableBroker, startTestBroker, storedBatchHeaders } from '../helpers/broker.js'
import { ckConsumeAssigned, ckProduce, ckRun, type CkRecord } from '../helpers/confluent-kafka.js'
import { kcat } from '../helpers/kcat.js'

/**
 * librdkafka turns its consumer-group and LZ4 features on only if the advertised ranges overlap
 * its probes (kafka-protocol/CLIENTS.md): FindCoordinator 0, OffsetCommit 1..2, OffsetFetch 1..1.
 * Without them a synchronous commit waits forever, so fail with the reason first.
 */
function assertCoordinatorAdvertised(): void {
  for (const [name, apiKey, probeMin, probeMax] of [
    ['FindCoordinator', ApiKey.FIND_COORDINATOR, 0, 0],
    ['OffsetCommit', ApiKey.OFFSET_COMMIT, 1, 2],
    ['OffsetFetch', ApiKey.OFFSET_FETCH, 1, 1],
  ] as const) {
    const range = ADVERTISED_VERSIONS.find((entry) => entry.apiKey === apiKey)
    assert.ok(range !== undefined && range.minVersion <= probeMax && range.maxVersion >= probeMin,
      `the broker must advertise ${name} overlapping ${probeMin}..${probeMax} (librdkafka's feature probe); it advertises ${range === undefined ? 'nothing' : `${range.minVersion}..${range.maxVersion}`}`)
  }
}

/**
 * Assigns (no subscribe, so no JoinGroup) partition 0 of `topic` at `start` ('stored' = the
 * group's committed offset), reads `read` records, commits `commit` synchronously and reads it
 * back with committed(). The commit runs in a thread with a deadline so a hang is reported, not
 * killed: every wait here together stays below the child's timeout.
 */
const COMMIT = `
import os, threading
from confluent_kafka import OFFSET_STORED
c = Consumer({'bootstrap.servers': args['bootstrap'], 'group.id': args['group'], 'enable.auto.commit': False, 'auto.offset.reset': 'error'})
c.assign([TopicPartition(args['topic'], 0, OFFSET_STORED if args['start'] == 'stored' else args['start'])])
read, errors = [], []
deadline = time.time() + 8
while len(read) < args['read'] and time.time() < deadline:
    m = c.poll(0.2)
    if m is None:
        continue
    if m.error():
        errors.append(m.error().name())
        continue
    read.append([m.offset(), text(m.value())])
result = {'read': read, 'errors': errors}
if args['commit'] is not None:
    done = {}
    def commit():
        try:
            committed = c.commit(offsets=[TopicPartition(args['topic'], 0, args['commit'])], asynchronous=False)
            done['result'] = [[tp.offset, None if tp.error is None else tp.error.name()] for tp in committed]
        except KafkaException as e:
            done['result'] = e.args[0].name()
    worker = threading.Thread(target=commit, daemon=True)
    worker.start()
    worker.join(5)
    result['commit'] = done.get('result', 'commit(asynchronous=False) did not return within 5 s')
    if 'result' not in done:
        out(result)
        sys.stdout.flush()
        os._exit(0)
try:
    result['committed'] = [[tp.offset, None if tp.error is None else tp.error.name()] for tp in c.committed([TopicPartition(args['topic'], 0)], timeout=5)]
except KafkaException as e:
    result['committed'] = e.args[0].name()
out(result)
c.close()
`

interface CommitResult {
  read: [number, string][]
  errors: string[]
  commit?: [number, string | null][] | string
  committed: [number, string | null][] | string
}

/** The waits inside COMMIT add up to 18 s at most. */
function commitRun(input: Record<string, unknown>): Promise<unknown> {
  return ckRun(COMMIT, input, { timeoutMs: 30_000 })
}

function records(count: number, from = 0): CkRecord[] {
  return Array.from({ length: count }, (_, i) => ({ key: `k${from + i}`, value: `v${from + i}`, headers: [] }))
}

test('an assigned Consumer commits offsets with commit(asynchronous=False) and committed() returns them', async (t) => {
  assertCoordinatorAdvertised()
  const node = await startTestBroker(t)
  const topic = 'rk-commit'
  await ckProduce(node.bootstrap, topic, 0, records(10), { acks: 'all' })

  const first = await commitRun({ bootstrap: node.bootstrap, group: 'rk-group', topic, start: 0, read: 4, commit: 4 }) as CommitResult
  assert.deepEqual(first, { read: [[0, 'v0'], [1, 'v1'], [2, 'v2'], [3, 'v3']], errors: [], commit: [[4, null]], committed: [[4, null]] })

  // A new consumer of the group starts where the group committed; another group has nothing.
  const second = await commitRun({ bootstrap: node.bootstrap, group: 'rk-group', topic, start: 'stored', read: 6, commit: 10 }) as CommitResult
  assert.deepEqual(second, { read: [[4, 'v4'], [5, 'v5'], [6, 'v6'], [7, 'v7'], [8, 'v8'], [9, 'v9']], errors: [], commit: [[10, null]], committed: [[10, null]] })
  const other = await commitRun({ bootstrap: node.bootstrap, group: 'rk-other', topic, start: 0, read: 0, commit: null }) as CommitResult
  // -1001 is librdkafka's OFFSET_INVALID: no committed offset.
  assert.deepEqual(other.committed, [[-1001, null]])
})

test('committed offsets survive a broker restart', async (t) => {
  assertCoordinatorAdvertised()
  const broker = await startRestartableBroker(t)
  const bootstrap = broker.current().bootstrap
  const topic = 'rk-restart'
  await kcat(['-b', bootstrap, '-P', '-t', topic, '-p', '0', '-X', 'acks=all', '-X', 'message.timeout.ms=8000'], { input: 'a\nb\nc\nd\ne\n' })
  const before = await commitRun({ bootstrap, group: 'rk-group', topic, start: 0, read: 3, commit: 3 }) as CommitResult
  assert.deepEqual(before.commit, [[3, null]])

  await broker.restart()

  const after = await commitRun({ bootstrap, group: 'rk-group', topic, start: 'stored', read: 2, commit: null }) as CommitResult
  assert.deepEqual(after, { read: [[3, 'd'], [4, 'e']], errors: [], committed: [[3, null]] })
})

test('librdkafka writes lz4 batches once the broker advertises FindCoordinator v0', async (t) => {
  assertCoordinatorAdvertised()
  const node = await startTestBroker(t)
  const value = 'lz4'.repeat(100)
  await kcat(['-b', node.bootstrap, '-P', '-t', 'rk-lz4-kcat', '-p', '0', '-z', 'lz4', '-X', 'acks=all', '-X', 'message.timeout.ms=8000'], { input: `${value}\n${value}\n` })
  await ckProduce(node.bootstrap, 'rk-lz4-ck', 0, [{ key: 'k', value, headers: [['h', 'v']] }, { key: 'k', value, headers: [] }], { 'compression.type': 'lz4', acks: 'all' })

  for (const topic of ['rk-lz4-kcat', 'rk-lz4-ck']) {
    const batches = await storedBatchHeaders(node, topic, 0)
    assert.ok(batches.length > 0, topic)
    for (const batch of batches) assert.equal(batch.compression, CompressionType.LZ4, `${topic}: stored batch at ${batch.baseOffset} has codec ${CompressionType[batch.compression]}`)
  }
  const { messages, errors } = await ckConsumeAssigned(node.bootstrap, [{ topic: 'rk-lz4-ck', partition: 0, offset: 0 }], 2, { 'group.id': 'rk-lz4', 'enable.auto.commit': false })
  assert.deepEqual(errors, [])
  assert.deepEqual(messages.map((message) => [message.offset, message.value, message.headers]), [[0, value, [['h', 'v']]], [1, value, []]])
})
