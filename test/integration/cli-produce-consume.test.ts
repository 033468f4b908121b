// `sluice produce` and `sluice consume` against a live broker, as kafka-console-producer.sh and
// kafka-console-consumer.sh are used: keys, headers and every codec checked in what the broker
// stored, keyed records where kafkajs's (Java's) murmur2 partitioner puts them, the text and JSON
// formats, --offset, a consumer group's committed offsets, a large streamed input, and the errors
// (exit 1 naming the Kafka error, exit 2 for bad arguments, never a stack trace).
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { createServer, type AddressInfo } from 'node:net'
import { test, type TestContext } from 'node:test'
import kafkajs from 'kafkajs'
import type { BrokerNode } from '../../src/index.js'
import { CompressionType, compressionTypeFromName } from '../../src/protocol/compression/compression-type.js'
import { startTestBroker, waitFor } from '../helpers/broker.js'
import { connectedKafkajsAdmin } from '../helpers/kafkajs.js'
import { repoPath } from '../helpers/repo-root.js'
import { type CliResult, runSluice, sluiceOk } from '../helpers/sluice-cli.js'
import { plainRecords, storedBatches } from '../helpers/stored-records.js'

async function createTopic(t: TestContext, node: BrokerNode, topic: string, numPartitions: number, configEntries: { name: string; value: string }[] = []): Promise<void> {
  const admin = await connectedKafkajsAdmin(t, node, `admin-${topic}`)
  await admin.createTopics({ topics: [{ topic, numPartitions, replicationFactor: 1, configEntries }] })
}

function assertNoStackTrace(result: CliResult): void {
  assert.doesNotMatch(result.stderr, /\n\s+at /, result.stderr)
}

/** kafkajs's DefaultPartitioner (Java's murmur2 partitioner) for `key` among `count` partitions. */
function kafkajsPartition(topic: string, key: string, count: number): number {
  const partitioner = kafkajs.Partitioners.DefaultPartitioner()
  const partitionMetadata = Array.from({ length: count }, (_, partitionId) => ({ partitionId, leader: 1, partitionErrorCode: 0, replicas: [1], isr: [1] }))
  return partitioner({ topic, partitionMetadata, message: { key, value: null } })
}

test('produce sends keyed lines with headers where Java\'s partitioner puts them, compressed with each codec', async (t) => {
  const node = await startTestBroker(t)
  const keys = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot']
  const input = keys.map((key, index) => `${key}:value-${index}`).join('\n') + '\n'
  for (const codec of ['none', 'gzip', 'snappy', 'lz4', 'zstd']) {
    const topic = `produce-${codec}`
    await createTopic(t, node, topic, 3)
    const result = await runSluice(['produce', '--bootstrap-server', node.bootstrap, '--topic', topic, '--key-separator', ':',
      '--header', 'source=cli', '--header', 'run=1', '--compression-type', codec], { input })
    assert.equal(result.code, 0, result.stderr)
    assert.match(result.stderr, new RegExp(`sluice: 6 records acknowledged to ${topic}`))
    const stored = new Map<string, { partition: number; value: string | null; headers: unknown }>()
    for (const partition of [0, 1, 2]) {
      const batches = await storedBatches(node, topic, partition)
      for (const batch of batches) assert.equal(batch.header.compression, compressionTypeFromName(codec), `${codec} in partition ${partition}`)
      for (const record of plainRecords(batches)) stored.set(record.key ?? '', { partition, value: record.value, headers: record.headers })
    }
    keys.forEach((key, index) => assert.deepEqual(stored.get(key), {
      partition: kafkajsPartition(topic, key, 3), value: `value-${index}`, headers: { source: 'cli', run: '1' },
    }, `${codec}: ${key}`))
  }
})

