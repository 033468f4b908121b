// `__consumer_offsets` records as Kafka's coordinator writes them: golden bytes derived field by
// field from the schemas in kafka-protocol/INTERNAL-TOPICS.md.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  decodeGroupMetadataValue,
  decodeOffsetCommitValue,
  decodeOffsetsRecordKey,
  encodeGroupMetadataKey,
  encodeGroupMetadataValue,
  encodeOffsetCommitKey,
  encodeOffsetCommitValue,
  type GroupMetadataMember,
  type GroupMetadataValue,
  type OffsetCommitValue,
} from '../../../src/coordinator/offsets-record-codec.js'
import { SluiceError } from '../../../src/errors.js'

function hex(text: string): Buffer {
  return Buffer.from(text.replace(/\s+/g, ''), 'hex')
}

const VALUE: OffsetCommitValue = { offset: 5n, leaderEpoch: 2, metadata: 'm', commitTimestamp: 1000n, expireTimestamp: -1n }

// version | offset int64 | [leaderEpoch int32 v3+] | metadata | commitTimestamp int64 | [expire v1] | [tags v4]
const GOLDEN_VALUES: ReadonlyArray<readonly [number, string, OffsetCommitValue]> = [
  [0, '0000 0000000000000005 00016d 00000000000003e8', { ...VALUE, leaderEpoch: -1 }],
  [1, '0001 0000000000000005 00016d 00000000000003e8 00000000000007d0', { ...VALUE, leaderEpoch: -1, expireTimestamp: 2000n }],
  [2, '0002 0000000000000005 00016d 00000000000003e8', { ...VALUE, leaderEpoch: -1 }],
  [3, '0003 0000000000000005 00000002 00016d 00000000000003e8', VALUE],
  [4, '0004 0000000000000005 00000002 026d 00000000000003e8 00', VALUE],
]

describe('OffsetCommitKey and GroupMetadataKey', () => {
  it('writes OffsetCommitKey version 1: group, topic, partition', () => {
    assert.deepEqual(encodeOffsetCommitKey('g', 'tp', 7), hex('0001 000167 00027470 00000007'))
  })

  it('reads OffsetCommitKey versions 0 and 1', () => {
    for (const version of ['0000', '0001']) {
      assert.deepEqual(decodeOffsetsRecordKey(hex(`${version} 000167 00027470 00000007`)),
        { type: 'offset-commit', version: Number(version), group: 'g', topic: 'tp', partition: 7 })
    }
  })

  it('writes and reads GroupMetadataKey version 2', () => {
    const bytes = hex('0002 000567726f7570')
    assert.deepEqual(encodeGroupMetadataKey('group'), bytes)
    assert.deepEqual(decodeOffsetsRecordKey(bytes), { type: 'group-metadata', version: 2, group: 'group' })
  })

  it('reports key versions 3 and above as unknown without reading further', () => {
    assert.deepEqual(decodeOffsetsRecordKey(hex('0003 ff')), { type: 'unknown', version: 3 })
    assert.deepEqual(decodeOffsetsRecordKey(hex('0011')), { type: 'unknown', version: 17 })
  })

  it('throws ERR_COORDINATOR_RECORD for a truncated or negative-version key', () => {
    for (const bytes of ['0001 000167 0002', '00', 'ffff']) {
      assert.throws(() => decodeOffsetsRecordKey(hex(bytes)), (error: unknown) => error instanceof SluiceError && error.code === 'ERR_COORDINATOR_RECORD')
    }
  })
})

describe('OffsetCommitValue', () => {
  it('writes version 3 by default', () => {
    assert.deepEqual(encodeOffsetCommitValue(VALUE), hex('0003 0000000000000005 00000002 00016d 00000000000003e8'))
  })

  for (const [version, bytes, expected] of GOLDEN_VALUES) {
    it(`reads and writes version ${version} byte for byte`, () => {
      assert.deepEqual(decodeOffsetCommitValue(hex(bytes)), expected)
      assert.deepEqual(encodeOffsetCommitValue(expected, version), hex(bytes))
    })
  }

  it('skips the tagged fields of version 4 (Kafka 4.1 writes the topic id as tag 0)', () => {
    const topicIdTag = `00 10 ${'ab'.repeat(16)}`
    assert.deepEqual(decodeOffsetCommitValue(hex(`0004 0000000000000005 00000002 026d 00000000000003e8 01 ${topicIdTag}`)), VALUE)
  })

  it('keeps non-ASCII metadata as UTF-8', () => {
    const value = { ...VALUE, metadata: 'é' }
    assert.deepEqual(encodeOffsetCommitValue(value), hex('0003 0000000000000005 00000002 0002c3a9 00000000000003e8'))
    assert.deepEqual(decodeOffsetCommitValue(encodeOffsetCommitValue(value)), value)
  })

  it('throws ERR_COORDINATOR_RECORD for version 5 or truncated bytes', () => {
    for (const bytes of ['0005 0000000000000005', '0003 0000000000000005 0000']) {
      assert.throws(() => decodeOffsetCommitValue(hex(bytes)), (error: unknown) => error instanceof SluiceError && error.code === 'ERR_COORDINATOR_RECORD')
    }
    assert.throws(() => encodeOffsetCommitValue(VALUE, 5), RangeError)
  })
})

