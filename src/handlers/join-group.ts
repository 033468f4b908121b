// JoinGroup (key 11), versions 0-6, as Kafka's KafkaApis.handleJoinGroupRequest over the classic
// group coordinator (coordinator/group/group-membership.ts).
// Differs from Kafka: no authorizer (never GROUP_AUTHORIZATION_FAILED); COORDINATOR_NOT_AVAILABLE
// while no group coordinator is wired in.
// v0: no rebalanceTimeoutMs (the session timeout is used, as Kafka does). v1: rebalanceTimeoutMs.
// v2: throttleTimeMs. v3: same as v2. v4: a new member without id gets MEMBER_ID_REQUIRED and an
// id to rejoin with (KIP-394). v5: groupInstanceId, static membership (KIP-345). v6: flexible.
import { joinError, type JoinGroupResult } from '../coordinator/group/classic-group.js'
import { ErrorCode } from '../protocol/error-codes.js'
import { ApiKey } from '../protocol/generated/api-registry.js'
import type { JoinGroupResponse } from '../protocol/generated/apis/join-group.js'
import { defineHandler } from './handler.js'

/** The first version that answers a member without id with MEMBER_ID_REQUIRED. */
const MIN_REQUIRE_KNOWN_MEMBER_ID_VERSION = 4
/** Before v7 the protocol name is not nullable: Kafka answers "" instead. */
const MIN_NULLABLE_PROTOCOL_NAME_VERSION = 7

/** Kafka reports the client's address as InetAddress.toString does: "/" and the host, no port. */
export function clientHostOf(remoteAddress: string): string {
  const colon = remoteAddress.lastIndexOf(':')
  const host = colon > 0 ? remoteAddress.slice(0, colon) : remoteAddress
  return `/${host.replace(/^\[(.*)\]$/, '$1')}`
}

function toResponse(result: JoinGroupResult, version: number): JoinGroupResponse {
  return {
    throttleTimeMs: 0,
    errorCode: result.errorCode,
    generationId: result.generationId,
    protocolType: result.protocolType,
    protocolName: result.protocolName ?? (version < MIN_NULLABLE_PROTOCOL_NAME_VERSION ? '' : null),
    leader: result.leader,
    skipAssignment: false,
    memberId: result.memberId,
    members: result.members.map((member) => ({ ...member, unknownTaggedFields: undefined })),
    unknownTaggedFields: undefined,
  }
}

export const joinGroupHandler = defineHandler({
  apiKey: ApiKey.JOIN_GROUP, minVersion: 0, maxVersion: 6,
  async handle(ctx, request, version) {
    const coordinator = ctx.services.groupCoordinator
    if (coordinator === undefined) return toResponse(joinError(ErrorCode.COORDINATOR_NOT_AVAILABLE, request.memberId), version)
    const result = await coordinator.membership.joinGroup({
      groupId: request.groupId,
      memberId: request.memberId,
      groupInstanceId: request.groupInstanceId,
      clientId: ctx.clientId ?? '',
      clientHost: clientHostOf(ctx.remoteAddress),
      sessionTimeoutMs: request.sessionTimeoutMs,
      rebalanceTimeoutMs: version === 0 || request.rebalanceTimeoutMs < 0 ? request.sessionTimeoutMs : request.rebalanceTimeoutMs,
      protocolType: request.protocolType,
      protocols: request.protocols.map(({ name, metadata }) => ({ name, metadata })),
      // Static members are known by their instance id and skip the round trip (KIP-345).
      requireKnownMemberId: version >= MIN_REQUIRE_KNOWN_MEMBER_ID_VERSION && request.groupInstanceId === null,
    })
    return toResponse(result, version)
  },
  // A join waits for the other members, up to the rebalance timeout (the session timeout in v0).
  designedWaitMs: (request) => Math.max(request.rebalanceTimeoutMs, request.sessionTimeoutMs),
})
