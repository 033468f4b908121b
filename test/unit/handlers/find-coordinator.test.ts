// FindCoordinator: a group's coordinator is the live leader of its `__consumer_offsets` partition,
// on the request's listener; the topic is created when missing; transaction keys, unknown key types
// and leaders that cannot be reached get Kafka's errors with Node.noNode(); every version encodes.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { partitionForGroup } from '../../../src/coordinator/group-partition-hash.js'
import { findCoordinatorHandler } from '../../../src/handlers/find-coordinator.js'
import type { HandlerContext } from '../../../src/handlers/handler.js'
import { ErrorCode } from '../../../src/protocol/error-codes.js'
import { ApiKey } from '../../../src/protocol/generated/api-registry.js'
import { defaultFindCoordinatorRequest, type FindCoordinatorResponse } from '../../../src/protocol/generated/apis/find-coordinator.js'
import { OFFSETS_PARTITION_COUNT, coordinatorContext, throughWire } from '../../helpers/coordinator-context.js'

/** A group id hashing to each `__consumer_offsets` partition (led by brokers 1, 2 and the fenced 3). */
const GROUP_IN = [0, 1, 2].map((target) => {
  for (let index = 0; ; index++) {
    if (partitionForGroup(`group-${index}`, OFFSETS_PARTITION_COUNT) === target) return `group-${index}`
  }
})

async function find(ctx: HandlerContext, version: number, keys: string[], keyType = 0): Promise<FindCoordinatorResponse> {
  const request = { ...defaultFindCoordinatorRequest(), key: keys[0] ?? '', keyType, coordinatorKeys: keys }
  return throughWire<FindCoordinatorResponse>(ApiKey.FIND_COORDINATOR, version, await findCoordinatorHandler.handle(ctx, request, version))
}

describe('FindCoordinator', () => {
  for (const version of [0, 1, 2, 3]) {
    it(`v${version} answers the leader of the group's partition in the top-level fields`, async () => {
      const { ctx } = await coordinatorContext()
      const response = await find(ctx, version, [GROUP_IN[1]!])
      assert.deepEqual([response.errorCode, response.nodeId, response.host, response.port], [0, 2, 'broker-2.test', 9092])
      if (version >= 1) assert.equal(response.errorMessage, 'NONE')
    })
  }

  it('v4 answers each batched key on its own, with Node.noNode() for a fenced leader', async () => {
    const { ctx } = await coordinatorContext()
    const response = await find(ctx, 4, [GROUP_IN[0]!, GROUP_IN[2]!])
    assert.deepEqual(response.coordinators.map(({ key, nodeId, host, port, errorCode }) => ({ key, nodeId, host, port, errorCode })), [
      { key: GROUP_IN[0], nodeId: 1, host: 'broker-1.test', port: 9091, errorCode: 0 },
      { key: GROUP_IN[2], nodeId: -1, host: '', port: -1, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE },
    ])
  })

  it('creates __consumer_offsets when it is missing, then answers', async () => {
    const { ctx, createdTopics } = await coordinatorContext({ hasOffsetsTopic: false })
    const response = await find(ctx, 4, [GROUP_IN[0]!, GROUP_IN[1]!])
    assert.deepEqual(createdTopics, ['__consumer_offsets'])
    assert.deepEqual(response.coordinators.map((c) => [c.errorCode, c.nodeId]), [[0, 1], [0, 2]])
  })

  it('answers COORDINATOR_NOT_AVAILABLE when the topic cannot be created', async () => {
    const { ctx } = await coordinatorContext({ hasOffsetsTopic: false, ensureInternalTopicAnswer: ErrorCode.INVALID_REPLICATION_FACTOR })
    const response = await find(ctx, 3, [GROUP_IN[0]!])
    assert.deepEqual([response.errorCode, response.nodeId, response.host, response.port], [ErrorCode.COORDINATOR_NOT_AVAILABLE, -1, '', -1])
    assert.equal(response.errorMessage, 'The coordinator is not available.')
  })

  it('answers COORDINATOR_NOT_AVAILABLE for group keys while no group coordinator is wired in', async () => {
    const { ctx, createdTopics } = await coordinatorContext({ hasOffsetsTopic: false, hasCoordinator: false })
    assert.equal((await find(ctx, 2, [GROUP_IN[0]!])).errorCode, ErrorCode.COORDINATOR_NOT_AVAILABLE)
    assert.deepEqual(createdTopics, [])
  })

  it('answers COORDINATOR_NOT_AVAILABLE when the leader has no endpoint on the listener', async () => {
    const { ctx } = await coordinatorContext()
    const response = await find({ ...ctx, listenerName: 'INTERNAL' }, 1, [GROUP_IN[0]!])
    assert.deepEqual([response.errorCode, response.nodeId], [ErrorCode.COORDINATOR_NOT_AVAILABLE, -1])
  })

  it('answers COORDINATOR_NOT_AVAILABLE for transaction keys, which have no coordinator yet', async () => {
    const { ctx } = await coordinatorContext()
    assert.equal((await find(ctx, 1, ['txn-1'], 1)).errorCode, ErrorCode.COORDINATOR_NOT_AVAILABLE)
    assert.deepEqual((await find(ctx, 4, ['txn-1', 'txn-2'], 1)).coordinators.map((c) => [c.errorCode, c.nodeId, c.port]),
      [[ErrorCode.COORDINATOR_NOT_AVAILABLE, -1, -1], [ErrorCode.COORDINATOR_NOT_AVAILABLE, -1, -1]])
  })

  it('answers INVALID_REQUEST for an unknown key type', async () => {
    const { ctx } = await coordinatorContext()
    const legacy = await find(ctx, 3, ['k'], 7)
    assert.deepEqual([legacy.errorCode, legacy.nodeId, legacy.host, legacy.port], [ErrorCode.INVALID_REQUEST, -1, '', -1])
    const batched = await find(ctx, 4, ['k'], 7)
    assert.equal(batched.coordinators[0]?.errorCode, ErrorCode.INVALID_REQUEST)
    assert.notEqual(batched.coordinators[0]?.errorMessage, '')
  })
})
