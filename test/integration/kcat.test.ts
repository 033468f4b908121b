// kcat (librdkafka 2.0.2, the Debian build) against a real Sluice node: metadata, produce through
// every codec librdkafka has, consume by partition assignment, ListOffsets by timestamp, the
// broker's size limit, unknown topics without auto-creation, and a restart on the same data.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { CompressionType, compressionTypeFromName, type CompressionName } from '../../src/protocol/compression/compression-type.js'
import { startRestartableBroker, startTestBroker, storedBatchHeaders, waitFor } from '../helpers/broker.js'
import { kcat, runKcat } from '../helpers/kcat.js'

const CODECS: readonly CompressionName[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd']

/** Fails fast instead of librdkafka's 5 minute default when a delivery cannot succeed. */
const PRODUCER_SETTINGS = ['-X', 'acks=all', '-X', 'message.timeout.ms=8000', '-m', '5']

/** Tab-separated, so keys, values and `n=v,n=v` headers cannot run into each other. */
const CONSUME_FORMAT = '%k\t%h\t%s\t%o\t%T\n'

interface Consumed {
  readonly key: string
  readonly headers: string
  readonly value: string
  readonly offset: number
  readonly timestamp: number
}

function parseConsumed(stdout: string): Consumed[] {
  return stdout.split('\n').filter((line) => line !== '').map((line) => {
    const [key, headers, value, offset, timestamp, ...rest] = line.split('\t')
    assert.equal(rest.length, 0, `unexpected consumer line ${JSON.stringify(line)}`)
    assert.ok(key !== undefined && headers !== undefined && value !== undefined && offset !== undefined && timestamp !== undefined, `short consumer line ${JSON.stringify(line)}`)
    return { key, headers, value, offset: Number(offset), timestamp: Number(timestamp) }
  })
}

/** Produces `lines` (`key:value`, one record each) with kcat; every record must be acknowledged. */
async function produce(bootstrap: string, topic: string, lines: readonly string[], extra: readonly string[] = []): Promise<void> {
  await kcat(['-b', bootstrap, '-P', '-t', topic, '-p', '0', '-K', ':', ...PRODUCER_SETTINGS, ...extra], { input: lines.map((line) => `${line}\n`).join('') })
}

/** Reads partition 0 of `topic` from the beginning to its end by assignment (no group). */
async function consumeAll(bootstrap: string, topic: string): Promise<Consumed[]> {
  return parseConsumed(await kcat(['-b', bootstrap, '-C', '-t', topic, '-p', '0', '-o', 'beginning', '-e', '-f', CONSUME_FORMAT]))
}

test('kcat -L lists the broker and the topics, as text and as JSON', async (t) => {
  const node = await startTestBroker(t)
  await produce(node.bootstrap, 'kcat-meta', ['k:v'])

  const text = await kcat(['-b', node.bootstrap, '-L', '-m', '5'])
  assert.match(text, new RegExp(`broker 1 at ${node.bootstrap.replaceAll('.', '\\.')} \\(controller\\)`))
  assert.match(text, /topic "kcat-meta" with 1 partitions:\n\s+partition 0, leader 1, replicas: 1, isrs: 1/)

  const json = JSON.parse(await kcat(['-b', node.bootstrap, '-L', '-J', '-m', '5'])) as {
    controllerid: number
    brokers: { id: number; name: string }[]
    topics: { topic: string; error?: string; partitions: { partition: number; leader: number; replicas: { id: number }[]; isrs: { id: number }[] }[] }[]
  }
  assert.equal(json.controllerid, 1)
  assert.deepEqual(json.brokers, [{ id: 1, name: node.bootstrap }])
  const topic = json.topics.find((entry) => entry.topic === 'kcat-meta')
  assert.deepEqual(topic, { topic: 'kcat-meta', partitions: [{ partition: 0, leader: 1, replicas: [{ id: 1 }], isrs: [{ id: 1 }] }] })
})

test('kcat produces keyed records with headers through every codec and reads them back in order', async (t) => {
  const node = await startTestBroker(t)
  const count = 25
  for (const codec of CODECS) {
    const topic = `kcat-codec-${codec}`
    // Repetitive values so every codec has something to compress.
    const lines = Array.from({ length: count }, (_, i) => `key-${i}:value-${i}-${codec}-${'abc'.repeat(30)}`)
    await produce(node.bootstrap, topic, lines, ['-z', codec, '-H', 'trace=t-1', '-H', `codec=${codec}`])

    const consumed = await consumeAll(node.bootstrap, topic)
    assert.deepEqual(consumed.map(({ key, headers, value, offset }) => ({ key, headers, value, offset })), lines.map((line, i) => ({
      key: `key-${i}`,
      headers: `trace=t-1,codec=${codec}`,
      value: line.slice(line.indexOf(':') + 1),
      offset: i,
    })), codec)
    for (const record of consumed) assert.ok(Math.abs(record.timestamp - Date.now()) < 60_000, `${codec}: create time ${record.timestamp} is now`)

    const batches = await storedBatchHeaders(node, topic, 0)
    assert.equal(batches.reduce((sum, batch) => sum + batch.recordCount, 0), count, codec)
    // lz4 too: librdkafka 2.0.2 writes it only because FindCoordinator v0 is advertised (its LZ4
    // feature probe, kafka-protocol/CLIENTS.md). A batch that compressing would not shrink (a lone
    // record split off on a busy machine) is sent uncompressed; every batch of several carries the codec.
    const expected = compressionTypeFromName(codec)
    assert.ok(expected !== undefined)
    assert.ok(batches.some((batch) => batch.compression === expected), `${codec}: no stored batch carries the codec`)
    for (const batch of batches) {
      if (batch.recordCount > 1) assert.equal(batch.compression, expected, `${codec}: stored batch at ${batch.baseOffset} has codec ${CompressionType[batch.compression]}`)
    }
  }
})

test('kcat -Q finds the first offset at or after a timestamp that falls between two produce runs', async (t) => {
  const node = await startTestBroker(t)
  const topic = 'kcat-times'
  await produce(node.bootstrap, topic, ['a0:x', 'a1:x', 'a2:x'])
  // Every record of the first run was stamped before it exited; the second run starts strictly later.
  const firstRunEnded = Date.now()
  await waitFor(() => Date.now() > firstRunEnded, { timeoutMs: 1_000, what: 'the clock to pass the first run' })
  await produce(node.bootstrap, topic, ['b0:y', 'b1:y'])

  const consumed = await consumeAll(node.bootstrap, topic)
  assert.deepEqual(consumed.map((record) => record.key), ['a0', 'a1', 'a2', 'b0', 'b1'])
  const [a2, b0] = [consumed[2], consumed[3]]
  assert.ok(a2 !== undefined && b0 !== undefined)
  assert.ok(a2.timestamp < b0.timestamp, `second run stamped later: ${a2.timestamp} < ${b0.timestamp}`)

  const query = async (timestamp: number): Promise<string> => (await kcat(['-b', node.bootstrap, '-Q', '-t', `${topic}:0:${timestamp}`, '-m', '5'])).trim()
  assert.equal(await query(a2.timestamp + 1), `${topic} [0] offset 3`)
  assert.equal(await query(consumed[0]!.timestamp), `${topic} [0] offset 0`)
  assert.equal(await query(b0.timestamp + 60_000), `${topic} [0] offset -1`)
  // -1 and -2 are Kafka's LATEST and EARLIEST.
  assert.equal(await query(-1), `${topic} [0] offset 5`)
  assert.equal(await query(-2), `${topic} [0] offset 0`)
})

test('a record larger than message.max.bytes fails with Broker: Message size too large and is not stored', async (t) => {
  const node = await startTestBroker(t, { 'message.max.bytes': '2000' })
  const topic = 'kcat-large'
  const tooLarge = await runKcat(['-b', node.bootstrap, '-P', '-t', topic, '-p', '0', ...PRODUCER_SETTINGS], { input: `${'x'.repeat(3000)}\n` })
  assert.notEqual(tooLarge.code, 0)
  assert.match(tooLarge.stderr, /Delivery failed for message: Broker: Message size too large/)

  await produce(node.bootstrap, topic, ['small:fits'])
  assert.deepEqual((await consumeAll(node.bootstrap, topic)).map(({ key, value, offset }) => ({ key, value, offset })), [{ key: 'small', value: 'fits', offset: 0 }])
})

test('with auto.create.topics.enable=false, consuming an unknown topic reports Unknown topic or partition', async (t) => {
  const node = await startTestBroker(t, { 'auto.create.topics.enable': 'false' })
  const result = await runKcat(['-b', node.bootstrap, '-C', '-t', 'kcat-missing', '-p', '0', '-o', 'beginning', '-e', '-m', '5'])
  assert.notEqual(result.code, 0)
  assert.match(result.stderr, /Topic kcat-missing error: Broker: Unknown topic or partition/)

  const metadata = await kcat(['-b', node.bootstrap, '-L', '-t', 'kcat-missing', '-m', '5'])
  assert.match(metadata, /topic "kcat-missing" with 0 partitions: Broker: Unknown topic or partition/)
  assert.equal(node.logManager.getLog('kcat-missing', 0), undefined)
})

test('every record acknowledged to kcat, its topic and its offsets survive a broker restart', async (t) => {
  const broker = await startRestartableBroker(t)
  const bootstrap = broker.current().bootstrap
  const topic = 'kcat-restart'
  await produce(bootstrap, topic, Array.from({ length: 10 }, (_, i) => `k${i}:plain-${i}`))
  await produce(bootstrap, topic, Array.from({ length: 10 }, (_, i) => `k${10 + i}:zstd-${i}`), ['-z', 'zstd', '-H', 'h=1'])
  const before = await consumeAll(bootstrap, topic)
  assert.equal(before.length, 20)
  const batchesBefore = await storedBatchHeaders(broker.current(), topic, 0)

  const node = await broker.restart()
  assert.equal(node.bootstrap, bootstrap)

  assert.match(await kcat(['-b', bootstrap, '-L', '-m', '5']), /topic "kcat-restart" with 1 partitions:/)
  assert.equal((await kcat(['-b', bootstrap, '-Q', '-t', `${topic}:0:-1`, '-m', '5'])).trim(), `${topic} [0] offset 20`)
  assert.equal((await kcat(['-b', bootstrap, '-Q', '-t', `${topic}:0:-2`, '-m', '5'])).trim(), `${topic} [0] offset 0`)
  assert.deepEqual(await consumeAll(bootstrap, topic), before)
  assert.deepEqual(await storedBatchHeaders(node, topic, 0), batchesBefore)

  // The log continues where it was, not from 0.
  await produce(bootstrap, topic, ['after:restart'])
  const after = await consumeAll(bootstrap, topic)
  assert.deepEqual(after.at(-1) && { key: after.at(-1)!.key, offset: after.at(-1)!.offset }, { key: 'after', offset: 20 })
})
