import assert from 'node:assert/strict'
import { test } from 'node:test'
import { BROKER_CONFIG_KEYS, LONG_MAX_VALUE } from '../../../src/config/broker-config-keys.js'
import { parseBrokerConfig } from '../../../src/config/broker-config.js'
import { ConfigError } from '../../../src/config/config-error.js'
import { toLogConfig } from '../../../src/config/log-config-defaults.js'
import { DEFAULT_LOG_CONFIG, NO_LIMIT } from '../../../src/log/log-config.js'

/** The smallest valid combined node; tests add or replace keys. */
const COMBINED: Record<string, string> = {
  'node.id': '1',
  'process.roles': 'broker,controller',
  listeners: 'PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093',
  'controller.listener.names': 'CONTROLLER',
  'controller.quorum.voters': '1@127.0.0.1:9093',
  'log.dirs': '/data',
}

function parse(changes: Record<string, string | undefined> = {}, overrides: string[] = []): ReturnType<typeof parseBrokerConfig> {
  const properties = new Map(Object.entries({ ...COMBINED, ...changes }).filter((entry): entry is [string, string] => entry[1] !== undefined))
  return parseBrokerConfig(properties, overrides)
}

function assertConfigError(changes: Record<string, string | undefined>, key: string, pattern: RegExp): void {
  assert.throws(() => parse(changes), (error: unknown) => {
    assert.ok(error instanceof ConfigError, String(error))
    assert.equal(error.code, 'ERR_CONFIG_INVALID')
    assert.equal(error.key, key)
    assert.match(error.message, pattern)
    assert.ok(!error.message.includes('\n'), 'one line')
    return true
  })
}

test('keys left out take Kafka 3.9 defaults', () => {
  const { config, warnings } = parse()
  assert.deepEqual(warnings, [])
  assert.equal(config.numPartitions, 1)
  assert.equal(config.defaultReplicationFactor, 1)
  assert.equal(config.minInsyncReplicas, 1)
  assert.equal(config.autoCreateTopicsEnable, true)
  assert.equal(config.messageMaxBytes, 1048588)
  assert.equal(config.socketRequestMaxBytes, 104857600)
  assert.equal(config.socketSendBufferBytes, 102400)
  assert.equal(config.connectionsMaxIdleMs, 600000)
  assert.equal(config.queuedMaxRequestBytes, -1)
  assert.equal(config.numNetworkThreads, 3)
  assert.equal(config.numIoThreads, 8)
  assert.equal(config.logSegmentBytes, 1073741824)
  assert.equal(config.logRollMs, 168 * 3600000)
  assert.equal(config.logRollJitterMs, 0)
  assert.equal(config.logRetentionMs, 604800000)
  assert.equal(config.logRetentionBytes, -1)
  assert.equal(config.logRetentionCheckIntervalMs, 300000)
  assert.deepEqual(config.logCleanupPolicy, ['delete'])
  assert.equal(config.logCleanerMinCleanableRatio, 0.5)
  assert.equal(config.logCleanerDeleteRetentionMs, 86400000)
  assert.equal(config.logCleanerMaxCompactionLagMs, LONG_MAX_VALUE)
  assert.equal(config.logIndexSizeMaxBytes, 10485760)
  assert.equal(config.logFlushIntervalMessages, LONG_MAX_VALUE)
  assert.equal(config.logFlushIntervalMs, LONG_MAX_VALUE, 'falls back to log.flush.scheduler.interval.ms')
  assert.equal(config.logSegmentDeleteDelayMs, 60000)
  assert.equal(config.logMessageTimestampType, 'CreateTime')
  assert.equal(config.compressionType, 'producer')
  assert.equal(config.offsetsTopicNumPartitions, 50)
  assert.equal(config.offsetsTopicReplicationFactor, 3)
  assert.equal(config.offsetsTopicSegmentBytes, 104857600)
  assert.equal(config.offsetsRetentionMinutes, 10080)
  assert.equal(config.groupInitialRebalanceDelayMs, 3000)
  assert.equal(config.groupMinSessionTimeoutMs, 6000)
  assert.equal(config.groupMaxSessionTimeoutMs, 1800000)
  assert.equal(config.groupMaxSize, 2147483647)
  assert.equal(config.transactionStateLogNumPartitions, 50)
  assert.equal(config.transactionalIdExpirationMs, 604800000)
  assert.equal(config.transactionMaxTimeoutMs, 900000)
  assert.equal(config.replicaLagTimeMaxMs, 30000)
  assert.equal(config.uncleanLeaderElectionEnable, false)
  assert.equal(config.brokerRack, undefined)
  assert.equal(config.interBrokerListenerName, 'PLAINTEXT')
  assert.equal(config.metricsPort, 9404)
  assert.equal(LONG_MAX_VALUE, NO_LIMIT)
})

