// kafka-python 2.0.2 committing offsets for a group without joining it (assign(), then commit()
// with explicit offsets: generation -1, empty member id) and reading them back, also after the
// broker restarts. It sends FindCoordinator v0, OffsetCommit v2 and OffsetFetch v1. kafka-python
// retries a coordinator lookup forever, so each script bounds itself with an alarm that names the
// step it was stuck in.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { startRestartableBroker } from '../helpers/broker.js'
import { runPython } from '../helpers/python.js'

const PRELUDE = `
import json, signal, sys, time
from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import NewTopic
from kafka.structs import OffsetAndMetadata
spec = json.load(sys.stdin)
step = ['start']
def on_alarm(signum, frame):
    raise TimeoutError('timed out after 8 s in: ' + step[0])
signal.signal(signal.SIGALRM, on_alarm)
signal.alarm(8)
tps = [TopicPartition(spec['topic'], p) for p in (0, 1)]
def consumer(group):
    c = KafkaConsumer(bootstrap_servers=spec['bootstrap'], group_id=group, enable_auto_commit=False,
                      auto_offset_reset='earliest', request_timeout_ms=11000, fetch_max_wait_ms=100)
    c.assign(tps)
    return c
out = {}
`

const COMMIT_SCRIPT = `${PRELUDE}
step[0] = 'create topic and produce'
admin = KafkaAdminClient(bootstrap_servers=spec['bootstrap'], request_timeout_ms=5000)
admin.create_topics([NewTopic(spec['topic'], num_partitions=2, replication_factor=1)])
admin.close()
producer = KafkaProducer(bootstrap_servers=spec['bootstrap'], acks='all', request_timeout_ms=5000, max_block_ms=5000)
for i in range(6):
    producer.send(spec['topic'], key=b'k%d' % i, value=b'v%d' % i, partition=i % 2)
producer.flush(timeout=5)
producer.close(timeout=5)
c = consumer(spec['group'])
step[0] = 'commit (FindCoordinator v0, OffsetCommit v2)'
c.commit({tps[0]: OffsetAndMetadata(2, 'two'), tps[1]: OffsetAndMetadata(1, '')})
step[0] = 'committed (OffsetFetch v1)'
out['committed'] = [c.committed(tp) for tp in tps]
c.close()
other = consumer(spec['otherGroup'])
step[0] = 'committed of another group'
out['otherCommitted'] = [other.committed(tp) for tp in tps]
other.close()
json.dump(out, sys.stdout)
`

const READ_BACK_SCRIPT = `${PRELUDE}
c = consumer(spec['group'])
step[0] = 'committed after the restart (FindCoordinator v0, OffsetFetch v1)'
out['committed'] = [c.committed(tp) for tp in tps]
step[0] = 'position from the committed offsets'
out['positions'] = [c.position(tp) for tp in tps]
step[0] = 'consume from the committed offsets'
consumed = []
while len(consumed) < 3:
    for tp, records in c.poll(timeout_ms=200).items():
        consumed.extend([[r.partition, r.offset, r.value.decode()] for r in records])
out['consumed'] = sorted(consumed)
c.close()
json.dump(out, sys.stdout)
`

async function runPythonJson<T>(script: string, input: unknown): Promise<T> {
  return JSON.parse((await runPython(script, Buffer.from(JSON.stringify(input)))).toString('utf8')) as T
}

test('kafka-python commits offsets for an assigned (groupless) consumer and reads them back, also after a restart', async (t) => {
  const broker = await startRestartableBroker(t)
  const spec = { topic: 'py-offsets', group: 'py-offsets-group', otherGroup: 'py-offsets-other' }
  const committed = await runPythonJson<{ committed: Array<number | null>; otherCommitted: Array<number | null> }>(
    COMMIT_SCRIPT, { ...spec, bootstrap: broker.current().bootstrap })
  assert.deepEqual(committed.committed, [2, 1])
  assert.deepEqual(committed.otherCommitted, [null, null])

  await broker.restart()
  const after = await runPythonJson<{ committed: number[]; positions: number[]; consumed: Array<[number, number, string]> }>(
    READ_BACK_SCRIPT, { ...spec, bootstrap: broker.current().bootstrap })
  assert.deepEqual(after.committed, [2, 1])
  assert.deepEqual(after.positions, [2, 1])
  assert.deepEqual(after.consumed, [[0, 2, 'v4'], [1, 1, 'v3'], [1, 2, 'v5']])
})
