import assert from 'node:assert/strict'
import { test } from 'node:test'
import { decodeMemberAssignment } from '../../../src/client/member-assignment.js'
import { encodeConsumerProtocolAssignment } from '../../../src/protocol/generated/data/consumer-protocol-assignment.js'
import { Writer } from '../../../src/protocol/writer.js'

function assignmentBytes(version: number, assignedPartitions: { topic: string; partitions: number[] }[]): Buffer {
  const writer = new Writer()
  writer.int16(version)
  encodeConsumerProtocolAssignment(Math.min(version, 3), writer, { assignedPartitions, userData: null })
  return writer.toBuffer()
}

test('decodeMemberAssignment reads the consumer protocol, sorted, a newer version by the newest schema it knows', () => {
  const bytes = assignmentBytes(1, [{ topic: 'b', partitions: [2, 0] }, { topic: 'a', partitions: [1] }, { topic: 'b', partitions: [1] }])
  assert.deepEqual(decodeMemberAssignment(bytes), [{ topic: 'a', partitions: [1] }, { topic: 'b', partitions: [0, 1, 2] }])
  assert.deepEqual(decodeMemberAssignment(assignmentBytes(7, [{ topic: 't', partitions: [0] }])), [{ topic: 't', partitions: [0] }])
})

test('decodeMemberAssignment is empty for no bytes and for bytes of another protocol', () => {
  assert.deepEqual(decodeMemberAssignment(Buffer.alloc(0)), [])
  assert.deepEqual(decodeMemberAssignment(Buffer.from('not the consumer protocol')), [])
})
