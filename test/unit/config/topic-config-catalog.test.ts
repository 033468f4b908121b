// The catalog of Kafka 3.9's topic configs: every name, Kafka's types, defaults and broker synonyms,
// and the validators' answers in ConfigException's words.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { TOPIC_CONFIGS, formatConfigValue, parseTopicConfigValue, topicConfigDef } from '../../../src/config/topic-config-catalog.js'
import type { TopicConfigDef } from '../../../src/config/topic-config-catalog.js'

function def(name: string): TopicConfigDef {
  const found = topicConfigDef(name)
  assert.ok(found, `${name} is in the catalog`)
  return found
}

function parse(name: string, text: string): string {
  const parsed = parseTopicConfigValue(def(name), text)
  return 'error' in parsed ? parsed.error : parsed.text
}

describe('topic config catalog', () => {
  it('lists every topic config of Kafka 3.9, in name order', () => {
    assert.deepEqual([...TOPIC_CONFIGS.keys()], [
      'cleanup.policy', 'compression.gzip.level', 'compression.lz4.level', 'compression.type', 'compression.zstd.level',
      'delete.retention.ms', 'file.delete.delay.ms', 'flush.messages', 'flush.ms', 'follower.replication.throttled.replicas',
      'index.interval.bytes', 'leader.replication.throttled.replicas', 'local.retention.bytes', 'local.retention.ms',
      'max.compaction.lag.ms', 'max.message.bytes', 'message.downconversion.enable', 'message.format.version',
      'message.timestamp.after.max.ms', 'message.timestamp.before.max.ms', 'message.timestamp.difference.max.ms',
      'message.timestamp.type', 'min.cleanable.dirty.ratio', 'min.compaction.lag.ms', 'min.insync.replicas', 'preallocate',
      'remote.log.copy.disable', 'remote.log.delete.on.disable', 'remote.storage.enable', 'retention.bytes', 'retention.ms',
      'segment.bytes', 'segment.index.bytes', 'segment.jitter.ms', 'segment.ms', 'unclean.leader.election.enable',
    ])
    for (const entry of TOPIC_CONFIGS.values()) assert.ok(entry.doc.length > 0, `${entry.name} has documentation`)
  })

  it('carries Kafka\'s types and defaults', () => {
    const expected: ReadonlyArray<[string, string, string]> = [
      ['cleanup.policy', 'list', 'delete'], ['compression.type', 'string', 'producer'], ['retention.ms', 'long', '604800000'],
      ['retention.bytes', 'long', '-1'], ['segment.bytes', 'int', '1073741824'], ['segment.ms', 'long', '604800000'],
      ['max.message.bytes', 'int', '1048588'], ['min.cleanable.dirty.ratio', 'double', '0.5'], ['preallocate', 'boolean', 'false'],
      ['flush.messages', 'long', '9223372036854775807'], ['max.compaction.lag.ms', 'long', '9223372036854775807'],
      ['local.retention.ms', 'long', '-2'], ['message.timestamp.type', 'string', 'CreateTime'], ['min.insync.replicas', 'int', '1'],
      ['unclean.leader.election.enable', 'boolean', 'false'], ['message.downconversion.enable', 'boolean', 'true'],
    ]
    for (const [name, type, defaultValue] of expected) {
      assert.equal(def(name).type, type, `${name} type`)
      assert.equal(def(name).defaultValue, defaultValue, `${name} default`)
    }
  })

  it('falls back to Kafka\'s broker keys, highest priority first (ServerTopicConfigSynonyms)', () => {
    const synonyms = (name: string): string[] => def(name).brokerSynonyms.map((synonym) => synonym.name)
    assert.deepEqual(synonyms('retention.ms'), ['log.retention.ms', 'log.retention.minutes', 'log.retention.hours'])
    assert.deepEqual(def('retention.ms').brokerSynonyms.map((synonym) => synonym.toMs), [undefined, 60_000, 3_600_000])
    assert.deepEqual(synonyms('segment.ms'), ['log.roll.ms', 'log.roll.hours'])
    assert.deepEqual(synonyms('segment.jitter.ms'), ['log.roll.jitter.ms', 'log.roll.jitter.hours'])
    assert.deepEqual(synonyms('flush.ms'), ['log.flush.interval.ms', 'log.flush.scheduler.interval.ms'])
    assert.deepEqual(synonyms('max.message.bytes'), ['message.max.bytes'])
    assert.deepEqual(synonyms('min.insync.replicas'), ['min.insync.replicas'])
    assert.deepEqual(synonyms('cleanup.policy'), ['log.cleanup.policy'])
    assert.deepEqual(synonyms('segment.index.bytes'), ['log.index.size.max.bytes'])
    assert.deepEqual(synonyms('file.delete.delay.ms'), ['log.segment.delete.delay.ms'])
    assert.deepEqual(synonyms('min.cleanable.dirty.ratio'), ['log.cleaner.min.cleanable.ratio'])
    assert.deepEqual(synonyms('delete.retention.ms'), ['log.cleaner.delete.retention.ms'])
    assert.deepEqual(synonyms('remote.storage.enable'), [])
    assert.deepEqual(synonyms('leader.replication.throttled.replicas'), [])
  })

  it('normalises valid values as DescribeConfigs prints them', () => {
    assert.equal(parse('retention.ms', ' +0100 '), '100')
    assert.equal(parse('retention.ms', '9223372036854775807'), '9223372036854775807')
    assert.equal(parse('cleanup.policy', 'compact , delete'), 'compact,delete')
    assert.equal(parse('preallocate', 'TRUE'), 'true')
    assert.equal(parse('min.cleanable.dirty.ratio', '1'), '1.0')
    assert.equal(parse('leader.replication.throttled.replicas', '0:1,1:2'), '0:1,1:2')
    assert.equal(parse('follower.replication.throttled.replicas', '*'), '*')
    assert.equal(parse('compression.gzip.level', '-1'), '-1')
    assert.equal(parse('message.format.version', '2.8-IV1'), '2.8-IV1')
  })

  it('refuses invalid values in ConfigException\'s words', () => {
    assert.equal(parse('retention.ms', 'soon'), 'Invalid value soon for configuration retention.ms: Not a number of type LONG')
    assert.equal(parse('segment.bytes', '2147483648'), 'Invalid value 2147483648 for configuration segment.bytes: Not a number of type INT')
    assert.equal(parse('local.retention.ms', '-3'), 'Invalid value -3 for configuration local.retention.ms: Value must be at least -2')
    assert.equal(parse('compression.lz4.level', '18'), 'Invalid value 18 for configuration compression.lz4.level: Value must be no more than 17')
    assert.equal(parse('message.format.version', '4.0'), 'Invalid value 4.0 for configuration message.format.version: Version 4.0 is not a valid version')
    assert.equal(parse('message.format.version', '0.10.2-IV0'), '0.10.2-IV0')
    assert.equal(parse('compression.gzip.level', '0'), 'Invalid value 0 for configuration compression.gzip.level: Value must be between 1 and 9 or equal to -1')
    assert.equal(parse('leader.replication.throttled.replicas', '0-1'),
      'Invalid value [0-1] for configuration leader.replication.throttled.replicas: leader.replication.throttled.replicas must be the literal \'*\' or a list of replicas in the following format: [partitionId]:[brokerId],[partitionId]:[brokerId],...')
  })

  it('formats broker values: Long.MAX_VALUE exactly, doubles as Java prints them, lists joined', () => {
    assert.equal(formatConfigValue('long', Number.MAX_SAFE_INTEGER), '9223372036854775807')
    assert.equal(formatConfigValue('double', 0.5), '0.5')
    assert.equal(formatConfigValue('double', 1), '1.0')
    assert.equal(formatConfigValue('list', ['compact', 'delete']), 'compact,delete')
    assert.equal(formatConfigValue('boolean', false), 'false')
  })
})