test('produce reads headers and keys with Kafka\'s parse.headers and parse.key properties, --compression-codec and --request-required-acks', async (t) => {
  const node = await startTestBroker(t)
  await createTopic(t, node, 'props', 1)
  await sluiceOk(['produce', '--bootstrap-server', node.bootstrap, '--topic', 'props', '--property', 'parse.key=true', '--property', 'parse.headers=true',
    '--property', 'headers.delimiter=|', '--property', 'key.separator=::', '--compression-codec', 'gzip', '--request-required-acks', '1'],
  { input: 'h1:a,h2:b|k1::v1\n|k2::v2\n' })
  const batches = await storedBatches(node, 'props', 0)
  assert.deepEqual(batches.map((batch) => batch.header.compression), [CompressionType.GZIP])
  assert.deepEqual(plainRecords(batches).map(({ key, value, headers }) => ({ key, value, headers })), [
    { key: 'k1', value: 'v1', headers: { h1: 'a', h2: 'b' } },
    { key: 'k2', value: 'v2', headers: {} },
  ])
  const acks0 = await runSluice(['produce', '--bootstrap-server', node.bootstrap, '--topic', 'props', '--acks', '0', '--partition', '0', '--json'], { input: 'x\ny\n' })
  assert.equal(acks0.code, 0, acks0.stderr)
  assert.match(acks0.stderr, /2 records written to props/)
  assert.deepEqual(JSON.parse(acks0.stdout), { topic: 'props', records: 2, bytes: 2, acks: 0 })
  await waitFor(async () => plainRecords(await storedBatches(node, 'props', 0)).length === 4, { timeoutMs: 5_000, what: 'the acks=0 records' })
})

test('consume prints from the beginning in text with Kafka\'s print properties, in JSON, and from --offset of a --partition', async (t) => {
  const node = await startTestBroker(t)
  await createTopic(t, node, 'readable', 2)
  await sluiceOk(['produce', '--bootstrap-server', node.bootstrap, '--topic', 'readable', '--partition', '1', '--key-separator', ':', '--header', 'h=1'],
    { input: 'k0:v0\nk1:v1\nk2:v2\n' })
  const text = await sluiceOk(['consume', '--bootstrap-server', node.bootstrap, '--topic', 'readable', '--from-beginning', '--max-messages', '3',
    '--property', 'print.key=true', '--property', 'print.offset=true', '--property', 'print.partition=true', '--property', 'print.headers=true',
    '--property', 'key.separator=|'])
  assert.equal(text, 'Partition:1|Offset:0|h:1|k0|v0\nPartition:1|Offset:1|h:1|k1|v1\nPartition:1|Offset:2|h:1|k2|v2\n')
  const json = await runSluice(['consume', '--bootstrap-server', node.bootstrap, '--topic', 'readable', '--from-beginning', '--max-messages', '2', '--format', 'json'])
  assert.equal(json.code, 0, json.stderr)
  assert.match(json.stderr, /Processed a total of 2 messages/)
  const lines = json.stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>)
  assert.deepEqual(lines.map(({ timestamp, ...rest }) => {
    assert.equal(typeof timestamp, 'number')
    return rest
  }), [0, 1].map((offset) => ({
    topic: 'readable', partition: 1, offset, key: `k${offset}`, value: `v${offset}`, headers: [{ key: 'h', value: '1' }],
  })))
  const fromOffset = await sluiceOk(['consume', '--bootstrap-server', node.bootstrap, '--topic', 'readable', '--partition', '1', '--offset', '2', '--max-messages', '1'])
  assert.equal(fromOffset, 'v2\n')
  // Nothing after the latest offset: the idle bound ends the run with nothing printed.
  const idle = await runSluice(['consume', '--bootstrap-server', node.bootstrap, '--topic', 'readable', '--idle-timeout-ms', '300'])
  assert.deepEqual([idle.code, idle.stdout], [0, ''])
})

