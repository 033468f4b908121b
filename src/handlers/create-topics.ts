// CreateTopics (key 19), versions 2-7, through the controller (this node is the active
// controller of its one-voter quorum; a broker-only node will forward, as Kafka's does).
// The v5+ answer lists every topic config with its value and source, as Kafka's controller does
// (only the configs the request set when the node has no config services, as in unit tests).
// v2: throttleTimeMs. v3: same as v2. v4: -1 for partitions or replication factor means the broker
// default (KIP-464). v5: flexible; numPartitions, replicationFactor and configs in the answer.
// v6: same as v5 (quota errors, KIP-599). v7: topicId (KIP-516).
import { describeTopicConfigsWith } from '../config/describe-configs.js'
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
    const configServices = ctx.services.configs
    const source = configServices === undefined || ctx.services.metadata === undefined
      ? undefined
      : { image: ctx.services.metadata.currentImage(), nodeId: ctx.services.nodeId, staticConfigs: configServices.staticBrokerConfigs }
    const describe = (configs: ReadonlyMap<string, string>): { name: string; value: string | null; readOnly: boolean; configSource: number; isSensitive: boolean }[] =>
      source === undefined
        ? [...configs].map(([name, value]) => ({ name, value, readOnly: false, configSource: TOPIC_CONFIG_SOURCE, isSensitive: false }))
        : describeTopicConfigsWith(source, configs).map(({ name, value, readOnly, configSource, isSensitive }) => ({ name, value, readOnly, configSource, isSensitive }))
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
        configs: result.errorCode !== ErrorCode.NONE ? null : describe(result.configs),
      })),
    }
  },
})
