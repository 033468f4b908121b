// CreatePartitions planning against an image: the PartitionRecords of the new partitions, and each
// refusal with Kafka 3.9's error code and message.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { planPartitions, type CreatePartitionsSpec } from '../../../src/controller/partition-manager.js'
import type { MetadataImage } from '../../../src/metadata/image.js'
import type { MetadataRecord } from '../../../src/metadata/metadata-record-codec.js'
import { ErrorCode } from '../../../src/protocol/error-codes.js'
import { partition, registerBroker, topic } from '../../helpers/metadata-records.js'
import { replay, topicIdOf } from '../../helpers/replicas.js'

const ORDERS = topicIdOf(1)
const unfence = (id: number): MetadataRecord => ({ type: 'UnfenceBrokerRecord', version: 0, value: { id, epoch: 1n } })

/** Brokers 1-3 live, 4 fenced; `orders` has 2 partitions of 2 replicas, led by 1 then 2. */
function image(): MetadataImage {
  return replay([
    registerBroker(1, 1n), unfence(1), registerBroker(2, 1n), unfence(2), registerBroker(3, 1n), unfence(3), registerBroker(4, 1n),
    topic('orders', ORDERS), partition(ORDERS, 0, [1, 2], 1), partition(ORDERS, 1, [2, 3], 2),
  ]).image
}

function spec(count: number, assignments: number[][] | null = null): CreatePartitionsSpec {
  return { name: 'orders', count, assignments: assignments?.map((brokerIds) => ({ brokerIds })) ?? null }
}

function plannedPartitions(count: number, assignments: number[][] | null = null): Array<{ partitionId: number; replicas: number[]; isr: number[]; leader: number }> {
  const plan = planPartitions(image(), spec(count, assignments))
  assert.ok('records' in plan, JSON.stringify(plan))
  return plan.records.map((record) => {
    assert.equal(record.type, 'PartitionRecord')
    const { partitionId, replicas, isr, leader, topicId, leaderEpoch, partitionEpoch } = record.value as Extract<MetadataRecord, { type: 'PartitionRecord' }>['value']
    assert.equal(topicId, ORDERS)
    assert.equal(leaderEpoch, 0)
    assert.equal(partitionEpoch, 0)
    return { partitionId, replicas, isr, leader }
  })
}

function refusal(count: number, assignments: number[][] | null = null, name = 'orders'): { errorCode: number; errorMessage: string | null } {
  const plan = planPartitions(image(), { ...spec(count, assignments), name })
  assert.ok('errorCode' in plan, 'expected a refusal')
  return plan
}

describe('planPartitions', () => {
  it('places new partitions round-robin over live brokers with the topic\'s replication factor, after the newest leader', () => {
    assert.deepEqual(plannedPartitions(5), [
      { partitionId: 2, replicas: [3, 1], isr: [3, 1], leader: 3 },
      { partitionId: 3, replicas: [1, 2], isr: [1, 2], leader: 1 },
      { partitionId: 4, replicas: [2, 3], isr: [2, 3], leader: 2 },
    ])
  })

  it('takes explicit assignments; the ISR leaves out fenced brokers and the leader is the first in it', () => {
    assert.deepEqual(plannedPartitions(4, [[3, 1], [4, 2]]), [
      { partitionId: 2, replicas: [3, 1], isr: [3, 1], leader: 3 },
      { partitionId: 3, replicas: [4, 2], isr: [2], leader: 2 },
    ])
  })

  it('refuses an unknown topic with no message, as Kafka\'s bare UnknownTopicOrPartitionException', () => {
    assert.deepEqual(refusal(3, null, 'missing'), { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: null })
  })

  it('refuses the same count and a decrease with INVALID_PARTITIONS', () => {
    assert.deepEqual(refusal(2), { errorCode: ErrorCode.INVALID_PARTITIONS, errorMessage: 'Topic already has 2 partition(s).' })
    assert.deepEqual(refusal(1), { errorCode: ErrorCode.INVALID_PARTITIONS, errorMessage: 'The topic orders currently has 2 partition(s); 1 would not be an increase.' })
    assert.deepEqual(refusal(-1), { errorCode: ErrorCode.INVALID_PARTITIONS, errorMessage: 'The topic orders currently has 2 partition(s); -1 would not be an increase.' })
  })

  it('refuses bad assignments with INVALID_REPLICA_ASSIGNMENT and Kafka\'s messages', () => {
    const invalid = (errorMessage: string) => ({ errorCode: ErrorCode.INVALID_REPLICA_ASSIGNMENT, errorMessage })
    assert.deepEqual(refusal(4, [[1, 2]]), invalid('Attempted to add 2 additional partition(s), but only 1 assignment(s) were specified.'))
    assert.deepEqual(refusal(3, [[]]), invalid('The manual partition assignment includes an empty replica list.'))
    assert.deepEqual(refusal(3, [[9, 1]]), invalid('The manual partition assignment includes broker 9, but no such broker is registered.'))
    assert.deepEqual(refusal(3, [[2, 2]]), invalid('The manual partition assignment includes the broker 2 more than once.'))
    assert.deepEqual(refusal(3, [[1, 2, 3]]), invalid('The manual partition assignment includes a partition with 3 replica(s), but this is not consistent with previous partitions, which have 2 replica(s).'))
    const fencedOnly = replay([registerBroker(5, 2n)], image()).image
    assert.deepEqual(planPartitions(fencedOnly, spec(3, [[4, 5]])),
      invalid('All brokers specified in the manual partition assignment for partition 2 are fenced or in controlled shutdown.'))
  })

  it('refuses placement with INVALID_REPLICATION_FACTOR and the placer\'s unprefixed messages', () => {
    const sparse = replay([registerBroker(1, 1n), unfence(1), topic('orders', ORDERS), partition(ORDERS, 0, [1, 2], 1)]).image
    assert.deepEqual(planPartitions(sparse, spec(2)), {
      errorCode: ErrorCode.INVALID_REPLICATION_FACTOR,
      errorMessage: 'The target replication factor of 2 cannot be reached because only 1 broker(s) are registered.',
    })
    const allFenced = replay([registerBroker(1, 1n), topic('orders', ORDERS), partition(ORDERS, 0, [1], 1)]).image
    assert.deepEqual(planPartitions(allFenced, spec(2)), { errorCode: ErrorCode.INVALID_REPLICATION_FACTOR, errorMessage: 'All brokers are currently fenced.' })
  })

  it('fills follower slots with fenced brokers when too few are unfenced, leaving them out of the ISR', () => {
    const mixed = replay([
      registerBroker(1, 1n), unfence(1), registerBroker(2, 1n), topic('orders', ORDERS), partition(ORDERS, 0, [1, 2], 1),
    ]).image
    const plan = planPartitions(mixed, spec(2))
    assert.ok('records' in plan)
    const value = plan.records[0]?.value as Extract<MetadataRecord, { type: 'PartitionRecord' }>['value']
    assert.deepEqual([value.replicas, value.isr, value.leader], [[1, 2], [1], 1])
  })
})
