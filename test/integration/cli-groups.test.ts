// `sluice groups` against a real node, run as a user runs it (a child process): groups built by
// kafkajs consumers that commit, records produced afterwards with known timestamps so that lag in
// offsets and in seconds is known; list with --state, describe's three views and --json parsed
// back, delete of empty and non-empty groups, every reset-offsets mode as a dry run and with
// --execute (read back with kafkajs), and the error paths: exit 1 or 2 and one line, no stack trace.
import assert from 'node:assert/strict'
import { createServer, type AddressInfo } from 'node:net'
import { test, type TestContext } from 'node:test'
import type { Admin, Consumer } from 'kafkajs'
import type { BrokerNode } from '../../src/index.js'
import { startTestBroker, waitFor } from '../helpers/broker.js'
import { connectedKafkajsAdmin, connectedKafkajsProducer, kafkajsClient } from '../helpers/kafkajs.js'
import { runSluice, sluiceOk, type CliResult } from '../helpers/sluice-cli.js'

const GROUP_CONFIG = {
  sessionTimeout: 1500,
  heartbeatInterval: 100,
  rebalanceTimeout: 3000,
  maxWaitTimeInMs: 100,
  retry: { retries: 5, initialRetryTime: 50, maxRetryTime: 300 },
} as const

/**
 * A test whose consumers are disconnected at its end, before the broker closes (t.after hooks run
 * in the order registered, the broker's first): a consumer left running keeps retrying and holds
 * the test process open.
 */
type Consumers = Consumer[]
function groupTest(name: string, body: (t: TestContext, consumers: Consumers) => Promise<void>): void {
  test(name, async (t) => {
    const consumers: Consumers = []
    try {
      await body(t, consumers)
    } finally {
      for (const consumer of consumers.reverse()) await consumer.disconnect().catch(() => {})
    }
  })
}

/** A kafkajs consumer in `groupId` reading `topic` from the beginning, committing as it goes. */
async function runningConsumer(consumers: Consumers, node: BrokerNode, groupId: string, topic: string, clientId: string): Promise<Consumer> {
  const consumer = kafkajsClient(node, clientId).consumer({ groupId, ...GROUP_CONFIG })
  consumers.push(consumer)
  await consumer.connect()
  await consumer.subscribe({ topics: [topic], fromBeginning: true })
  await consumer.run({ eachMessage: async () => {} })
  return consumer
}

/** Committed offsets of `groupId` for `topic` by partition, as kafkajs reads them (-1: none). */
async function committed(admin: Admin, groupId: string, topic: string): Promise<number[]> {
  const [found] = await admin.fetchOffsets({ groupId, topics: [topic] })
  return (found?.partitions ?? []).sort((a, b) => a.partition - b.partition).map((partition) => Number(partition.offset))
}

function assertFailed(result: CliResult, code: number, pattern: RegExp): void {
  assert.equal(result.code, code, `exit code; stderr: ${result.stderr}`)
  assert.match(result.stderr, pattern)
  assert.doesNotMatch(result.stderr, /^ {4}at /m, 'no stack trace')
}

function parsed<T>(stdout: string): T {
  return JSON.parse(stdout) as T
}

interface DescribedJson {
  group: string; state: string; protocolType: string; assignmentStrategy: string
  coordinator: { id: number; host: string; port: number }
  members: { memberId: string; groupInstanceId: string | null; clientId: string; host: string; assignment: { topic: string; partitions: number[] }[] }[]
  offsets: { topic: string; partition: number; currentOffset: number | null; logEndOffset: number | null; lag: number | null; lagSeconds: number | null; memberId: string | null }[]
}

