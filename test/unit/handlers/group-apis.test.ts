// The classic group APIs through their handlers: every advertised version of JoinGroup, SyncGroup,
// Heartbeat, LeaveGroup, DescribeGroups, ListGroups, DeleteGroups and OffsetDelete encodes, and a
// client's flow (MEMBER_ID_REQUIRED, join, sync, heartbeat, leave) works at the versions clients send.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { pino } from 'pino'
import { OffsetCoordinator } from '../../../src/coordinator/offset-coordinator.js'
import { deleteGroupsHandler } from '../../../src/handlers/delete-groups.js'
import { describeGroupsHandler } from '../../../src/handlers/describe-groups.js'
import type { HandlerContext } from '../../../src/handlers/handler.js'
import { heartbeatHandler } from '../../../src/handlers/heartbeat.js'
import { clientHostOf, joinGroupHandler } from '../../../src/handlers/join-group.js'
import { leaveGroupHandler } from '../../../src/handlers/leave-group.js'
import { listGroupsHandler } from '../../../src/handlers/list-groups.js'
import { offsetDeleteHandler } from '../../../src/handlers/offset-delete.js'
import { syncGroupHandler } from '../../../src/handlers/sync-group.js'
import { ErrorCode } from '../../../src/protocol/error-codes.js'
import { ApiKey } from '../../../src/protocol/generated/api-registry.js'
import type { DeleteGroupsResponse } from '../../../src/protocol/generated/apis/delete-groups.js'
import type { DescribeGroupsResponse } from '../../../src/protocol/generated/apis/describe-groups.js'
import type { HeartbeatResponse } from '../../../src/protocol/generated/apis/heartbeat.js'
import { defaultJoinGroupRequest, type JoinGroupResponse } from '../../../src/protocol/generated/apis/join-group.js'
import { defaultLeaveGroupRequest, type LeaveGroupResponse } from '../../../src/protocol/generated/apis/leave-group.js'
import type { ListGroupsResponse } from '../../../src/protocol/generated/apis/list-groups.js'
import type { OffsetDeleteResponse } from '../../../src/protocol/generated/apis/offset-delete.js'
import { defaultSyncGroupRequest, type SyncGroupResponse } from '../../../src/protocol/generated/apis/sync-group.js'
import { coordinatorImage, throughWire } from '../../helpers/coordinator-context.js'
import { ManualClock } from '../../helpers/manual-clock.js'
import { ManualScheduler } from '../../helpers/manual-scheduler.js'
import { MemoryCoordinatorLog } from '../../helpers/memory-coordinator-log.js'

async function fixture(options: { hasCoordinator?: boolean } = {}) {
  const clock = new ManualClock()
  const scheduler = new ManualScheduler(clock)
  const coordinator = new OffsetCoordinator({ clock, logger: pino({ enabled: false }), partitionCount: 1, scheduler,
    groupConfig: { minSessionTimeoutMs: 1000, initialRebalanceDelayMs: 0 } })
  await coordinator.loadPartition(0, new MemoryCoordinatorLog())
  const image = coordinatorImage(true)
  const ctx: HandlerContext = {
    services: { nodeId: 1, metadata: { currentImage: () => image, clusterId: 'c', controllerId: () => 1 },
      groupCoordinator: options.hasCoordinator === false ? undefined : coordinator },
    clientId: 'app', remoteAddress: '10.1.2.3:5555', logger: pino({ enabled: false }), advertisedVersions: [],
  }
  return { ctx, coordinator, scheduler }
}

function joinRequest(memberId = '', groupInstanceId: string | null = null) {
  return { ...defaultJoinGroupRequest(), groupId: 'g', sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 20_000, memberId, groupInstanceId,
    protocolType: 'consumer', protocols: [{ name: 'range', metadata: Buffer.from('sub') }] }
}

async function join(f: Awaited<ReturnType<typeof fixture>>, version: number, memberId = '', groupInstanceId: string | null = null): Promise<JoinGroupResponse> {
  const pending = joinGroupHandler.handle(f.ctx, joinRequest(memberId, groupInstanceId), version)
  await f.scheduler.advance(0)
  return throughWire<JoinGroupResponse>(ApiKey.JOIN_GROUP, version, await pending)
}

async function sync(f: Awaited<ReturnType<typeof fixture>>, version: number, memberId: string, generationId: number, assignment = Buffer.from('a')) {
  const request = { ...defaultSyncGroupRequest(), groupId: 'g', generationId, memberId,
    protocolType: version >= 5 ? 'consumer' : null, protocolName: version >= 5 ? 'range' : null, assignments: [{ memberId, assignment }] }
  return throughWire<SyncGroupResponse>(ApiKey.SYNC_GROUP, version, await syncGroupHandler.handle(f.ctx, request, version))
}

