import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ConfigResourceType, METADATA_VERSION_FEATURE } from '../../../src/metadata/image.js'
import { MetadataLog } from '../../../src/metadata/metadata-log.js'
import type { MetadataRecord } from '../../../src/metadata/metadata-record-codec.js'
import { ErrorCode } from '../../../src/protocol/error-codes.js'
import { METADATA_VERSION_LEVEL, QuorumController, type CreateTopicSpec, type TopicDefaults } from '../../../src/controller/quorum-controller.js'
import type { TestContextLike } from '../../helpers/log-fixtures.js'
import { ManualClock } from '../../helpers/manual-clock.js'
import { MemoryStorage } from '../../helpers/memory-storage.js'
import { INCARNATION_ID } from '../../helpers/metadata-records.js'

const LOG_DIR = '/data'
const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA'

const DEFAULTS: TopicDefaults = {
  numPartitions: 3,
  defaultReplicationFactor: 1,
  internalTopics: new Map([
    ['__consumer_offsets', { numPartitions: 5, replicationFactor: 1, configs: new Map([['cleanup.policy', 'compact'], ['segment.bytes', '104857600']]) }],
  ]),
}

interface Harness {
  readonly storage: MemoryStorage
  readonly metadataLog: MetadataLog
  readonly controller: QuorumController
  /** Every batch committed through the controller, in order. */
  readonly commits: MetadataRecord[][]
}

async function openHarness(t: TestContextLike, storage = new MemoryStorage({ directories: [LOG_DIR] }), hadCleanShutdown = false): Promise<Harness> {
  const metadataLog = await MetadataLog.open({ storage, logDir: LOG_DIR, clock: new ManualClock(), hadCleanShutdown })
  t.after(() => metadataLog.close().catch(() => undefined))
  const commits: MetadataRecord[][] = []
  const controller = new QuorumController({
    nodeId: 1, epoch: 1, defaults: DEFAULTS,
    image: () => metadataLog.image,
    commit: async (records) => {
      commits.push([...records])
      return (await metadataLog.append(records, 1)).image
    },
  })
  return { storage, metadataLog, controller, commits }
}

/** Closes the log cleanly and opens it again: the image is rebuilt by replaying it. */
async function reopen(t: TestContextLike, harness: Harness): Promise<Harness> {
  await harness.metadataLog.close()
  return openHarness(t, harness.storage, true)
}

function registration(brokerId: number, port = 9092) {
  return {
    brokerId, isMigratingZkBroker: false, incarnationId: INCARNATION_ID,
    endPoints: [{ name: 'PLAINTEXT', host: 'localhost', port, securityProtocol: 0 }],
    features: [{ name: 'metadata.version', minSupportedVersion: 1, maxSupportedVersion: METADATA_VERSION_LEVEL }],
    rack: null, inControlledShutdown: false, logDirs: [],
  }
}

/** A harness with brokers 1..brokerCount registered and unfenced. */
async function cluster(t: TestContextLike, brokerCount = 1): Promise<Harness> {
  const harness = await openHarness(t)
  for (let id = 1; id <= brokerCount; id++) await harness.controller.registerBroker(registration(id, 9091 + id), harness.metadataLog.logEndOffset)
  harness.commits.length = 0
  return harness
}

function spec(name: string, overrides: Partial<CreateTopicSpec> = {}): CreateTopicSpec {
  return { name, numPartitions: -1, replicationFactor: -1, assignments: [], configs: [], ...overrides }
}

async function createOne(harness: Harness, topic: CreateTopicSpec, validateOnly = false) {
  const [result] = await harness.controller.createTopics([topic], validateOnly)
  assert.ok(result !== undefined)
  return result
}

function assertKafkaUuid(id: string): void {
  assert.match(id, /^[A-Za-z0-9_-]{22}$/)
  assert.equal(Buffer.from(id, 'base64url').length, 16)
  assert.equal(Buffer.from(id, 'base64url').toString('base64url'), id)
  assert.ok(!id.startsWith('-'), id)
  assert.notEqual(id, ZERO_UUID)
}

