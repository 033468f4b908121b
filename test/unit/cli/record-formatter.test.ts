import assert from 'node:assert/strict'
import { test } from 'node:test'
import { DEFAULT_TEXT_FORMAT, formatRecordJson, formatRecordText } from '../../../src/cli/record-formatter.js'
import type { FetchedRecord } from '../../../src/client/fetch-records.js'

const record: FetchedRecord = {
  isLogAppendTime: false, offset: 5n, offsetDelta: 0, timestamp: 1_700_000_000_000n, key: Buffer.from('k'), value: Buffer.from([0x76, 0xff]),
  headers: [{ key: 'h', value: Buffer.from('x') }, { key: 'n', value: null }],
}

test('text prints the value alone by default, and what print.* asks for in Kafka\'s order', () => {
  assert.deepEqual(formatRecordText(2, record, DEFAULT_TEXT_FORMAT), Buffer.from([0x76, 0xff, 0x0a]))
  const all = { ...DEFAULT_TEXT_FORMAT, printTimestamp: true, printPartition: true, printOffset: true, printHeaders: true, printKey: true, keySeparator: '|' }
  assert.equal(formatRecordText(2, { ...record, value: null }, all).toString(), 'CreateTime:1700000000000|Partition:2|Offset:5|h:x,n:null|k|null\n')
  assert.equal(formatRecordText(0, { ...record, headers: [] }, { ...DEFAULT_TEXT_FORMAT, printHeaders: true, printValue: false }).toString(), 'NO_HEADERS\n')
})

test('print.timestamp names the batch\'s timestamp type, as Kafka\'s console consumer does', () => {
  const timestampOnly = { ...DEFAULT_TEXT_FORMAT, printTimestamp: true, printValue: false }
  assert.equal(formatRecordText(0, { ...record, isLogAppendTime: true }, timestampOnly).toString(), 'LogAppendTime:1700000000000\n')
  assert.equal(formatRecordText(0, { ...record, timestamp: -1n }, timestampOnly).toString(), 'NO_TIMESTAMP\n')
})

test('json is one line with every field; base64 keeps bytes that are not UTF-8', () => {
  assert.deepEqual(JSON.parse(formatRecordJson('t', 2, record, 'base64')), {
    topic: 't', partition: 2, offset: 5, timestamp: 1_700_000_000_000, key: 'aw==', value: 'dv8=',
    headers: [{ key: 'h', value: 'eA==' }, { key: 'n', value: null }],
  })
  const line = formatRecordJson('t', 2, { ...record, value: Buffer.from('v') }, 'utf8')
  assert.ok(line.endsWith('}\n') && !line.slice(0, -1).includes('\n'))
  assert.equal((JSON.parse(line) as { value: string }).value, 'v')
})
