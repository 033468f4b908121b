// OffsetCommit: partitions of unknown topics are UNKNOWN_TOPIC_OR_PARTITION and never reach the
// coordinator; the rest are committed through it (simple commits with generation -1) and answered
// per partition; every advertised version encodes.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { HandlerContext } from '../../../src/handlers/handler.js'
import { offsetCommitHandler } from '../../../src/handlers/offset-commit.js'
import { ErrorCode } from '../../../src/protocol/error-codes.js'
import { ApiKey } from '../../../src/protocol/generated/api-registry.js'
import { defaultOffsetCommitRequest, type OffsetCommitResponse } from '../../../src/protocol/generated/apis/offset-commit.js'
import { coordinatorContext, throughWire } from '../../helpers/coordinator-context.js'

function partitions(...indexes: number[]): Array<{ partitionIndex: number; committedOffset: bigint; committedLeaderEpoch: number; commitTimestamp: bigint; committedMetadata: string | null }> {
  return indexes.map((partitionIndex) => ({ partitionIndex, committedOffset: 10n + BigInt(partitionIndex), committedLeaderEpoch: 3, commitTimestamp: -1n, committedMetadata: 'm' }))
}

async function commit(ctx: HandlerContext, version: number, generationId: number, topics: Array<[string, number[]]>): Promise<OffsetCommitResponse> {
  const request = {
    ...defaultOffsetCommitRequest(),
    groupId: 'g', generationIdOrMemberEpoch: generationId, memberId: '',
    topics: topics.map(([name, indexes]) => ({ name, partitions: partitions(...indexes) })),
  }
  return throughWire<OffsetCommitResponse>(ApiKey.OFFSET_COMMIT, version, await offsetCommitHandler.handle(ctx, request, version))
}

function codes(response: OffsetCommitResponse): Array<[string, number, number]> {
  return response.topics.flatMap((topic) => topic.partitions.map((p): [string, number, number] => [topic.name, p.partitionIndex, p.errorCode]))
}

describe('OffsetCommit', () => {
  for (let version = 2; version <= 8; version++) {
    it(`v${version} commits known partitions and answers unknown ones with UNKNOWN_TOPIC_OR_PARTITION`, async () => {
      const { ctx, coordinator } = await coordinatorContext()
      const response = await commit(ctx, version, -1, [['orders', [0, 1, 9]], ['missing', [0]]])
      assert.deepEqual(codes(response), [
        ['orders', 0, 0], ['orders', 1, 0], ['orders', 9, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION], ['missing', 0, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION],
      ])
      const fetched = coordinator.fetchOffsets('g', null, false)
      assert.deepEqual(fetched.topics.map((t) => [t.name, t.partitions.map((p) => [p.partitionIndex, p.committedOffset, p.committedLeaderEpoch])]),
        [['orders', [[0, 10n, 3], [1, 11n, 3]]]])
    })
  }

  it('answers a generation for a group without members with ILLEGAL_GENERATION on the partitions it checks', async () => {
    const { ctx } = await coordinatorContext()
    assert.deepEqual(codes(await commit(ctx, 8, 4, [['orders', [0]], ['missing', [0]]])),
      [['orders', 0, ErrorCode.ILLEGAL_GENERATION], ['missing', 0, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]])
  })

  it('does not ask the coordinator when every partition is unknown', async () => {
    const { ctx, logs } = await coordinatorContext({ isLoaded: false })
    assert.deepEqual(codes(await commit(ctx, 5, 4, [['missing', [0, 1]]])),
      [['missing', 0, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION], ['missing', 1, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]])
    assert.equal(logs.length, 0)
  })

  it('answers NOT_COORDINATOR when this node does not own the group, COORDINATOR_NOT_AVAILABLE without a coordinator', async () => {
    const notLoaded = await coordinatorContext({ isLoaded: false })
    assert.deepEqual(codes(await commit(notLoaded.ctx, 3, -1, [['orders', [0]]])), [['orders', 0, ErrorCode.NOT_COORDINATOR]])
    const none = await coordinatorContext({ hasCoordinator: false })
    assert.deepEqual(codes(await commit(none.ctx, 7, -1, [['orders', [0, 1]]])),
      [['orders', 0, ErrorCode.COORDINATOR_NOT_AVAILABLE], ['orders', 1, ErrorCode.COORDINATOR_NOT_AVAILABLE]])
  })
})