test('registerBroker formats an empty log with metadata.version, then registers and unfences the broker', async (t) => {
  const harness = await openHarness(t)
  const epoch = await harness.controller.registerBroker(registration(1), harness.metadataLog.logEndOffset)

  assert.deepEqual(harness.commits[0]?.map((record) => record.type), ['FeatureLevelRecord', 'RegisterBrokerRecord', 'UnfenceBrokerRecord'])
  assert.deepEqual(harness.commits[0]?.[0]?.value, { name: METADATA_VERSION_FEATURE, featureLevel: METADATA_VERSION_LEVEL })
  // The broker epoch is the offset of its RegisterBrokerRecord: 1, after the feature record at 0.
  assert.equal(epoch, 1n)
  const image = harness.metadataLog.image
  assert.equal(image.metadataVersion, METADATA_VERSION_LEVEL)
  const broker = image.broker(1)
  assert.equal(broker?.isFenced, false)
  assert.equal(broker?.epoch, 1n)
  assert.equal(broker?.incarnationId, INCARNATION_ID)
  assert.deepEqual(broker?.endpoints, [{ name: 'PLAINTEXT', host: 'localhost', port: 9092, securityProtocol: 0 }])
})

test('registerBroker on a formatted log writes no second metadata.version, and the epoch is the new offset', async (t) => {
  const harness = await openHarness(t)
  await harness.controller.registerBroker(registration(1), harness.metadataLog.logEndOffset)
  const logEndOffset = harness.metadataLog.logEndOffset
  assert.equal(logEndOffset, 3n)

  const epoch = await harness.controller.registerBroker(registration(1, 9192), logEndOffset)
  assert.deepEqual(harness.commits[1]?.map((record) => record.type), ['RegisterBrokerRecord', 'UnfenceBrokerRecord'])
  assert.equal(epoch, 3n)
  assert.equal(harness.metadataLog.image.broker(1)?.epoch, 3n)
  assert.equal(harness.metadataLog.image.broker(1)?.endpoints[0]?.port, 9192)
  assert.equal(harness.metadataLog.image.broker(1)?.isFenced, false)

  const reopened = await reopen(t, harness)
  assert.equal(reopened.metadataLog.image.metadataVersion, METADATA_VERSION_LEVEL)
  assert.equal(reopened.metadataLog.image.broker(1)?.epoch, 3n)
  assert.equal(reopened.metadataLog.image.broker(1)?.isFenced, false)
})

test('createTopics uses num.partitions and default.replication.factor for -1, and the records replay into the image', async (t) => {
  const harness = await cluster(t)
  const result = await createOne(harness, spec('orders', { configs: [{ name: 'retention.ms', value: '3600000' }] }))

  assert.equal(result.errorCode, ErrorCode.NONE)
  assert.equal(result.errorMessage, null)
  assert.equal(result.numPartitions, 3)
  assert.equal(result.replicationFactor, 1)
  assert.deepEqual([...result.configs], [['retention.ms', '3600000']])
  assertKafkaUuid(result.topicId)

  assert.deepEqual(harness.commits[0]?.map((record) => record.type), ['TopicRecord', 'PartitionRecord', 'PartitionRecord', 'PartitionRecord', 'ConfigRecord'])
  const configRecord = harness.commits[0]?.[4]
  assert.deepEqual(configRecord?.value, { resourceType: ConfigResourceType.TOPIC, resourceName: 'orders', name: 'retention.ms', value: '3600000' })

  const image = harness.metadataLog.image
  const topic = image.topic('orders')
  assert.equal(topic?.topicId, result.topicId)
  assert.equal(image.topicById(result.topicId)?.name, 'orders')
  assert.deepEqual([...(topic?.partitions.keys() ?? [])], [0, 1, 2])
  for (const partition of topic?.partitions.values() ?? []) {
    assert.deepEqual(partition.replicas, [1])
    assert.deepEqual(partition.isr, [1])
    assert.equal(partition.leader, 1)
    assert.equal(partition.leaderEpoch, 0)
  }
  assert.equal(image.topicConfigs('orders').get('retention.ms'), '3600000')
})

test('explicit partition counts and replication factors are used, leaders are the first replica and ISR is every replica', async (t) => {
  const harness = await cluster(t, 3)
  const result = await createOne(harness, spec('wide', { numPartitions: 6, replicationFactor: 2 }))
  assert.equal(result.errorCode, ErrorCode.NONE)
  assert.equal(result.numPartitions, 6)
  assert.equal(result.replicationFactor, 2)

  const partitions = [...(harness.metadataLog.image.topic('wide')?.partitions.values() ?? [])]
  assert.equal(partitions.length, 6)
  for (const partition of partitions) {
    assert.equal(partition.replicas.length, 2)
    assert.equal(new Set(partition.replicas).size, 2)
    assert.equal(partition.leader, partition.replicas[0])
    assert.deepEqual(partition.isr, partition.replicas)
  }
  // Six partitions over three brokers: each broker leads two.
  const leaders = partitions.map((partition) => partition.leader).sort()
  assert.deepEqual(leaders, [1, 1, 2, 2, 3, 3])
})

