// DescribeConfigs through the handler: every served version encodes what it carries (synonyms from
// v1, config types and documentation from v3) and decodes as a client reads it.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ConfigResponseType, ConfigSource } from '../../../src/config/describe-configs.js'
import type { ConfigServices } from '../../../src/handlers/handler.js'
import { describeConfigsHandler } from '../../../src/handlers/describe-configs.js'
import { ConfigResourceType } from '../../../src/metadata/image.js'
import { ErrorCode } from '../../../src/protocol/error-codes.js'
import type { DescribeConfigsRequest, DescribeConfigsResponse } from '../../../src/protocol/generated/apis/describe-configs.js'
import { advertised, handleAndDecode, handlerContext } from '../../helpers/handler-context.js'
import { config, partition, registerBroker, topic } from '../../helpers/metadata-records.js'
import { NODE_ID, replay, topicIdOf } from '../../helpers/replicas.js'

const { image } = replay([
  registerBroker(NODE_ID, 0n), topic('orders', topicIdOf(1)), partition(topicIdOf(1), 0, [NODE_ID], NODE_ID),
  config(ConfigResourceType.TOPIC, 'orders', 'retention.ms', '3600000'),
])

const configs: ConfigServices = {
  staticBrokerConfigs: new Map([['log.segment.bytes', '536870912']]),
  alterConfigs: async () => assert.fail('alterConfigs was not expected'),
}

const request: DescribeConfigsRequest = {
  includeSynonyms: true, includeDocumentation: true,
  resources: [
    { resourceType: ConfigResourceType.TOPIC, resourceName: 'orders', configurationKeys: ['retention.ms', 'segment.bytes'] },
    { resourceType: ConfigResourceType.TOPIC, resourceName: 'missing', configurationKeys: null },
    { resourceType: ConfigResourceType.BROKER, resourceName: String(NODE_ID), configurationKeys: ['log.segment.bytes'] },
  ],
}

describe('DescribeConfigs', () => {
  it('advertises v1-4', () => {
    assert.deepEqual(advertised(describeConfigsHandler), [1, 2, 3, 4])
  })

  it('answers sources, synonyms, types and documentation at every version', async () => {
    const ctx = handlerContext(() => image, { configs })
    for (const version of advertised(describeConfigsHandler)) {
      // includeDocumentation exists from v3: older requests decode it as false.
      const response = await handleAndDecode<DescribeConfigsResponse>(describeConfigsHandler, ctx, { ...request, includeDocumentation: version >= 3 }, version)
      const [orders, missing, broker] = response.results
      assert.deepEqual(orders?.configs.map(({ name, value, configSource, readOnly, isSensitive }) => ({ name, value, configSource, readOnly, isSensitive })), [
        { name: 'retention.ms', value: '3600000', configSource: ConfigSource.DYNAMIC_TOPIC_CONFIG, readOnly: false, isSensitive: false },
        { name: 'segment.bytes', value: '536870912', configSource: ConfigSource.STATIC_BROKER_CONFIG, readOnly: false, isSensitive: false },
      ], `v${version}`)
      // log.retention.hours' default is not a synonym: Kafka drops those before log.retention.ms.
      assert.deepEqual(orders?.configs[0]?.synonyms.map(({ name, value, source }) => ({ name, value, source })), [
        { name: 'retention.ms', value: '3600000', source: ConfigSource.DYNAMIC_TOPIC_CONFIG },
      ])
      assert.equal(orders?.configs[0]?.configType, version >= 3 ? ConfigResponseType.LONG : 0)
      if (version >= 3) assert.match(orders?.configs[0]?.documentation ?? '', /segments/, `v${version} documentation`)
      assert.equal(missing?.errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
      assert.deepEqual(missing?.configs, [])
      assert.equal(broker?.configs[0]?.name, 'log.segment.bytes')
      assert.equal(broker?.configs[0]?.configSource, ConfigSource.STATIC_BROKER_CONFIG)
    }
  })
})