test('the key table names every key once, and marks the keys that are Sluice\'s own', () => {
  const keys = Object.values(BROKER_CONFIG_KEYS)
  assert.equal(new Set(keys.map((key) => key.name)).size, keys.length)
  assert.deepEqual(keys.filter((key) => 'owner' in key).map((key) => key.name), ['metrics.port', 'metrics.host', 'metrics.enabled', 'metrics.partition.series.max', 'log.level', 'log.slow.request.ms'])
})

test('the config is frozen and drops the keys that only feed a resolved value', () => {
  const { config } = parse()
  assert.ok(Object.isFrozen(config))
  assert.ok(Object.isFrozen(config.listeners) && Object.isFrozen(config.listeners[0]))
  for (const gone of ['logDir', 'logRollHours', 'logRetentionHours', 'logRetentionMinutes', 'logRollJitterHours']) assert.ok(!(gone in config), gone)
})

test('log.retention.ms takes precedence over minutes, and minutes over hours; negative is -1', () => {
  assert.equal(parse({ 'log.retention.hours': '2' }).config.logRetentionMs, 2 * 3600000)
  assert.equal(parse({ 'log.retention.hours': '2', 'log.retention.minutes': '3' }).config.logRetentionMs, 3 * 60000)
  assert.equal(parse({ 'log.retention.hours': '2', 'log.retention.minutes': '3', 'log.retention.ms': '5' }).config.logRetentionMs, 5)
  assert.equal(parse({ 'log.retention.ms': '-1' }).config.logRetentionMs, -1)
  assert.equal(parse({ 'log.retention.hours': '-5' }).config.logRetentionMs, -1)
  assertConfigError({ 'log.retention.ms': '0' }, 'log.retention.ms', /unlimited \(-1\) or, greater than or equal to 1/)
})

test('log.roll.ms and log.roll.jitter.ms take precedence over their hours forms', () => {
  assert.equal(parse({ 'log.roll.hours': '1' }).config.logRollMs, 3600000)
  assert.equal(parse({ 'log.roll.hours': '1', 'log.roll.ms': '1000' }).config.logRollMs, 1000)
  assert.equal(parse({ 'log.roll.jitter.hours': '2' }).config.logRollJitterMs, 7200000)
  assert.equal(parse({ 'log.roll.jitter.hours': '2', 'log.roll.jitter.ms': '7' }).config.logRollJitterMs, 7)
  assertConfigError({ 'log.roll.ms': '0' }, 'log.roll.ms', /at least 1/)
})

test('log.dirs takes precedence over log.dir, and log.dir over its default', () => {
  assert.deepEqual(parse({ 'log.dirs': ' /a , /b ', 'log.dir': '/c' }).config.logDirs, ['/a', '/b'])
  assert.deepEqual(parse({ 'log.dirs': undefined, 'log.dir': '/c' }).config.logDirs, ['/c'])
  assert.deepEqual(parse({ 'log.dirs': undefined }).config.logDirs, ['/tmp/kafka-logs'])
  assertConfigError({ 'log.dirs': ' , ' }, 'log.dirs', /At least one log directory/)
})

test('log.flush.interval.ms, when set, replaces the scheduler interval', () => {
  assert.equal(parse({ 'log.flush.scheduler.interval.ms': '2000' }).config.logFlushIntervalMs, 2000)
  assert.equal(parse({ 'log.flush.scheduler.interval.ms': '2000', 'log.flush.interval.ms': '10' }).config.logFlushIntervalMs, 10)
})

test('--override values replace the file\'s, and may add keys', () => {
  const { config } = parse({ 'num.partitions': '3' }, ['num.partitions=5', 'broker.rack = rack-a', 'metrics.port=0', 'log.dirs=/x=y'])
  assert.equal(config.numPartitions, 5)
  assert.equal(config.brokerRack, 'rack-a')
  assert.equal(config.metricsPort, 0)
  assert.deepEqual(config.logDirs, ['/x=y'])
  assert.throws(() => parse({}, ['num.partitions']), (error: unknown) => error instanceof ConfigError && /Invalid override num\.partitions/.test(error.message))
})

test('an unknown key is a warning naming it, not an error', () => {
  const { warnings } = parse({ 'sasl.enabled.mechanisms': 'PLAIN', 'num.partitons': '3' })
  assert.deepEqual(warnings, [
    "The configuration 'sasl.enabled.mechanisms' was supplied but isn't a known config.",
    "The configuration 'num.partitons' was supplied but isn't a known config.",
  ])
})

