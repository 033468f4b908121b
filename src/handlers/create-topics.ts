// CreateTopics (key 19), versions 2-7, through the controller (this node is the active
// controller of its one-voter quorum; a broker-only node will forward, as Kafka's does).
// Differs from Kafka: the v5+ answer lists only the configs the request set (Kafka lists every
// topic config with its source); the admin issue completes DescribeConfigs-style configs.
// v2: throttleTimeMs. v3: same as v2. v4: -1 for partitions or replication factor means the broker
// default (KIP-464). v5: flexible; numPartitions, replicationFactor and configs in the answer.
// v6: same as v5 (quota errors, KIP-599). v7: topicId (KIP-516).
import { ErrorCode } from '../protocol/error-codes.js'
import { ApiKey } from '../protocol/generated/api-registry.js'
import { defineHandler } from './handler.js'
import { requireService } from './require-service.js'

/** Kafka's ConfigSource.TOPIC_CONFIG (DescribeConfigs' DYNAMIC_TOPIC_CONFIG) as the v5+ answer carries it. */
const TOPIC_CONFIG_SOURCE = 1

export const createTopicsHandler = defineHandler({
  apiKey: ApiKey.CREATE_TOPICS, minVersion: 2, maxVersion: 7,
  async handle(ctx, request) {
    const topicServices = requireService(ctx.services.topics, 'topics')
    const results = await topicServices.createTopics(request.topics, request.validateOnly)
    return {
      throttleTimeMs: 0,
      topics: results.map((result) => ({
        name: result.name,
        topicId: result.topicId,
        errorCode: result.errorCode,
        errorMessage: result.errorMessage,
        topicConfigErrorCode: ErrorCode.NONE,
        numPartitions: result.numPartitions,
        replicationFactor: result.replicationFactor,
        configs: result.errorCode !== ErrorCode.NONE ? null : [...result.configs].map(([name, value]) => ({
          name, value, readOnly: false, configSource: TOPIC_CONFIG_SOURCE, isSensitive: false,
        })),
      })),
    }
  },
})
