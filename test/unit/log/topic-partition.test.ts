import assert from 'node:assert/strict'
import { test } from 'node:test'
import { formatTopicPartitionDirectory, isLegalTopicName, parseTopicPartition, topicPartitionKey } from '../../../src/log/topic-partition.js'

test('the key of a partition is "<topic>-<partition>", the directory name Kafka uses', () => {
  assert.equal(topicPartitionKey('orders', 3), 'orders-3')
  assert.equal(formatTopicPartitionDirectory({ topic: '__cluster_metadata', partition: 0 }), '__cluster_metadata-0')
})

test('parsing splits at the last dash, so topics may contain dashes and dots', () => {
  assert.deepEqual(parseTopicPartition('orders-0'), { topic: 'orders', partition: 0 })
  assert.deepEqual(parseTopicPartition('my-topic.v2-12'), { topic: 'my-topic.v2', partition: 12 })
  assert.deepEqual(parseTopicPartition('a--1'), { topic: 'a-', partition: 1 })
  assert.deepEqual(parseTopicPartition('__consumer_offsets-49'), { topic: '__consumer_offsets', partition: 49 })
  assert.deepEqual(parseTopicPartition('t-2147483647'), { topic: 't', partition: 2147483647 })
})

test('names that are not a legal topic and a partition index do not parse', () => {
  const rejected = [
    'meta.properties',
    'recovery-point-offset-checkpoint',
    'orders',
    '-3',
    'orders-',
    'orders-01',
    'orders-+1',
    'orders--1x',
    'orders-2147483648',
    'orders-0.5f3d8a2b3c4d4e5f-delete',
    'orders-0.5f3d8a2b3c4d4e5f-future',
    'orders-0.5f3d8a2b3c4d4e5f-stray',
    'bad topic-0',
    'tópico-0',
    '.-0',
    '..-0',
    `${'x'.repeat(250)}-0`,
  ]
  for (const name of rejected) assert.equal(parseTopicPartition(name), undefined, name)
})

test('a formatted name parses back to the same partition', () => {
  for (const topic of ['a', 'a-b', 'a.b-c', '-', '_-_', 'x'.repeat(249)]) {
    for (const partition of [0, 7, 1000]) {
      assert.deepEqual(parseTopicPartition(topicPartitionKey(topic, partition)), { topic, partition })
    }
  }
})

test('legal topic names follow Kafka: [a-zA-Z0-9._-], 1 to 249 characters, not "." or ".."', () => {
  assert.ok(isLegalTopicName('Orders_2024.v1-x'))
  assert.ok(isLegalTopicName('...'))
  for (const name of ['', '.', '..', 'a b', 'a/b', 'a:b', 'x'.repeat(250)]) assert.equal(isLegalTopicName(name), false, name)
})