test('creating an existing topic fails with TOPIC_ALREADY_EXISTS and Kafka\'s message, and writes nothing', async (t) => {
  const harness = await cluster(t)
  const first = await createOne(harness, spec('orders'))
  const second = await createOne(harness, spec('orders'))
  assert.equal(second.errorCode, ErrorCode.TOPIC_ALREADY_EXISTS)
  assert.equal(second.errorMessage, "Topic 'orders' already exists.")
  assert.equal(second.topicId, ZERO_UUID)
  assert.equal(second.numPartitions, -1)
  assert.equal(second.replicationFactor, -1)
  assert.equal(harness.commits.length, 1)
  assert.equal(harness.metadataLog.image.topic('orders')?.topicId, first.topicId)
})

test('illegal topic names fail with INVALID_TOPIC_EXCEPTION and Topic.validate\'s messages', async (t) => {
  const harness = await cluster(t)
  const longName = 'x'.repeat(250)
  const cases: ReadonlyArray<[string, string]> = [
    ['', 'Topic name is illegal, it can\'t be empty'],
    ['.', 'Topic name cannot be "." or ".."'],
    ['..', 'Topic name cannot be "." or ".."'],
    [longName, `Topic name is illegal, it can't be longer than 249 characters, Topic name: ${longName}`],
    ['bad name', 'Topic name "bad name" is illegal, it contains a character other than ASCII alphanumerics, \'.\', \'_\' and \'-\''],
    ['caf\u00e9', 'Topic name "caf\u00e9" is illegal, it contains a character other than ASCII alphanumerics, \'.\', \'_\' and \'-\''],
    ['a/b', 'Topic name "a/b" is illegal, it contains a character other than ASCII alphanumerics, \'.\', \'_\' and \'-\''],
  ]
  const results = await harness.controller.createTopics(cases.map(([name]) => spec(name)), false)
  assert.deepEqual(
    results.map(({ name, errorCode, errorMessage }) => ({ name, errorCode, errorMessage })),
    cases.map(([name, errorMessage]) => ({ name, errorCode: ErrorCode.INVALID_TOPIC_EXCEPTION, errorMessage })),
  )
  assert.equal(harness.commits.length, 0)

  // 249 characters and every legal character are fine.
  const longest = await createOne(harness, spec('y'.repeat(249)))
  assert.equal(longest.errorCode, ErrorCode.NONE)
  const allChars = await createOne(harness, spec('Az09._-'))
  assert.equal(allChars.errorCode, ErrorCode.NONE)
})

test('a name that differs from an existing topic only in \'.\' versus \'_\' collides', async (t) => {
  const harness = await cluster(t)
  assert.equal((await createOne(harness, spec('metrics.raw'))).errorCode, ErrorCode.NONE)

  const collision = await createOne(harness, spec('metrics_raw'))
  assert.equal(collision.errorCode, ErrorCode.INVALID_TOPIC_EXCEPTION)
  assert.equal(collision.errorMessage, "Topic 'metrics_raw' collides with existing topic: metrics.raw")
  const other = await createOne(harness, spec('metrics_raw2'))
  assert.equal(other.errorCode, ErrorCode.NONE)
  assert.equal(harness.metadataLog.image.topic('metrics_raw'), undefined)
})

test('partition counts of 0 or below -1 fail with INVALID_PARTITIONS', async (t) => {
  const harness = await cluster(t)
  const results = await harness.controller.createTopics([spec('zero', { numPartitions: 0 }), spec('minus-two', { numPartitions: -2 })], false)
  for (const result of results) {
    assert.equal(result.errorCode, ErrorCode.INVALID_PARTITIONS)
    assert.equal(result.errorMessage, 'Number of partitions was set to an invalid non-positive value.')
  }
  assert.equal(harness.commits.length, 0)
})

