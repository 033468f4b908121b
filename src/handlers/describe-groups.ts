// DescribeGroups (key 15), versions 0-5, as Kafka's KafkaApis.handleDescribeGroupsRequest: state,
// protocol and members of each group; member metadata and assignments only while Stable; a group
// this coordinator does not know is "Dead" without error (Kafka 3.x).
// Differs from Kafka: no authorizer, so authorizedOperations (v3+, when asked) is every group
// operation (READ, DELETE, DESCRIBE); COORDINATOR_NOT_AVAILABLE while no group coordinator is wired in.
// v1: throttleTimeMs. v2: same as v1. v3: includeAuthorizedOperations (KIP-430).
// v4: groupInstanceId per member (KIP-345). v5: flexible.
import { describeGroup } from '../coordinator/group/group-admin.js'
import { ErrorCode } from '../protocol/error-codes.js'
import { ApiKey } from '../protocol/generated/api-registry.js'
import { defineHandler } from './handler.js'

/** Kafka's default when operations were not asked for (Integer.MIN_VALUE). */
const AUTHORIZED_OPERATIONS_OMITTED = -2147483648
/** Bits of AclOperation READ (3), DELETE (6) and DESCRIBE (8): a group's operations when nothing is denied. */
const ALL_GROUP_OPERATIONS = (1 << 3) | (1 << 6) | (1 << 8)

export const describeGroupsHandler = defineHandler({
  apiKey: ApiKey.DESCRIBE_GROUPS, minVersion: 0, maxVersion: 5,
  handle(ctx, request) {
    const coordinator = ctx.services.groupCoordinator
    const authorizedOperations = request.includeAuthorizedOperations ? ALL_GROUP_OPERATIONS : AUTHORIZED_OPERATIONS_OMITTED
    const groups = request.groups.map((groupId) => {
      const described = coordinator === undefined
        ? { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, groupId, groupState: '', protocolType: '', protocolData: '', members: [] }
        : describeGroup(coordinator, groupId)
      return {
        ...described,
        members: described.members.map((member) => ({ ...member, unknownTaggedFields: undefined })),
        authorizedOperations,
        unknownTaggedFields: undefined,
      }
    })
    return { throttleTimeMs: 0, groups, unknownTaggedFields: undefined }
  },
})
