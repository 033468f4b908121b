// CreateTopics through the handler and a fake TopicServices: the specs reach the controller as
// sent, results come back in order with their configs (null for a failed topic), and every served
// version encodes with what it carries.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { CreateTopicSpec } from '../../../src/controller/quorum-controller.js'
import { createTopicsHandler } from '../../../src/handlers/create-topics.js'
import { MetadataImage } from '../../../src/metadata/image.js'
import { ErrorCode } from '../../../src/protocol/error-codes.js'
import type { CreateTopicsRequest, CreateTopicsResponse } from '../../../src/protocol/generated/apis/create-topics.js'
import { advertised, fakeTopicServices, handleAndDecode, handlerContext } from '../../helpers/handler-context.js'
import { topicIdOf } from '../../helpers/replicas.js'
import { ConfigSource } from '../../../src/config/describe-configs.js'

const ZERO_TOPIC_ID = 'AAAAAAAAAAAAAAAAAAAAAA'

const request: CreateTopicsRequest = {
  timeoutMs: 1000, validateOnly: false,
  topics: [
    { name: 'orders', numPartitions: 3, replicationFactor: 1, assignments: [], configs: [{ name: 'cleanup.policy', value: 'compact' }] },
    { name: 'bad/name', numPartitions: -1, replicationFactor: -1, assignments: [], configs: [] },
  ],
}

describe('CreateTopics', () => {
  it('advertises v2-7', () => {
    assert.deepEqual(advertised(createTopicsHandler), [2, 3, 4, 5, 6, 7])
  })

  it('passes the specs to the controller and answers its results at every version', async () => {
    const calls: Array<{ specs: readonly CreateTopicSpec[]; validateOnly: boolean }> = []
    const topics = fakeTopicServices({
      createTopics: async (specs, validateOnly) => {
        calls.push({ specs, validateOnly })
        return [
          { name: 'orders', errorCode: ErrorCode.NONE, errorMessage: null, topicId: topicIdOf(1), numPartitions: 3, replicationFactor: 1, configs: new Map([['cleanup.policy', 'compact']]) },
          { name: 'bad/name', errorCode: ErrorCode.INVALID_TOPIC_EXCEPTION, errorMessage: 'illegal name', topicId: ZERO_TOPIC_ID, numPartitions: -1, replicationFactor: -1, configs: new Map() },
        ]
      },
    })
    const ctx = handlerContext(() => MetadataImage.EMPTY, { topics })
    for (const version of advertised(createTopicsHandler)) {
      const response = await handleAndDecode<CreateTopicsResponse>(createTopicsHandler, ctx, { ...request, validateOnly: version % 2 === 0 }, version)
      const [created, refused] = response.topics
      assert.equal(created?.name, 'orders')
      assert.equal(created?.errorCode, ErrorCode.NONE)
      assert.equal(created?.topicId, version >= 7 ? topicIdOf(1) : ZERO_TOPIC_ID, `v${version} topicId`)
      assert.equal(created?.numPartitions, version >= 5 ? 3 : -1)
      assert.equal(created?.replicationFactor, version >= 5 ? 1 : -1)
      if (version >= 5) {
        // Every topic config, as DescribeConfigs would list them: the request's as a topic override.
        const configs = new Map(created?.configs?.map((config) => [config.name, config]))
        assert.ok(configs.size > 30, `v${version}: ${configs.size} configs`)
        assert.deepEqual(configs.get('cleanup.policy'), { name: 'cleanup.policy', value: 'compact', readOnly: false, configSource: ConfigSource.DYNAMIC_TOPIC_CONFIG, isSensitive: false, unknownTaggedFields: undefined })
        assert.equal(configs.get('retention.ms')?.value, '604800000')
        assert.equal(configs.get('retention.ms')?.configSource, ConfigSource.DEFAULT_CONFIG)
      } else {
        assert.deepEqual(created?.configs, [])
      }
      assert.equal(refused?.errorCode, ErrorCode.INVALID_TOPIC_EXCEPTION)
      assert.equal(refused?.errorMessage, 'illegal name')
      if (version >= 5) assert.equal(refused?.configs, null, 'no configs for a failed topic')
    }
    assert.equal(calls.length, advertised(createTopicsHandler).length)
    assert.deepEqual(calls.map(({ validateOnly }) => validateOnly), advertised(createTopicsHandler).map((version) => version % 2 === 0))
    assert.deepEqual(calls[0]?.specs.map(({ name, numPartitions }) => [name, numPartitions]), [['orders', 3], ['bad/name', -1]])
  })

  it('answers v5+ with every topic config and its source, as Kafka does, when the node has config services', async () => {
    const topics = fakeTopicServices({
      createTopics: async () => [
        { name: 'orders', errorCode: ErrorCode.NONE, errorMessage: null, topicId: topicIdOf(1), numPartitions: 3, replicationFactor: 1, configs: new Map([['cleanup.policy', 'compact']]) },
      ],
    })
    const configs = { staticBrokerConfigs: new Map([['log.retention.ms', '3600000']]), alterConfigs: async () => assert.fail('alterConfigs was not expected') }
    const ctx = handlerContext(() => MetadataImage.EMPTY, { topics, configs })
    const response = await handleAndDecode<CreateTopicsResponse>(createTopicsHandler, ctx, { ...request, topics: request.topics.slice(0, 1) }, 7)
    const answered = new Map(response.topics[0]?.configs?.map((config) => [config.name, [config.value, config.configSource]]))
    assert.deepEqual(answered.get('cleanup.policy'), ['compact', 1], 'DYNAMIC_TOPIC_CONFIG')
    assert.deepEqual(answered.get('retention.ms'), ['3600000', 4], 'STATIC_BROKER_CONFIG')
    assert.deepEqual(answered.get('segment.bytes'), ['1073741824', 5], 'DEFAULT_CONFIG')
    assert.ok(answered.size > 20, `${answered.size} configs`)
  })
})
