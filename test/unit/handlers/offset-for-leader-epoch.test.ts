// OffsetForLeaderEpoch through the handler and a real ReplicaManager: end offsets per partition in
// request order, errors per partition, leaderEpoch from v1 and currentLeaderEpoch from v2.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { offsetForLeaderEpochHandler } from '../../../src/handlers/offset-for-leader-epoch.js'
import { ErrorCode } from '../../../src/protocol/error-codes.js'
import type { OffsetForLeaderEpochRequest, OffsetForLeaderEpochResponse } from '../../../src/protocol/generated/apis/offset-for-leader-epoch.js'
import { advertised, handleAndDecode, handlerContext } from '../../helpers/handler-context.js'
import { testBatch } from '../../helpers/log-fixtures.js'
import { partition, topic } from '../../helpers/metadata-records.js'
import { NODE_ID, scope, startReplicasWith, topicIdOf } from '../../helpers/replicas.js'

const ORDERS = topicIdOf(1)

function request(partitions: ReadonlyArray<[number, number, number]>, replicaId = -1): OffsetForLeaderEpochRequest {
  return {
    replicaId,
    topics: [{ topic: 'orders', partitions: partitions.map(([partitionIndex, leaderEpoch, currentLeaderEpoch]) => ({ partition: partitionIndex, leaderEpoch, currentLeaderEpoch })) }],
  }
}

describe('OffsetForLeaderEpoch', () => {
  it('advertises v0-4', () => {
    assert.deepEqual(advertised(offsetForLeaderEpochHandler), [0, 1, 2, 3, 4])
  })

  it('answers end offsets and per-partition errors at every version', async (t) => {
    const { replicas, image } = await startReplicasWith(scope(t), [topic('orders', ORDERS), partition(ORDERS, 0, [NODE_ID], NODE_ID), partition(ORDERS, 1, [2], 2)])
    await replicas.appendRecords(image, 'orders', 0, testBatch('a', 3), 1, 1000)
    const ctx = handlerContext(() => image, { replicas })
    for (const version of advertised(offsetForLeaderEpochHandler)) {
      const response = await handleAndDecode<OffsetForLeaderEpochResponse>(offsetForLeaderEpochHandler, ctx, request([[0, 0, 0], [0, 5, -1], [1, 0, -1], [4, 0, -1]]), version)
      assert.equal(response.topics[0]?.topic, 'orders')
      const epoch = (value: number): number => version >= 1 ? value : -1
      assert.deepEqual(response.topics[0]?.partitions.map(({ partition: index, errorCode, leaderEpoch, endOffset }) => ({ index, errorCode, leaderEpoch, endOffset })), [
        { index: 0, errorCode: ErrorCode.NONE, leaderEpoch: epoch(0), endOffset: 3n },
        { index: 0, errorCode: ErrorCode.NONE, leaderEpoch: -1, endOffset: -1n },
        { index: 1, errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER, leaderEpoch: -1, endOffset: -1n },
        { index: 4, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, leaderEpoch: -1, endOffset: -1n },
      ], `v${version}`)
    }
  })

  it('fences a stale currentLeaderEpoch from v2 and serves a broker replicaId like a client (v3+)', async (t) => {
    const { replicas, image } = await startReplicasWith(scope(t), [topic('orders', ORDERS), partition(ORDERS, 0, [NODE_ID], NODE_ID)])
    await replicas.appendRecords(image, 'orders', 0, testBatch('a', 2), 1, 1000)
    const ctx = handlerContext(() => image, { replicas })
    const newer = await handleAndDecode<OffsetForLeaderEpochResponse>(offsetForLeaderEpochHandler, ctx, request([[0, 0, 3]]), 2)
    assert.equal(newer.topics[0]?.partitions[0]?.errorCode, ErrorCode.UNKNOWN_LEADER_EPOCH)
    const fromBroker = await handleAndDecode<OffsetForLeaderEpochResponse>(offsetForLeaderEpochHandler, ctx, request([[0, 0, 0]], 2), 3)
    assert.deepEqual(fromBroker.topics[0]?.partitions[0], { partition: 0, errorCode: ErrorCode.NONE, leaderEpoch: 0, endOffset: 2n, unknownTaggedFields: undefined })
  })
})
