import assert from 'node:assert/strict'
import { test } from 'node:test'
import {
  decodeMetadataRecord,
  encodeMetadataRecord,
  metadataRecordType,
} from '../../../src/metadata/metadata-record-codec.js'
import type { MetadataRecord } from '../../../src/metadata/metadata-record-codec.js'
import { METADATA_RECORD_DESCRIPTORS, MetadataRecordType } from '../../../src/protocol/generated/metadata-registry.js'
import { ProtocolDecodeError } from '../../../src/protocol/protocol-decode-error.js'

const TOPIC_ID_BYTES = Buffer.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15])
const TOPIC_ID = TOPIC_ID_BYTES.toString('base64url')
const INCARNATION_ID = Buffer.alloc(16, 0xab).toString('base64url')

/** The decoders set `unknownTaggedFields: undefined` on every struct; the samples leave it out. */
function withoutUndefined(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutUndefined)
  if (value === null || typeof value !== 'object') return value
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)
    .map(([key, field]) => [key, withoutUndefined(field)]))
}

const SAMPLES: readonly MetadataRecord[] = [
  {
    type: 'RegisterBrokerRecord', version: 3, value: {
      brokerId: 1, isMigratingZkBroker: false, incarnationId: INCARNATION_ID, brokerEpoch: 42n,
      endPoints: [{ name: 'PLAINTEXT', host: 'localhost', port: 9092, securityProtocol: 0 }],
      features: [{ name: 'metadata.version', minSupportedVersion: 1, maxSupportedVersion: 21 }],
      rack: 'rack-a', fenced: true, inControlledShutdown: false, logDirs: [TOPIC_ID],
    },
  },
  { type: 'UnregisterBrokerRecord', version: 0, value: { brokerId: 1, brokerEpoch: 42n } },
  { type: 'TopicRecord', version: 0, value: { name: 'orders', topicId: TOPIC_ID } },
  {
    type: 'PartitionRecord', version: 0, value: {
      partitionId: 2, topicId: TOPIC_ID, replicas: [1, 2, 3], isr: [1, 2], removingReplicas: [],
      addingReplicas: [], leader: 1, leaderRecoveryState: 0, leaderEpoch: 5, partitionEpoch: 7,
      directories: [], eligibleLeaderReplicas: null, lastKnownElr: null,
    },
  },
  { type: 'ConfigRecord', version: 0, value: { resourceType: 2, resourceName: 'orders', name: 'cleanup.policy', value: 'compact' } },
  { type: 'ConfigRecord', version: 0, value: { resourceType: 4, resourceName: '1', name: 'log.retention.ms', value: null } },
  {
    type: 'PartitionChangeRecord', version: 0, value: {
      partitionId: 0, topicId: TOPIC_ID, isr: [1], leader: -1, replicas: null, removingReplicas: null,
      addingReplicas: null, leaderRecoveryState: -1, directories: null, eligibleLeaderReplicas: null, lastKnownElr: null,
    },
  },
  { type: 'FenceBrokerRecord', version: 0, value: { id: 1, epoch: 42n } },
  { type: 'UnfenceBrokerRecord', version: 0, value: { id: 1, epoch: 42n } },
  { type: 'RemoveTopicRecord', version: 0, value: { topicId: TOPIC_ID } },
  { type: 'FeatureLevelRecord', version: 0, value: { name: 'metadata.version', featureLevel: 21 } },
  { type: 'ProducerIdsRecord', version: 0, value: { brokerId: 1, brokerEpoch: 42n, nextProducerId: 9_000_000_000n } },
  {
    type: 'BrokerRegistrationChangeRecord', version: 1, value: {
      brokerId: 1, brokerEpoch: 42n, fenced: -1, inControlledShutdown: 1, logDirs: [],
    },
  },
  { type: 'NoOpRecord', version: 0, value: {} },
]

test('every handled record type round-trips through encode and decode', () => {
  for (const record of SAMPLES) {
    const decoded = decodeMetadataRecord(encodeMetadataRecord(record))
    assert.deepEqual(withoutUndefined(decoded), record, `${record.type} v${record.version}`)
  }
})

