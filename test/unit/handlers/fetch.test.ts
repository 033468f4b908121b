// Fetch through the handler and a real ReplicaManager: sessions are always declined (session id 0,
// FETCH_SESSION_ID_NOT_FOUND for a request inside one), answers keep the request's topic and
// partition order, abortedTransactions is [] for read_committed and null otherwise, and every
// served version encodes.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { fetchHandler } from '../../../src/handlers/fetch.js'
import { ErrorCode } from '../../../src/protocol/error-codes.js'
import { defaultFetchRequest, type FetchRequest, type FetchResponse } from '../../../src/protocol/generated/apis/fetch.js'
import { IsolationLevel } from '../../../src/replication/replica-manager.js'
import { advertised, handleAndDecode, handlerContext } from '../../helpers/handler-context.js'
import { testBatch, type TestContextLike } from '../../helpers/log-fixtures.js'
import { partition, topic } from '../../helpers/metadata-records.js'
import { NODE_ID, scope, startReplicasWith, topicIdOf } from '../../helpers/replicas.js'

const ORDERS = topicIdOf(1)
const EVENTS = topicIdOf(2)

async function setUp(t: TestContextLike): Promise<Awaited<ReturnType<typeof startReplicasWith>> & { ctx: ReturnType<typeof handlerContext> }> {
  const fixture = await startReplicasWith(scope(t), [
    topic('orders', ORDERS), partition(ORDERS, 0, [NODE_ID], NODE_ID), partition(ORDERS, 1, [2, NODE_ID], 2),
    topic('events', EVENTS), partition(EVENTS, 0, [NODE_ID], NODE_ID),
  ])
  return { ...fixture, ctx: handlerContext(() => fixture.image, { replicas: fixture.replicas }) }
}

function fetchRequest(fields: Partial<FetchRequest> = {}): FetchRequest {
  const partitionAt = (index: number): FetchRequest['topics'][number]['partitions'][number] => ({
    partition: index, currentLeaderEpoch: -1, fetchOffset: 0n, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 1 << 20, replicaDirectoryId: 'AAAAAAAAAAAAAAAAAAAAAA',
  })
  return {
    ...defaultFetchRequest(), replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel: IsolationLevel.READ_UNCOMMITTED,
    sessionId: 0, sessionEpoch: -1,
    topics: [
      { topic: 'orders', topicId: 'AAAAAAAAAAAAAAAAAAAAAA', partitions: [partitionAt(0), partitionAt(1)] },
      { topic: 'events', topicId: 'AAAAAAAAAAAAAAAAAAAAAA', partitions: [partitionAt(0)] },
    ],
    ...fields,
  }
}

describe('Fetch', () => {
  it('advertises v4-12', () => {
    assert.deepEqual(advertised(fetchHandler), [4, 5, 6, 7, 8, 9, 10, 11, 12])
  })

  it('answers every version in request order with session id 0, the records and the partition state', async (t) => {
    const { ctx, image, replicas } = await setUp(t)
    const orders = testBatch('o', 2)
    const events = testBatch('e', 1)
    await replicas.appendRecords(image, 'orders', 0, orders, 1, 1000)
    await replicas.appendRecords(image, 'events', 0, events, 1, 1000)
    for (const version of advertised(fetchHandler)) {
      for (const sessionEpoch of [0, -1]) {
        const response = await handleAndDecode<FetchResponse>(fetchHandler, ctx, fetchRequest({ sessionEpoch }), version)
        assert.equal(response.errorCode, ErrorCode.NONE)
        assert.equal(response.sessionId, 0)
        assert.deepEqual(response.responses.map(({ topic: name, partitions }) => [name, partitions.map(({ partitionIndex, errorCode }) => [partitionIndex, errorCode])]), [
          ['orders', [[0, ErrorCode.NONE], [1, ErrorCode.NOT_LEADER_OR_FOLLOWER]]],
          ['events', [[0, ErrorCode.NONE]]],
        ], `v${version}`)
        const [ordersData, notLeader] = response.responses[0]!.partitions
        assert.deepEqual(ordersData?.records, orders)
        assert.equal(ordersData?.highWatermark, 2n)
        assert.equal(ordersData?.lastStableOffset, 2n)
        assert.equal(ordersData?.logStartOffset, version >= 5 ? 0n : -1n, 'logStartOffset from v5')
        assert.equal(notLeader?.records?.length ?? 0, 0)
        assert.deepEqual(response.responses[1]!.partitions[0]?.records, events)
      }
    }
  })

  it('answers abortedTransactions [] for read_committed and null for read_uncommitted', async (t) => {
    const { ctx } = await setUp(t)
    for (const version of advertised(fetchHandler)) {
      for (const [isolationLevel, expected] of [[IsolationLevel.READ_COMMITTED, []], [IsolationLevel.READ_UNCOMMITTED, null]] as const) {
        const response = await handleAndDecode<FetchResponse>(fetchHandler, ctx, fetchRequest({ isolationLevel }), version)
        for (const data of response.responses.flatMap(({ partitions }) => partitions)) {
          assert.deepEqual(data.abortedTransactions, expected, `v${version} isolation ${isolationLevel}`)
        }
      }
    }
  })

  it('serves a full request that names a session (epoch 0 or -1) without granting one, as Kafka closes it', async (t) => {
    const { ctx } = await setUp(t)
    for (const version of advertised(fetchHandler).filter((v) => v >= 7)) {
      for (const [sessionId, sessionEpoch] of [[123, 0], [123, -1]] as const) {
        const response = await handleAndDecode<FetchResponse>(fetchHandler, ctx, fetchRequest({ sessionId, sessionEpoch }), version)
        assert.equal(response.errorCode, ErrorCode.NONE, `v${version} session ${sessionId} epoch ${sessionEpoch}`)
        assert.equal(response.sessionId, 0)
      }
    }
  })

  it('answers FETCH_SESSION_ID_NOT_FOUND to an incremental request (v7+)', async (t) => {
    const { ctx } = await setUp(t)
    for (const version of advertised(fetchHandler).filter((v) => v >= 7)) {
      for (const [sessionId, sessionEpoch] of [[123, 4], [0, 1]] as const) {
        const response = await handleAndDecode<FetchResponse>(fetchHandler, ctx, fetchRequest({ sessionId, sessionEpoch }), version)
        assert.equal(response.errorCode, ErrorCode.FETCH_SESSION_ID_NOT_FOUND, `v${version} session ${sessionId} epoch ${sessionEpoch}`)
        assert.equal(response.sessionId, 0)
        assert.deepEqual(response.responses, [])
      }
    }
  })
})
