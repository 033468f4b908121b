// CreatePartitions through the handler and a fake TopicServices: the request reaches the
// controller as specs, and the per-topic answers encode at every served version.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { CreatePartitionsSpec } from '../../../src/controller/partition-manager.js'
import { createPartitionsHandler } from '../../../src/handlers/create-partitions.js'
import { MetadataImage } from '../../../src/metadata/image.js'
import { ErrorCode } from '../../../src/protocol/error-codes.js'
import type { CreatePartitionsRequest, CreatePartitionsResponse } from '../../../src/protocol/generated/apis/create-partitions.js'
import { advertised, fakeTopicServices, handleAndDecode, handlerContext } from '../../helpers/handler-context.js'

const REQUEST: CreatePartitionsRequest = {
  topics: [
    { name: 'orders', count: 5, assignments: null },
    { name: 'clicks', count: 3, assignments: [{ brokerIds: [1, 2] }] },
    { name: 'missing', count: 2, assignments: null },
  ],
  timeoutMs: 30_000,
  validateOnly: true,
}

describe('CreatePartitions', () => {
  it('advertises v0-3', () => {
    assert.deepEqual(advertised(createPartitionsHandler), [0, 1, 2, 3])
  })

  it('passes each topic and validateOnly to the controller and answers per topic at every version', async () => {
    const calls: Array<{ specs: readonly CreatePartitionsSpec[]; validateOnly: boolean }> = []
    const topics = fakeTopicServices({
      createPartitions: async (specs, validateOnly) => {
        calls.push({ specs, validateOnly })
        return [
          { name: 'orders', errorCode: ErrorCode.NONE, errorMessage: null },
          { name: 'clicks', errorCode: ErrorCode.INVALID_PARTITIONS, errorMessage: 'Topic already has 3 partition(s).' },
          { name: 'missing', errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: null },
        ]
      },
    })
    const ctx = handlerContext(() => MetadataImage.EMPTY, { topics })
    for (const version of advertised(createPartitionsHandler)) {
      const response = await handleAndDecode<CreatePartitionsResponse>(createPartitionsHandler, ctx, REQUEST, version)
      assert.equal(response.throttleTimeMs, 0)
      assert.deepEqual(response.results.map(({ name, errorCode, errorMessage }) => ({ name, errorCode, errorMessage })), [
        { name: 'orders', errorCode: ErrorCode.NONE, errorMessage: null },
        { name: 'clicks', errorCode: ErrorCode.INVALID_PARTITIONS, errorMessage: 'Topic already has 3 partition(s).' },
        { name: 'missing', errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: null },
      ], `v${version}`)
    }
    assert.deepEqual(calls[0], {
      specs: [
        { name: 'orders', count: 5, assignments: null },
        { name: 'clicks', count: 3, assignments: [{ brokerIds: [1, 2] }] },
        { name: 'missing', count: 2, assignments: null },
      ],
      validateOnly: true,
    })
  })

  it('fails as a wiring bug when the node provides no createPartitions', async () => {
    const ctx = handlerContext(() => MetadataImage.EMPTY, { topics: fakeTopicServices() })
    await assert.rejects(createPartitionsHandler.handle(ctx, REQUEST, 3), /topics\.createPartitions/)
  })
})
