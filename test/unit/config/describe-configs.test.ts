// DescribeConfigs as Kafka's ConfigHelper answers it: values, sources and synonyms for a default, a
// static broker key, a dynamic broker key and a dynamic topic key; broker resources; errors.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ConfigResponseType, ConfigSource, describeConfigs } from '../../../src/config/describe-configs.js'
import type { DescribedConfig, DescribeConfigsResourceResult } from '../../../src/config/describe-configs.js'
import { ConfigResourceType } from '../../../src/metadata/image.js'
import type { MetadataRecord } from '../../../src/metadata/metadata-record-codec.js'
import { ErrorCode } from '../../../src/protocol/error-codes.js'
import { config, partition, registerBroker, topic } from '../../helpers/metadata-records.js'
import { NODE_ID, replay, topicIdOf } from '../../helpers/replicas.js'

const { TOPIC, BROKER } = ConfigResourceType
const { DYNAMIC_TOPIC_CONFIG, DYNAMIC_BROKER_CONFIG, DYNAMIC_DEFAULT_BROKER_CONFIG, STATIC_BROKER_CONFIG, DEFAULT_CONFIG } = ConfigSource
const WITH_SYNONYMS = { includeSynonyms: true, includeDocumentation: false }

function describeWith(records: readonly MetadataRecord[], staticConfigs: Record<string, string>, resourceType: number, resourceName: string,
  configurationKeys: string[] | null = null, options = WITH_SYNONYMS): DescribeConfigsResourceResult {
  const { image } = replay([registerBroker(NODE_ID, 0n), topic('orders', topicIdOf(1)), partition(topicIdOf(1), 0, [NODE_ID], NODE_ID), ...records])
  return describeConfigs({ image, nodeId: NODE_ID, staticConfigs: new Map(Object.entries(staticConfigs)) }, { resourceType, resourceName, configurationKeys }, options)
}

function entry(result: DescribeConfigsResourceResult, name: string): DescribedConfig {
  assert.equal(result.errorCode, ErrorCode.NONE, result.errorMessage ?? '')
  const found = result.configs.find((described) => described.name === name)
  assert.ok(found, `${name} is described`)
  return found
}

const shape = ({ value, configSource, synonyms }: DescribedConfig): unknown => ({ value, configSource, synonyms })

describe('DescribeConfigs of a topic', () => {
  it('describes every topic config of a topic without overrides from Kafka\'s defaults', () => {
    const result = describeWith([], {}, TOPIC, 'orders')
    assert.equal(result.configs.length, 36)
    assert.deepEqual(shape(entry(result, 'cleanup.policy')), { value: 'delete', configSource: DEFAULT_CONFIG, synonyms: [{ name: 'log.cleanup.policy', value: 'delete', source: DEFAULT_CONFIG }] })
    assert.deepEqual(shape(entry(result, 'max.message.bytes')), { value: '1048588', configSource: DEFAULT_CONFIG, synonyms: [{ name: 'message.max.bytes', value: '1048588', source: DEFAULT_CONFIG }] })
    // Kafka drops the synonyms before the first named log.retention.ms: only log.retention.hours has a default.
    assert.deepEqual(shape(entry(result, 'retention.ms')), { value: '604800000', configSource: DEFAULT_CONFIG, synonyms: [] })
    assert.deepEqual(shape(entry(result, 'remote.storage.enable')), { value: 'false', configSource: DEFAULT_CONFIG, synonyms: [] })
    const retention = entry(result, 'retention.ms')
    assert.equal(retention.readOnly, false)
    assert.equal(retention.isSensitive, false)
    assert.equal(retention.configType, ConfigResponseType.LONG)
    assert.equal(retention.documentation, null)
  })

  it('reports a key set in server.properties as STATIC_BROKER_CONFIG through its synonym', () => {
    const result = describeWith([], { 'log.segment.bytes': '536870912', 'log.retention.ms': '3600000' }, TOPIC, 'orders')
    assert.deepEqual(shape(entry(result, 'segment.bytes')), {
      value: '536870912', configSource: STATIC_BROKER_CONFIG,
      synonyms: [{ name: 'log.segment.bytes', value: '536870912', source: STATIC_BROKER_CONFIG }, { name: 'log.segment.bytes', value: '1073741824', source: DEFAULT_CONFIG }],
    })
    assert.deepEqual(shape(entry(result, 'retention.ms')), {
      value: '3600000', configSource: STATIC_BROKER_CONFIG,
      synonyms: [{ name: 'log.retention.ms', value: '3600000', source: STATIC_BROKER_CONFIG }, { name: 'log.retention.hours', value: '168', source: DEFAULT_CONFIG }],
    })
  })

  it('takes log.retention.hours from server.properties for the value, but shows no synonym, as Kafka does', () => {
    const result = describeWith([], { 'log.retention.hours': '24' }, TOPIC, 'orders')
    assert.deepEqual(shape(entry(result, 'retention.ms')), { value: '86400000', configSource: DEFAULT_CONFIG, synonyms: [] })
  })

  it('reports a topic override as DYNAMIC_TOPIC_CONFIG ahead of the broker synonyms', () => {
    const result = describeWith([config(TOPIC, 'orders', 'retention.ms', '3600000')], { 'log.retention.ms': '7200000' }, TOPIC, 'orders')
    assert.deepEqual(shape(entry(result, 'retention.ms')), {
      value: '3600000', configSource: DYNAMIC_TOPIC_CONFIG,
      synonyms: [
        { name: 'retention.ms', value: '3600000', source: DYNAMIC_TOPIC_CONFIG },
        { name: 'log.retention.ms', value: '7200000', source: STATIC_BROKER_CONFIG },
        { name: 'log.retention.hours', value: '168', source: DEFAULT_CONFIG },
      ],
    })
  })

  it('orders dynamic per-broker, dynamic default, static and default synonyms as Kafka does', () => {
    const result = describeWith([
      config(BROKER, String(NODE_ID), 'log.cleanup.policy', 'compact'),
      config(BROKER, '', 'log.cleanup.policy', 'compact,delete'),
    ], { 'log.cleanup.policy': 'delete' }, TOPIC, 'orders')
    assert.deepEqual(shape(entry(result, 'cleanup.policy')), {
      value: 'compact', configSource: DYNAMIC_BROKER_CONFIG,
      synonyms: [
        { name: 'log.cleanup.policy', value: 'compact', source: DYNAMIC_BROKER_CONFIG },
        { name: 'log.cleanup.policy', value: 'compact,delete', source: DYNAMIC_DEFAULT_BROKER_CONFIG },
        { name: 'log.cleanup.policy', value: 'delete', source: STATIC_BROKER_CONFIG },
        { name: 'log.cleanup.policy', value: 'delete', source: DEFAULT_CONFIG },
      ],
    })
  })

  it('lists only the requested keys, and synonyms and documentation only when asked', () => {
    const result = describeWith([], {}, TOPIC, 'orders', ['retention.ms', 'no.such.config'], { includeSynonyms: false, includeDocumentation: true })
    assert.deepEqual(result.configs.map(({ name }) => name), ['retention.ms'])
    assert.deepEqual(result.configs[0]?.synonyms, [])
    assert.match(result.configs[0]?.documentation ?? '', /segments/)
    assert.equal(describeWith([], {}, TOPIC, 'orders', []).configs.length, 36, 'an empty key list means all')
  })

  it('answers a missing topic with UNKNOWN_TOPIC_OR_PARTITION and no message, an illegal name with INVALID_TOPIC_EXCEPTION', () => {
    assert.deepEqual(describeWith([], {}, TOPIC, 'missing'), { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: null, resourceType: TOPIC, resourceName: 'missing', configs: [] })
    assert.equal(describeWith([], {}, TOPIC, 'bad/name').errorCode, ErrorCode.INVALID_TOPIC_EXCEPTION)
  })
})

