import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { encodeResponseFrame } from '../../../src/protocol/frames.js'
import { ApiKey } from '../../../src/protocol/generated/api-registry.js'
import { defaultFetchResponse, defaultFetchResponsePartitionData, type FetchResponse } from '../../../src/protocol/generated/apis/fetch.js'
import { RecordChunks, recordBytesAsBuffer, type RecordBytes } from '../../../src/protocol/record-bytes.js'

function fetchResponse(records: RecordBytes): FetchResponse {
  return {
    ...defaultFetchResponse(),
    responses: [{ topic: 't', topicId: 'AAAAAAAAAAAAAAAAAAAAAA', partitions: [{ ...defaultFetchResponsePartitionData(), records }] }],
  }
}

describe('RecordChunks', () => {
  it('encodes a records field exactly as the joined buffer would, in classic and flexible versions', () => {
    // Large chunks are referenced by the writer, small ones copied: both kinds, in one field.
    const chunks = [Buffer.alloc(100, 1), Buffer.alloc(20_000, 2), Buffer.alloc(7, 3), Buffer.alloc(40_000, 4)]
    for (const version of [4, 11, 12]) {
      const joined = Buffer.concat(encodeResponseFrame(ApiKey.FETCH, version, 9, fetchResponse(Buffer.concat(chunks))))
      const chunked = encodeResponseFrame(ApiKey.FETCH, version, 9, fetchResponse(new RecordChunks(chunks)))
      assert.deepEqual(Buffer.concat(chunked), joined, `Fetch v${version}`)
      assert.ok(chunked.some((part) => part === chunks[1]), `v${version}: a large chunk is sent by reference, not copied`)
    }
  })

  it('has the total length and joins only when asked', () => {
    const chunks = [Buffer.from('ab'), Buffer.from('cde')]
    const records = new RecordChunks(chunks)
    assert.equal(records.length, 5)
    assert.deepEqual(recordBytesAsBuffer(records), Buffer.from('abcde'))
    const single = Buffer.from('x')
    assert.equal(recordBytesAsBuffer(single), single)
  })
})
