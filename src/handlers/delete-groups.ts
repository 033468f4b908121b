// DeleteGroups (key 42), versions 0-2, as Kafka's KafkaApis.handleDeleteGroupsRequest: each empty
// group loses its offsets and metadata (tombstones in `__consumer_offsets`); NON_EMPTY_GROUP while it
// has members, GROUP_ID_NOT_FOUND when it does not exist.
// Differs from Kafka: no authorizer; COORDINATOR_NOT_AVAILABLE while no group coordinator is wired in.
// v1: same as v0. v2: flexible.
import { deleteGroup } from '../coordinator/group/group-admin.js'
import { ErrorCode } from '../protocol/error-codes.js'
import { ApiKey } from '../protocol/generated/api-registry.js'
import { defineHandler } from './handler.js'

export const deleteGroupsHandler = defineHandler({
  apiKey: ApiKey.DELETE_GROUPS, minVersion: 0, maxVersion: 2,
  async handle(ctx, request) {
    const coordinator = ctx.services.groupCoordinator
    // A name given twice is answered once, as Kafka's response is keyed by group id.
    const results = await Promise.all([...new Set(request.groupsNames)].map(async (groupId) => ({
      groupId,
      errorCode: coordinator === undefined ? ErrorCode.COORDINATOR_NOT_AVAILABLE : await deleteGroup(coordinator, groupId),
      unknownTaggedFields: undefined,
    })))
    return { throttleTimeMs: 0, results, unknownTaggedFields: undefined }
  },
})
