// LeaveGroup (key 13), versions 0-5, as Kafka's KafkaApis.handleLeaveGroupRequest.
// Differs from Kafka: no authorizer; COORDINATOR_NOT_AVAILABLE while no group coordinator is wired in.
// v0-2: one memberId; its error is the top-level error. v1: throttleTimeMs. v3: a batch of members,
// each by member id and/or group.instance.id, with an error each (KIP-345). v4: flexible.
// v5: a reason per member (logged by Kafka, ignored here).
import { ErrorCode } from '../protocol/error-codes.js'
import { ApiKey } from '../protocol/generated/api-registry.js'
import { defineHandler } from './handler.js'

const MIN_BATCHED_VERSION = 3

export const leaveGroupHandler = defineHandler({
  apiKey: ApiKey.LEAVE_GROUP, minVersion: 0, maxVersion: 5,
  handle(ctx, request, version) {
    const coordinator = ctx.services.groupCoordinator
    const isBatched = version >= MIN_BATCHED_VERSION
    const leaving = isBatched ? request.members.map(({ memberId, groupInstanceId }) => ({ memberId, groupInstanceId })) : [{ memberId: request.memberId, groupInstanceId: null }]
    const result = coordinator === undefined
      ? { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, members: [] }
      : coordinator.membership.leaveGroup(request.groupId, leaving)
    if (!isBatched) {
      // Kafka's LeaveGroupResponse before v3: the top-level error, else the member's.
      const errorCode = result.errorCode !== ErrorCode.NONE ? result.errorCode : result.members[0]?.errorCode ?? ErrorCode.NONE
      return { throttleTimeMs: 0, errorCode, members: [], unknownTaggedFields: undefined }
    }
    return {
      throttleTimeMs: 0,
      errorCode: result.errorCode,
      members: result.members.map((member) => ({ ...member, unknownTaggedFields: undefined })),
      unknownTaggedFields: undefined,
    }
  },
})
