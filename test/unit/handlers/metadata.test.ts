// Metadata from an image: the requests captured from real clients are answered with the live
// brokers on the connection's listener, the cluster and controller ids their version carries, and
// the topics they asked for (all of them for v0's empty list and v1+'s null); named topics that
// are missing, illegal or unknown by id carry their error; partitions report missing leaders and
// fenced replicas.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { pino } from 'pino'
import type { BrokerServices, HandlerContext } from '../../../src/handlers/handler.js'
import { AUTHORIZED_OPERATIONS_OMITTED, ZERO_TOPIC_ID, autoCreationCandidates, metadataHandler } from '../../../src/handlers/metadata.js'
import { MetadataDelta } from '../../../src/metadata/delta.js'
import { MetadataImage, NO_LEADER } from '../../../src/metadata/image.js'
import type { MetadataRecord } from '../../../src/metadata/metadata-record-codec.js'
import { ErrorCode } from '../../../src/protocol/error-codes.js'
import { decodeRequestFrame, decodeResponseFrame, encodeResponseFrame } from '../../../src/protocol/frames.js'
import { ApiKey } from '../../../src/protocol/generated/api-registry.js'
import type { MetadataRequest, MetadataResponse, MetadataResponseTopic } from '../../../src/protocol/generated/apis/metadata.js'
import { GOLDEN_CLIENTS, listGoldenFiles, readGoldenFrame } from '../../helpers/golden-frames.js'

const CLUSTER_ID = 'sluice-test-cluster-0'
const CONTROLLER_ID = 1
const LISTENER = 'PLAINTEXT'
const OTHER_TOPIC = 'unrelated-topic'
const LEADERLESS_TOPIC = 'leaderless'
const INCARNATION_ID = Buffer.alloc(16, 9).toString('base64url')

/** Broker 1 and 2 live on PLAINTEXT, 3 fenced, 4 live but only on INTERNAL. */
function brokerRecords(): MetadataRecord[] {
  const register = (brokerId: number, listeners: readonly string[], rack: string | null): MetadataRecord => ({
    type: 'RegisterBrokerRecord', version: 3, value: {
      brokerId, isMigratingZkBroker: false, incarnationId: INCARNATION_ID, brokerEpoch: 10n,
      endPoints: listeners.map((name, index) => ({ name, host: `broker-${brokerId}.test`, port: 9092 + index, securityProtocol: 0 })),
      features: [{ name: 'metadata.version', minSupportedVersion: 7, maxSupportedVersion: 21 }],
      rack, fenced: true, inControlledShutdown: false, logDirs: [],
    },
  })
  const unfence = (id: number): MetadataRecord => ({ type: 'UnfenceBrokerRecord', version: 0, value: { id, epoch: 10n } })
  return [
    register(1, [LISTENER, 'INTERNAL'], 'rack-a'), unfence(1),
    register(2, [LISTENER], null), unfence(2),
    register(3, [LISTENER], null),
    register(4, ['INTERNAL'], null), unfence(4),
  ]
}

function topicId(index: number): string {
  return Buffer.alloc(16, index + 1).toString('base64url')
}

function topicRecords(name: string, id: string, partitions: readonly { replicas: number[]; leader: number }[]): MetadataRecord[] {
  return [
    { type: 'TopicRecord', version: 0, value: { name, topicId: id } },
    ...partitions.map(({ replicas, leader }, partitionId): MetadataRecord => ({
      type: 'PartitionRecord', version: 0, value: {
        partitionId, topicId: id, replicas, isr: [...replicas], removingReplicas: [], addingReplicas: [], leader,
        leaderRecoveryState: 0, leaderEpoch: 4, partitionEpoch: 0, directories: [],
        eligibleLeaderReplicas: null, lastKnownElr: null,
      },
    })),
  ]
}

