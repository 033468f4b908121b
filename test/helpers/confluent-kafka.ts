// Drives confluent-kafka-python (Debian's python3-confluent-kafka 1.7 on librdkafka 2.0.2) from
// tests: each call runs one short Python child (runPythonJson) with JSON in and JSON out. Keys,
// values and header values are UTF-8 strings here; every Python-side wait has its own deadline,
// below the child's timeout.
import { runPythonJson } from './python.js'

const PRELUDE = `
import json, sys, time
from confluent_kafka import Consumer, KafkaError, KafkaException, Producer, TopicPartition
args = json.load(sys.stdin)
def text(b):
    return None if b is None else b.decode('utf-8')
def out(x):
    json.dump(x, sys.stdout)
def outcome(futures):
    # AdminClient futures by topic name or ConfigResource: None when done, else librdkafka's error name.
    result = {}
    for key, future in futures.items():
        name = key if isinstance(key, str) else key.name
        try:
            future.result(timeout=10)
            result[name] = None
        except KafkaException as e:
            result[name] = e.args[0].name()
    return result
`

export interface CkRecord {
  readonly key: string | null
  readonly value: string | null
  readonly headers: readonly (readonly [string, string])[]
  readonly timestamp?: number
}

export interface CkDelivery {
  /** librdkafka's error name (e.g. MSG_SIZE_TOO_LARGE), or null when acknowledged. */
  readonly error: string | null
  readonly partition: number
  readonly offset: number
}

export interface CkConsumed {
  readonly topic: string
  readonly partition: number
  readonly offset: number
  readonly key: string | null
  readonly value: string | null
  readonly headers: [string, string][]
  /** [timestamp type (1 create time, 2 log append time), timestamp]. */
  readonly timestamp: [number, number]
}

const PRODUCE = `${PRELUDE}
p = Producer(dict({'bootstrap.servers': args['bootstrap']}, **args['config']))
reports = []
def report(err, msg):
    reports.append({'error': None if err is None else err.name(), 'partition': msg.partition(), 'offset': msg.offset()})
for r in args['records']:
    kw = {'key': r['key'], 'value': r['value'], 'headers': [(n, v.encode('utf-8')) for n, v in r['headers']], 'partition': args['partition'], 'on_delivery': report}
    if r.get('timestamp') is not None:
        kw['timestamp'] = r['timestamp']
    p.produce(args['topic'], **kw)
remaining = p.flush(10)
out({'remaining': remaining, 'reports': reports})
`

/** Produces `records` to one partition with a Producer(config) and flushes; every delivery report. */
export async function ckProduce(bootstrap: string, topic: string, partition: number, records: readonly CkRecord[], config: Readonly<Record<string, string | number | boolean>> = {}): Promise<CkDelivery[]> {
  const result = await runPythonJson(PRODUCE, { bootstrap, topic, partition, records, config }) as { remaining: number; reports: CkDelivery[] }
  if (result.remaining !== 0) throw new Error(`${result.remaining} records still undelivered after flush(10)`)
  return result.reports
}

const CONSUME = `${PRELUDE}
c = Consumer(dict({'bootstrap.servers': args['bootstrap']}, **args['config']))
c.assign([TopicPartition(a['topic'], a['partition'], a['offset']) for a in args['assignments']])
messages, errors = [], []
deadline = time.time() + args['timeoutS']
while len(messages) < args['count'] and time.time() < deadline:
    m = c.poll(0.2)
    if m is None:
        continue
    if m.error():
        errors.append(m.error().name())
        continue
    messages.append({'topic': m.topic(), 'partition': m.partition(), 'offset': m.offset(), 'key': text(m.key()), 'value': text(m.value()),
                     'headers': [[n, text(v)] for n, v in (m.headers() or [])], 'timestamp': list(m.timestamp())})
c.close()
out({'messages': messages, 'errors': errors})
`

/**
 * A Consumer(config) assigned (no subscription, so no rebalance) to the given partitions at the
 * given offsets; polls until `count` messages arrived or 10 s passed and returns what it read.
 */
export async function ckConsumeAssigned(bootstrap: string, assignments: readonly { topic: string; partition: number; offset: number }[], count: number, config: Readonly<Record<string, string | number | boolean>> = {}): Promise<{ messages: CkConsumed[]; errors: string[] }> {
  return await runPythonJson(CONSUME, { bootstrap, assignments, count, timeoutS: 10, config }) as { messages: CkConsumed[]; errors: string[] }
}

/** Runs a script after the prelude (`args` is `input`, `out(x)` writes the result as JSON). */
export function ckRun(script: string, input: unknown, options: { readonly timeoutMs?: number } = {}): Promise<unknown> {
  return runPythonJson(`${PRELUDE}\n${script}`, input, options)
}
