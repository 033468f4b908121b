import assert from 'node:assert/strict'
import { test } from 'node:test'
import { topicConfigError, topicLogConfig, topicMinInsyncReplicas } from '../../../src/config/topic-config.js'
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

test('topicConfigError refuses invalid values in Kafka\'s words', () => {
  const invalid: ReadonlyArray<[string, string]> = [
    ['segment.bytes', 'abc'], ['segment.bytes', '13'], ['segment.bytes', '1.5'], ['segment.bytes', ''],
    ['retention.ms', '-2'], ['retention.ms', '9223372036854775808'], ['segment.ms', '0'],
    ['cleanup.policy', 'compact,archive'], ['message.timestamp.type', 'createtime'],
    ['min.cleanable.dirty.ratio', '1.5'], ['preallocate', 'yes'], ['compression.type', 'brotli'],
    ['min.insync.replicas', '0'], ['unclean.leader.election.enable', 'TRUE-ish'],
  ]
  for (const [name, value] of invalid) {
    assert.equal(topicConfigError(name, value), `Invalid value ${value} for configuration ${name}`, `${name}=${value}`)
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
