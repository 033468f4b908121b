// Request frames captured from real clients (scripts/capture-frames.ts) decode, re-encode byte for
// byte, and say what the clients were asked to do: the topic, the codec of each Produce batch and
// the records inside it, the fetch offsets, the ListOffsets timestamps, the group handshake.
// The per-client facts below are those of ../shared/kafka-protocol/CLIENTS.md for a broker that
// advertises its "Minimum broker set"; a recapture that changes them should change this table.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { kebabCase } from '../../../scripts/protocol-spec/names.js'
import { compressionTypeFromName } from '../../../src/protocol/compression/compression-type.js'
import { isXerialSnappy } from '../../../src/protocol/compression/snappy.js'
import { decodeRequestFrame, encodeRequestFrame, type DecodedRequest } from '../../../src/protocol/frames.js'
import { ApiKey } from '../../../src/protocol/generated/api-registry.js'
import type { ApiVersionsRequest } from '../../../src/protocol/generated/apis/api-versions.js'
import type { FetchRequest } from '../../../src/protocol/generated/apis/fetch.js'
import type { FindCoordinatorRequest } from '../../../src/protocol/generated/apis/find-coordinator.js'
import type { HeartbeatRequest } from '../../../src/protocol/generated/apis/heartbeat.js'
import type { JoinGroupRequest } from '../../../src/protocol/generated/apis/join-group.js'
import type { LeaveGroupRequest } from '../../../src/protocol/generated/apis/leave-group.js'
import type { ListOffsetsRequest } from '../../../src/protocol/generated/apis/list-offsets.js'
import type { MetadataRequest } from '../../../src/protocol/generated/apis/metadata.js'
import type { OffsetCommitRequest } from '../../../src/protocol/generated/apis/offset-commit.js'
import type { OffsetFetchRequest } from '../../../src/protocol/generated/apis/offset-fetch.js'
import type { ProduceRequest } from '../../../src/protocol/generated/apis/produce.js'
import type { SyncGroupRequest } from '../../../src/protocol/generated/apis/sync-group.js'
import { readRecords } from '../../../src/protocol/read-records.js'
import { ATTRIBUTES_OFFSET, RECORDS_OFFSET, splitRecordBatches, validateRecordBatch } from '../../../src/protocol/record-batch.js'
import { GOLDEN_CLIENTS, listGoldenFiles, readGoldenFrame, readGoldenManifest, type GoldenClient, type Manifest, type ManifestFrame } from '../../helpers/golden-frames.js'
import { recordBytesAsBuffer } from '../../../src/protocol/record-bytes.js'

interface ClientFacts {
  /** ApiVersions version, and the software name and version it carries (v3+). */
  readonly apiVersions: { readonly version: number; readonly software?: readonly [string, string] }
  readonly metadataVersions: readonly number[]
  readonly produceVersion: number
  readonly fetchVersion: number
  readonly listOffsetsVersion: number
  /** The ListOffsets timestamps sent: -2 earliest, -1 latest. */
  readonly listOffsetsTimestamps: readonly bigint[]
  /** 1 = read_committed, the default of kafkajs, librdkafka and pf; kafka-python reads uncommitted. */
  readonly isolationLevel: number
  /** -1 = no fetch session (kafkajs, librdkafka, v4 default); pf 2.x asks for one with epoch 0. */
  readonly sessionEpoch: number
  /** The group API versions, or undefined for a client run without a group (kcat). */
  readonly group?: { readonly joinGroup: number; readonly syncGroup: number; readonly heartbeat: number; readonly leaveGroup: number; readonly offsetCommit: number; readonly offsetFetch: number; readonly findCoordinator: number }
}

