// SyncGroup (key 14), versions 0-5, as Kafka's KafkaApis.handleSyncGroupRequest: the leader's
// assignment is written to `__consumer_offsets` and then handed to every member.
// Differs from Kafka: no authorizer; COORDINATOR_NOT_AVAILABLE while no group coordinator is wired in.
// v1: throttleTimeMs. v2: same as v1. v3: groupInstanceId (KIP-345). v4: flexible.
// v5: protocolType and protocolName in request and response; both are required (KIP-559).
import { ErrorCode } from '../protocol/error-codes.js'
import { ApiKey } from '../protocol/generated/api-registry.js'
import type { SyncGroupResponse } from '../protocol/generated/apis/sync-group.js'
import { defineHandler } from './handler.js'

const MIN_PROTOCOL_CHECK_VERSION = 5

function errorResponse(errorCode: number): SyncGroupResponse {
  return { throttleTimeMs: 0, errorCode, protocolType: null, protocolName: null, assignment: Buffer.alloc(0), unknownTaggedFields: undefined }
}

export const syncGroupHandler = defineHandler({
  apiKey: ApiKey.SYNC_GROUP, minVersion: 0, maxVersion: 5,
  async handle(ctx, request, version) {
    const coordinator = ctx.services.groupCoordinator
    if (coordinator === undefined) return errorResponse(ErrorCode.COORDINATOR_NOT_AVAILABLE)
    if (version >= MIN_PROTOCOL_CHECK_VERSION && (request.protocolType === null || request.protocolName === null)) {
      return errorResponse(ErrorCode.INCONSISTENT_GROUP_PROTOCOL)
    }
    const result = await coordinator.membership.syncGroup({
      groupId: request.groupId,
      generationId: request.generationId,
      memberId: request.memberId,
      groupInstanceId: request.groupInstanceId,
      protocolType: request.protocolType,
      protocolName: request.protocolName,
      assignments: request.assignments,
    })
    return { throttleTimeMs: 0, ...result, unknownTaggedFields: undefined }
  },
  // A follower's sync waits for the leader's, bounded by a rebalance timeout this request does not carry.
  designedWaitMs: () => Number.POSITIVE_INFINITY,
})