test('each kind of invalid value is a ConfigError naming the key, the value and what is allowed', () => {
  assertConfigError({ 'num.partitions': 'abc' }, 'num.partitions', /^Invalid value abc for configuration num\.partitions: Not a number of type INT$/)
  assertConfigError({ 'num.partitions': '2147483648' }, 'num.partitions', /Not a number of type INT/)
  assertConfigError({ 'num.partitions': '1.5' }, 'num.partitions', /Not a number of type INT/)
  assertConfigError({ 'num.partitions': '0' }, 'num.partitions', /^Invalid value 0 for configuration num\.partitions: Value must be at least 1$/)
  assertConfigError({ 'offsets.topic.replication.factor': '32768' }, 'offsets.topic.replication.factor', /Not a number of type SHORT/)
  assertConfigError({ 'log.retention.bytes': '9223372036854775808' }, 'log.retention.bytes', /Not a number of type LONG/)
  assertConfigError({ 'log.cleaner.min.cleanable.ratio': 'half' }, 'log.cleaner.min.cleanable.ratio', /Not a number of type DOUBLE/)
  assertConfigError({ 'log.cleaner.min.cleanable.ratio': '1.5' }, 'log.cleaner.min.cleanable.ratio', /Value must be no more than 1/)
  assertConfigError({ 'auto.create.topics.enable': 'yes' }, 'auto.create.topics.enable', /Expected value to be either true or false/)
  assertConfigError({ 'compression.type': 'brotli' }, 'compression.type', /String must be one of: uncompressed, zstd, lz4, snappy, gzip, producer/)
  assertConfigError({ 'log.cleanup.policy': 'delete,shred' }, 'log.cleanup.policy', /^Invalid value shred for configuration log\.cleanup\.policy: String must be one of: compact, delete$/)
  assertConfigError({ 'process.roles': 'broker,observer' }, 'process.roles', /observer/)
  assertConfigError({ 'metrics.port': '65536' }, 'metrics.port', /no more than 65535/)
})

test('values are read as Kafka reads them: trimmed, case-insensitive booleans, Java number forms', () => {
  const { config } = parse({
    'num.partitions': ' +7 ', 'delete.topic.enable': 'FALSE', 'log.cleaner.min.cleanable.ratio': '.25',
    'log.retention.bytes': '9223372036854775807', 'log.cleanup.policy': 'compact , delete',
  })
  assert.equal(config.numPartitions, 7)
  assert.equal(config.deleteTopicEnable, false)
  assert.equal(config.logCleanerMinCleanableRatio, 0.25)
  assert.equal(config.logRetentionBytes, LONG_MAX_VALUE, 'Long.MAX_VALUE is read as Number.MAX_SAFE_INTEGER')
  assert.deepEqual(config.logCleanupPolicy, ['compact', 'delete'])
})

test('KRaft startup checks: roles, node.id, controller listeners, voters', () => {
  assertConfigError({ 'process.roles': undefined }, 'process.roles', /KRaft/)
  assertConfigError({ 'process.roles': 'broker,broker' }, 'process.roles', /Duplicate role names/)
  assertConfigError({ 'node.id': undefined }, 'node.id', /^Missing configuration `node\.id` which is required when `process\.roles` is defined/)
  assertConfigError({ 'controller.listener.names': undefined }, 'controller.listener.names', /must contain at least one value/)
  assertConfigError({ 'controller.listener.names': 'QUORUM', 'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT' }, 'controller.listener.names', /must only contain values appearing in the 'listeners' configuration.*QUORUM/)
  assertConfigError({ 'controller.quorum.voters': undefined }, 'controller.quorum.voters', /either controller\.quorum\.bootstrap\.servers .* or controller\.quorum\.voters/)
  assertConfigError({ 'controller.quorum.voters': '2@127.0.0.1:9093' }, 'controller.quorum.voters', /node id 1 must be included in the set of voters/)
  // A broker-only node: no controller listener of its own, and not a voter.
  const broker = { 'process.roles': 'broker', listeners: 'PLAINTEXT://:9092', 'controller.quorum.voters': '2@10.0.0.2:9093' }
  assert.deepEqual(parse(broker).config.processRoles, ['broker'])
  assert.equal(parse(broker).config.listenerSecurityProtocolMap.get('CONTROLLER'), 'PLAINTEXT')
  assertConfigError({ ...broker, listeners: 'PLAINTEXT://:9092,CONTROLLER://:9093' }, 'listeners', /must not contain a value appearing in the 'listeners' configuration when running KRaft with just the broker role/)
  assertConfigError({ ...broker, 'controller.quorum.voters': '1@10.0.0.1:9093' }, 'controller.quorum.voters', /must not be included in the set of voters/)
  // A controller-only node: only controller listeners.
  assert.deepEqual(parse({ 'process.roles': 'controller', listeners: 'CONTROLLER://:9093' }).config.processRoles, ['controller'])
  assertConfigError({ 'process.roles': 'controller' }, 'listeners', /must only contain KRaft controller listeners.*PLAINTEXT/)
  // Bootstrap servers alone are enough.
  const bootstrap = parse({ 'controller.quorum.voters': undefined, 'controller.quorum.bootstrap.servers': 'localhost:9093, [::1]:9094' }).config
  assert.deepEqual(bootstrap.controllerQuorumBootstrapServers, [{ host: 'localhost', port: 9093 }, { host: '::1', port: 9094 }])
})