const MEMBER: GroupMetadataMember = {
  memberId: 'm', groupInstanceId: 'i', clientId: 'c', clientHost: '/h', rebalanceTimeout: 300, sessionTimeout: 100,
  subscription: hex('0102'), assignment: hex('03'),
}
const GROUP: GroupMetadataValue = { protocolType: 'consumer', generation: 4, protocol: 'range', leader: 'm', currentStateTimestamp: 1000n, members: [MEMBER] }
const PROTOCOL_TYPE = '0008 636f6e73756d6572'

// protocolType | generation | protocol | leader | [currentStateTimestamp v2+] | members:
// memberId | [groupInstanceId v3+] | clientId | clientHost | [rebalanceTimeout v1+] | sessionTimeout | subscription | assignment
const GOLDEN_GROUPS: ReadonlyArray<readonly [number, string, GroupMetadataValue]> = [
  [0, `0000 ${PROTOCOL_TYPE} 00000004 000572616e6765 00016d 00000001 00016d 000163 00022f68 00000064 000000020102 0000000103`,
    { ...GROUP, currentStateTimestamp: -1n, members: [{ ...MEMBER, groupInstanceId: null, rebalanceTimeout: 100 }] }],
  [1, `0001 ${PROTOCOL_TYPE} 00000004 000572616e6765 00016d 00000001 00016d 000163 00022f68 0000012c 00000064 000000020102 0000000103`,
    { ...GROUP, currentStateTimestamp: -1n, members: [{ ...MEMBER, groupInstanceId: null }] }],
  [2, `0002 ${PROTOCOL_TYPE} 00000004 000572616e6765 00016d 00000000000003e8 00000001 00016d 000163 00022f68 0000012c 00000064 000000020102 0000000103`,
    { ...GROUP, members: [{ ...MEMBER, groupInstanceId: null }] }],
  [3, `0003 ${PROTOCOL_TYPE} 00000004 000572616e6765 00016d 00000000000003e8 00000001 00016d 000169 000163 00022f68 0000012c 00000064 000000020102 0000000103`, GROUP],
  [4, '0004 09636f6e73756d6572 00000004 0672616e6765 026d 00000000000003e8 02 026d 0269 0263 032f68 0000012c 00000064 030102 0203 00 00', GROUP],
]

describe('GroupMetadataValue', () => {
  for (const [version, bytes, value] of GOLDEN_GROUPS) {
    it(`encodes and decodes version ${version}`, () => {
      assert.deepEqual(encodeGroupMetadataValue(value, version), hex(bytes))
      assert.deepEqual(decodeGroupMetadataValue(hex(bytes)), value)
    })
  }

  it('writes version 3 by default, with null protocol and leader of an empty group', () => {
    const empty: GroupMetadataValue = { protocolType: '', generation: 1, protocol: null, leader: null, currentStateTimestamp: 5n, members: [] }
    const bytes = encodeGroupMetadataValue(empty)
    assert.deepEqual(bytes, hex('0003 0000 00000001 ffff ffff 0000000000000005 00000000'))
    assert.deepEqual(decodeGroupMetadataValue(bytes), empty)
  })

  it('skips tagged fields of version 4', () => {
    const bytes = hex('0004 09636f6e73756d6572 00000004 0672616e6765 026d 00000000000003e8 01 01 07 02 0000')
    assert.deepEqual(decodeGroupMetadataValue(bytes), { ...GROUP, members: [] })
  })

  it('throws ERR_COORDINATOR_RECORD for version 5 or truncated bytes', () => {
    for (const bytes of ['0005 0000', `0003 ${PROTOCOL_TYPE} 00000004`]) {
      assert.throws(() => decodeGroupMetadataValue(hex(bytes)), (error: unknown) => error instanceof SluiceError && error.code === 'ERR_COORDINATOR_RECORD')
    }
    assert.throws(() => encodeGroupMetadataValue(GROUP, 5), RangeError)
  })
})
