// CreateTopics (key 19), versions 2-7, through the controller (this node is the active
// controller of its one-voter quorum; a broker-only node will forward, as Kafka's does).
// Differs from Kafka: none known. The v5+ answer lists every topic config with its value and
// source, as DescribeConfigs would for the new topic.
// v2: throttleTimeMs. v3: same as v2. v4: -1 for partitions or replication factor means the broker
// default (KIP-464). v5: flexible; numPartitions, replicationFactor and configs in the answer.
// v6: same as v5 (quota errors, KIP-599). v7: topicId (KIP-516).
import { ErrorCode } from '../protocol/error-codes.js'
import { ApiKey } from '../protocol/generated/api-registry.js'
import { describeNewTopicConfigs } from '../config/describe-configs.js'
import type { CreateTopicsResponseCreatableTopicConfigs } from '../protocol/generated/apis/create-topics.js'
import { defineHandler } from './handler.js'
import { requireService } from './require-service.js'


export const createTopicsHandler = defineHandler({
  apiKey: ApiKey.CREATE_TOPICS, minVersion: 2, maxVersion: 7,
  async handle(ctx, request) {
    const topicServices = requireService(ctx.services.topics, 'topics')
    const metadata = requireService(ctx.services.metadata, 'metadata')
    const staticConfigs = ctx.services.configs?.staticBrokerConfigs ?? new Map<string, string>()
    const topicConfigs = (overrides: ReadonlyMap<string, string>): CreateTopicsResponseCreatableTopicConfigs[] =>
      describeNewTopicConfigs({ image: metadata.currentImage(), nodeId: ctx.services.nodeId, staticConfigs }, overrides)
        .map(({ name, value, readOnly, configSource, isSensitive }) => ({ name, value, readOnly, configSource, isSensitive }))
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
        configs: result.errorCode !== ErrorCode.NONE ? null : topicConfigs(result.configs),
      })),
    }
  },
})