const FACTS: Record<GoldenClient, ClientFacts> = {
  kafkajs: {
    apiVersions: { version: 2 },
    metadataVersions: [6],
    produceVersion: 7,
    fetchVersion: 11,
    listOffsetsVersion: 3,
    listOffsetsTimestamps: [-1n, -2n],
    isolationLevel: 1,
    sessionEpoch: -1,
    group: { joinGroup: 5, syncGroup: 3, heartbeat: 3, leaveGroup: 3, offsetCommit: 5, offsetFetch: 4, findCoordinator: 2 },
  },
  platformatic: {
    apiVersions: { version: 3, software: ['platformatic-kafka', '2.12.1'] },
    metadataVersions: [10],
    produceVersion: 7,
    fetchVersion: 12,
    listOffsetsVersion: 5,
    listOffsetsTimestamps: [-1n, -2n],
    isolationLevel: 1,
    sessionEpoch: 0,
    group: { joinGroup: 6, syncGroup: 4, heartbeat: 4, leaveGroup: 4, offsetCommit: 8, offsetFetch: 8, findCoordinator: 4 },
  },
  kcat: {
    apiVersions: { version: 3, software: ['librdkafka', '2.0.2'] },
    metadataVersions: [4],
    produceVersion: 7,
    fetchVersion: 11,
    listOffsetsVersion: 2,
    listOffsetsTimestamps: [-2n],
    isolationLevel: 1,
    sessionEpoch: -1,
  },
  'confluent-kafka': {
    apiVersions: { version: 3, software: ['confluent-kafka-python', '1.7.0-rdkafka-2.0.2'] },
    metadataVersions: [4],
    produceVersion: 7,
    fetchVersion: 11,
    listOffsetsVersion: 2,
    listOffsetsTimestamps: [-2n],
    isolationLevel: 1,
    sessionEpoch: -1,
    group: { joinGroup: 5, syncGroup: 3, heartbeat: 3, leaveGroup: 1, offsetCommit: 7, offsetFetch: 7, findCoordinator: 2 },
  },
  'kafka-python': {
    apiVersions: { version: 0 },
    metadataVersions: [0, 1],
    produceVersion: 7,
    fetchVersion: 4,
    listOffsetsVersion: 1,
    listOffsetsTimestamps: [-2n, -1n],
    isolationLevel: 0,
    sessionEpoch: -1,
    group: { joinGroup: 2, syncGroup: 1, heartbeat: 1, leaveGroup: 1, offsetCommit: 2, offsetFetch: 1, findCoordinator: 0 },
  },
}

interface GoldenFrame {
  readonly entry: ManifestFrame
  readonly bytes: Buffer
  readonly request: DecodedRequest
}

const FILE_NAME = /^(\d{3})-([a-z0-9-]+)-v(\d+)\.hex$/

function loadFrames(client: string, manifest: Manifest): GoldenFrame[] {
  return manifest.frames.map((entry) => {
    const bytes = readGoldenFrame(client, entry.file)
    return { entry, bytes, request: decodeRequestFrame(bytes) }
  })
}

function framesOf(frames: readonly GoldenFrame[], apiKey: number): GoldenFrame[] {
  return frames.filter((frame) => frame.entry.apiKey === apiKey)
}

function versionsOf(frames: readonly GoldenFrame[], apiKey: number): number[] {
  return [...new Set(framesOf(frames, apiKey).map((frame) => frame.request.header.requestApiVersion))].sort((a, b) => a - b)
}

function producedRecordCount(manifest: Manifest): number {
  return manifest.frames.reduce((count, entry) => count + (entry.records?.length ?? 0), 0)
}

