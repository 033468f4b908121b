// `__consumer_offsets` records as Kafka's coordinator writes them: golden bytes derived field by
// field from the schemas in kafka-protocol/INTERNAL-TOPICS.md.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  decodeOffsetCommitValue,
  decodeOffsetsRecordKey,
  encodeGroupMetadataKey,
  encodeOffsetCommitKey,
  encodeOffsetCommitValue,
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