groupTest('list and describe show groups, members, assignments, committed offsets and lag in offsets and seconds', async (t, consumers) => {
  const node = await startTestBroker(t)
  const server = ['--bootstrap-server', node.bootstrap]
  const admin = await connectedKafkajsAdmin(t, node, 'cli-groups-admin')
  await admin.createTopics({ topics: [{ topic: 'lagged', numPartitions: 2 }, { topic: 'busy', numPartitions: 2 }], timeout: 3000 })
  const producer = await connectedKafkajsProducer(t, node, 'cli-groups-producer', false)
  await producer.send({ topic: 'lagged', acks: -1, messages: [0, 0, 0, 0, 1, 1].map((partition, i) => ({ partition, value: `old-${i}` })) })

  // An inactive group: consumed everything, committed, left. Then three records it has not read,
  // written two minutes ago by their timestamps.
  const lagging = await runningConsumer(consumers, node, 'cli-lagging', 'lagged', 'cli-lagging-consumer')
  await waitFor(async () => JSON.stringify(await committed(admin, 'cli-lagging', 'lagged')) === '[4,2]', { timeoutMs: 15_000, what: 'cli-lagging to commit' })
  await lagging.disconnect()
  const writtenMs = Date.now() - 120_000
  await producer.send({ topic: 'lagged', acks: -1, messages: [0, 1, 2].map((i) => ({ partition: 0, value: `new-${i}`, timestamp: String(writtenMs + i) })) })
  // An active group.
  await runningConsumer(consumers, node, 'cli-busy', 'busy', 'cli-busy-consumer')
  await waitFor(async () => (await admin.describeGroups(['cli-busy'])).groups[0]?.state === 'Stable', { timeoutMs: 15_000, what: 'cli-busy to be Stable' })

  const listed = parsed<{ group: string; state: string; protocolType: string }[]>(await sluiceOk(['groups', 'list', ...server, '--json']))
  assert.deepEqual(listed, [
    { group: 'cli-busy', state: 'Stable', protocolType: 'consumer' },
    { group: 'cli-lagging', state: 'Empty', protocolType: 'consumer' },
  ])
  assert.deepEqual(parsed<{ group: string }[]>(await sluiceOk(['groups', 'list', ...server, '--state', 'stable', '--json'])).map((g) => g.group), ['cli-busy'])
  const emptyTable = await sluiceOk(['groups', 'list', ...server, '--state', 'Empty,Dead'])
  assert.match(emptyTable, /^GROUP\s+STATE\s+PROTOCOL-TYPE\ncli-lagging\s+Empty\s+consumer\n$/)

  // Offsets view of the inactive group: lag 3 records, about two minutes; none on partition 1.
  const [laggingJson] = parsed<DescribedJson[]>(await sluiceOk(['groups', 'describe', ...server, '--group', 'cli-lagging', '--json']))
  assert.equal(laggingJson?.state, 'Empty')
  assert.deepEqual(laggingJson?.members, [])
  assert.deepEqual(laggingJson?.offsets.map(({ topic, partition, currentOffset, logEndOffset, lag, memberId }) => [topic, partition, currentOffset, logEndOffset, lag, memberId]), [
    ['lagged', 0, 4, 7, 3, null],
    ['lagged', 1, 2, 2, 0, null],
  ])
  const lagSeconds = laggingJson?.offsets[0]?.lagSeconds ?? -1
  assert.ok(lagSeconds >= 120 && lagSeconds < 180, `lag in seconds ${lagSeconds}`)
  assert.equal(laggingJson?.offsets[1]?.lagSeconds, 0)
  const offsetsTable = await sluiceOk(['groups', 'describe', ...server, '--group', 'cli-lagging'])
  assert.match(offsetsTable, /Consumer group 'cli-lagging' has no active members\./)
  assert.match(offsetsTable, /GROUP\s+TOPIC\s+PARTITION\s+CURRENT-OFFSET\s+LOG-END-OFFSET\s+LAG\s+LAG-SECONDS\s+CONSUMER-ID\s+HOST\s+CLIENT-ID/)
  assert.match(offsetsTable, /cli-lagging\s+lagged\s+0\s+4\s+7\s+3\s+1[2-7]\d\s+-\s+-\s+-/)
  assert.match(offsetsTable, /cli-lagging\s+lagged\s+1\s+2\s+2\s+0\s+0\s+-/)

  // The active group: its member, the assignment decoded, the partitions it owns.
  const [busyJson] = parsed<DescribedJson[]>(await sluiceOk(['groups', 'describe', ...server, '--group', 'cli-busy', '--members', '--json']))
  assert.equal(busyJson?.state, 'Stable')
  assert.equal(busyJson?.protocolType, 'consumer')
  assert.equal(busyJson?.coordinator.id, 1)
  assert.equal(busyJson?.members.length, 1)
  const member = busyJson!.members[0]!
  assert.equal(member.clientId, 'cli-busy-consumer')
  assert.deepEqual(member.assignment, [{ topic: 'busy', partitions: [0, 1] }])
  assert.deepEqual(busyJson?.offsets.map((row) => [row.topic, row.partition, row.logEndOffset, row.memberId]), [['busy', 0, 0, member.memberId], ['busy', 1, 0, member.memberId]])
  const membersTable = await sluiceOk(['groups', 'describe', ...server, '--group', 'cli-busy', '--members'])
  assert.match(membersTable, /GROUP\s+CONSUMER-ID\s+GROUP-INSTANCE-ID\s+HOST\s+CLIENT-ID\s+#PARTITIONS\s+ASSIGNMENT/)
  assert.match(membersTable, new RegExp(`cli-busy\\s+${member.memberId}\\s+-\\s+\\S+\\s+cli-busy-consumer\\s+2\\s+busy\\(0,1\\)`))
  const stateTable = await sluiceOk(['groups', 'describe', ...server, '--all-groups', '--state'])
  assert.match(stateTable, /GROUP\s+COORDINATOR \(ID\)\s+ASSIGNMENT-STRATEGY\s+STATE\s+#MEMBERS/)
  assert.match(stateTable, /cli-busy\s+127\.0\.0\.1:\d+ \(1\)\s+\S+\s+Stable\s+1/)
  assert.match(stateTable, /cli-lagging\s+127\.0\.0\.1:\d+ \(1\)\s+-\s+Empty\s+0/)

  // A group with members can be neither reset nor deleted.
  assertFailed(await runSluice(['groups', 'reset-offsets', ...server, '--group', 'cli-busy', '--topic', 'busy', '--to-earliest', '--execute']), 1,
    /^sluice: Assignments can only be reset if the group 'cli-busy' is inactive, but the current state is Stable\.\n$/)
  const notEmpty = await runSluice(['groups', 'delete', ...server, '--group', 'cli-busy'])
  assertFailed(notEmpty, 1, /^sluice: NON_EMPTY_GROUP: deleting group cli-busy/)
  assert.match(notEmpty.stdout, /cli-busy\s+NON_EMPTY_GROUP/)
  assertFailed(await runSluice(['groups', 'describe', ...server, '--group', 'no-such-group']), 1,
    /^sluice: GROUP_ID_NOT_FOUND: describing group no-such-group: Consumer group 'no-such-group' does not exist\.\n$/)
})

groupTest('reset-offsets plans by default and commits with --execute, in every mode; delete removes an empty group', async (t, consumers) => {
  const node = await startTestBroker(t)
  const server = ['--bootstrap-server', node.bootstrap]
  const admin = await connectedKafkajsAdmin(t, node, 'cli-reset-admin')
  await admin.createTopics({ topics: [{ topic: 'replay', numPartitions: 2 }, { topic: 'fresh', numPartitions: 1 }], timeout: 3000 })
  const producer = await connectedKafkajsProducer(t, node, 'cli-reset-producer', false)
  // Partition 0: ten records ten minutes apart, the first 200 minutes ago; partition 1: four.
  const STEP_MS = 10 * 60_000
  const firstMs = Date.now() - 20 * STEP_MS
  await producer.send({ topic: 'replay', acks: -1, messages: Array.from({ length: 10 }, (_, i) => ({ partition: 0, value: `r${i}`, timestamp: String(firstMs + i * STEP_MS) })) })
  await producer.send({ topic: 'replay', acks: -1, messages: Array.from({ length: 4 }, (_, i) => ({ partition: 1, value: `s${i}`, timestamp: String(firstMs + i * STEP_MS) })) })
  await producer.send({ topic: 'fresh', acks: -1, messages: [{ value: 'a' }, { value: 'b' }] })
  const consumer = await runningConsumer(consumers, node, 'cli-reset', 'replay', 'cli-reset-consumer')
  await waitFor(async () => JSON.stringify(await committed(admin, 'cli-reset', 'replay')) === '[10,4]', { timeoutMs: 15_000, what: 'cli-reset to commit' })
  await consumer.disconnect()

  const reset = (...args: string[]): Promise<string> => sluiceOk(['groups', 'reset-offsets', ...server, '--group', 'cli-reset', ...args])
  const plan = async (...args: string[]): Promise<[string, number, number][]> =>
    parsed<{ topic: string; partition: number; newOffset: number }[]>(await reset(...args, '--json')).map((row) => [row.topic, row.partition, row.newOffset])

  // No --execute: a plan, a warning, nothing changed.
  const dryRun = await runSluice(['groups', 'reset-offsets', ...server, '--group', 'cli-reset', '--topic', 'replay', '--to-earliest'])
  assert.equal(dryRun.code, 0, dryRun.stderr)
  assert.match(dryRun.stdout, /^GROUP\s+TOPIC\s+PARTITION\s+NEW-OFFSET\ncli-reset\s+replay\s+0\s+0\ncli-reset\s+replay\s+1\s+0\n$/)
  assert.match(dryRun.stderr, /dry run; add --execute/)
  assert.deepEqual(await committed(admin, 'cli-reset', 'replay'), [10, 4])
  assert.deepEqual(await plan('--topic', 'replay', '--to-earliest', '--dry-run'), [['replay', 0, 0], ['replay', 1, 0]])
  assert.deepEqual(await committed(admin, 'cli-reset', 'replay'), [10, 4])

  const steps: { args: string[]; expected: number[] }[] = [
    { args: ['--topic', 'replay', '--to-earliest'], expected: [0, 0] },
    { args: ['--topic', 'replay:0', '--to-latest'], expected: [10, 0] },
    { args: ['--all-topics', '--to-offset', '3'], expected: [3, 3] },
    { args: ['--all-topics', '--to-offset', '100'], expected: [10, 4] },
    { args: ['--all-topics', '--shift-by', '-2'], expected: [8, 2] },
    { args: ['--topic', 'replay', '--shift-by', '-5'], expected: [3, 0] },
    { args: ['--topic', 'replay:0,1', '--shift-by', '+1'], expected: [4, 1] },
    // Between the sixth record of partition 0 and the seventh; after all of partition 1.
    { args: ['--topic', 'replay', '--to-datetime', new Date(firstMs + 5.5 * STEP_MS).toISOString()], expected: [6, 4] },
    { args: ['--topic', 'replay', '--to-datetime', '2000-01-01T00:00:00.000Z'], expected: [0, 0] },
    { args: ['--topic', 'replay:0', '--to-datetime', new Date(Date.now() + 3_600_000).toISOString()], expected: [10, 0] },
    // 145 minutes ago is 55 after the first record (plus however long the test has run, under five minutes).
    { args: ['--topic', 'replay', '--by-duration', 'PT2H25M'], expected: [6, 4] },
    { args: ['--topic', 'replay', '--to-current'], expected: [6, 4] },
  ]
  for (const { args, expected } of steps) {
    const before = await committed(admin, 'cli-reset', 'replay')
    const planned = await plan(...args, '--dry-run')
    assert.deepEqual(await committed(admin, 'cli-reset', 'replay'), before, `dry run ${args.join(' ')} changed nothing`)
    await reset(...args, '--execute')
    const after = await committed(admin, 'cli-reset', 'replay')
    assert.deepEqual(after, expected, `after ${args.join(' ')}`)
    assert.deepEqual(planned.map(([, partition, offset]) => [partition, offset]), planned.map(([, partition]) => [partition, after[partition]]), `the plan of ${args.join(' ')} is what was committed`)
  }

  // A partition without a commit: --to-current takes the log end; a shift is refused.
  assert.deepEqual(await plan('--topic', 'fresh', '--to-current'), [['fresh', 0, 2]])
  assertFailed(await runSluice(['groups', 'reset-offsets', ...server, '--group', 'cli-reset', '--topic', 'fresh', '--shift-by', '1']), 1,
    /^sluice: Cannot shift offset for partition fresh-0 of group 'cli-reset' since there is no current committed offset\n$/)
  assertFailed(await runSluice(['groups', 'reset-offsets', ...server, '--group', 'cli-reset', '--topic', 'nowhere', '--to-earliest']), 1,
    /^sluice: UNKNOWN_TOPIC_OR_PARTITION: topic nowhere/)
  assertFailed(await runSluice(['groups', 'reset-offsets', ...server, '--group', 'cli-reset', '--topic', 'replay:7', '--to-earliest']), 1,
    /^sluice: UNKNOWN_TOPIC_OR_PARTITION: partition 7 of topic replay/)

  // A new group can be given offsets before it first starts, as in Kafka.
  await sluiceOk(['groups', 'reset-offsets', ...server, '--group', 'cli-new', '--topic', 'replay', '--to-offset', '2', '--execute'])
  assert.deepEqual(await committed(admin, 'cli-new', 'replay'), [2, 2])

  const deleted = parsed<{ group: string; error: string | null }[]>(await sluiceOk(['groups', 'delete', ...server, '--group', 'cli-reset', '--group', 'cli-new', '--json']))
  assert.deepEqual(deleted, [{ group: 'cli-reset', error: null }, { group: 'cli-new', error: null }])
  assertFailed(await runSluice(['groups', 'describe', ...server, '--group', 'cli-reset']), 1, /GROUP_ID_NOT_FOUND: .*Consumer group 'cli-reset' does not exist\./)
  assertFailed(await runSluice(['groups', 'delete', ...server, '--group', 'cli-reset']), 1, /^sluice: GROUP_ID_NOT_FOUND: deleting group cli-reset/)
  assert.deepEqual(parsed<unknown[]>(await sluiceOk(['groups', 'list', ...server, '--json'])), [])
})

test('bad arguments exit 2 and an unreachable broker exits 1, each with one line and no stack trace; --help everywhere', async () => {
  const closed = createServer()
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
  const port = (closed.address() as AddressInfo).port
  await new Promise<void>((resolve) => closed.close(() => resolve()))
  const server = ['--bootstrap-server', `127.0.0.1:${port}`]
  const reset = ['groups', 'reset-offsets', ...server, '--group', 'g', '--topic', 't']

  const usage: [string[], RegExp][] = [
    [[...reset], /reset-offsets needs one of --to-earliest, /],
    [[...reset, '--to-earliest', '--to-latest'], /choose one of --to-earliest and --to-latest/],
    [[...reset, '--to-offset', '5', '--shift-by', '1'], /choose one of --to-offset and --shift-by/],
    [[...reset, '--to-earliest', '--dry-run', '--execute'], /choose one of --dry-run and --execute/],
    [[...reset, '--to-offset', 'five'], /--to-offset needs an integer, not "five"/],
    [[...reset, '--to-datetime', 'yesterday'], /--to-datetime needs YYYY-MM-DDTHH:mm:SS\.sss/],
    [[...reset, '--by-duration', '1h'], /--by-duration needs an ISO-8601 duration/],
    [['groups', 'reset-offsets', ...server, '--group', 'g', '--to-earliest'], /needs --topic \(repeatable\) or --all-topics/],
    [['groups', 'reset-offsets', ...server, '--group', 'g', '--topic', 't:x', '--to-earliest'], /partitions are numbers/],
    [['groups', 'describe', ...server], /name a group with --group, or use --all-groups/],
    [['groups', 'describe', ...server, '--group', 'g', '--all-groups'], /--group and --all-groups cannot be used together/],
    [['groups', 'describe', ...server, '--group', 'g', '--members', '--state'], /choose one of --offsets, --members and --state/],
    [['groups', 'list', ...server, '--state', 'Sleeping'], /--state Sleeping is not a group state/],
    [['groups', 'list'], /Missing required argument: bootstrap-server/],
    [['groups'], /name a groups command/],
    [['groups', 'rename', ...server], /Unknown arguments?: .*rename/],
  ]
  for (const [args, pattern] of usage) {
    const result = await runSluice(args)
    assertFailed(result, 2, pattern)
    assert.match(result.stderr, /Run with --help for usage\./)
    assert.equal(result.stdout, '')
  }

  for (const args of [['groups', 'list', ...server], ['groups', 'describe', ...server, '--group', 'g'], ['groups', 'delete', ...server, '--group', 'g'],
    [...reset, '--to-earliest', '--execute']]) {
    assertFailed(await runSluice(args), 1, new RegExp(`^sluice: no bootstrap server answered: cannot connect to 127\\.0\\.0\\.1:${port}: ECONNREFUSED\\n$`))
  }

  const help: [string[], RegExp][] = [
    [['groups', '--help'], /list.*\n.*describe.*\n.*delete.*\n.*reset-offsets/],
    [['groups', 'list', '--help'], /--state/],
    [['groups', 'describe', '--help'], /--members[\s\S]*--state/],
    [['groups', 'delete', '--help'], /--all-groups/],
    [['groups', 'reset-offsets', '--help'], /--to-datetime[\s\S]*--shift-by[\s\S]*--execute/],
  ]
  for (const [args, pattern] of help) {
    const result = await runSluice(args)
    assert.equal(result.code, 0, result.stderr)
    assert.match(result.stdout, pattern)
    assert.match(result.stdout, /--bootstrap-server|Commands:/)
  }
})