describe('golden frames from real clients', () => {
  for (const client of GOLDEN_CLIENTS) {
    describe(client, () => {
      const facts = FACTS[client]
      const manifest = readGoldenManifest(client)
      if (manifest === undefined) {
        it('has captured fixtures', () => {
          assert.fail(`test/fixtures/protocol/${client}/manifest.json is missing: run node dist/scripts/capture-frames.js ${client}`)
        })
        return
      }

      it('has a manifest listing exactly the hex files present', () => {
        assert.equal(manifest.client, client)
        assert.deepEqual(manifest.frames.map((entry) => entry.file).sort(), listGoldenFiles(client))
        assert.ok(manifest.frames.length > 0)
      })

      for (const entry of manifest.frames) {
        it(`${entry.file} decodes, matches its name and manifest, and re-encodes byte for byte`, () => {
          const bytes = readGoldenFrame(client, entry.file)
          const request = decodeRequestFrame(bytes)
          const match = FILE_NAME.exec(entry.file)
          assert.ok(match !== null, `${entry.file} does not follow <seq>-<api-name>-v<version>.hex`)
          assert.equal(match[2], kebabCase(request.descriptor.name))
          assert.equal(Number(match[3]), request.header.requestApiVersion)
          assert.equal(request.header.requestApiKey, entry.apiKey)
          assert.equal(request.header.requestApiVersion, entry.apiVersion)
          assert.equal(request.descriptor.name, entry.apiName)
          assert.equal(request.header.clientId, entry.clientId)
          assert.ok(request.header.clientId?.startsWith(`golden-${client}-`), `client id ${String(request.header.clientId)}`)

          const encoded = Buffer.concat(encodeRequestFrame(request.header, request.body))
          assert.equal(encoded.readInt32BE(0), encoded.length - 4)
          assert.deepEqual(encoded.subarray(4), bytes)
        })
      }

      // Decoded once, on first use, so that a frame that fails to decode fails its own test above.
      let loaded: GoldenFrame[] | undefined
      const goldenFrames = (): GoldenFrame[] => (loaded ??= loadFrames(client, manifest))

      it('covers ApiVersions, Metadata, Produce, Fetch and ListOffsets at the versions the client picks', () => {
        assert.deepEqual(versionsOf(goldenFrames(), ApiKey.API_VERSIONS), [facts.apiVersions.version])
        assert.deepEqual(versionsOf(goldenFrames(), ApiKey.METADATA), facts.metadataVersions)
        assert.deepEqual(versionsOf(goldenFrames(), ApiKey.PRODUCE), [facts.produceVersion])
        assert.deepEqual(versionsOf(goldenFrames(), ApiKey.FETCH), [facts.fetchVersion])
        assert.deepEqual(versionsOf(goldenFrames(), ApiKey.LIST_OFFSETS), [facts.listOffsetsVersion])
      })

      it('sends its software name and version in ApiVersions where the version carries them', () => {
        for (const { request } of framesOf(goldenFrames(), ApiKey.API_VERSIONS)) {
          const body = request.body as ApiVersionsRequest
          const [name, version] = facts.apiVersions.software ?? ['', '']
          assert.equal(body.clientSoftwareName, name)
          assert.equal(body.clientSoftwareVersion, version)
        }
      })

      it('asks Metadata for all topics, none, or the golden topic, and names the topic at least once', () => {
        const metadata = framesOf(goldenFrames(), ApiKey.METADATA)
        for (const { request } of metadata) {
          const { topics } = request.body as MetadataRequest
          for (const topic of topics ?? []) assert.equal(topic.name, manifest.topic)
        }
        assert.ok(metadata.some(({ request }) => ((request.body as MetadataRequest).topics ?? []).length > 0))
      })

      it('produces one batch per codec, with the codec bits and the records the driver produced', async () => {
        const produce = framesOf(goldenFrames(), ApiKey.PRODUCE)
        assert.deepEqual(produce.map(({ entry }) => entry.codec), manifest.codecs)
        for (const { entry, request } of produce) {
          const body = request.body as ProduceRequest
          assert.equal(body.transactionalId, null)
          assert.equal(body.acks, -1, `${entry.file} acks`)
          assert.equal(body.topicData.length, 1)
          const topic = body.topicData[0]!
          assert.equal(topic.name, manifest.topic)
          assert.deepEqual(topic.partitionData.map((partition) => partition.index), [0])
          const records = topic.partitionData[0]!.records
          assert.ok(records !== null, `${entry.file} has null records`)

          const split = splitRecordBatches(recordBytesAsBuffer(records))
          assert.equal(split.partialBytes, 0)
          assert.equal(split.batches.length, 1, `${entry.file} carries one batch`)
          const batch = split.batches[0]!
          const validation = validateRecordBatch(batch)
          assert.ok(validation.ok, validation.ok ? '' : `${entry.file}: ${validation.reason}`)
          const codec = compressionTypeFromName(entry.codec ?? '')
          assert.ok(codec !== undefined, `${entry.file} names codec ${String(entry.codec)}`)
          assert.equal(batch.readInt16BE(ATTRIBUTES_OFFSET) & 0x07, codec, `${entry.file} codec bits`)
          assert.equal(validation.header.compression, codec)
          if (entry.codec === 'snappy') {
            // kafka-python writes xerial framing; librdkafka, kafkajs-snappy and pf write raw snappy.
            assert.equal(isXerialSnappy(batch.subarray(RECORDS_OFFSET)), client === 'kafka-python', `${entry.file} snappy framing`)
          }

          const expected = entry.records ?? []
          const decoded = await readRecords(batch)
          assert.deepEqual(decoded.map((record) => record.value?.toString('utf8')), expected.map((record) => record.value))
          assert.deepEqual(decoded.map((record) => record.key?.toString('utf8')), expected.map((record) => record.key))
          assert.deepEqual(
            decoded.map((record) => record.headers.map((header) => [header.key, header.value?.toString('utf8')])),
            expected.map((record) => record.headers.map(([key, value]) => [key, value])),
          )
        }
      })

      it('fetches the golden topic from offset 0, then from the end of what was produced', () => {
        const fetches = framesOf(goldenFrames(), ApiKey.FETCH)
        assert.ok(fetches.length > 0)
        const offsets: bigint[] = []
        for (const { request } of fetches) {
          const body = request.body as FetchRequest
          assert.equal(body.replicaId, -1)
          assert.equal(body.isolationLevel, facts.isolationLevel)
          assert.equal(body.sessionId, 0)
          assert.equal(body.sessionEpoch, facts.sessionEpoch)
          assert.deepEqual(body.topics.map((topic) => topic.topic), [manifest.topic])
          const partitions = body.topics[0]!.partitions
          assert.deepEqual(partitions.map((partition) => partition.partition), [0])
          offsets.push(partitions[0]!.fetchOffset)
        }
        assert.equal(offsets[0], 0n)
        for (const offset of offsets.slice(1)) assert.equal(offset, BigInt(producedRecordCount(manifest)))
      })

      it('lists offsets of the golden topic with the earliest/latest timestamps it sent', () => {
        const timestamps: bigint[] = []
        for (const { request } of framesOf(goldenFrames(), ApiKey.LIST_OFFSETS)) {
          const body = request.body as ListOffsetsRequest
          assert.equal(body.replicaId, -1)
          if (request.header.requestApiVersion >= 2) assert.equal(body.isolationLevel, facts.isolationLevel)
          assert.deepEqual(body.topics.map((topic) => topic.name), [manifest.topic])
          assert.deepEqual(body.topics[0]!.partitions.map((partition) => partition.partitionIndex), [0])
          timestamps.push(...body.topics[0]!.partitions.map((partition) => partition.timestamp))
        }
        assert.deepEqual(timestamps, facts.listOffsetsTimestamps)
      })

      it('joins, syncs, heartbeats, commits and leaves its group', () => {
        const group = facts.group
        const groupId = `golden-${client}`
        if (group === undefined) {
          for (const apiKey of [ApiKey.JOIN_GROUP, ApiKey.SYNC_GROUP, ApiKey.HEARTBEAT, ApiKey.OFFSET_COMMIT]) {
            assert.equal(framesOf(goldenFrames(), apiKey).length, 0)
          }
          return
        }
        assert.deepEqual(versionsOf(goldenFrames(), ApiKey.FIND_COORDINATOR), [group.findCoordinator])
        assert.deepEqual(versionsOf(goldenFrames(), ApiKey.JOIN_GROUP), [group.joinGroup])
        assert.deepEqual(versionsOf(goldenFrames(), ApiKey.SYNC_GROUP), [group.syncGroup])
        assert.deepEqual(versionsOf(goldenFrames(), ApiKey.HEARTBEAT), [group.heartbeat])
        assert.deepEqual(versionsOf(goldenFrames(), ApiKey.LEAVE_GROUP), [group.leaveGroup])
        assert.deepEqual(versionsOf(goldenFrames(), ApiKey.OFFSET_COMMIT), [group.offsetCommit])
        assert.deepEqual(versionsOf(goldenFrames(), ApiKey.OFFSET_FETCH), [group.offsetFetch])

        for (const { request } of framesOf(goldenFrames(), ApiKey.FIND_COORDINATOR)) {
          const body = request.body as FindCoordinatorRequest
          // v4 batches the keys (KIP-699).
          assert.deepEqual(request.header.requestApiVersion >= 4 ? body.coordinatorKeys : [body.key], [groupId])
          assert.equal(body.keyType, 0)
        }
        // From v4 a first join without a member id is answered MEMBER_ID_REQUIRED and repeated with one (KIP-394).
        const joins = framesOf(goldenFrames(), ApiKey.JOIN_GROUP).map(({ request }) => request.body as JoinGroupRequest)
        assert.deepEqual(joins.map((join) => join.memberId === ''), group.joinGroup >= 4 ? [true, false] : [true])
        for (const join of joins) {
          assert.equal(join.groupId, groupId)
          assert.equal(join.protocolType, 'consumer')
          assert.ok(join.protocols.length > 0)
        }
        for (const { request } of framesOf(goldenFrames(), ApiKey.SYNC_GROUP)) {
          const body = request.body as SyncGroupRequest
          assert.equal(body.groupId, groupId)
          assert.deepEqual(body.assignments.map((assignment) => assignment.memberId), [body.memberId])
        }
        for (const { request } of framesOf(goldenFrames(), ApiKey.HEARTBEAT)) assert.equal((request.body as HeartbeatRequest).groupId, groupId)
        for (const { request } of framesOf(goldenFrames(), ApiKey.OFFSET_FETCH)) {
          const body = request.body as OffsetFetchRequest
          // v8 names several groups (KIP-709).
          const topics = request.header.requestApiVersion >= 8 ? body.groups.flatMap((g) => (g.groupId === groupId ? g.topics ?? [] : [])) : body.topics ?? []
          assert.deepEqual(topics.map((topic) => topic.name), [manifest.topic])
        }
        for (const { request } of framesOf(goldenFrames(), ApiKey.OFFSET_COMMIT)) {
          const body = request.body as OffsetCommitRequest
          assert.equal(body.groupId, groupId)
          assert.deepEqual(body.topics.map((topic) => topic.name), [manifest.topic])
          assert.deepEqual(body.topics[0]!.partitions.map((partition) => partition.committedOffset), [BigInt(producedRecordCount(manifest))])
        }
        for (const { request } of framesOf(goldenFrames(), ApiKey.LEAVE_GROUP)) {
          const body = request.body as LeaveGroupRequest
          assert.equal(body.groupId, groupId)
          // v3 batches the leaving members (KIP-345).
          const leaving = request.header.requestApiVersion >= 3 ? body.members.map((member) => member.memberId) : [body.memberId]
          assert.equal(leaving.length, 1)
          assert.notEqual(leaving[0], '')
        }
      })
    })
  }
})
