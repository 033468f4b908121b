// Heartbeat (key 12), versions 0-4, as Kafka's KafkaApis.handleHeartbeatRequest: keeps the member's
// session alive; REBALANCE_IN_PROGRESS tells it to rejoin.
// Differs from Kafka: no authorizer; COORDINATOR_NOT_AVAILABLE while no group coordinator is wired in.
// v1: throttleTimeMs. v2: same as v1. v3: groupInstanceId (KIP-345). v4: flexible.
import { ErrorCode } from '../protocol/error-codes.js'
import { ApiKey } from '../protocol/generated/api-registry.js'
import { defineHandler } from './handler.js'

export const heartbeatHandler = defineHandler({
  apiKey: ApiKey.HEARTBEAT, minVersion: 0, maxVersion: 4,
  handle(ctx, request) {
    const coordinator = ctx.services.groupCoordinator
    const errorCode = coordinator === undefined
      ? ErrorCode.COORDINATOR_NOT_AVAILABLE
      : coordinator.membership.heartbeat(request.groupId, request.memberId, request.groupInstanceId, request.generationId)
    return { throttleTimeMs: 0, errorCode, unknownTaggedFields: undefined }
  },
})
