import assert from 'node:assert/strict'
import { test } from 'node:test'
import {
  ControlRecordType,
  buildEndTransactionMarker,
  encodeControlRecordKey,
  encodeEndTransactionMarkerValue,
  readControlRecordType,
  readEndTransactionMarkerValue,
} from '../../../src/protocol/control-record.js'
import { ProtocolDecodeError } from '../../../src/protocol/protocol-decode-error.js'
import { readRecordsSync } from '../../../src/protocol/read-records.js'
import { validateRecordBatch } from '../../../src/protocol/record-batch.js'

test('a COMMIT marker is a transactional control batch holding one record', () => {
  const batch = buildEndTransactionMarker({
    type: ControlRecordType.COMMIT,
    producerId: 31n,
    producerEpoch: 4,
    coordinatorEpoch: 9,
    timestamp: 1_700_000_000_000n,
    baseOffset: 55n,
    partitionLeaderEpoch: 2,
  })
  const result = validateRecordBatch(batch)
  assert.ok(result.ok)
  const { header } = result
  assert.equal(header.isControl, true)
  assert.equal(header.isTransactional, true)
  assert.equal(header.producerId, 31n)
  assert.equal(header.producerEpoch, 4)
  assert.equal(header.baseSequence, -1)
  assert.equal(header.recordCount, 1)
  assert.equal(header.baseOffset, 55n)
  const [record] = readRecordsSync(batch)
  assert.ok(record)
  assert.equal(record.key?.toString('hex'), '00000001')
  assert.equal(record.value?.toString('hex'), '000000000009')
  assert.equal(readControlRecordType(record.key), ControlRecordType.COMMIT)
  assert.equal(readEndTransactionMarkerValue(record.value).coordinatorEpoch, 9)
})

test('control keys and marker values decode defensively', () => {
  assert.equal(readControlRecordType(encodeControlRecordKey(ControlRecordType.ABORT)), ControlRecordType.ABORT)
  assert.equal(readControlRecordType(Buffer.from('00000063', 'hex')), undefined, 'unknown types are skipped, not fatal')
  assert.equal(
    readControlRecordType(Buffer.from('00010001', 'hex')),
    ControlRecordType.COMMIT,
    'newer versions read as 0',
  )
  assert.throws(() => readControlRecordType(null), ProtocolDecodeError)
  assert.throws(() => readControlRecordType(Buffer.from('0000', 'hex')), ProtocolDecodeError)
  assert.throws(() => readControlRecordType(Buffer.from('ffff0001', 'hex')), ProtocolDecodeError)
  assert.equal(readEndTransactionMarkerValue(encodeEndTransactionMarkerValue(-1)).coordinatorEpoch, -1)
  assert.throws(() => readEndTransactionMarkerValue(Buffer.from('0000', 'hex')), ProtocolDecodeError)
  assert.throws(() => readEndTransactionMarkerValue(null), ProtocolDecodeError)
})
