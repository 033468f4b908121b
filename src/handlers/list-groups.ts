// ListGroups (key 16), versions 0-4, as Kafka's KafkaApis.handleListGroupsRequest: the groups whose
// coordinator is this node. COORDINATOR_LOAD_IN_PROGRESS comes with the groups already loaded.
// Differs from Kafka: no authorizer (Kafka lists only groups the principal may describe); the state
// filter matches case-insensitively, as Kafka 4.x does; empty list while no coordinator is wired in.
// v1: throttleTimeMs. v2: same as v1. v3: flexible. v4: statesFilter and groupState (KIP-518).
import { listGroups } from '../coordinator/group/group-admin.js'
import { ErrorCode } from '../protocol/error-codes.js'
import { ApiKey } from '../protocol/generated/api-registry.js'
import { defineHandler } from './handler.js'

export const listGroupsHandler = defineHandler({
  apiKey: ApiKey.LIST_GROUPS, minVersion: 0, maxVersion: 4,
  handle(ctx, request) {
    const coordinator = ctx.services.groupCoordinator
    const result = coordinator === undefined ? { errorCode: ErrorCode.NONE, groups: [] } : listGroups(coordinator, request.statesFilter)
    return {
      throttleTimeMs: 0,
      errorCode: result.errorCode,
      groups: result.groups.map((group) => ({ ...group, groupType: 'classic', unknownTaggedFields: undefined })),
      unknownTaggedFields: undefined,
    }
  },
})
