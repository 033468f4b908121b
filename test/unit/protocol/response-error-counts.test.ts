// responseErrorCounts: Kafka's errorCounts() over any decoded response, at any depth.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { RecordChunks } from '../../../src/protocol/record-bytes.js'
import { responseErrorCounts } from '../../../src/protocol/response-error-counts.js'

test('counts every errorCode field at every depth, NONE included', () => {
  const response = {
    errorCode: 0,
    topics: [
      { name: 'a', partitions: [{ errorCode: 0 }, { errorCode: 6 }, { errorCode: 6 }] },
      { name: 'b', errorCode: 3, partitions: [] },
    ],
    nested: { deeper: { errorCode: 6 } },
  }
  assert.deepEqual([...responseErrorCounts(response)].sort(([a], [b]) => a - b), [[0, 2], [3, 1], [6, 3]])
})

test('a response without error codes counts nothing, and record bytes are not walked', () => {
  assert.equal(responseErrorCounts({ throttleTimeMs: 0, topics: [] }).size, 0)
  const records = Object.assign(Buffer.from([1, 2, 3]), { errorCode: 9 })
  const chunks = new RecordChunks([Buffer.from([4])])
  assert.equal(responseErrorCounts({ partitions: [{ records }, { records: chunks }] }).size, 0)
  assert.equal(responseErrorCounts(null).size, 0)
})
