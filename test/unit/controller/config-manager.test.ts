// Config changes as ConfigRecords: AlterConfigs replaces a resource's dynamic configs,
// IncrementalAlterConfigs applies SET, DELETE, APPEND and SUBTRACT; refusals carry Kafka's codes and words.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { AlterConfigOp, planConfigChanges } from '../../../src/controller/config-manager.js'
import type { AlterConfigsMode, AlterableConfig, ConfigChangePlan } from '../../../src/controller/config-manager.js'
import { ConfigResourceType } from '../../../src/metadata/image.js'
import type { MetadataRecord } from '../../../src/metadata/metadata-record-codec.js'
import { ErrorCode } from '../../../src/protocol/error-codes.js'
import { config, partition, registerBroker, topic } from '../../helpers/metadata-records.js'
import { NODE_ID, replay, topicIdOf } from '../../helpers/replicas.js'

const { TOPIC, BROKER } = ConfigResourceType
const { SET, DELETE, APPEND, SUBTRACT } = AlterConfigOp

function plan(existing: readonly MetadataRecord[], resourceType: number, resourceName: string, configs: AlterableConfig[],
  mode: AlterConfigsMode = 'incremental', validateOnly = false): ConfigChangePlan {
  const { image } = replay([registerBroker(NODE_ID, 0n), topic('orders', topicIdOf(1)), partition(topicIdOf(1), 0, [NODE_ID], NODE_ID), ...existing])
  return planConfigChanges({ image, nodeId: NODE_ID, staticConfigs: new Map() }, [{ resourceType, resourceName, configs }], mode, validateOnly)
}

function refusal(result: ConfigChangePlan): [number | undefined, string | null | undefined] {
  assert.deepEqual(result.records, [], 'a refused resource writes nothing')
  return [result.results[0]?.errorCode, result.results[0]?.errorMessage]
}

const ORDERS_RETENTION = config(TOPIC, 'orders', 'retention.ms', '1000')

