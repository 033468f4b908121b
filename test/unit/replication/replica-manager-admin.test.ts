// The admin calls on the ReplicaManager: DeleteRecords (the log start offset moves on the leader,
// then fetches below it are out of range) and OffsetForLeaderEpoch (end offsets per leader epoch,
// with Kafka's fencing and leadership errors); and that grown topics get logs from the delta.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { MetadataImage } from '../../../src/metadata/image.js'
import type { MetadataRecord } from '../../../src/metadata/metadata-record-codec.js'
import { ErrorCode } from '../../../src/protocol/error-codes.js'
import { readRecordBatchHeader, splitRecordBatches } from '../../../src/protocol/record-batch.js'
import { recordBytesAsBuffer } from '../../../src/protocol/record-bytes.js'
import { IsolationLevel, type ReplicaManager } from '../../../src/replication/replica-manager.js'
import { testBatch } from '../../helpers/log-fixtures.js'
import { partition, topic } from '../../helpers/metadata-records.js'
import { NODE_ID, replay, scope, startReplicasWith, topicIdOf, type ReplicaFixtureOptions } from '../../helpers/replicas.js'
import type { TestContextLike } from '../../helpers/log-fixtures.js'

const ORDERS = topicIdOf(1)
const OFFSETS = topicIdOf(3)

function partitionAt(topicId: string, partitionId: number, leaderEpoch: number): MetadataRecord {
  const record = partition(topicId, partitionId, [NODE_ID], NODE_ID)
  assert.ok(record.type === 'PartitionRecord')
  return { ...record, value: { ...record.value, leaderEpoch } }
}

/** orders-0 led here with 5 records (3 + 2), orders-1 led by broker 2, __consumer_offsets-0 led here. */
async function orders(t: TestContextLike, options: ReplicaFixtureOptions = {}): Promise<{ replicas: ReplicaManager; image: MetadataImage }> {
  const { replicas, image } = await startReplicasWith(scope(t), [
    topic('orders', ORDERS), partitionAt(ORDERS, 0, 0), partition(ORDERS, 1, [2, NODE_ID], 2),
    topic('__consumer_offsets', OFFSETS), partitionAt(OFFSETS, 0, 0),
  ], options)
  for (const batch of [testBatch('a', 3), testBatch('b', 2)]) {
    assert.equal((await replicas.appendRecords(image, 'orders', 0, batch, 1, 1000)).errorCode, ErrorCode.NONE)
  }
  return { replicas, image }
}

async function fetchFrom(replicas: ReplicaManager, image: MetadataImage, fetchOffset: bigint): Promise<{ errorCode: number; baseOffsets: bigint[]; logStartOffset: bigint }> {
  const [result] = await replicas.fetch(() => image, {
    maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel: IsolationLevel.READ_UNCOMMITTED,
    partitions: [{ topic: 'orders', partition: 0, fetchOffset, partitionMaxBytes: 1 << 20, currentLeaderEpoch: -1 }],
  })
  assert.ok(result !== undefined)
  const baseOffsets = splitRecordBatches(recordBytesAsBuffer(result.records)).batches.map((batch) => readRecordBatchHeader(batch).baseOffset)
  return { errorCode: result.errorCode, baseOffsets, logStartOffset: result.logStartOffset }
}