test('consume --group starts from the group\'s committed offsets, commits what it printed and leaves', async (t) => {
  const node = await startTestBroker(t)
  await createTopic(t, node, 'grouped', 3)
  const admin = await connectedKafkajsAdmin(t, node, 'group-admin')
  const produce = (lines: string[]): Promise<string> => sluiceOk(['produce', '--bootstrap-server', node.bootstrap, '--topic', 'grouped', '--key-separator', ':'],
    { input: lines.join('\n') + '\n' })
  await produce(['a:1', 'b:2', 'c:3', 'd:4', 'e:5', 'f:6'])
  const consume = (): Promise<string> => sluiceOk(['consume', '--bootstrap-server', node.bootstrap, '--topic', 'grouped', '--group', 'cli-group',
    '--from-beginning', '--idle-timeout-ms', '1500'], { timeoutMs: 30_000 })
  assert.deepEqual((await consume()).trimEnd().split('\n').sort(), ['1', '2', '3', '4', '5', '6'])
  const committed = await admin.fetchOffsets({ groupId: 'cli-group', topics: ['grouped'] })
  const topicOffsets = await admin.fetchTopicOffsets('grouped')
  assert.deepEqual(
    committed[0]?.partitions.map((p) => [p.partition, p.offset]).sort(),
    topicOffsets.map((p) => [p.partition, p.high]).sort(),
  )
  await produce(['g:7', 'h:8'])
  assert.deepEqual((await consume()).trimEnd().split('\n').sort(), ['7', '8'])
  const described = await admin.describeGroups(['cli-group'])
  assert.deepEqual(described.groups[0]?.members, [], 'the member left the group')
})

/** A `sluice consume` left running, its output gathered, stopped with SIGTERM. */
function runningConsumer(node: BrokerNode, args: readonly string[]): { output: () => string; stop: () => Promise<{ code: number | null; stderr: string }> } {
  const child = spawn(process.execPath, [repoPath('dist', 'src', 'main.js'), 'consume', '--bootstrap-server', node.bootstrap, ...args],
    { cwd: repoPath(), stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000, killSignal: 'SIGKILL' })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString('utf8') })
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString('utf8') })
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)))
  return {
    output: () => stdout,
    async stop() {
      child.kill('SIGTERM')
      return { code: await exited, stderr }
    },
  }
}

test('two consumers of one group share the partitions after a rebalance and print each record once', async (t) => {
  const node = await startTestBroker(t)
  await createTopic(t, node, 'shared', 4)
  const first = runningConsumer(node, ['--topic', 'shared', '--group', 'sharing', '--from-beginning'])
  await sluiceOk(['produce', '--bootstrap-server', node.bootstrap, '--topic', 'shared', '--key-separator', ':'], { input: 'a:1\nb:2\nc:3\nd:4\n' })
  await waitFor(() => first.output().split('\n').length === 5, { timeoutMs: 10_000, what: 'the first consumer printing all four' })
  const second = runningConsumer(node, ['--topic', 'shared', '--group', 'sharing', '--from-beginning'])
  const admin = await connectedKafkajsAdmin(t, node, 'sharing-admin')
  await waitFor(async () => {
    const group = (await admin.describeGroups(['sharing'])).groups[0]
    return group?.state === 'Stable' && group.members.length === 2
  }, { timeoutMs: 15_000, what: 'a stable group of two' })
  const keys = Array.from({ length: 40 }, (_, i) => `key-${i}`)
  await sluiceOk(['produce', '--bootstrap-server', node.bootstrap, '--topic', 'shared', '--key-separator', ':'], { input: keys.map((key, i) => `${key}:${i + 10}`).join('\n') + '\n' })
  const printed = (): string[] => [...first.output().trimEnd().split('\n'), ...second.output().trimEnd().split('\n')].filter((line) => line !== '')
  await waitFor(() => printed().length >= 44, { timeoutMs: 15_000, what: 'all records printed' })
  const [firstExit, secondExit] = await Promise.all([first.stop(), second.stop()])
  assert.equal(firstExit.code, 0, firstExit.stderr)
  assert.equal(secondExit.code, 0, secondExit.stderr)
  assert.deepEqual(printed().map(Number).sort((a, b) => a - b), [1, 2, 3, 4, ...keys.map((_, i) => i + 10)])
  assert.ok(second.output().length > 0, 'the second member got partitions')
  const committed = await admin.fetchOffsets({ groupId: 'sharing', topics: ['shared'] })
  const ends = await admin.fetchTopicOffsets('shared')
  assert.deepEqual(committed[0]?.partitions.map((p) => [p.partition, p.offset]).sort(), ends.map((p) => [p.partition, p.high]).sort())
})

