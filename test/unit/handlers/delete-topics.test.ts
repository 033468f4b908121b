// DeleteTopics through the handler and a fake TopicServices: topics by name (v1-5) or by name or
// id (v6) reach the controller, delete.topic.enable=false answers TOPIC_DELETION_DISABLED for each
// without asking it, and every served version encodes.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { deleteTopicsHandler } from '../../../src/handlers/delete-topics.js'
import { MetadataImage } from '../../../src/metadata/image.js'
import { ErrorCode } from '../../../src/protocol/error-codes.js'
import type { DeleteTopicsRequest, DeleteTopicsResponse } from '../../../src/protocol/generated/apis/delete-topics.js'
import { advertised, fakeTopicServices, handleAndDecode, handlerContext } from '../../helpers/handler-context.js'
import { topicIdOf } from '../../helpers/replicas.js'

const ZERO_TOPIC_ID = 'AAAAAAAAAAAAAAAAAAAAAA'

/** The same two topics as each version sends them: names before v6, name or id from v6. */
function request(version: number): DeleteTopicsRequest {
  return version >= 6
    ? { timeoutMs: 1000, topicNames: [], topics: [{ name: 'orders', topicId: ZERO_TOPIC_ID }, { name: null, topicId: topicIdOf(2) }] }
    : { timeoutMs: 1000, topicNames: ['orders', 'events'], topics: [] }
}

describe('DeleteTopics', () => {
  it('advertises v1-6', () => {
    assert.deepEqual(advertised(deleteTopicsHandler), [1, 2, 3, 4, 5, 6])
  })

  it('passes the topics to the controller and answers its results at every version', async () => {
    const calls: Array<ReadonlyArray<{ readonly name: string | null; readonly topicId: string }>> = []
    const topics = fakeTopicServices({
      deleteTopics: async (requested) => {
        calls.push(requested)
        return requested.map(({ name, topicId }) => name === 'orders'
          ? { name, topicId: topicIdOf(1), errorCode: ErrorCode.NONE, errorMessage: null }
          : { name, topicId, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: 'unknown topic' })
      },
    })
    const ctx = handlerContext(() => MetadataImage.EMPTY, { topics })
    for (const version of advertised(deleteTopicsHandler)) {
      const response = await handleAndDecode<DeleteTopicsResponse>(deleteTopicsHandler, ctx, request(version), version)
      assert.deepEqual(response.responses.map(({ name, topicId, errorCode, errorMessage }) => ({ name, topicId, errorCode, errorMessage })), [
        { name: 'orders', topicId: version >= 6 ? topicIdOf(1) : ZERO_TOPIC_ID, errorCode: ErrorCode.NONE, errorMessage: null },
        { name: version >= 6 ? null : 'events', topicId: version >= 6 ? topicIdOf(2) : ZERO_TOPIC_ID, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: version >= 5 ? 'unknown topic' : null },
      ], `v${version}`)
    }
    assert.deepEqual(calls[0], [{ name: 'orders', topicId: ZERO_TOPIC_ID }, { name: 'events', topicId: ZERO_TOPIC_ID }])
    assert.deepEqual(calls.at(-1), [{ name: 'orders', topicId: ZERO_TOPIC_ID }, { name: null, topicId: topicIdOf(2) }])
  })

  it('answers TOPIC_DELETION_DISABLED for every topic when delete.topic.enable is false', async () => {
    const ctx = handlerContext(() => MetadataImage.EMPTY, { topics: fakeTopicServices(), isTopicDeletionEnabled: false })
    for (const version of advertised(deleteTopicsHandler)) {
      const response = await handleAndDecode<DeleteTopicsResponse>(deleteTopicsHandler, ctx, request(version), version)
      assert.deepEqual(response.responses.map(({ errorCode }) => errorCode), [ErrorCode.TOPIC_DELETION_DISABLED, ErrorCode.TOPIC_DELETION_DISABLED], `v${version}`)
      assert.deepEqual(response.responses.map(({ errorMessage }) => errorMessage), version >= 5 ? ['Topic deletion is disabled.', 'Topic deletion is disabled.'] : [null, null])
    }
  })
})
