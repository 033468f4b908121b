// One partition replica: leader epochs as KIP-320 checks them, the leader's append (refusals as
// error codes, the high watermark at the log end while the ISR is the leader alone) and the
// acks=all wait that a larger ISR holds until it shrinks, times out or the partition closes.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { PartitionRegistration } from '../../../src/metadata/image.js'
import { ErrorCode } from '../../../src/protocol/error-codes.js'
import { Partition } from '../../../src/replication/partition.js'
import { openTestLog, testBatch, type TestContextLike } from '../../helpers/log-fixtures.js'
import { NODE_ID, topicIdOf } from '../../helpers/replicas.js'

function registration(fields: Partial<PartitionRegistration> = {}): PartitionRegistration {
  return {
    replicas: [NODE_ID], isr: [NODE_ID], removingReplicas: [], addingReplicas: [], leader: NODE_ID,
    leaderRecoveryState: 0, leaderEpoch: 5, partitionEpoch: 0, eligibleLeaderReplicas: [], lastKnownElr: [], ...fields,
  }
}

async function openPartition(t: TestContextLike, fields: Partial<PartitionRegistration> = {}, minInsyncReplicas = 1): Promise<{ partition: Partition; moved: Partition[] }> {
  const { log } = await openTestLog(t)
  const moved: Partition[] = []
  const partition = new Partition({
    topic: 'orders', topicId: topicIdOf(1), partitionIndex: 0, nodeId: NODE_ID, log, registration: registration(fields),
    minInsyncReplicas: () => minInsyncReplicas, onHighWatermark: (p) => moved.push(p),
  })
  t.after(() => partition.close())
  return { partition, moved }
}

describe('Partition', () => {
  it('checks a client leader epoch: -1 or current passes, older is fenced, newer unknown', async (t) => {
    const { partition } = await openPartition(t)
    assert.equal(partition.checkLeaderEpoch(-1), ErrorCode.NONE)
    assert.equal(partition.checkLeaderEpoch(5), ErrorCode.NONE)
    assert.equal(partition.checkLeaderEpoch(4), ErrorCode.FENCED_LEADER_EPOCH)
    assert.equal(partition.checkLeaderEpoch(6), ErrorCode.UNKNOWN_LEADER_EPOCH)
  })

  it('appends as sole in-sync leader, moving the high watermark to the log end and tagging the leader epoch', async (t) => {
    const { partition, moved } = await openPartition(t)
    const first = await partition.appendRecordsAsLeader(testBatch('a', 3), 1, 1000)
    assert.equal(first.errorCode, ErrorCode.NONE)
    assert.ok('baseOffset' in first)
    assert.equal(first.baseOffset, 0n)
    assert.equal(first.lastOffset, 2n)
    const second = await partition.appendRecordsAsLeader(testBatch('b', 2), -1, 1000)
    assert.ok('baseOffset' in second)
    assert.equal(second.baseOffset, 3n)
    assert.equal(partition.log.highWatermark, 5n)
    assert.equal(partition.lastStableOffset, 5n)
    assert.equal(moved.length, 2, 'onHighWatermark after each append')
    assert.deepEqual(partition.log.leaderEpochs.map((entry) => [entry.epoch, entry.startOffset]), [[5, 0n]])
  })

  it('refuses as a follower with NOT_LEADER_OR_FOLLOWER and writes nothing', async (t) => {
    const { partition } = await openPartition(t, { leader: 2, replicas: [2, NODE_ID], isr: [2, NODE_ID] })
    assert.equal(partition.isLeader, false)
    const result = await partition.appendRecordsAsLeader(testBatch('a'), 1, 1000)
    assert.equal(result.errorCode, ErrorCode.NOT_LEADER_OR_FOLLOWER)
    assert.equal(partition.log.logEndOffset, 0n)
  })

  it('refuses garbage, a bad CRC and a partial batch with CORRUPT_MESSAGE, two batches with INVALID_RECORD', async (t) => {
    const { partition } = await openPartition(t)
    const corrupted = Buffer.from(testBatch('a', 2))
    corrupted[corrupted.length - 1]! ^= 0xff
    const cases: Array<[string, Buffer, number]> = [
      ['garbage', Buffer.from('not a record batch at all, just some bytes to fill a header'), ErrorCode.CORRUPT_MESSAGE],
      ['crc', corrupted, ErrorCode.CORRUPT_MESSAGE],
      ['partial', testBatch('a').subarray(0, 40), ErrorCode.CORRUPT_MESSAGE],
      ['two batches', Buffer.concat([testBatch('a'), testBatch('b')]), ErrorCode.INVALID_RECORD],
    ]
    for (const [name, records, errorCode] of cases) {
      const result = await partition.appendRecordsAsLeader(records, 1, 1000)
      assert.equal(result.errorCode, errorCode, name)
      assert.ok('errorMessage' in result && result.errorMessage.length > 0, name)
    }
    assert.equal(partition.log.logEndOffset, 0n)
  })

  it('refuses acks=all with NOT_ENOUGH_REPLICAS when the ISR is below min.insync.replicas, but not acks=1', async (t) => {
    const { partition } = await openPartition(t, { replicas: [NODE_ID, 2], isr: [NODE_ID] }, 2)
    assert.equal((await partition.appendRecordsAsLeader(testBatch('a'), -1, 1000)).errorCode, ErrorCode.NOT_ENOUGH_REPLICAS)
    assert.equal(partition.log.logEndOffset, 0n)
    assert.equal((await partition.appendRecordsAsLeader(testBatch('a'), 1, 1000)).errorCode, ErrorCode.NONE)
  })

  it('holds the high watermark while another broker is in the ISR; acks=all times out with REQUEST_TIMED_OUT', async (t) => {
    const { partition } = await openPartition(t, { replicas: [NODE_ID, 2], isr: [NODE_ID, 2] })
    const result = await partition.appendRecordsAsLeader(testBatch('a'), -1, 20)
    assert.equal(result.errorCode, ErrorCode.REQUEST_TIMED_OUT)
    assert.equal(partition.log.logEndOffset, 1n, 'the batch is in the log')
    assert.equal(partition.log.highWatermark, 0n)
  })

  it('completes a waiting acks=all append once the ISR shrinks to the leader', async (t) => {
    const { partition } = await openPartition(t, { replicas: [NODE_ID, 2], isr: [NODE_ID, 2] })
    const pending = partition.appendRecordsAsLeader(testBatch('a', 2), -1, 60_000)
    while (partition.log.logEndOffset === 0n) await new Promise((resolve) => setImmediate(resolve))
    assert.equal(partition.log.highWatermark, 0n)
    partition.update(registration({ replicas: [NODE_ID, 2], isr: [NODE_ID], partitionEpoch: 1 }))
    const result = await pending
    assert.equal(result.errorCode, ErrorCode.NONE)
    assert.equal(partition.log.highWatermark, 2n)
  })

  it('ends a waiting acks=all append when closed', async (t) => {
    const { partition } = await openPartition(t, { replicas: [NODE_ID, 2], isr: [NODE_ID, 2] })
    const pending = partition.appendRecordsAsLeader(testBatch('a'), -1, 60_000)
    while (partition.log.logEndOffset === 0n) await new Promise((resolve) => setImmediate(resolve))
    partition.close()
    assert.equal((await pending).errorCode, ErrorCode.REQUEST_TIMED_OUT)
  })
})