test('every version of every handled record type round-trips its default value', () => {
  const names = new Set(SAMPLES.map((record) => record.type))
  for (const name of names) {
    const descriptor = METADATA_RECORD_DESCRIPTORS.get(metadataRecordType(name))
    assert.ok(descriptor)
    for (let version = descriptor.minVersion; version <= descriptor.maxVersion; version++) {
      const record = { type: name, version, value: descriptor.defaultValue() } as MetadataRecord
      const bytes = encodeMetadataRecord(record)
      assert.deepEqual(encodeMetadataRecord(decodeMetadataRecord(bytes)), bytes, `${name} v${version}`)
    }
  }
})

test('a TopicRecord is framed as frame version 1, type 2, version 0, then its flexible body', () => {
  const bytes = encodeMetadataRecord({ type: 'TopicRecord', version: 0, value: { name: 'orders', topicId: TOPIC_ID } })
  const expected = Buffer.concat([
    Buffer.from([0x01, 0x02, 0x00]), // frame version 1, TopicRecord (type 2), record version 0
    Buffer.from([0x07]), Buffer.from('orders'), // compact string: length + 1
    TOPIC_ID_BYTES, // uuid
    Buffer.from([0x00]), // no tagged fields
  ])
  assert.equal(bytes.toString('hex'), expected.toString('hex'))
  assert.deepEqual(decodeMetadataRecord(expected), { type: 'TopicRecord', version: 0, value: { name: 'orders', topicId: TOPIC_ID, unknownTaggedFields: undefined } })
})

test('a ConfigRecord delete encodes its null value as compact null', () => {
  const bytes = encodeMetadataRecord({ type: 'ConfigRecord', version: 0, value: { resourceType: 2, resourceName: 't', name: 'k', value: null } })
  assert.equal(bytes.toString('hex'), '010400' + '02' + '0274' + '026b' + '00' + '00')
})

function assertDecodeError(bytes: Buffer, check: (error: ProtocolDecodeError) => void): void {
  assert.throws(() => decodeMetadataRecord(bytes), (error: unknown) => {
    assert.ok(error instanceof ProtocolDecodeError, String(error))
    check(error)
    return true
  })
}

test('an unknown record type is a ProtocolDecodeError naming the type', () => {
  assertDecodeError(Buffer.from([0x01, 0x06, 0x00, 0x00]), (error) => {
    assert.equal(error.apiKey, 6)
    assert.match(error.message, /unknown metadata record type 6/)
  })
  assertDecodeError(Buffer.from([0x01, 0x63, 0x00]), (error) => assert.equal(error.apiKey, 99))
})

test('a record type the image does not handle is refused like an unknown one', () => {
  const aclType = MetadataRecordType.ACCESS_CONTROL_ENTRY
  assertDecodeError(Buffer.from([0x01, aclType, 0x00, 0x00]), (error) => assert.equal(error.apiKey, aclType))
})

test('an unknown record version, frame version, truncated body or trailing bytes is a ProtocolDecodeError', () => {
  const topic = encodeMetadataRecord({ type: 'TopicRecord', version: 0, value: { name: 'orders', topicId: TOPIC_ID } })
  const otherVersion = Buffer.from(topic)
  otherVersion[2] = 1
  assertDecodeError(otherVersion, (error) => {
    assert.equal(error.apiKey, 2)
    assert.equal(error.apiVersion, 1)
  })
  const otherFrame = Buffer.from(topic)
  otherFrame[0] = 2
  assertDecodeError(otherFrame, (error) => assert.match(error.message, /frame version 2/))
  assertDecodeError(topic.subarray(0, topic.length - 5), (error) => assert.equal(error.apiKey, 2))
  assertDecodeError(Buffer.concat([topic, Buffer.from([0])]), (error) => assert.match(error.message, /left over/))
  assertDecodeError(Buffer.alloc(0), () => undefined)
})

test('encoding a version the record type lacks is a caller bug', () => {
  assert.throws(() => encodeMetadataRecord({ type: 'TopicRecord', version: 3, value: { name: 'x', topicId: TOPIC_ID } }), RangeError)
})
