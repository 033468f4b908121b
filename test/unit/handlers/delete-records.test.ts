// DeleteRecords through the handler and a real ReplicaManager: the low watermark per partition,
// errors at the partition level only, and every served version encodes.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { deleteRecordsHandler } from '../../../src/handlers/delete-records.js'
import { ErrorCode } from '../../../src/protocol/error-codes.js'
import type { DeleteRecordsRequest, DeleteRecordsResponse } from '../../../src/protocol/generated/apis/delete-records.js'
import { advertised, handleAndDecode, handlerContext } from '../../helpers/handler-context.js'
import { testBatch } from '../../helpers/log-fixtures.js'
import { partition, topic } from '../../helpers/metadata-records.js'
import { NODE_ID, scope, startReplicasWith, topicIdOf } from '../../helpers/replicas.js'

const ORDERS = topicIdOf(1)

function request(partitions: ReadonlyArray<[number, bigint]>): DeleteRecordsRequest {
  return { topics: [{ name: 'orders', partitions: partitions.map(([partitionIndex, offset]) => ({ partitionIndex, offset })) }], timeoutMs: 1000 }
}

describe('DeleteRecords', () => {
  it('advertises v0-2', () => {
    assert.deepEqual(advertised(deleteRecordsHandler), [0, 1, 2])
  })

  it('answers the new low watermark per partition, errors beside it, at every version', async (t) => {
    const { replicas, image } = await startReplicasWith(scope(t), [topic('orders', ORDERS), partition(ORDERS, 0, [NODE_ID], NODE_ID), partition(ORDERS, 1, [2], 2)])
    await replicas.appendRecords(image, 'orders', 0, testBatch('a', 4), 1, 1000)
    const ctx = handlerContext(() => image, { replicas })
    for (const [index, version] of advertised(deleteRecordsHandler).entries()) {
      const upTo = BigInt(index + 1)
      const response = await handleAndDecode<DeleteRecordsResponse>(deleteRecordsHandler, ctx, request([[0, upTo], [1, 0n], [0, 9n], [5, 0n]]), version)
      assert.equal(response.topics[0]?.name, 'orders')
      assert.deepEqual(response.topics[0]?.partitions.map(({ partitionIndex, errorCode, lowWatermark }) => ({ partitionIndex, errorCode, lowWatermark })), [
        { partitionIndex: 0, errorCode: ErrorCode.NONE, lowWatermark: upTo },
        { partitionIndex: 1, errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER, lowWatermark: -1n },
        { partitionIndex: 0, errorCode: ErrorCode.OFFSET_OUT_OF_RANGE, lowWatermark: -1n },
        { partitionIndex: 5, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, lowWatermark: -1n },
      ], `v${version}`)
    }
    const response = await handleAndDecode<DeleteRecordsResponse>(deleteRecordsHandler, ctx, request([[0, -1n]]), 2)
    assert.equal(response.topics[0]?.partitions[0]?.lowWatermark, 4n, '-1 deletes up to the high watermark')
  })
})