describe('DescribeConfigs of a broker', () => {
  it('describes every broker key of this node with its source, synonyms and read-only flag', () => {
    const result = describeWith([config(BROKER, String(NODE_ID), 'message.max.bytes', '2000000')], { 'log.retention.hours': '24', 'node.id': '1' }, BROKER, String(NODE_ID))
    assert.deepEqual(shape(entry(result, 'log.retention.hours')), {
      value: '24', configSource: STATIC_BROKER_CONFIG,
      synonyms: [{ name: 'log.retention.hours', value: '24', source: STATIC_BROKER_CONFIG }, { name: 'log.retention.hours', value: '168', source: DEFAULT_CONFIG }],
    })
    assert.deepEqual(shape(entry(result, 'log.retention.ms')), { value: null, configSource: DEFAULT_CONFIG, synonyms: [] })
    assert.deepEqual(shape(entry(result, 'message.max.bytes')), {
      value: '2000000', configSource: DYNAMIC_BROKER_CONFIG,
      synonyms: [{ name: 'message.max.bytes', value: '2000000', source: DYNAMIC_BROKER_CONFIG }, { name: 'message.max.bytes', value: '1048588', source: DEFAULT_CONFIG }],
    })
    assert.equal(entry(result, 'node.id').readOnly, true)
    assert.equal(entry(result, 'node.id').configSource, STATIC_BROKER_CONFIG)
    assert.equal(entry(result, 'message.max.bytes').readOnly, false)
    assert.equal(entry(result, 'log.message.timestamp.before.max.ms').value, '9223372036854775807', 'topic synonyms Sluice does not read are listed too')
  })

  it('describes the cluster-wide resource as its dynamic defaults only', () => {
    const result = describeWith([config(BROKER, '', 'log.retention.ms', '1000'), config(BROKER, String(NODE_ID), 'log.retention.ms', '5')], { 'log.retention.ms': '7' }, BROKER, '')
    assert.deepEqual(result.configs.map(shape), [{ value: '1000', configSource: DYNAMIC_DEFAULT_BROKER_CONFIG, synonyms: [{ name: 'log.retention.ms', value: '1000', source: DYNAMIC_DEFAULT_BROKER_CONFIG }] }])
  })

  it('refuses another broker\'s id and a name that is not an id with INVALID_REQUEST', () => {
    assert.deepEqual(describeWith([], {}, BROKER, '2'), {
      errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Unexpected broker id, expected 1 or empty string, but received 2', resourceType: BROKER, resourceName: '2', configs: [],
    })
    assert.equal(describeWith([], {}, BROKER, 'one').errorMessage, 'Broker id must be an integer, but it is: one')
  })
})
