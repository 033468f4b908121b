// Produce through the handler and a real ReplicaManager: v3-7 append and answer per partition,
// v0-2 answer UNSUPPORTED_VERSION everywhere, bad acks INVALID_REQUIRED_ACKS, and acks=0 skips the
// response unless a partition failed, when the connection is closed instead.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { produceHandler } from '../../../src/handlers/produce.js'
import { ErrorCode } from '../../../src/protocol/error-codes.js'
import { ApiKey } from '../../../src/protocol/generated/api-registry.js'
import type { ProduceRequest, ProduceResponse } from '../../../src/protocol/generated/apis/produce.js'
import { advertised, handleAndDecode, handlerContext, roundTrip } from '../../helpers/handler-context.js'
import { testBatch, type TestContextLike } from '../../helpers/log-fixtures.js'
import { partition, topic } from '../../helpers/metadata-records.js'
import { NODE_ID, scope, startReplicasWith, topicIdOf } from '../../helpers/replicas.js'

const ORDERS = topicIdOf(1)

async function setUp(t: TestContextLike): Promise<Awaited<ReturnType<typeof startReplicasWith>> & { ctx: ReturnType<typeof handlerContext> }> {
  const fixture = await startReplicasWith(scope(t), [topic('orders', ORDERS), partition(ORDERS, 0, [NODE_ID], NODE_ID), partition(ORDERS, 1, [2, NODE_ID], 2)])
  return { ...fixture, ctx: handlerContext(() => fixture.image, { replicas: fixture.replicas }) }
}

function produceRequest(acks: number, partitions: ReadonlyArray<[number, Buffer | null]>, fields: Partial<ProduceRequest> = {}): ProduceRequest {
  return {
    transactionalId: null, acks, timeoutMs: 1000,
    topicData: [{ name: 'orders', partitionData: partitions.map(([index, records]) => ({ index, records })) }],
    ...fields,
  }
}

function codes(response: ProduceResponse): number[] {
  return response.responses.flatMap((topicResponse) => topicResponse.partitionResponses.map(({ errorCode }) => errorCode))
}

describe('Produce', () => {
  it('advertises v0-7', () => {
    assert.deepEqual(advertised(produceHandler), [0, 1, 2, 3, 4, 5, 6, 7])
  })

  it('appends at v3-7 and answers each partition, encoding at every version', async (t) => {
    const { ctx, replicas } = await setUp(t)
    let next = 0n
    for (const version of [3, 4, 5, 6, 7]) {
      const response = await handleAndDecode<ProduceResponse>(produceHandler, ctx, produceRequest(-1, [[0, testBatch(`v${version}`, 2)], [1, testBatch('x')]]), version)
      assert.equal(response.responses[0]?.name, 'orders')
      const [ok, notLeader] = response.responses[0]!.partitionResponses
      assert.equal(ok?.errorCode, ErrorCode.NONE, `v${version}`)
      assert.equal(ok?.baseOffset, next)
      assert.equal(ok?.logStartOffset, version >= 5 ? 0n : -1n, 'logStartOffset from v5')
      assert.equal(notLeader?.errorCode, ErrorCode.NOT_LEADER_OR_FOLLOWER)
      assert.equal(notLeader?.errorMessage, null, 'errorMessage is a v8 field, not on the wire below it')
      next += 2n
    }
    assert.equal(replicas.partition('orders', 0)!.log.highWatermark, next)
  })

  it('answers UNSUPPORTED_VERSION in every partition at v0-2 and writes nothing', async (t) => {
    const { ctx, replicas } = await setUp(t)
    for (const version of [0, 1, 2]) {
      const response = await handleAndDecode<ProduceResponse>(produceHandler, ctx, produceRequest(1, [[0, testBatch('a')], [1, testBatch('b')], [7, null]]), version)
      assert.deepEqual(codes(response), [ErrorCode.UNSUPPORTED_VERSION, ErrorCode.UNSUPPORTED_VERSION, ErrorCode.UNSUPPORTED_VERSION], `v${version}`)
    }
    assert.equal(replicas.partition('orders', 0)!.log.logEndOffset, 0n)
  })

  it('answers INVALID_REQUIRED_ACKS for acks other than -1, 0 and 1', async (t) => {
    const { ctx, replicas } = await setUp(t)
    for (const acks of [2, -2]) {
      const response = await handleAndDecode<ProduceResponse>(produceHandler, ctx, produceRequest(acks, [[0, testBatch('a')]]), 7)
      assert.deepEqual(codes(response), [ErrorCode.INVALID_REQUIRED_ACKS])
    }
    assert.equal(replicas.partition('orders', 0)!.log.logEndOffset, 0n)
  })

  it('refuses a transactional produce, as no transaction coordinator exists yet', async (t) => {
    const { ctx } = await setUp(t)
    const response = await handleAndDecode<ProduceResponse>(produceHandler, ctx, produceRequest(-1, [[0, testBatch('a')]], { transactionalId: 'tx' }), 7)
    assert.deepEqual(codes(response), [ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED])
  })

  it('skips the response for acks=0 when every partition succeeded, closes when one failed, sends otherwise', async (t) => {
    const { ctx, replicas } = await setUp(t)
    const disposition = produceHandler.responseDisposition
    assert.ok(disposition !== undefined)
    const allGood = produceRequest(0, [[0, testBatch('a')]])
    const allGoodResponse = await produceHandler.handle(ctx, allGood, 7)
    assert.deepEqual(codes(allGoodResponse as ProduceResponse), [ErrorCode.NONE])
    assert.equal(disposition(allGood, allGoodResponse), 'skip')
    assert.equal(replicas.partition('orders', 0)!.log.logEndOffset, 1n, 'acks=0 still appends')

    const oneFailed = produceRequest(0, [[0, testBatch('b')], [1, testBatch('c')]])
    const oneFailedResponse = await produceHandler.handle(ctx, oneFailed, 7)
    assert.equal(disposition(oneFailed, oneFailedResponse), 'close')

    const acked = produceRequest(1, [[1, testBatch('d')]])
    assert.equal(disposition(acked, await produceHandler.handle(ctx, acked, 7)), 'send')
    // The response a skipped or closed request would have had still encodes.
    assert.deepEqual(codes(roundTrip<ProduceResponse>(ApiKey.PRODUCE, 7, oneFailedResponse)), [ErrorCode.NONE, ErrorCode.NOT_LEADER_OR_FOLLOWER])
  })
})