describe('config manager', () => {
  it('legacy AlterConfigs replaces the set: keys it does not name are deleted', () => {
    const result = plan([ORDERS_RETENTION, config(TOPIC, 'orders', 'cleanup.policy', 'compact')], TOPIC, 'orders',
      [{ name: 'segment.bytes', value: '1048576' }, { name: 'cleanup.policy', value: 'compact' }], 'legacy')
    assert.deepEqual(result.results, [{ resourceType: TOPIC, resourceName: 'orders', errorCode: ErrorCode.NONE, errorMessage: null }])
    assert.deepEqual(result.records, [config(TOPIC, 'orders', 'segment.bytes', '1048576'), config(TOPIC, 'orders', 'retention.ms', null)])
  })

  it('IncrementalAlterConfigs sets and deletes only the keys it names', () => {
    const result = plan([ORDERS_RETENTION, config(TOPIC, 'orders', 'segment.ms', '60000')], TOPIC, 'orders', [
      { name: 'retention.ms', value: '2000', configOperation: SET }, { name: 'segment.ms', value: null, configOperation: DELETE },
    ])
    assert.deepEqual(result.records, [config(TOPIC, 'orders', 'retention.ms', '2000'), config(TOPIC, 'orders', 'segment.ms', null)])
  })

  it('APPEND and SUBTRACT edit a LIST config, starting from Kafka\'s default', () => {
    const appended = plan([], TOPIC, 'orders', [{ name: 'cleanup.policy', value: 'compact', configOperation: APPEND }])
    assert.deepEqual(appended.records, [config(TOPIC, 'orders', 'cleanup.policy', 'delete,compact')])
    const subtracted = plan([config(TOPIC, 'orders', 'cleanup.policy', 'delete,compact')], TOPIC, 'orders', [{ name: 'cleanup.policy', value: 'delete', configOperation: SUBTRACT }])
    assert.deepEqual(subtracted.records, [config(TOPIC, 'orders', 'cleanup.policy', 'compact')])
  })

  it('refuses APPEND to a topic config that is not a LIST with INVALID_CONFIG, and to a broker one with INVALID_REQUEST', () => {
    assert.deepEqual(refusal(plan([], TOPIC, 'orders', [{ name: 'retention.ms', value: '1', configOperation: APPEND }])),
      [ErrorCode.INVALID_CONFIG, 'Can\'t APPEND to key retention.ms because its type is not LIST.'])
    assert.deepEqual(refusal(plan([], BROKER, '', [{ name: 'message.max.bytes', value: '1', configOperation: SUBTRACT }])),
      [ErrorCode.INVALID_REQUEST, 'Config value subtract is not allowed for config key: message.max.bytes'])
  })

  it('refuses invalid and unknown topic configs with INVALID_CONFIG in Kafka\'s words', () => {
    assert.deepEqual(refusal(plan([], TOPIC, 'orders', [{ name: 'retention.ms', value: 'soon', configOperation: SET }])),
      [ErrorCode.INVALID_CONFIG, 'Invalid value soon for configuration retention.ms: Not a number of type LONG'])
    assert.deepEqual(refusal(plan([], TOPIC, 'orders', [{ name: 'retention.hours', value: '1', configOperation: SET }])),
      [ErrorCode.INVALID_CONFIG, 'Unknown topic config name: retention.hours'])
    assert.deepEqual(refusal(plan([], TOPIC, 'orders', [{ name: 'min.compaction.lag.ms', value: '10', configOperation: SET }, { name: 'max.compaction.lag.ms', value: '5', configOperation: SET }])),
      [ErrorCode.INVALID_CONFIG, 'conflict topic config setting min.compaction.lag.ms (10) > max.compaction.lag.ms (5)'])
  })

  it('refuses a missing topic, duplicate keys, null values and a repeated resource', () => {
    assert.deepEqual(refusal(plan([], TOPIC, 'missing', [{ name: 'retention.ms', value: '1', configOperation: SET }])),
      [ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 'The topic \'missing\' does not exist.'])
    assert.deepEqual(refusal(plan([], TOPIC, 'orders', [{ name: 'retention.ms', value: '1', configOperation: SET }, { name: 'retention.ms', value: '2', configOperation: SET }])),
      [ErrorCode.INVALID_REQUEST, 'Error due to duplicate config keys'])
    assert.deepEqual(refusal(plan([], TOPIC, 'orders', [{ name: 'retention.ms', value: null }], 'legacy')),
      [ErrorCode.INVALID_REQUEST, 'Null value not supported for : retention.ms'])
    const { image } = replay([topic('orders', topicIdOf(1))])
    const resource = { resourceType: TOPIC, resourceName: 'orders', configs: [{ name: 'retention.ms', value: '1' }] }
    const twice = planConfigChanges({ image, nodeId: NODE_ID, staticConfigs: new Map() }, [resource, resource], 'legacy', false)
    assert.deepEqual(twice.results.map(({ errorCode, errorMessage }) => [errorCode, errorMessage]),
      [[ErrorCode.INVALID_REQUEST, 'Each resource must appear at most once.'], [ErrorCode.INVALID_REQUEST, 'Each resource must appear at most once.']])
  })

  it('writes dynamic broker configs per broker and as cluster-wide defaults', () => {
    assert.deepEqual(plan([], BROKER, String(NODE_ID), [{ name: 'message.max.bytes', value: '2000000', configOperation: SET }]).records,
      [config(BROKER, String(NODE_ID), 'message.max.bytes', '2000000')])
    assert.deepEqual(plan([config(BROKER, '', 'log.retention.ms', '5')], BROKER, '', [{ name: 'log.cleanup.policy', value: 'compact', configOperation: SET }], 'legacy').records,
      [config(BROKER, '', 'log.cleanup.policy', 'compact'), config(BROKER, '', 'log.retention.ms', null)])
  })

  it('refuses read-only broker keys, per-broker keys at cluster level, bad values and another node\'s id', () => {
    assert.deepEqual(refusal(plan([], BROKER, String(NODE_ID), [{ name: 'node.id', value: '2', configOperation: SET }])),
      [ErrorCode.INVALID_REQUEST, 'Cannot update these configs dynamically: Set(node.id)'])
    assert.deepEqual(refusal(plan([], BROKER, '', [{ name: 'listeners', value: 'PLAINTEXT://:9093', configOperation: SET }])),
      [ErrorCode.INVALID_REQUEST, 'Cannot update these configs at default cluster level, broker id must be specified: Set(listeners)'])
    assert.deepEqual(refusal(plan([], BROKER, '', [{ name: 'message.max.bytes', value: 'big', configOperation: SET }])),
      [ErrorCode.INVALID_REQUEST, 'Invalid value big for configuration message.max.bytes: Not a number of type INT'])
    assert.deepEqual(refusal(plan([], BROKER, '2', [{ name: 'message.max.bytes', value: '1', configOperation: SET }])),
      [ErrorCode.INVALID_REQUEST, 'Unexpected broker id, expected 1, but received 2'])
  })

  it('validateOnly answers as a real change would but writes no records', () => {
    const result = plan([], TOPIC, 'orders', [{ name: 'retention.ms', value: '1', configOperation: SET }], 'incremental', true)
    assert.deepEqual(result.records, [])
    assert.equal(result.results[0]?.errorCode, ErrorCode.NONE)
  })
})