test('replication factors of 0, below -1 or above the registered brokers fail with INVALID_REPLICATION_FACTOR', async (t) => {
  const harness = await cluster(t, 2)
  const results = await harness.controller.createTopics([
    spec('zero', { replicationFactor: 0 }),
    spec('minus-two', { replicationFactor: -2 }),
    spec('three', { replicationFactor: 3 }),
    // Kafka checks the replication factor before the partition count.
    spec('both-bad', { numPartitions: 0, replicationFactor: 0 }),
  ], false)
  assert.deepEqual(results.map((result) => result.errorCode), Array(4).fill(ErrorCode.INVALID_REPLICATION_FACTOR))
  assert.equal(results[0]?.errorMessage, 'Replication factor must be larger than 0, or -1 to use the default value.')
  assert.equal(results[2]?.errorMessage,
    'Unable to replicate the partition 3 time(s): The target replication factor of 3 cannot be reached because only 2 broker(s) are registered.')
  assert.equal(harness.commits.length, 0)
  assert.equal((await createOne(harness, spec('two', { replicationFactor: 2 }))).errorCode, ErrorCode.NONE)
})

test('a name given twice in one request fails with INVALID_REQUEST for it, while the other topics are created', async (t) => {
  const harness = await cluster(t)
  const results = await harness.controller.createTopics([spec('dup'), spec('single'), spec('dup')], false)
  assert.deepEqual(results.map(({ name, errorCode }) => ({ name, errorCode })), [
    { name: 'dup', errorCode: ErrorCode.INVALID_REQUEST },
    { name: 'single', errorCode: ErrorCode.NONE },
    { name: 'dup', errorCode: ErrorCode.INVALID_REQUEST },
  ])
  assert.equal(results[0]?.errorMessage, 'Duplicate topic name.')
  assert.equal(harness.metadataLog.image.topic('dup'), undefined)
  assert.ok(harness.metadataLog.image.topic('single') !== undefined)
})

test('an unknown config name or an invalid config value fails with INVALID_CONFIG and creates nothing', async (t) => {
  const harness = await cluster(t)
  const results = await harness.controller.createTopics([
    spec('unknown', { configs: [{ name: 'no.such.config', value: '1' }] }),
    spec('invalid', { configs: [{ name: 'retention.ms', value: 'forever' }] }),
    spec('null', { configs: [{ name: 'retention.ms', value: null }] }),
    spec('policy', { configs: [{ name: 'cleanup.policy', value: 'compact,archive' }] }),
  ], false)
  assert.deepEqual(results.map(({ errorCode, errorMessage }) => ({ errorCode, errorMessage })), [
    { errorCode: ErrorCode.INVALID_CONFIG, errorMessage: 'Unknown topic config name: no.such.config' },
    { errorCode: ErrorCode.INVALID_CONFIG, errorMessage: 'Invalid value forever for configuration retention.ms: Not a number of type LONG' },
    { errorCode: ErrorCode.INVALID_CONFIG, errorMessage: 'Null value not supported for topic configs: retention.ms' },
    { errorCode: ErrorCode.INVALID_CONFIG, errorMessage: 'Invalid value archive for configuration cleanup.policy: String must be one of: compact, delete' },
  ])
  assert.equal(harness.commits.length, 0)
  assert.equal(harness.metadataLog.image.topics.byName.size, 0)
})

test('an explicit assignment places the given replicas, partition order independent of request order', async (t) => {
  const harness = await cluster(t, 3)
  const result = await createOne(harness, spec('placed', {
    assignments: [{ partitionIndex: 1, brokerIds: [3, 1] }, { partitionIndex: 0, brokerIds: [2, 3] }],
  }))
  assert.equal(result.errorCode, ErrorCode.NONE)
  assert.equal(result.numPartitions, 2)
  assert.equal(result.replicationFactor, 2)
  const image = harness.metadataLog.image
  assert.deepEqual(image.partition('placed', 0)?.replicas, [2, 3])
  assert.equal(image.partition('placed', 0)?.leader, 2)
  assert.deepEqual(image.partition('placed', 1)?.replicas, [3, 1])
  assert.equal(image.partition('placed', 1)?.leader, 3)
  assert.deepEqual(image.partition('placed', 1)?.isr, [3, 1])
})