test('advertised listeners: default to the broker listeners, never a controller listener or 0.0.0.0', () => {
  assert.deepEqual(parse().config.advertisedListeners, [{ name: 'PLAINTEXT', host: '127.0.0.1', port: 9092, securityProtocol: 'PLAINTEXT' }])
  const external = parse({ 'advertised.listeners': 'PLAINTEXT://broker.example:19092' }).config
  assert.deepEqual(external.advertisedListeners, [{ name: 'PLAINTEXT', host: 'broker.example', port: 19092, securityProtocol: 'PLAINTEXT' }])
  assertConfigError({ 'advertised.listeners': 'PLAINTEXT://a:9092,CONTROLLER://a:9093' }, 'advertised.listeners', /must not contain KRaft controller listeners/)
  assertConfigError({ 'advertised.listeners': 'PLAINTEXT://0.0.0.0:9092' }, 'advertised.listeners', /nonroutable meta-address 0\.0\.0\.0/)
  assertConfigError({ 'inter.broker.listener.name': 'INTERNAL' }, 'inter.broker.listener.name', /must be a listener name defined in advertised\.listeners\. The valid options based on currently configured listeners are PLAINTEXT/)
  assertConfigError({ 'inter.broker.listener.name': 'CONTROLLER' }, 'inter.broker.listener.name', /must not be a controller listener/)
})

test('listener.security.protocol.map: every listener needs a protocol; controller listeners default to PLAINTEXT only when it is not set', () => {
  const { config } = parse({ listeners: 'CLIENT://:9092,CONTROLLER://:9093', 'listener.security.protocol.map': 'client:ssl,CONTROLLER:PLAINTEXT', 'inter.broker.listener.name': 'CLIENT' })
  assert.deepEqual([...config.listenerSecurityProtocolMap], [['CLIENT', 'SSL'], ['CONTROLLER', 'PLAINTEXT']])
  assert.equal(config.listeners[0]?.securityProtocol, 'SSL')
  assertConfigError({ 'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT' }, 'listeners', /No security protocol defined for listener CONTROLLER/)
  assertConfigError({ 'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:TLS' }, 'listener.security.protocol.map', /Unknown security protocol TLS/)
  assertConfigError({ 'listener.security.protocol.map': 'PLAINTEXT,CONTROLLER:PLAINTEXT' }, 'listener.security.protocol.map', /not of the form NAME:PROTOCOL/)
  // With an SSL listener in use Kafka adds no default mapping for the controller listener.
  assertConfigError({ listeners: 'SSL://:9092,CONTROLLER://:9093', 'inter.broker.listener.name': 'SSL' }, 'listeners', /No security protocol defined for listener CONTROLLER/)
})

test('toLogConfig maps the broker log.* keys onto the topic-level LogConfig', () => {
  assert.deepEqual(toLogConfig(parse().config), DEFAULT_LOG_CONFIG, 'broker defaults are the log defaults')
  const config = parse({
    'log.segment.bytes': '1000', 'log.roll.ms': '2000', 'log.roll.jitter.ms': '3', 'log.index.size.max.bytes': '4096',
    'log.index.interval.bytes': '100', 'log.flush.interval.messages': '1', 'log.flush.interval.ms': '50',
    'log.retention.minutes': '1', 'log.retention.bytes': '5000', 'log.cleanup.policy': 'compact',
    'log.cleaner.delete.retention.ms': '6', 'log.cleaner.min.cleanable.ratio': '0.1', 'log.cleaner.min.compaction.lag.ms': '7',
    'log.cleaner.max.compaction.lag.ms': '8', 'log.segment.delete.delay.ms': '9', 'log.message.timestamp.type': 'LogAppendTime',
    'message.max.bytes': '10', 'log.preallocate': 'true',
  }).config
  assert.deepEqual(toLogConfig(config), {
    segmentBytes: 1000, segmentMs: 2000, segmentJitterMs: 3, segmentIndexBytes: 4096, indexIntervalBytes: 100,
    flushMessages: 1, flushMs: 50, retentionMs: 60000, retentionBytes: 5000, cleanupPolicy: ['compact'],
    deleteRetentionMs: 6, minCleanableDirtyRatio: 0.1, minCompactionLagMs: 7, maxCompactionLagMs: 8, fileDeleteDelayMs: 9,
    messageTimestampType: 'LogAppendTime', maxMessageBytes: 10, preallocate: true,
    messageTimestampBeforeMaxMs: NO_LIMIT, messageTimestampAfterMaxMs: NO_LIMIT,
  })
})