test('consume --group stops on SIGTERM: it commits, leaves and exits 0', async (t) => {
  const node = await startTestBroker(t)
  await createTopic(t, node, 'signalled', 1)
  await sluiceOk(['produce', '--bootstrap-server', node.bootstrap, '--topic', 'signalled'], { input: 'one\ntwo\n' })
  const child = spawn(process.execPath, [repoPath('dist', 'src', 'main.js'), 'consume', '--bootstrap-server', node.bootstrap, '--topic', 'signalled',
    '--group', 'signal-group', '--from-beginning'], { cwd: repoPath(), stdio: ['ignore', 'pipe', 'pipe'], timeout: 20_000, killSignal: 'SIGKILL' })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString('utf8') })
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString('utf8') })
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)))
  await waitFor(() => stdout === 'one\ntwo\n', { timeoutMs: 10_000, what: 'both records printed' })
  child.kill('SIGTERM')
  assert.equal(await exited, 0, stderr)
  const admin = await connectedKafkajsAdmin(t, node, 'signal-admin')
  const committed = await admin.fetchOffsets({ groupId: 'signal-group', topics: ['signalled'] })
  assert.deepEqual(committed[0]?.partitions.map((p) => p.offset), ['2'])
})

test('produce stops reading on SIGINT, still sends what it read, and exits 0', async (t) => {
  const node = await startTestBroker(t)
  await createTopic(t, node, 'interrupted', 1)
  const child = spawn(process.execPath, [repoPath('dist', 'src', 'main.js'), 'produce', '--bootstrap-server', node.bootstrap, '--topic', 'interrupted'],
    { cwd: repoPath(), stdio: ['pipe', 'pipe', 'pipe'], timeout: 20_000, killSignal: 'SIGKILL' })
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString('utf8') })
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)))
  child.stdin.write('typed\nat a terminal\n')
  await waitFor(async () => plainRecords(await storedBatches(node, 'interrupted', 0)).length === 2, { timeoutMs: 10_000, what: 'both lines stored' })
  child.kill('SIGINT')
  assert.equal(await exited, 0, stderr)
  assert.match(stderr, /sluice: 2 records acknowledged to interrupted/)
  child.stdin.destroy()
})

test('consume ends cleanly when its reader goes away (a closed pipe), as with `| head`', async (t) => {
  const node = await startTestBroker(t)
  await createTopic(t, node, 'piped', 1)
  await sluiceOk(['produce', '--bootstrap-server', node.bootstrap, '--topic', 'piped'], { input: Array.from({ length: 20_000 }, (_, i) => `line-${i}`).join('\n') + '\n' })
  const child = spawn(process.execPath, [repoPath('dist', 'src', 'main.js'), 'consume', '--bootstrap-server', node.bootstrap, '--topic', 'piped',
    '--group', 'piped-group', '--from-beginning'], { cwd: repoPath(), stdio: ['ignore', 'pipe', 'pipe'], timeout: 20_000, killSignal: 'SIGKILL' })
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString('utf8') })
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)))
  child.stdout.once('data', () => child.stdout.destroy())
  assert.equal(await exited, 0, stderr)
  assert.match(stderr, /Processed a total of \d+ messages/)
  assert.doesNotMatch(stderr, /\n\s+at /)
})

test('a large input is streamed in batches with a progress line on standard error', async (t) => {
  const node = await startTestBroker(t)
  await createTopic(t, node, 'large', 2)
  const child = spawn(process.execPath, [repoPath('dist', 'src', 'main.js'), 'produce', '--bootstrap-server', node.bootstrap, '--topic', 'large'],
    { cwd: repoPath(), stdio: ['pipe', 'pipe', 'pipe'], timeout: 60_000, killSignal: 'SIGKILL' })
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString('utf8') })
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)))
  // 50,000 lines fed over about eight seconds, longer than the progress line's interval into a pipe.
  const lineCount = 50_000
  const chunks = 40
  for (let chunk = 0; chunk < chunks; chunk++) {
    const lines: string[] = []
    for (let line = Math.floor(chunk * lineCount / chunks); line < Math.floor((chunk + 1) * lineCount / chunks); line++) lines.push(`record-${line}-${'x'.repeat(40)}`)
    child.stdin.write(lines.join('\n') + '\n')
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  child.stdin.end()
  assert.equal(await exited, 0, stderr)
  assert.match(stderr, /^sluice: \d+ records read, \d+ acknowledged \([\d.]+ MB\)$/m)
  assert.match(stderr, new RegExp(`sluice: ${lineCount} records acknowledged to large`))
  const admin = await connectedKafkajsAdmin(t, node, 'large-admin')
  const offsets = await admin.fetchTopicOffsets('large')
  assert.equal(offsets.reduce((sum, p) => sum + Number(p.high), 0), lineCount)
  // Sticky partitioning spreads unkeyed records over both partitions, batch by batch.
  assert.ok(offsets.every((p) => Number(p.high) > 0), JSON.stringify(offsets))
})

