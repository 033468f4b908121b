// OffsetFetch: committed offsets per group from the coordinator, -1 for partitions without a
// commit, all offsets for null topics (v2+), group errors top-level from v2 and per partition in v1,
// several groups per request from v8; every advertised version encodes.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { HandlerContext } from '../../../src/handlers/handler.js'
import { offsetFetchHandler } from '../../../src/handlers/offset-fetch.js'
import { ErrorCode } from '../../../src/protocol/error-codes.js'
import { ApiKey } from '../../../src/protocol/generated/api-registry.js'
import { defaultOffsetFetchRequest, type OffsetFetchRequest, type OffsetFetchResponse } from '../../../src/protocol/generated/apis/offset-fetch.js'
import { coordinatorContext, throughWire } from '../../helpers/coordinator-context.js'

async function fetch(ctx: HandlerContext, version: number, request: Partial<OffsetFetchRequest>): Promise<OffsetFetchResponse> {
  const body = { ...defaultOffsetFetchRequest(), ...request }
  return throughWire<OffsetFetchResponse>(ApiKey.OFFSET_FETCH, version, await offsetFetchHandler.handle(ctx, body, version))
}

async function withCommits(): Promise<HandlerContext> {
  const fixture = await coordinatorContext()
  await fixture.coordinator.commitOffsets('g', '', -1, [{ name: 'orders', partitions: [{ partitionIndex: 1, committedOffset: 5n, committedLeaderEpoch: 2, committedMetadata: 'meta' }] }])
  return fixture.ctx
}

function summary(topics: ReadonlyArray<{ name: string; partitions: ReadonlyArray<{ partitionIndex: number; committedOffset: bigint; committedLeaderEpoch: number; metadata: string | null; errorCode: number }> }>): unknown[] {
  return topics.map((t) => [t.name, t.partitions.map((p) => [p.partitionIndex, p.committedOffset, p.committedLeaderEpoch, p.metadata, p.errorCode])])
}

describe('OffsetFetch', () => {
  for (let version = 1; version <= 7; version++) {
    it(`v${version} answers the asked partitions, -1 where nothing is committed`, async () => {
      const ctx = await withCommits()
      const response = await fetch(ctx, version, { groupId: 'g', topics: [{ name: 'orders', partitionIndexes: [0, 1] }], requireStable: version >= 7 })
      const epoch = version >= 5 ? 2 : -1 // the field exists from v5; the decoder fills -1 before
      assert.deepEqual(summary(response.topics), [['orders', [[0, -1n, -1, '', 0], [1, 5n, epoch, 'meta', 0]]]])
      assert.equal(response.errorCode, 0)
    })
  }

  it('v2+ answers every committed offset for null topics', async () => {
    const ctx = await withCommits()
    for (const version of [2, 6]) {
      const response = await fetch(ctx, version, { groupId: 'g', topics: null })
      assert.deepEqual(summary(response.topics), [['orders', [[1, 5n, version >= 5 ? 2 : -1, 'meta', 0]]]])
    }
  })

  it('v1 puts a group error into every asked partition; v2+ answers it top-level', async () => {
    const { ctx } = await coordinatorContext({ isLoaded: false })
    const v1 = await fetch(ctx, 1, { groupId: 'g', topics: [{ name: 'orders', partitionIndexes: [0, 1] }] })
    assert.deepEqual(summary(v1.topics), [['orders', [[0, -1n, -1, '', ErrorCode.NOT_COORDINATOR], [1, -1n, -1, '', ErrorCode.NOT_COORDINATOR]]]])
    const v3 = await fetch(ctx, 3, { groupId: 'g', topics: [{ name: 'orders', partitionIndexes: [0] }] })
    assert.deepEqual([v3.errorCode, v3.topics], [ErrorCode.NOT_COORDINATOR, []])
  })

  it('answers COORDINATOR_NOT_AVAILABLE while no group coordinator is wired in', async () => {
    const { ctx } = await coordinatorContext({ hasCoordinator: false })
    assert.equal((await fetch(ctx, 4, { groupId: 'g', topics: null })).errorCode, ErrorCode.COORDINATOR_NOT_AVAILABLE)
  })

  it('v8 answers each group with its own error code', async () => {
    const fixture = await coordinatorContext()
    await fixture.coordinator.commitOffsets('g', '', -1, [{ name: 'orders', partitions: [{ partitionIndex: 0, committedOffset: 3n, committedLeaderEpoch: -1, committedMetadata: null }] }])
    const notOwnedGroup = ['h', 'i', 'j', 'k'].find((group) => fixture.coordinator.partitionFor(group) !== fixture.coordinator.partitionFor('g'))!
    fixture.coordinator.unloadPartition(fixture.coordinator.partitionFor(notOwnedGroup))
    const response = await fetch(fixture.ctx, 8, {
      groups: [
        { groupId: 'g', memberId: null, memberEpoch: -1, topics: [{ name: 'orders', partitionIndexes: [0] }] },
        { groupId: 'g', memberId: null, memberEpoch: -1, topics: null },
        { groupId: notOwnedGroup, memberId: null, memberEpoch: -1, topics: null },
      ],
      requireStable: true,
    })
    assert.deepEqual(response.groups.map((group) => [group.groupId, group.errorCode, summary(group.topics)]), [
      ['g', 0, [['orders', [[0, 3n, -1, '', 0]]]]],
      ['g', 0, [['orders', [[0, 3n, -1, '', 0]]]]],
      [notOwnedGroup, ErrorCode.NOT_COORDINATOR, []],
    ])
  })
})