/** The fixture topics (two partitions each, one replica fenced), OTHER_TOPIC and LEADERLESS_TOPIC. */
function buildImage(topicNames: readonly string[]): MetadataImage {
  const names = [...new Set([...topicNames, OTHER_TOPIC])]
  const records = [
    ...brokerRecords(),
    ...names.flatMap((name, index) => topicRecords(name, topicId(index), [{ replicas: [1, 2], leader: 1 }, { replicas: [2, 3], leader: 2 }])),
    ...topicRecords(LEADERLESS_TOPIC, topicId(names.length), [{ replicas: [1], leader: NO_LEADER }]),
  ]
  const delta = new MetadataDelta(MetadataImage.EMPTY)
  records.forEach((record, index) => { delta.replay(record, BigInt(index), 1) })
  return delta.apply()
}

function context(image: MetadataImage, controllerId = CONTROLLER_ID): HandlerContext {
  const services: BrokerServices = {
    nodeId: 1,
    metadata: { currentImage: () => image, clusterId: CLUSTER_ID, controllerId: () => controllerId },
  }
  return { services, clientId: 'test', remoteAddress: '127.0.0.1:1', logger: pino({ enabled: false }), listenerName: LISTENER, advertisedVersions: [] }
}

/** Handles the request and sends the response through the encoder and decoder, as a client reads it. */
async function roundTrip(ctx: HandlerContext, request: MetadataRequest, version: number): Promise<MetadataResponse> {
  const response = await metadataHandler.handle(ctx, request, version)
  const frame = Buffer.concat(encodeResponseFrame(ApiKey.METADATA, version, 42, response))
  const decoded = decodeResponseFrame(ApiKey.METADATA, version, frame.subarray(4))
  assert.equal(decoded.correlationId, 42)
  return decoded.body as MetadataResponse
}

function request(version: number, topics: { name: string | null; topicId?: string }[] | null): MetadataRequest {
  return {
    topics: topics === null ? null : topics.map(({ name, topicId: id }) => ({ name, topicId: id ?? ZERO_TOPIC_ID, unknownTaggedFields: undefined })),
    allowAutoTopicCreation: version >= 4, includeClusterAuthorizedOperations: false,
    includeTopicAuthorizedOperations: false, unknownTaggedFields: undefined,
  }
}

function byName(response: MetadataResponse, name: string): MetadataResponseTopic {
  const topic = response.topics.find((candidate) => candidate.name === name)
  assert.ok(topic !== undefined, `${name} in ${JSON.stringify(response.topics.map((t) => t.name))}`)
  return topic
}

const fixtures = GOLDEN_CLIENTS.flatMap((client) =>
  listGoldenFiles(client).filter((file) => file.includes('-metadata-')).map((file) => {
    const decoded = decodeRequestFrame(readGoldenFrame(client, file))
    return { client, file, version: decoded.header.requestApiVersion, body: decoded.body as MetadataRequest }
  }))
const fixtureTopicNames = fixtures.flatMap(({ body }) => (body.topics ?? []).flatMap((topic) => topic.name === null ? [] : [topic.name]))
const image = buildImage(fixtureTopicNames)