test('invalid explicit assignments are refused with Kafka\'s errors', async (t) => {
  const harness = await cluster(t, 2)
  const cases: ReadonlyArray<[CreateTopicSpec, number, string]> = [
    [spec('gap', { assignments: [{ partitionIndex: 0, brokerIds: [1] }, { partitionIndex: 2, brokerIds: [2] }] }),
      ErrorCode.INVALID_REPLICA_ASSIGNMENT, 'partitions should be a consecutive 0-based integer sequence'],
    [spec('from-one', { assignments: [{ partitionIndex: 1, brokerIds: [1] }] }),
      ErrorCode.INVALID_REPLICA_ASSIGNMENT, 'partitions should be a consecutive 0-based integer sequence'],
    [spec('unknown-broker', { assignments: [{ partitionIndex: 0, brokerIds: [1, 7] }] }),
      ErrorCode.INVALID_REPLICA_ASSIGNMENT, 'The manual partition assignment includes broker 7, but no such broker is registered.'],
    [spec('twice', { assignments: [{ partitionIndex: 0, brokerIds: [2, 2] }] }),
      ErrorCode.INVALID_REPLICA_ASSIGNMENT, 'The manual partition assignment includes the broker 2 more than once.'],
    [spec('empty', { assignments: [{ partitionIndex: 0, brokerIds: [] }] }),
      ErrorCode.INVALID_REPLICA_ASSIGNMENT, 'The manual partition assignment includes an empty replica list.'],
    [spec('uneven', { assignments: [{ partitionIndex: 0, brokerIds: [1, 2] }, { partitionIndex: 1, brokerIds: [1] }] }),
      ErrorCode.INVALID_REPLICA_ASSIGNMENT,
      'The manual partition assignment includes a partition with 1 replica(s), but this is not consistent with previous partitions, which have 2 replica(s).'],
    [spec('with-count', { numPartitions: 1, assignments: [{ partitionIndex: 0, brokerIds: [1] }] }),
      ErrorCode.INVALID_REQUEST, 'A manual partition assignment was specified, but numPartitions was not set to -1.'],
    [spec('with-factor', { replicationFactor: 1, assignments: [{ partitionIndex: 0, brokerIds: [1] }] }),
      ErrorCode.INVALID_REQUEST, 'A manual partition assignment was specified, but replication factor was not set to -1.'],
  ]
  const results = await harness.controller.createTopics(cases.map(([topic]) => topic), false)
  assert.deepEqual(
    results.map(({ name, errorCode, errorMessage }) => ({ name, errorCode, errorMessage })),
    cases.map(([topic, errorCode, errorMessage]) => ({ name: topic.name, errorCode, errorMessage })),
  )
  assert.equal(harness.commits.length, 0)
})

test('validateOnly answers as a creation would but writes nothing', async (t) => {
  const harness = await cluster(t)
  const offsetBefore = harness.metadataLog.logEndOffset
  const results = await harness.controller.createTopics([
    spec('checked', { numPartitions: 2, configs: [{ name: 'cleanup.policy', value: 'compact' }] }),
    spec('bad', { numPartitions: 0 }),
  ], true)
  assert.equal(results[0]?.errorCode, ErrorCode.NONE)
  assert.equal(results[0]?.numPartitions, 2)
  assert.equal(results[0]?.replicationFactor, 1)
  assertKafkaUuid(results[0]?.topicId ?? '')
  assert.deepEqual([...(results[0]?.configs ?? [])], [['cleanup.policy', 'compact']])
  assert.equal(results[1]?.errorCode, ErrorCode.INVALID_PARTITIONS)
  assert.equal(harness.commits.length, 0)
  assert.equal(harness.metadataLog.logEndOffset, offsetBefore)
  assert.equal(harness.metadataLog.image.topic('checked'), undefined)
})

test('topic ids are unique valid Kafka UUIDs, also within one request', async (t) => {
  const harness = await cluster(t)
  const names = Array.from({ length: 40 }, (_, index) => `topic-${index}`)
  const results = await harness.controller.createTopics(names.map((name) => spec(name, { numPartitions: 1 })), false)
  assert.equal(harness.commits.length, 1, 'valid topics of one request are committed as one batch')
  const ids = results.map((result) => result.topicId)
  assert.equal(new Set(ids).size, names.length)
  for (const id of ids) assertKafkaUuid(id)
  for (const [index, name] of names.entries()) assert.equal(harness.metadataLog.image.topic(name)?.topicId, ids[index])
})

