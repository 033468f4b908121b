// CreatePartitions (key 37), versions 0-3, through the controller (this node is the active
// controller of its one-voter quorum), as Kafka 3.9's ReplicationControlManager answers it.
// Differs from Kafka: timeoutMs is not enforced (the commit is local and completes at once); no
// authorizer, so no TOPIC_AUTHORIZATION_FAILED. v1: same as v0 (throttling after the response).
// v2: flexible. v3: same as v2.
import { ApiKey } from '../protocol/generated/api-registry.js'
import { defineHandler } from './handler.js'
import { requireService } from './require-service.js'

export const createPartitionsHandler = defineHandler({
  apiKey: ApiKey.CREATE_PARTITIONS, minVersion: 0, maxVersion: 3,
  async handle(ctx, request) {
    const topics = requireService(ctx.services.topics, 'topics')
    const createPartitions = requireService(topics.createPartitions?.bind(topics), 'topics.createPartitions')
    const results = await createPartitions(
      request.topics.map((topic) => ({ name: topic.name, count: topic.count, assignments: topic.assignments })),
      request.validateOnly)
    return {
      throttleTimeMs: 0,
      results: results.map(({ name, errorCode, errorMessage }) => ({ name, errorCode, errorMessage })),
    }
  },
})