describe('ReplicaManager.deleteRecords', () => {
  it('moves the log start offset; a fetch from it reads on and one below it is OFFSET_OUT_OF_RANGE', async (t) => {
    const { replicas, image } = await orders(t)
    assert.deepEqual(replicas.deleteRecords(image, 'orders', 0, 3n), { errorCode: ErrorCode.NONE, lowWatermark: 3n })
    assert.deepEqual(await fetchFrom(replicas, image, 3n), { errorCode: ErrorCode.NONE, baseOffsets: [3n], logStartOffset: 3n })
    assert.equal((await fetchFrom(replicas, image, 2n)).errorCode, ErrorCode.OFFSET_OUT_OF_RANGE)
    // Asking for an offset below the current start deletes nothing more and answers the start.
    assert.deepEqual(replicas.deleteRecords(image, 'orders', 0, 1n), { errorCode: ErrorCode.NONE, lowWatermark: 3n })
  })

  it('takes -1 as the high watermark', async (t) => {
    const { replicas, image } = await orders(t)
    assert.deepEqual(replicas.deleteRecords(image, 'orders', 0, -1n), { errorCode: ErrorCode.NONE, lowWatermark: 5n })
    assert.deepEqual(await fetchFrom(replicas, image, 5n), { errorCode: ErrorCode.NONE, baseOffsets: [], logStartOffset: 5n })
  })

  it('refuses offsets beyond the high watermark or negative other than -1 with OFFSET_OUT_OF_RANGE, and keeps the log', async (t) => {
    const { replicas, image } = await orders(t)
    for (const offset of [6n, -2n]) {
      assert.deepEqual(replicas.deleteRecords(image, 'orders', 0, offset), { errorCode: ErrorCode.OFFSET_OUT_OF_RANGE, lowWatermark: -1n }, `offset ${offset}`)
    }
    assert.deepEqual((await fetchFrom(replicas, image, 0n)).baseOffsets, [0n, 3n])
  })

  it('answers NOT_LEADER_OR_FOLLOWER on a follower, UNKNOWN_TOPIC_OR_PARTITION for an unknown partition, and refuses internal topics', async (t) => {
    const { replicas, image } = await orders(t)
    assert.deepEqual(replicas.deleteRecords(image, 'orders', 1, 0n), { errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER, lowWatermark: -1n })
    assert.deepEqual(replicas.deleteRecords(image, 'orders', 7, 0n), { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, lowWatermark: -1n })
    assert.deepEqual(replicas.deleteRecords(image, '__consumer_offsets', 0, 0n), { errorCode: ErrorCode.INVALID_TOPIC_EXCEPTION, lowWatermark: -1n })
  })

  it('refuses a compact-only log with POLICY_VIOLATION', async (t) => {
    const { replicas, image } = await orders(t, { config: { cleanupPolicy: ['compact'] } })
    assert.deepEqual(replicas.deleteRecords(image, 'orders', 0, 1n), { errorCode: ErrorCode.POLICY_VIOLATION, lowWatermark: -1n })
  })
})

describe('ReplicaManager.lastOffsetForLeaderEpoch', () => {
  it('answers where each epoch ends, the log end for the latest, and -1 for an epoch above every known one', async (t) => {
    const { replicas, image: first } = await orders(t)
    // A new leader epoch 2 (same leader), then two more records in it.
    const { image, changes } = replay([partitionAt(ORDERS, 0, 2)], first)
    await replicas.applyChanges(changes, image)
    await replicas.appendRecords(image, 'orders', 0, testBatch('c', 2), 1, 1000)
    const answer = (leaderEpoch: number, currentLeaderEpoch = -1) => replicas.lastOffsetForLeaderEpoch(image, 'orders', 0, currentLeaderEpoch, leaderEpoch)
    assert.deepEqual(answer(0), { errorCode: ErrorCode.NONE, leaderEpoch: 0, endOffset: 5n })
    assert.deepEqual(answer(1), { errorCode: ErrorCode.NONE, leaderEpoch: 0, endOffset: 5n })
    assert.deepEqual(answer(2, 2), { errorCode: ErrorCode.NONE, leaderEpoch: 2, endOffset: 7n })
    assert.deepEqual(answer(3), { errorCode: ErrorCode.NONE, leaderEpoch: -1, endOffset: -1n })
  })

  it('checks currentLeaderEpoch, then leadership, and knows unknown partitions', async (t) => {
    const { replicas, image } = await orders(t)
    assert.deepEqual(replicas.lastOffsetForLeaderEpoch(image, 'orders', 0, 1, 0), { errorCode: ErrorCode.UNKNOWN_LEADER_EPOCH, leaderEpoch: -1, endOffset: -1n })
    const { image: newer, changes } = replay([partitionAt(ORDERS, 0, 4)], image)
    await replicas.applyChanges(changes, newer)
    assert.equal(replicas.lastOffsetForLeaderEpoch(newer, 'orders', 0, 3, 0).errorCode, ErrorCode.FENCED_LEADER_EPOCH)
    assert.equal(replicas.lastOffsetForLeaderEpoch(image, 'orders', 1, -1, 0).errorCode, ErrorCode.NOT_LEADER_OR_FOLLOWER)
    // The follower's epoch is checked first, as Kafka's Partition.getLocalLog does.
    assert.equal(replicas.lastOffsetForLeaderEpoch(image, 'orders', 1, 7, 0).errorCode, ErrorCode.UNKNOWN_LEADER_EPOCH)
    assert.equal(replicas.lastOffsetForLeaderEpoch(image, 'orders', 9, -1, 0).errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
    assert.equal(replicas.lastOffsetForLeaderEpoch(image, 'missing', 0, -1, 0).errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
  })
})

describe('ReplicaManager and CreatePartitions', () => {
  it('hosts a partition added to an existing topic once its record is applied', async (t) => {
    const { replicas, image } = await orders(t)
    const { image: grown, changes } = replay([partitionAt(ORDERS, 2, 0)], image)
    await replicas.applyChanges(changes, grown)
    assert.equal(replicas.partition('orders', 2)?.isLeader, true)
    assert.equal((await replicas.appendRecords(grown, 'orders', 2, testBatch('d', 1), 1, 1000)).errorCode, ErrorCode.NONE)
  })
})