test('deleteTopics by name removes the topic; an unknown name is UNKNOWN_TOPIC_OR_PARTITION', async (t) => {
  const harness = await cluster(t)
  const created = await createOne(harness, spec('orders'))
  const results = await harness.controller.deleteTopics([{ name: 'orders', topicId: ZERO_UUID }, { name: 'missing', topicId: ZERO_UUID }])
  assert.deepEqual(results, [
    { name: 'orders', topicId: created.topicId, errorCode: ErrorCode.NONE, errorMessage: null },
    { name: 'missing', topicId: ZERO_UUID, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: 'This server does not host this topic-partition.' },
  ])
  assert.deepEqual(harness.commits.at(-1), [{ type: 'RemoveTopicRecord', version: 0, value: { topicId: created.topicId } }])
  assert.equal(harness.metadataLog.image.topic('orders'), undefined)
  assert.equal(harness.metadataLog.image.topicById(created.topicId), undefined)
})

test('deleteTopics by id removes the topic; an unknown id is UNKNOWN_TOPIC_ID', async (t) => {
  const harness = await cluster(t)
  const created = await createOne(harness, spec('orders'))
  const unknownId = Buffer.alloc(16, 7).toString('base64url')
  const results = await harness.controller.deleteTopics([{ name: null, topicId: created.topicId }, { name: null, topicId: unknownId }])
  assert.deepEqual(results, [
    { name: 'orders', topicId: created.topicId, errorCode: ErrorCode.NONE, errorMessage: null },
    { name: null, topicId: unknownId, errorCode: ErrorCode.UNKNOWN_TOPIC_ID, errorMessage: 'This server does not host this topic ID.' },
  ])
  assert.equal(harness.metadataLog.image.topic('orders'), undefined)
})

