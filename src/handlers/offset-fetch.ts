// OffsetFetch (key 9), versions 1-8, as Kafka's KafkaApis.handleOffsetFetchRequest: each group's
// committed offsets from its coordinator; a partition without a commit is offset -1, leader epoch -1,
// metadata "" and no error.
// Differs from Kafka: no authorizer (never GROUP_ or TOPIC_AUTHORIZATION_FAILED);
// COORDINATOR_NOT_AVAILABLE while no group coordinator is wired in; all of a group's offsets
// (null topics) are listed sorted by topic and partition rather than in hash-map order.
// v1: a group-level error goes into every requested partition (no top-level errorCode yet).
// v2: top-level errorCode; null topics means all. v3: throttleTimeMs. v4: same as v3.
// v5: committedLeaderEpoch (KIP-320). v6: flexible. v7: requireStable (KIP-447). v8: several groups
// per request (KIP-709), each with its own errorCode.
import type { OffsetFetchResult, OffsetFetchTopicInput } from '../coordinator/offset-coordinator.js'
import { ErrorCode } from '../protocol/error-codes.js'
import { ApiKey } from '../protocol/generated/api-registry.js'
import type { OffsetFetchResponseGroup, OffsetFetchResponseTopic } from '../protocol/generated/apis/offset-fetch.js'
import { defineHandler, type HandlerContext } from './handler.js'

/** The first version with a top-level errorCode. */
const MIN_TOP_LEVEL_ERROR_VERSION = 2
/** The first version of the multi-group form (Kafka's OffsetFetchRequest batching). */
const MIN_BATCHED_VERSION = 8

function fetchGroup(ctx: HandlerContext, groupId: string, topics: readonly OffsetFetchTopicInput[] | null, requireStable: boolean): OffsetFetchResult {
  const coordinator = ctx.services.groupCoordinator
  if (coordinator === undefined) return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, topics: [] }
  return coordinator.fetchOffsets(groupId, topics, requireStable)
}

/** v1's answer to a group-level error: every requested partition carries it (Kafka's OffsetFetchResponse.groupError). */
function errorPerPartition(topics: readonly OffsetFetchTopicInput[] | null, errorCode: number): OffsetFetchResponseTopic[] {
  return (topics ?? []).map((topic) => ({
    name: topic.name,
    partitions: topic.partitionIndexes.map((partitionIndex) => ({
      partitionIndex, committedOffset: -1n, committedLeaderEpoch: -1, metadata: '', errorCode, unknownTaggedFields: undefined,
    })),
    unknownTaggedFields: undefined,
  }))
}

export const offsetFetchHandler = defineHandler({
  apiKey: ApiKey.OFFSET_FETCH, minVersion: 1, maxVersion: 8,
  handle(ctx, request, version) {
    if (version >= MIN_BATCHED_VERSION) {
      const groups = request.groups.map((group): OffsetFetchResponseGroup => {
        const result = fetchGroup(ctx, group.groupId, group.topics, request.requireStable)
        return { groupId: group.groupId, topics: result.topics, errorCode: result.errorCode, unknownTaggedFields: undefined }
      })
      return { throttleTimeMs: 0, topics: [], errorCode: ErrorCode.NONE, groups, unknownTaggedFields: undefined }
    }
    const result = fetchGroup(ctx, request.groupId, request.topics, request.requireStable)
    if (version < MIN_TOP_LEVEL_ERROR_VERSION && result.errorCode !== ErrorCode.NONE) {
      return { throttleTimeMs: 0, topics: errorPerPartition(request.topics, result.errorCode), errorCode: ErrorCode.NONE, groups: [], unknownTaggedFields: undefined }
    }
    return { throttleTimeMs: 0, topics: result.topics, errorCode: result.errorCode, groups: [], unknownTaggedFields: undefined }
  },
})
