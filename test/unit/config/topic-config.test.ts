import assert from 'node:assert/strict'
import { test } from 'node:test'
import { dynamicLogDefaults, topicConfigError, topicLogConfig, topicMinInsyncReplicas } from '../../../src/config/topic-config.js'
import { DEFAULT_LOG_CONFIG, NO_LIMIT, logConfig } from '../../../src/log/log-config.js'

test('topicConfigError accepts valid values of known topic configs', () => {
  const valid: ReadonlyArray<[string, string]> = [
    ['segment.bytes', '1048576'], ['retention.ms', '-1'], ['retention.ms', '9223372036854775807'],
    ['retention.bytes', '-1'], ['cleanup.policy', 'compact,delete'], ['cleanup.policy', 'delete'],
    ['message.timestamp.type', 'LogAppendTime'], ['min.cleanable.dirty.ratio', '0.1'], ['preallocate', 'true'],
    ['compression.type', 'zstd'], ['min.insync.replicas', '2'], ['unclean.leader.election.enable', 'false'],
    ['max.message.bytes', '0'],
  ]
  for (const [name, value] of valid) assert.equal(topicConfigError(name, value), undefined, `${name}=${value}`)
})

test('topicConfigError names an unknown config', () => {
  assert.equal(topicConfigError('no.such.config', '1'), 'Unknown topic config name: no.such.config')
  // Broker-level names are not topic configs.
  assert.equal(topicConfigError('log.retention.ms', '1'), 'Unknown topic config name: log.retention.ms')
})

test('topicConfigError refuses a null value', () => {
  assert.equal(topicConfigError('retention.ms', null), 'Null value not supported for topic configs: retention.ms')
  assert.equal(topicConfigError('compression.type', null), 'Null value not supported for topic configs: compression.type')
})

test('topicConfigError refuses invalid values in Kafka\'s words, with the reason', () => {
  const invalid: ReadonlyArray<[string, string, string]> = [
    ['segment.bytes', 'abc', 'abc: Not a number of type INT'], ['segment.bytes', '13', '13: Value must be at least 14'],
    ['segment.bytes', '1.5', '1.5: Not a number of type INT'], ['segment.bytes', '', ': Not a number of type INT'],
    ['retention.ms', '-2', '-2: Value must be at least -1'], ['retention.ms', '9223372036854775808', '9223372036854775808: Not a number of type LONG'],
    ['segment.ms', '0', '0: Value must be at least 1'],
    ['cleanup.policy', 'compact,archive', 'archive: String must be one of: compact, delete'],
    ['message.timestamp.type', 'createtime', 'createtime: String must be one of: CreateTime, LogAppendTime'],
    ['min.cleanable.dirty.ratio', '1.5', '1.5: Value must be no more than 1'], ['preallocate', 'yes', 'yes: Expected value to be either true or false'],
    ['compression.type', 'brotli', 'brotli: String must be one of: uncompressed, zstd, lz4, snappy, gzip, producer'],
    ['min.insync.replicas', '0', '0: Value must be at least 1'], ['unclean.leader.election.enable', 'TRUE-ish', 'TRUE-ish: Expected value to be either true or false'],
  ]
  for (const [name, value, reason] of invalid) {
    const colon = reason.indexOf(': ')
    assert.equal(topicConfigError(name, value), `Invalid value ${reason.slice(0, colon)} for configuration ${name}: ${reason.slice(colon + 2)}`, `${name}=${value}`)
  }
})

test('topicLogConfig returns the defaults when there are no overrides', () => {
  const defaults = logConfig({ segmentBytes: 4096 })
  assert.equal(topicLogConfig(defaults, undefined), defaults)
  assert.equal(topicLogConfig(defaults, new Map()), defaults)
})

test('topicLogConfig applies segment.bytes, retention.ms, cleanup.policy and message.timestamp.type overrides', () => {
  const config = topicLogConfig(DEFAULT_LOG_CONFIG, new Map([
    ['segment.bytes', '1048576'],
    ['retention.ms', '60000'],
    ['cleanup.policy', 'compact,delete'],
    ['message.timestamp.type', 'LogAppendTime'],
    ['min.insync.replicas', '2'],
  ]))
  assert.deepEqual(config, {
    ...DEFAULT_LOG_CONFIG,
    segmentBytes: 1048576,
    retentionMs: 60000,
    cleanupPolicy: ['compact', 'delete'],
    messageTimestampType: 'LogAppendTime',
  })
  assert.equal(DEFAULT_LOG_CONFIG.segmentBytes, 1024 * 1024 * 1024, 'the defaults are not changed')
})

test('topicLogConfig reads retention.ms of Long.MAX_VALUE as no limit, and -1 as keep forever', () => {
  assert.equal(topicLogConfig(DEFAULT_LOG_CONFIG, new Map([['retention.ms', '9223372036854775807']])).retentionMs, NO_LIMIT)
  assert.equal(topicLogConfig(DEFAULT_LOG_CONFIG, new Map([['retention.ms', '-1']])).retentionMs, -1)
})

test('topicLogConfig ignores invalid overrides and keeps the valid ones', () => {
  const config = topicLogConfig(DEFAULT_LOG_CONFIG, new Map([
    ['segment.bytes', 'huge'],
    ['retention.ms', '-5'],
    ['cleanup.policy', 'archive'],
    ['message.timestamp.type', 'Now'],
    ['segment.ms', '1000'],
  ]))
  assert.deepEqual(config, { ...DEFAULT_LOG_CONFIG, segmentMs: 1000 })
})

test('topicMinInsyncReplicas takes the topic override, else the broker default', () => {
  assert.equal(topicMinInsyncReplicas(1, undefined), 1)
  assert.equal(topicMinInsyncReplicas(1, new Map([['retention.ms', '1000']])), 1)
  assert.equal(topicMinInsyncReplicas(1, new Map([['min.insync.replicas', '2']])), 2)
  assert.equal(topicMinInsyncReplicas(2, new Map([['min.insync.replicas', 'two']])), 2)
})

test('dynamicLogDefaults applies dynamic broker configs over server.properties, per broker before cluster default', () => {
  const layers = (perBroker: Record<string, string>, clusterDefaults: Record<string, string>, staticConfigs: Record<string, string> = {}) => ({
    nodeId: 1, staticConfigs: new Map(Object.entries(staticConfigs)), perBroker: new Map(Object.entries(perBroker)), clusterDefaults: new Map(Object.entries(clusterDefaults)),
  })
  assert.equal(dynamicLogDefaults(DEFAULT_LOG_CONFIG, layers({}, {})), DEFAULT_LOG_CONFIG)
  assert.deepEqual(dynamicLogDefaults(DEFAULT_LOG_CONFIG, layers({ 'message.max.bytes': '2000' }, { 'message.max.bytes': '3000', 'log.retention.hours': '1' })),
    { ...DEFAULT_LOG_CONFIG, maxMessageBytes: 2000, retentionMs: 3_600_000 })
  // log.retention.ms in server.properties outranks a dynamic log.retention.hours, as in Kafka.
  const staticMs = logConfig({ retentionMs: 60_000 })
  assert.equal(dynamicLogDefaults(staticMs, layers({}, { 'log.retention.hours': '1' }, { 'log.retention.ms': '60000' })).retentionMs, 60_000)
  assert.deepEqual(dynamicLogDefaults(DEFAULT_LOG_CONFIG, layers({}, { 'log.cleanup.policy': 'compact' })).cleanupPolicy, ['compact'])
})