test('deleteTopics refuses a topic given by both name and id, by neither, or twice, as Kafka\'s ControllerApis does', async (t) => {
  const harness = await cluster(t)
  const orders = await createOne(harness, spec('orders'))
  const other = await createOne(harness, spec('other'))
  const commitsBefore = harness.commits.length
  const results = await harness.controller.deleteTopics([
    { name: 'orders', topicId: orders.topicId },
    { name: 'orders', topicId: other.topicId },
    { name: null, topicId: ZERO_UUID },
    { name: 'other', topicId: ZERO_UUID },
    { name: 'other', topicId: ZERO_UUID },
    { name: null, topicId: other.topicId },
    { name: null, topicId: other.topicId },
  ])
  assert.deepEqual(results.map(({ errorCode, errorMessage }) => ({ errorCode, errorMessage })), [
    { errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'You may not specify both topic name and topic id.' },
    { errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'You may not specify both topic name and topic id.' },
    { errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Neither topic name nor id were specified.' },
    { errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Duplicate topic name.' },
    { errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Duplicate topic name.' },
    { errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Duplicate topic id.' },
    { errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Duplicate topic id.' },
  ])
  assert.equal(harness.commits.length, commitsBefore)
  assert.ok(harness.metadataLog.image.topic('orders') !== undefined)
  assert.ok(harness.metadataLog.image.topic('other') !== undefined)
})

test('a deleted topic\'s name can be created again and gets a new id', async (t) => {
  const harness = await cluster(t)
  const first = await createOne(harness, spec('reused', { numPartitions: 1 }))
  await harness.controller.deleteTopics([{ name: 'reused', topicId: ZERO_UUID }])
  const second = await createOne(harness, spec('reused', { numPartitions: 2 }))
  assert.equal(second.errorCode, ErrorCode.NONE)
  assert.notEqual(second.topicId, first.topicId)
  assert.equal(harness.metadataLog.image.topic('reused')?.topicId, second.topicId)
  assert.equal(harness.metadataLog.image.topic('reused')?.partitions.size, 2)
  assert.equal(harness.metadataLog.image.topicById(first.topicId), undefined)

  const reopened = await reopen(t, harness)
  assert.equal(reopened.metadataLog.image.topic('reused')?.topicId, second.topicId)
  assert.equal(reopened.metadataLog.image.topicById(first.topicId), undefined)
})

test('ensureInternalTopic creates __consumer_offsets once when called concurrently, compacted, and then answers NONE', async (t) => {
  const harness = await cluster(t)
  const codes = await Promise.all([
    harness.controller.ensureInternalTopic('__consumer_offsets'),
    harness.controller.ensureInternalTopic('__consumer_offsets'),
    harness.controller.ensureInternalTopic('__consumer_offsets'),
  ])
  assert.deepEqual(codes, [ErrorCode.NONE, ErrorCode.NONE, ErrorCode.NONE])
  const topicRecords = harness.commits.flat().filter((record) => record.type === 'TopicRecord')
  assert.equal(topicRecords.length, 1)

  const image = harness.metadataLog.image
  assert.equal(image.topic('__consumer_offsets')?.partitions.size, 5)
  assert.equal(image.topicConfigs('__consumer_offsets').get('cleanup.policy'), 'compact')
  assert.equal(image.topicConfigs('__consumer_offsets').get('segment.bytes'), '104857600')

  const commitsBefore = harness.commits.length
  assert.equal(await harness.controller.ensureInternalTopic('__consumer_offsets'), ErrorCode.NONE)
  assert.equal(harness.commits.length, commitsBefore)
})

test('ensureInternalTopic refuses a topic it has no settings for', async (t) => {
  const harness = await cluster(t)
  assert.equal(await harness.controller.ensureInternalTopic('__not_internal'), ErrorCode.INVALID_TOPIC_EXCEPTION)
  assert.equal(harness.commits.length, 0)
})

test('brokers, topics, partitions, configs and deletions survive reopening the metadata log', async (t) => {
  const harness = await cluster(t, 2)
  const kept = await createOne(harness, spec('kept', { numPartitions: 2, replicationFactor: 2, configs: [{ name: 'cleanup.policy', value: 'compact,delete' }] }))
  const deleted = await createOne(harness, spec('deleted'))
  await harness.controller.deleteTopics([{ name: null, topicId: deleted.topicId }])
  await harness.controller.ensureInternalTopic('__consumer_offsets')
  const before = harness.metadataLog.image

  const reopened = await reopen(t, harness)
  const after = reopened.metadataLog.image
  assert.equal(after.metadataVersion, METADATA_VERSION_LEVEL)
  assert.deepEqual([...after.cluster.brokers.keys()].sort(), [1, 2])
  assert.equal(after.broker(2)?.isFenced, false)
  assert.equal(after.broker(2)?.epoch, before.broker(2)?.epoch)
  assert.deepEqual([...after.topics.byName.keys()].sort(), ['__consumer_offsets', 'kept'])
  assert.equal(after.topic('kept')?.topicId, kept.topicId)
  assert.deepEqual(after.topic('kept')?.partitions, before.topic('kept')?.partitions)
  assert.equal(after.topicConfigs('kept').get('cleanup.policy'), 'compact,delete')
  assert.equal(after.topicConfigs('__consumer_offsets').get('cleanup.policy'), 'compact')
  assert.equal(after.topicById(deleted.topicId), undefined)
  assert.deepEqual(after.provenance, before.provenance)

  // The reopened controller sees the replayed image: the name is still taken.
  const again = await createOne(reopened, spec('kept'))
  assert.equal(again.errorCode, ErrorCode.TOPIC_ALREADY_EXISTS)
  assert.equal(await reopened.controller.ensureInternalTopic('__consumer_offsets'), ErrorCode.NONE)
  assert.equal(reopened.commits.length, 0)
})

test('alterConfigs commits the ConfigRecords, which survive a restart; validateOnly commits nothing', async (t) => {
  const harness = await openHarness(t)
  await harness.controller.registerBroker(registration(1), 0n)
  await harness.controller.createTopics([{ name: 'orders', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], false)
  const commitsBefore = harness.commits.length
  const checked = await harness.controller.alterConfigs([{ resourceType: ConfigResourceType.TOPIC, resourceName: 'orders', configs: [{ name: 'retention.ms', value: '1000', configOperation: 0 }] }], 'incremental', true)
  assert.equal(checked[0]?.errorCode, ErrorCode.NONE)
  assert.equal(harness.commits.length, commitsBefore, 'validateOnly commits nothing')
  const results = await harness.controller.alterConfigs([
    { resourceType: ConfigResourceType.TOPIC, resourceName: 'orders', configs: [{ name: 'retention.ms', value: '1000', configOperation: 0 }] },
    { resourceType: ConfigResourceType.BROKER, resourceName: '', configs: [{ name: 'log.retention.ms', value: '60000', configOperation: 0 }] },
  ], 'incremental', false)
  assert.deepEqual(results.map(({ errorCode }) => errorCode), [ErrorCode.NONE, ErrorCode.NONE])
  const reopened = await reopen(t, harness)
  assert.equal(reopened.metadataLog.image.topicConfigs('orders').get('retention.ms'), '1000')
  assert.equal(reopened.metadataLog.image.brokerConfigs().get('log.retention.ms'), '60000')
})
