import assert from 'node:assert/strict'
import { test } from 'node:test'
import { assignReplicas, createTopicRecords, randomKafkaUuid, removeTopicRecord } from '../../../src/controller/topic-records.js'
import { ConfigResourceType } from '../../../src/metadata/image.js'

test('assignReplicas puts consecutive brokers on each partition and rotates the leader round-robin', () => {
  assert.deepEqual(assignReplicas([1, 2, 3], 6, 2, 0), [[1, 2], [2, 3], [3, 1], [1, 2], [2, 3], [3, 1]])
  const leaders = assignReplicas([1, 2, 3], 6, 3, 0).map((replicas) => replicas[0])
  assert.deepEqual(leaders, [1, 2, 3, 1, 2, 3])
})

test('assignReplicas starts at the given offset so that successive topics lead on different brokers', () => {
  assert.deepEqual(assignReplicas([10, 20, 30], 2, 1, 1), [[20], [30]])
  assert.deepEqual(assignReplicas([10, 20, 30], 2, 1, 2), [[30], [10]])
  assert.deepEqual(assignReplicas([10, 20, 30], 1, 3, 5), [[30, 10, 20]])
})

test('assignReplicas never repeats a broker within a partition and gives every partition the replication factor', () => {
  const brokers = [0, 1, 2, 3, 4]
  for (let replicationFactor = 1; replicationFactor <= brokers.length; replicationFactor++) {
    for (let start = 0; start < brokers.length; start++) {
      const assignments = assignReplicas(brokers, 7, replicationFactor, start)
      assert.equal(assignments.length, 7)
      for (const replicas of assignments) {
        assert.equal(replicas.length, replicationFactor)
        assert.equal(new Set(replicas).size, replicationFactor)
        for (const id of replicas) assert.ok(brokers.includes(id))
      }
    }
  }
})

test('assignReplicas with one broker puts every partition on it', () => {
  assert.deepEqual(assignReplicas([5], 3, 1, 0), [[5], [5], [5]])
})

test('randomKafkaUuid returns 16 random bytes in base64url, never starting with \'-\' and never a reserved id', () => {
  const seen = new Set<string>()
  for (let index = 0; index < 2000; index++) {
    const id = randomKafkaUuid()
    assert.match(id, /^[A-Za-z0-9_-]{22}$/)
    const bytes = Buffer.from(id, 'base64url')
    assert.equal(bytes.length, 16)
    assert.equal(bytes.toString('base64url'), id)
    assert.ok(!id.startsWith('-'), id)
    assert.notEqual(id, 'AAAAAAAAAAAAAAAAAAAAAA')
    assert.notEqual(id, 'AAAAAAAAAAAAAAAAAAAAAQ')
    seen.add(id)
  }
  assert.equal(seen.size, 2000)
})

test('randomKafkaUuid draws again while the id is taken', () => {
  const offered: string[] = []
  const id = randomKafkaUuid((candidate) => {
    offered.push(candidate)
    return offered.length < 4
  })
  assert.equal(offered.length, 4)
  assert.equal(id, offered[3])
})

test('createTopicRecords spells a TopicRecord, a PartitionRecord per partition led by its first replica, and a ConfigRecord per config', () => {
  const topicId = Buffer.alloc(16, 9).toString('base64url')
  const records = createTopicRecords({ name: 'orders', topicId, assignments: [[2, 1], [1, 2]], configs: new Map([['retention.ms', '1000']]) })
  assert.deepEqual(records.map((record) => record.type), ['TopicRecord', 'PartitionRecord', 'PartitionRecord', 'ConfigRecord'])
  assert.deepEqual(records[0]?.value, { name: 'orders', topicId })
  const second = records[2]
  assert.ok(second?.type === 'PartitionRecord')
  assert.equal(second.value.partitionId, 1)
  assert.deepEqual(second.value.replicas, [1, 2])
  assert.deepEqual(second.value.isr, [1, 2])
  assert.equal(second.value.leader, 1)
  assert.equal(second.value.leaderEpoch, 0)
  assert.deepEqual(records[3]?.value, { resourceType: ConfigResourceType.TOPIC, resourceName: 'orders', name: 'retention.ms', value: '1000' })
  assert.deepEqual(removeTopicRecord(topicId), { type: 'RemoveTopicRecord', version: 0, value: { topicId } })
})
