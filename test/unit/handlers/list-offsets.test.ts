// ListOffsets through the handler and a real ReplicaManager: earliest, latest and by-timestamp
// answers per partition in request order, leaderEpoch from v4, and every served version encodes.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { listOffsetsHandler } from '../../../src/handlers/list-offsets.js'
import { EARLIEST_TIMESTAMP, LATEST_TIMESTAMP, MAX_TIMESTAMP } from '../../../src/log/partition-log.js'
import { ErrorCode } from '../../../src/protocol/error-codes.js'
import type { ListOffsetsRequest, ListOffsetsResponse } from '../../../src/protocol/generated/apis/list-offsets.js'
import { IsolationLevel } from '../../../src/replication/replica-manager.js'
import { advertised, handleAndDecode, handlerContext } from '../../helpers/handler-context.js'
import { testBatch } from '../../helpers/log-fixtures.js'
import { partition, topic } from '../../helpers/metadata-records.js'
import { NODE_ID, scope, startReplicasWith, topicIdOf } from '../../helpers/replicas.js'

const ORDERS = topicIdOf(1)

function request(partitions: ReadonlyArray<[number, bigint]>, currentLeaderEpoch = -1): ListOffsetsRequest {
  return {
    replicaId: -1, isolationLevel: IsolationLevel.READ_UNCOMMITTED,
    topics: [{ name: 'orders', partitions: partitions.map(([partitionIndex, timestamp]) => ({ partitionIndex, timestamp, currentLeaderEpoch, maxNumOffsets: 1 })) }],
  }
}

describe('ListOffsets', () => {
  it('advertises v1-5', () => {
    assert.deepEqual(advertised(listOffsetsHandler), [1, 2, 3, 4, 5])
  })

  it('answers earliest, latest, max timestamp and by timestamp at every version, leaderEpoch from v4', async (t) => {
    const { replicas, image } = await startReplicasWith(scope(t), [topic('orders', ORDERS), partition(ORDERS, 0, [NODE_ID], NODE_ID), partition(ORDERS, 1, [2], 2)])
    const ctx = handlerContext(() => image, { replicas })
    await replicas.appendRecords(image, 'orders', 0, testBatch('a', 3, 1000n), 1, 1000)
    await replicas.appendRecords(image, 'orders', 0, testBatch('b', 2, 3000n), 1, 1000)
    const asked: Array<[number, bigint]> = [[0, EARLIEST_TIMESTAMP], [0, LATEST_TIMESTAMP], [0, MAX_TIMESTAMP], [0, 2000n], [0, 5000n], [1, LATEST_TIMESTAMP], [3, LATEST_TIMESTAMP]]
    for (const version of advertised(listOffsetsHandler)) {
      const response = await handleAndDecode<ListOffsetsResponse>(listOffsetsHandler, ctx, request(asked), version)
      assert.equal(response.topics.length, 1)
      assert.equal(response.topics[0]?.name, 'orders')
      const epoch = (value: number): number => version >= 4 ? value : -1
      assert.deepEqual(response.topics[0]?.partitions.map(({ partitionIndex, errorCode, offset, timestamp, leaderEpoch }) => ({ partitionIndex, errorCode, offset, timestamp, leaderEpoch })), [
        { partitionIndex: 0, errorCode: ErrorCode.NONE, offset: 0n, timestamp: -1n, leaderEpoch: epoch(0) },
        { partitionIndex: 0, errorCode: ErrorCode.NONE, offset: 5n, timestamp: -1n, leaderEpoch: epoch(0) },
        { partitionIndex: 0, errorCode: ErrorCode.NONE, offset: 4n, timestamp: 3001n, leaderEpoch: epoch(0) },
        { partitionIndex: 0, errorCode: ErrorCode.NONE, offset: 3n, timestamp: 3000n, leaderEpoch: epoch(0) },
        { partitionIndex: 0, errorCode: ErrorCode.NONE, offset: -1n, timestamp: -1n, leaderEpoch: -1 },
        { partitionIndex: 1, errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER, offset: -1n, timestamp: -1n, leaderEpoch: -1 },
        { partitionIndex: 3, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, offset: -1n, timestamp: -1n, leaderEpoch: -1 },
      ], `v${version}`)
    }
  })

  it('checks currentLeaderEpoch (v4+)', async (t) => {
    const { replicas, image } = await startReplicasWith(scope(t), [topic('orders', ORDERS), partition(ORDERS, 0, [NODE_ID], NODE_ID)])
    const ctx = handlerContext(() => image, { replicas })
    const response = await handleAndDecode<ListOffsetsResponse>(listOffsetsHandler, ctx, request([[0, LATEST_TIMESTAMP]], 1), 4)
    assert.equal(response.topics[0]?.partitions[0]?.errorCode, ErrorCode.UNKNOWN_LEADER_EPOCH)
  })
})