describe('Metadata', () => {
  it('finds the captured Metadata requests of v0, v1, v4, v6 and v10', () => {
    for (const version of [0, 1, 4, 6, 10]) {
      assert.ok(fixtures.some((fixture) => fixture.version === version), `a v${version} fixture`)
    }
  })

  for (const { client, file, version, body } of fixtures) {
    it(`answers ${client}'s captured ${file} with its version's brokers, ids and topics`, async () => {
      const response = await roundTrip(context(image), body, version)
      assert.deepEqual(response.brokers.map(({ nodeId, host, port }) => ({ nodeId, host, port })), [
        { nodeId: 1, host: 'broker-1.test', port: 9092 },
        { nodeId: 2, host: 'broker-2.test', port: 9092 },
      ], 'only unfenced brokers with the PLAINTEXT listener')
      assert.deepEqual(response.brokers.map(({ rack }) => rack), version >= 1 ? ['rack-a', null] : [null, null])
      assert.equal(response.controllerId, version >= 1 ? CONTROLLER_ID : -1)
      assert.equal(response.clusterId, version >= 2 ? CLUSTER_ID : null)
      assert.equal(response.throttleTimeMs, 0)
      const isAllTopics = body.topics === null || (version === 0 && body.topics.length === 0)
      const expectedNames = isAllTopics ? [...image.topics.byName.keys()] : [...new Set((body.topics ?? []).map((topic) => topic.name))]
      assert.deepEqual(response.topics.map((topic) => topic.name), expectedNames)
      for (const topic of response.topics) {
        const name = topic.name ?? ''
        const imageTopic = image.topic(name)
        assert.ok(imageTopic !== undefined)
        assert.equal(topic.errorCode, ErrorCode.NONE)
        assert.equal(topic.topicId, version >= 10 ? imageTopic.topicId : ZERO_TOPIC_ID)
        assert.equal(topic.topicAuthorizedOperations, AUTHORIZED_OPERATIONS_OMITTED)
        if (name === LEADERLESS_TOPIC) continue
        const [first, second] = topic.partitions
        assert.deepEqual(first, {
          errorCode: ErrorCode.NONE, partitionIndex: 0, leaderId: 1, leaderEpoch: version >= 7 ? 4 : -1,
          replicaNodes: [1, 2], isrNodes: [1, 2], offlineReplicas: [], unknownTaggedFields: undefined,
        })
        // Replica 3 is fenced: v0 drops it (REPLICA_NOT_AVAILABLE), v5+ lists it offline.
        assert.deepEqual(second, {
          errorCode: version === 0 ? ErrorCode.REPLICA_NOT_AVAILABLE : ErrorCode.NONE, partitionIndex: 1, leaderId: 2,
          leaderEpoch: version >= 7 ? 4 : -1, replicaNodes: version === 0 ? [2] : [2, 3], isrNodes: version === 0 ? [2] : [2, 3],
          offlineReplicas: version >= 5 ? [3] : [], unknownTaggedFields: undefined,
        })
      }
    })
  }

  it('answers all topics for an empty list in v0 and a null list in v1, and none for an empty list in v1', async () => {
    const all = [...image.topics.byName.keys()]
    assert.deepEqual((await roundTrip(context(image), request(0, []), 0)).topics.map((t) => t.name), all)
    assert.deepEqual((await roundTrip(context(image), request(1, null), 1)).topics.map((t) => t.name), all)
    assert.deepEqual((await roundTrip(context(image), request(1, []), 1)).topics, [])
  })

  it('keeps request order, drops repeats, and answers UNKNOWN_TOPIC_OR_PARTITION and INVALID_TOPIC_EXCEPTION', async () => {
    for (const version of [0, 4, 9, 12]) {
      const response = await roundTrip(context(image), request(version, [
        { name: OTHER_TOPIC }, { name: 'missing-topic' }, { name: 'bad name!' }, { name: LEADERLESS_TOPIC }, { name: OTHER_TOPIC },
      ]), version)
      assert.deepEqual(response.topics.map(({ name, errorCode, partitions }) => ({ name, errorCode, count: partitions.length })), [
        { name: OTHER_TOPIC, errorCode: ErrorCode.NONE, count: 2 },
        { name: 'missing-topic', errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, count: 0 },
        { name: 'bad name!', errorCode: ErrorCode.INVALID_TOPIC_EXCEPTION, count: 0 },
        { name: LEADERLESS_TOPIC, errorCode: ErrorCode.NONE, count: 1 },
      ], `v${version}`)
    }
  })

  it('answers LEADER_NOT_AVAILABLE and leader -1 for a partition without a leader', async () => {
    for (const version of [0, 1, 6, 10]) {
      const [partition] = byName(await roundTrip(context(image), request(version, [{ name: LEADERLESS_TOPIC }]), version), LEADERLESS_TOPIC).partitions
      assert.equal(partition?.errorCode, ErrorCode.LEADER_NOT_AVAILABLE, `v${version}`)
      assert.equal(partition?.leaderId, -1)
    }
  })

  it('answers LISTENER_NOT_FOUND from v6 when the leader has no endpoint on the listener', async () => {
    const ctx = { ...context(image), listenerName: 'INTERNAL' }
    const v5 = byName(await roundTrip(ctx, request(5, [{ name: OTHER_TOPIC }]), 5), OTHER_TOPIC)
    const v6 = byName(await roundTrip(ctx, request(6, [{ name: OTHER_TOPIC }]), 6), OTHER_TOPIC)
    // Broker 2 leads partition 1 and has no INTERNAL endpoint; broker 1 has one.
    assert.deepEqual(v5.partitions.map((p) => p.errorCode), [ErrorCode.NONE, ErrorCode.LEADER_NOT_AVAILABLE])
    assert.deepEqual(v6.partitions.map((p) => p.errorCode), [ErrorCode.NONE, ErrorCode.LISTENER_NOT_FOUND])
    assert.deepEqual((await roundTrip(ctx, request(6, []), 6)).brokers.map((b) => b.nodeId), [1, 4])
  })

  it('marks the internal topics', async () => {
    const withInternal = buildImage(['__consumer_offsets', '__transaction_state', 'plain'])
    const response = await roundTrip(context(withInternal), request(1, null), 1)
    assert.deepEqual(response.topics.filter((t) => t.isInternal).map((t) => t.name), ['__consumer_offsets', '__transaction_state'])
  })

  it('returns the image\'s topic ids from v10 and resolves a topic asked for by id alone', async () => {
    const other = image.topic(OTHER_TOPIC)
    assert.ok(other !== undefined)
    const v10 = await roundTrip(context(image), request(10, [{ name: OTHER_TOPIC }]), 10)
    assert.equal(byName(v10, OTHER_TOPIC).topicId, other.topicId)
    const unknownId = Buffer.alloc(16, 0xee).toString('base64url')
    const v12 = await roundTrip(context(image), request(12, [{ name: null, topicId: other.topicId }, { name: null, topicId: unknownId }]), 12)
    assert.deepEqual(v12.topics.map(({ name, topicId: id, errorCode }) => ({ name, topicId: id, errorCode })), [
      { name: OTHER_TOPIC, topicId: other.topicId, errorCode: ErrorCode.NONE },
      { name: null, topicId: unknownId, errorCode: ErrorCode.UNKNOWN_TOPIC_ID },
    ])
  })

  it('answers controller -1 when none is known and omits authorized operations even when asked', async () => {
    const asked = { ...request(8, null), includeClusterAuthorizedOperations: true, includeTopicAuthorizedOperations: true }
    const response = await roundTrip(context(image, -1), asked, 8)
    assert.equal(response.controllerId, -1)
    assert.equal(response.clusterAuthorizedOperations, AUTHORIZED_OPERATIONS_OMITTED)
    assert.ok(response.topics.every((t) => t.topicAuthorizedOperations === AUTHORIZED_OPERATIONS_OMITTED))
  })

  it('lists legal missing topics as auto-creation candidates only when the request allows it', async () => {
    const response = await roundTrip(context(image), request(4, [{ name: 'missing-topic' }, { name: 'bad name!' }, { name: OTHER_TOPIC }]), 4)
    assert.deepEqual(autoCreationCandidates(response.topics, true), [{ name: 'missing-topic' }])
    assert.deepEqual(autoCreationCandidates(response.topics, false), [])
  })

  it('fails as a bug when the broker has no metadata services or listener name', async () => {
    const base = context(image)
    await assert.rejects(metadataHandler.handle({ ...base, services: { nodeId: 1 } }, request(1, null), 1), /BrokerServices\.metadata/)
    await assert.rejects(metadataHandler.handle({ ...base, listenerName: undefined }, request(1, null), 1), /listener name/)
  })
})
