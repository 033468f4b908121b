// DeleteTopics (key 20), versions 1-6, through the controller. The topic's logs are renamed away
// at once and removed in the background, so its name can be reused straight away.
// Differs from Kafka: none known.
// v1: throttleTimeMs. v4: flexible. v5: errorMessage. v6: topics by name or by id (KIP-516).
import { ErrorCode } from '../protocol/error-codes.js'
import { ApiKey } from '../protocol/generated/api-registry.js'
import { defineHandler } from './handler.js'
import { ZERO_TOPIC_ID } from './metadata.js'
import { requireService } from './require-service.js'


export const deleteTopicsHandler = defineHandler({
  apiKey: ApiKey.DELETE_TOPICS, minVersion: 1, maxVersion: 6,
  async handle(ctx, request, version) {
    const topicServices = requireService(ctx.services.topics, 'topics')
    const requested = version >= 6
      ? request.topics.map(({ name, topicId }) => ({ name, topicId }))
      : request.topicNames.map((name) => ({ name, topicId: ZERO_TOPIC_ID }))
    if (ctx.services.isTopicDeletionEnabled === false) {
      return {
        throttleTimeMs: 0,
        responses: requested.map(({ name, topicId }) => ({
          name, topicId, errorCode: ErrorCode.TOPIC_DELETION_DISABLED, errorMessage: 'Topic deletion is disabled.',
        })),
      }
    }
    const results = await topicServices.deleteTopics(requested)
    return {
      throttleTimeMs: 0,
      responses: results.map(({ name, topicId, errorCode, errorMessage }) => ({ name, topicId, errorCode, errorMessage })),
    }
  },
})