test('errors name the Kafka error and exit 1; bad arguments exit 2; an unreachable broker exits 1; no stack traces', async (t) => {
  const node = await startTestBroker(t)
  await createTopic(t, node, 'small', 1, [{ name: 'max.message.bytes', value: '1024' }])
  const bootstrap = ['--bootstrap-server', node.bootstrap]

  const unknownProduce = await runSluice(['produce', ...bootstrap, '--topic', 'no-such-topic'], { input: 'x\n' })
  assert.equal(unknownProduce.code, 1)
  assert.match(unknownProduce.stderr, /^sluice: UNKNOWN_TOPIC_OR_PARTITION: topic no-such-topic/)
  const unknownConsume = await runSluice(['consume', ...bootstrap, '--topic', 'no-such-topic', '--max-messages', '1'])
  assert.equal(unknownConsume.code, 1)
  assert.match(unknownConsume.stderr, /^sluice: UNKNOWN_TOPIC_OR_PARTITION: topic no-such-topic/)

  const tooLarge = await runSluice(['produce', ...bootstrap, '--topic', 'small'], { input: 'y'.repeat(4000) + '\n' })
  assert.equal(tooLarge.code, 1)
  assert.match(tooLarge.stderr, /^sluice: MESSAGE_TOO_LARGE: producing to small-0/m)

  const badLine = await runSluice(['produce', ...bootstrap, '--topic', 'small', '--key-separator', ':'], { input: 'k:v\nno key here\n' })
  assert.equal(badLine.code, 1)
  assert.match(badLine.stderr, /^sluice: line 2: no key separator ":" found/)

  for (const args of [
    ['consume', ...bootstrap, '--topic', 'small', '--offset', '3'],
    ['consume', ...bootstrap, '--topic', 'small', '--partition', '0', '--offset', 'soon'],
    ['consume', ...bootstrap, '--topic', 'small', '--group', 'g', '--partition', '0'],
    ['consume', ...bootstrap, '--topic', 'small', '--format', 'yaml'],
    ['produce', ...bootstrap, '--topic', 'small', '--compression-type', 'bogus'],
    ['produce', ...bootstrap, '--topic', 'small', '--acks', '2'],
    ['produce', ...bootstrap, '--topic', 'small', '--property', 'no.such=1'],
    ['produce', ...bootstrap, '--topic', 'small', '--header', 'novalue'],
    ['produce', ...bootstrap],
  ]) {
    const result = await runSluice(args, { input: 'x\n' })
    assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`)
    assert.match(result.stderr, /Run with --help for usage\./)
    assertNoStackTrace(result)
  }
  const offsetNeedsPartition = await runSluice(['consume', ...bootstrap, '--topic', 'small', '--offset', '3'])
  assert.match(offsetNeedsPartition.stderr, /^sluice: --offset needs --partition/)

  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  await new Promise<void>((resolve) => server.close(() => resolve()))
  for (const command of ['produce', 'consume']) {
    const unreachable = await runSluice([command, '--bootstrap-server', `127.0.0.1:${port}`, '--topic', 'small', '--timeout-ms', '2000'], { input: 'x\n' })
    assert.equal(unreachable.code, 1, unreachable.stderr)
    assert.match(unreachable.stderr, new RegExp(`^sluice: no bootstrap server answered: cannot connect to 127\\.0\\.0\\.1:${port}: ECONNREFUSED`))
    assertNoStackTrace(unreachable)
  }
  for (const result of [unknownProduce, unknownConsume, tooLarge, badLine]) assertNoStackTrace(result)

  for (const command of ['produce', 'consume']) {
    const help = await sluiceOk([command, '--help'])
    assert.match(help, /--bootstrap-server/)
    assert.match(help, /--topic/)
  }
})