describe('group handlers', () => {
  for (let version = 0; version <= 6; version++) {
    it(`JoinGroup v${version}, then SyncGroup, Heartbeat and LeaveGroup at matching versions`, async () => {
      const f = await fixture()
      let memberId = ''
      if (version >= 4) {
        const first = await join(f, version)
        assert.equal(first.errorCode, ErrorCode.MEMBER_ID_REQUIRED)
        assert.match(first.memberId, /^app-/)
        memberId = first.memberId
      }
      const joined = await join(f, version, memberId)
      assert.deepEqual([joined.errorCode, joined.generationId, joined.protocolName, joined.leader === joined.memberId, joined.members.length], [0, 1, 'range', true, 1])
      const syncVersion = Math.min(version, 5)
      const synced = await sync(f, syncVersion, joined.memberId, 1)
      assert.deepEqual([synced.errorCode, synced.assignment.toString()], [0, 'a'])
      if (syncVersion >= 5) assert.deepEqual([synced.protocolType, synced.protocolName], ['consumer', 'range'])
      const heartbeatVersion = Math.min(version, 4)
      const beat = await heartbeatHandler.handle(f.ctx, { groupId: 'g', generationId: 1, memberId: joined.memberId, groupInstanceId: null }, heartbeatVersion)
      assert.equal(throughWire<HeartbeatResponse>(ApiKey.HEARTBEAT, heartbeatVersion, beat).errorCode, ErrorCode.NONE)
      const leaveVersion = Math.min(version, 5)
      const leave = { ...defaultLeaveGroupRequest(), groupId: 'g', memberId: joined.memberId, members: [{ memberId: joined.memberId, groupInstanceId: null, reason: null }] }
      const left = throughWire<LeaveGroupResponse>(ApiKey.LEAVE_GROUP, leaveVersion, await leaveGroupHandler.handle(f.ctx, leave, leaveVersion))
      assert.equal(left.errorCode, ErrorCode.NONE)
      if (leaveVersion >= 3) assert.deepEqual(left.members.map((m) => [m.memberId, m.errorCode]), [[joined.memberId, 0]])
    })
  }

  it('JoinGroup reports the client host as Kafka does and answers errors with an empty protocol name before v7', async () => {
    assert.equal(clientHostOf('10.1.2.3:5555'), '/10.1.2.3')
    assert.equal(clientHostOf('[::1]:5555'), '/::1')
    const f = await fixture()
    const bad = throughWire<JoinGroupResponse>(ApiKey.JOIN_GROUP, 6, await joinGroupHandler.handle(f.ctx, { ...joinRequest(), sessionTimeoutMs: 10 }, 6))
    assert.deepEqual([bad.errorCode, bad.protocolName], [ErrorCode.INVALID_SESSION_TIMEOUT, ''])
    const none = await fixture({ hasCoordinator: false })
    assert.equal(throughWire<JoinGroupResponse>(ApiKey.JOIN_GROUP, 2, await joinGroupHandler.handle(none.ctx, joinRequest(), 2)).errorCode, ErrorCode.COORDINATOR_NOT_AVAILABLE)
  })

  it('SyncGroup v5 without protocol type and name is INCONSISTENT_GROUP_PROTOCOL; LeaveGroup v1 puts the member error on top', async () => {
    const f = await fixture()
    const joined = await join(f, 2)
    const response = throughWire<SyncGroupResponse>(ApiKey.SYNC_GROUP, 5,
      await syncGroupHandler.handle(f.ctx, { ...defaultSyncGroupRequest(), groupId: 'g', generationId: 1, memberId: joined.memberId }, 5))
    assert.equal(response.errorCode, ErrorCode.INCONSISTENT_GROUP_PROTOCOL)
    const left = await leaveGroupHandler.handle(f.ctx, { ...defaultLeaveGroupRequest(), groupId: 'g', memberId: 'nobody' }, 1)
    assert.equal(throughWire<LeaveGroupResponse>(ApiKey.LEAVE_GROUP, 1, left).errorCode, ErrorCode.UNKNOWN_MEMBER_ID)
  })

  it('DescribeGroups v0-5, ListGroups v0-4, DeleteGroups v0-2 and OffsetDelete v0 encode what the coordinator says', async () => {
    const f = await fixture()
    const joined = await join(f, 2)
    await sync(f, 5, joined.memberId, 1)
    for (let version = 0; version <= 5; version++) {
      const response = await describeGroupsHandler.handle(f.ctx, { groups: ['g', 'none'], includeAuthorizedOperations: version >= 3 }, version)
      const described = throughWire<DescribeGroupsResponse>(ApiKey.DESCRIBE_GROUPS, version, response)
      assert.deepEqual(described.groups.map((g) => [g.groupId, g.groupState, g.protocolType, g.protocolData, g.members.length]),
        [['g', 'Stable', 'consumer', 'range', 1], ['none', 'Dead', '', '', 0]])
      assert.equal(described.groups[0]!.members[0]!.clientHost, '/10.1.2.3')
      if (version >= 3) assert.equal(described.groups[0]!.authorizedOperations, 328)
    }
    for (let version = 0; version <= 4; version++) {
      const response = await listGroupsHandler.handle(f.ctx, { statesFilter: version >= 4 ? ['Stable'] : [], typesFilter: [] }, version)
      const listed = throughWire<ListGroupsResponse>(ApiKey.LIST_GROUPS, version, response)
      assert.deepEqual(listed.groups.map((g) => [g.groupId, g.protocolType]), [['g', 'consumer']])
      if (version >= 4) assert.equal(listed.groups[0]!.groupState, 'Stable')
    }
    const offsetDelete = await offsetDeleteHandler.handle(f.ctx, { groupId: 'g', topics: [{ name: 'orders', partitions: [{ partitionIndex: 0 }, { partitionIndex: 7 }] }] }, 0)
    assert.deepEqual(throughWire<OffsetDeleteResponse>(ApiKey.OFFSET_DELETE, 0, offsetDelete).topics.flatMap((t) => t.partitions.map((p) => [t.name, p.partitionIndex, p.errorCode])),
      [['orders', 7, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION], ['orders', 0, ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC]])
    for (let version = 0; version <= 2; version++) {
      const response = await deleteGroupsHandler.handle(f.ctx, { groupsNames: ['g', 'none'] }, version)
      assert.deepEqual(throughWire<DeleteGroupsResponse>(ApiKey.DELETE_GROUPS, version, response).results.map((r) => [r.groupId, r.errorCode]),
        [['g', ErrorCode.NON_EMPTY_GROUP], ['none', ErrorCode.GROUP_ID_NOT_FOUND]])
    }
  })
})
