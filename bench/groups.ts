// `npm run bench -- groups`: the group coordinator under a client's own protocol steps, with the
// project's codecs over plain sockets so the client costs little and the figures are the broker's.
// Ten members, each on its own connection as separate consumers would be, join a fresh group
// (MEMBER_ID_REQUIRED handshake, the leader assigning, SyncGroup, heartbeats that rejoin on
// REBALANCE_IN_PROGRESS); then one leaves; then one member commits offsets synchronously. Each
// figure is printed next to the same run's ApiVersions round trip. The broker runs as a separate
// process with group.initial.rebalance.delay.ms=0, as issue 6 asks.
// Last line of standard output: {"bench":"groups","join_10_members_s":…,"rebalance_after_leave_s":…,
// "commits_per_s":…,"loopback_rtt_ms":…}. Targets: join_10_members_s ≤ 5, commits_per_s ≥ 2,000.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ErrorCode } from '../src/protocol/error-codes.js'
import { ApiKey } from '../src/protocol/generated/api-registry.js'
import { defaultCreateTopicsRequest, defaultCreateTopicsRequestCreatableTopic, type CreateTopicsResponse } from '../src/protocol/generated/apis/create-topics.js'
import type { FindCoordinatorResponse } from '../src/protocol/generated/apis/find-coordinator.js'
import type { HeartbeatResponse } from '../src/protocol/generated/apis/heartbeat.js'
import type { JoinGroupResponse } from '../src/protocol/generated/apis/join-group.js'
import type { LeaveGroupResponse } from '../src/protocol/generated/apis/leave-group.js'
import type { OffsetCommitResponse } from '../src/protocol/generated/apis/offset-commit.js'
import type { SyncGroupResponse } from '../src/protocol/generated/apis/sync-group.js'
import { SluiceError } from '../src/errors.js'
import { BenchError, type BrokerProcess, secondsSince, sleep, startBroker, stopBroker } from './support/broker-process.js'
import { type KafkaConnection, advertisedVersions, measureRoundTrips, openLocal, pickVersion } from './support/kafka-connection.js'
import { median, printTable, round } from './support/measure.js'

const MEMBERS = 10
const GROUP = 'sluice-bench-group'
const TOPIC = 'sluice-bench-commits'
const REQUEST_TIMEOUT_MS = 15_000
const SESSION_TIMEOUT_MS = 10_000
const HEARTBEAT_INTERVAL_MS = 100
const STABLE_TIMEOUT_MS = 60_000
const COMMIT_SECONDS = 2
const RTT_SAMPLES = 200
const RTT_WARMUP = 20
/** Highest versions this bench speaks; the broker's advertised maximum may lower them. */
const WANTED = { joinGroup: 7, syncGroup: 5, heartbeat: 4, leaveGroup: 4, offsetCommit: 8, createTopics: 7, findCoordinator: 4 } as const

/** ConsumerProtocolSubscription v0 for one topic, and an empty ConsumerProtocolAssignment v0. */
const SUBSCRIPTION = Buffer.concat([Buffer.from([0, 0, 0, 0, 0, 1, 0, TOPIC.length]), Buffer.from(TOPIC), Buffer.from([0xff, 0xff, 0xff, 0xff])])
const EMPTY_ASSIGNMENT = Buffer.from([0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff])

type Versions = { readonly [K in keyof typeof WANTED]: number }

/** One consumer's side of the classic group protocol. */
class Member {
  memberId = ''
  /** The generation this member last completed SyncGroup in, and that generation's size (known to its leader). */
  syncedGeneration = -1
  private isStopped = false
  private heartbeats: Promise<void> | undefined
  /** Why this member's loop stopped with an error, if it did. */
  failure: Error | undefined

  constructor(readonly connection: KafkaConnection, private readonly versions: Versions, private readonly sizes: Map<number, number>) {}

  /** JoinGroup (with the MEMBER_ID_REQUIRED handshake) then SyncGroup, again until one generation completes. */
  async joinAndSync(): Promise<void> {
    for (let attempt = 0; attempt < 50 && !this.isStopped; attempt++) {
      const join = await this.connection.request<JoinGroupResponse>(ApiKey.JOIN_GROUP, this.versions.joinGroup, {
        groupId: GROUP, sessionTimeoutMs: SESSION_TIMEOUT_MS, rebalanceTimeoutMs: SESSION_TIMEOUT_MS, memberId: this.memberId,
        groupInstanceId: null, protocolType: 'consumer', protocols: [{ name: 'range', metadata: SUBSCRIPTION }], reason: null,
      }, REQUEST_TIMEOUT_MS, 'JoinGroup')
      if (join.errorCode === ErrorCode.MEMBER_ID_REQUIRED) {
        this.memberId = join.memberId
        continue
      }
      if (join.errorCode === ErrorCode.UNKNOWN_MEMBER_ID) {
        this.memberId = ''
        continue
      }
      if (join.errorCode === ErrorCode.REBALANCE_IN_PROGRESS) continue
      if (join.errorCode !== ErrorCode.NONE) throw new BenchError(`JoinGroup answered error ${join.errorCode}`)
      this.memberId = join.memberId
      const isLeader = join.leader === join.memberId
      if (isLeader) this.sizes.set(join.generationId, join.members.length)
      const sync = await this.connection.request<SyncGroupResponse>(ApiKey.SYNC_GROUP, this.versions.syncGroup, {
        groupId: GROUP, generationId: join.generationId, memberId: this.memberId, groupInstanceId: null,
        protocolType: 'consumer', protocolName: join.protocolName,
        assignments: isLeader ? join.members.map((member) => ({ memberId: member.memberId, assignment: EMPTY_ASSIGNMENT })) : [],
      }, REQUEST_TIMEOUT_MS, 'SyncGroup')
      if (sync.errorCode === ErrorCode.REBALANCE_IN_PROGRESS || sync.errorCode === ErrorCode.ILLEGAL_GENERATION) continue
      if (sync.errorCode !== ErrorCode.NONE) throw new BenchError(`SyncGroup answered error ${sync.errorCode}`)
      this.syncedGeneration = join.generationId
      return
    }
  }

  /** Joins, then heartbeats every HEARTBEAT_INTERVAL_MS and rejoins when the group rebalances. */
  start(): void {
    this.heartbeats = (async () => {
      await this.joinAndSync()
      while (!this.isStopped) {
        await sleep(HEARTBEAT_INTERVAL_MS)
        if (this.isStopped) break
        const beat = await this.connection.request<HeartbeatResponse>(ApiKey.HEARTBEAT, this.versions.heartbeat, {
          groupId: GROUP, generationId: this.syncedGeneration, memberId: this.memberId, groupInstanceId: null,
        }, REQUEST_TIMEOUT_MS, 'Heartbeat')
        if (beat.errorCode === ErrorCode.REBALANCE_IN_PROGRESS || beat.errorCode === ErrorCode.ILLEGAL_GENERATION) await this.joinAndSync()
        else if (beat.errorCode === ErrorCode.UNKNOWN_MEMBER_ID) {
          this.memberId = ''
          await this.joinAndSync()
        } else if (beat.errorCode !== ErrorCode.NONE) throw new BenchError(`Heartbeat answered error ${beat.errorCode}`)
      }
    })().catch((error: unknown) => {
      this.failure = error instanceof Error ? error : new Error(String(error))
    })
  }

  /** Stops heartbeating; with `leave`, sends LeaveGroup first. */
  async stop(leave: boolean): Promise<void> {
    this.isStopped = true
    await this.heartbeats?.catch(() => undefined)
    if (!leave || this.memberId === '') return
    const response = await this.connection.request<LeaveGroupResponse>(ApiKey.LEAVE_GROUP, this.versions.leaveGroup, {
      groupId: GROUP, memberId: this.memberId, members: [{ memberId: this.memberId, groupInstanceId: null, reason: 'bench' }],
    }, REQUEST_TIMEOUT_MS, 'LeaveGroup')
    if (response.errorCode !== ErrorCode.NONE) throw new BenchError(`LeaveGroup answered error ${response.errorCode}`)
  }
}

/** Waits until every member has synced in one generation of exactly `size` members; returns it. */
async function waitStable(members: readonly Member[], sizes: Map<number, number>, size: number): Promise<number> {
  const deadline = Date.now() + STABLE_TIMEOUT_MS
  for (;;) {
    const failed = members.find((member) => member.failure !== undefined)
    if (failed !== undefined) throw failed.failure instanceof BenchError ? failed.failure : new BenchError(`a member failed: ${failed.failure!.message}`)
    const generation = members[0]!.syncedGeneration
    if (generation >= 0 && members.every((member) => member.syncedGeneration === generation) && sizes.get(generation) === size) return generation
    if (Date.now() > deadline) throw new BenchError(`the group did not become stable with ${size} members within ${STABLE_TIMEOUT_MS / 1000} s`)
    await sleep(5)
  }
}

/**
 * FindCoordinator for the group until it names one: as a client does first, which also makes the
 * broker create `__consumer_offsets`.
 */
async function findCoordinator(connection: KafkaConnection, version: number): Promise<void> {
  const deadline = Date.now() + REQUEST_TIMEOUT_MS
  for (;;) {
    const response = await connection.request<FindCoordinatorResponse>(ApiKey.FIND_COORDINATOR, version, {
      key: GROUP, keyType: 0, coordinatorKeys: [GROUP],
    }, REQUEST_TIMEOUT_MS, 'FindCoordinator')
    const errorCode = version >= 4 ? response.coordinators[0]?.errorCode : response.errorCode
    if (errorCode === ErrorCode.NONE) return
    if (Date.now() > deadline) throw new BenchError(`FindCoordinator kept answering error ${errorCode}`)
    await sleep(50)
  }
}

async function createTopic(connection: KafkaConnection, version: number): Promise<void> {
  const response = await connection.request<CreateTopicsResponse>(ApiKey.CREATE_TOPICS, version, {
    ...defaultCreateTopicsRequest(),
    topics: [{ ...defaultCreateTopicsRequestCreatableTopic(), name: TOPIC, numPartitions: 1, replicationFactor: 1 }],
    timeoutMs: REQUEST_TIMEOUT_MS,
  }, REQUEST_TIMEOUT_MS, 'CreateTopics')
  const error = response.topics[0]?.errorCode ?? ErrorCode.UNKNOWN_SERVER_ERROR
  if (error !== ErrorCode.NONE && error !== ErrorCode.TOPIC_ALREADY_EXISTS) throw new BenchError(`CreateTopics answered error ${error}`)
}

/** Sequential OffsetCommits by `member` for COMMIT_SECONDS; each answered only after its append. */
async function measureCommits(member: Member, version: number): Promise<{ perSecond: number; latencyMs: number[] }> {
  const latencyMs: number[] = []
  const start = process.hrtime.bigint()
  let offset = 0n
  while (secondsSince(start) < COMMIT_SECONDS) {
    const sent = process.hrtime.bigint()
    const response = await member.connection.request<OffsetCommitResponse>(ApiKey.OFFSET_COMMIT, version, {
      groupId: GROUP, generationIdOrMemberEpoch: member.syncedGeneration, memberId: member.memberId, groupInstanceId: null, retentionTimeMs: -1n,
      topics: [{ name: TOPIC, partitions: [{ partitionIndex: 0, committedOffset: offset++, committedLeaderEpoch: -1, commitTimestamp: -1n, committedMetadata: '' }] }],
    }, REQUEST_TIMEOUT_MS, 'OffsetCommit')
    const error = response.topics[0]?.partitions[0]?.errorCode ?? ErrorCode.UNKNOWN_SERVER_ERROR
    if (error !== ErrorCode.NONE) throw new BenchError(`OffsetCommit answered error ${error}`)
    latencyMs.push(Number(process.hrtime.bigint() - sent) / 1e6)
  }
  return { perSecond: latencyMs.length / secondsSince(start), latencyMs }
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'sluice-bench-groups-'))
  let broker: BrokerProcess | undefined
  const connections: KafkaConnection[] = []
  try {
    const logDir = join(work, 'data')
    mkdirSync(logDir)
    broker = await startBroker(logDir, async (started, secondsLeft) => {
      const probe = await openLocal(started.port, Math.max(500, secondsLeft * 1000))
      try {
        await advertisedVersions(probe)
      } finally {
        probe.close()
      }
    }, 'ApiVersions', { overrides: ['group.initial.rebalance.delay.ms=0', 'offsets.topic.num.partitions=1'] })

    const admin = await openLocal(broker.port)
    connections.push(admin)
    const advertised = await advertisedVersions(admin)
    const picked = Object.fromEntries(Object.entries(WANTED).map(([name, wanted]) => {
      const apiKey = {
        joinGroup: ApiKey.JOIN_GROUP, syncGroup: ApiKey.SYNC_GROUP, heartbeat: ApiKey.HEARTBEAT, leaveGroup: ApiKey.LEAVE_GROUP,
        offsetCommit: ApiKey.OFFSET_COMMIT, createTopics: ApiKey.CREATE_TOPICS, findCoordinator: ApiKey.FIND_COORDINATOR,
      }[name as keyof typeof WANTED]
      const version = pickVersion(advertised, apiKey, wanted)
      if (version === undefined) throw new BenchError(`the broker does not serve ${name} (api key ${apiKey}): the group coordinator is needed`)
      return [name, version]
    })) as unknown as Versions
    const rtt = await measureRoundTrips(admin, RTT_SAMPLES, RTT_WARMUP)
    await createTopic(admin, picked.createTopics)
    await findCoordinator(admin, picked.findCoordinator)

    const sizes = new Map<number, number>()
    const members: Member[] = []
    for (let i = 0; i < MEMBERS; i++) {
      const connection = await openLocal(broker.port)
      connections.push(connection)
      members.push(new Member(connection, picked, sizes))
    }
    const joinStart = process.hrtime.bigint()
    for (const member of members) member.start()
    const stableGeneration = await waitStable(members, sizes, MEMBERS)
    const joinSeconds = secondsSince(joinStart)

    const leaving = members.pop()!
    const leaveStart = process.hrtime.bigint()
    await leaving.stop(true)
    const afterLeave = await waitStable(members, sizes, MEMBERS - 1)
    const rebalanceSeconds = secondsSince(leaveStart)

    const commits = await measureCommits(members[0]!, picked.offsetCommit)
    for (const member of members) await member.stop(true)
    const stoppedCleanly = await stopBroker(broker)
    broker = undefined

    const rttMs = median(rtt)
    printTable(['measure', 'value', 'in round trips'], [
      [`${MEMBERS} members join a new group until stable (generation ${stableGeneration}), s (target <= 5)`, joinSeconds, joinSeconds * 1000 / rttMs],
      [`rebalance after one member leaves (generation ${afterLeave}), s`, rebalanceSeconds, rebalanceSeconds * 1000 / rttMs],
      [`offset commits, one member, sequential, per s (target >= 2000)`, commits.perSecond, ''],
      ['offset commit latency, median ms', median(commits.latencyMs), median(commits.latencyMs) / rttMs],
      ['ApiVersions v3 round trip, median ms (loopback floor)', rttMs, 1],
      [`heartbeat interval of the members, ms`, HEARTBEAT_INTERVAL_MS, ''],
      ['broker stopped on SIGTERM', stoppedCleanly ? 'yes' : 'no (killed)', ''],
    ])
    console.log(JSON.stringify({
      bench: 'groups',
      members: MEMBERS,
      join_10_members_s: round(joinSeconds),
      rebalance_after_leave_s: round(rebalanceSeconds),
      commits_per_s: round(commits.perSecond),
      commit_median_ms: round(median(commits.latencyMs)),
      loopback_rtt_ms: round(rttMs),
      heartbeat_interval_ms: HEARTBEAT_INTERVAL_MS,
    }))
  } finally {
    for (const connection of connections) connection.close()
    if (broker !== undefined) await stopBroker(broker)
    rmSync(work, { recursive: true, force: true })
  }
}

try {
  await main()
} catch (error) {
  if (!(error instanceof BenchError || error instanceof SluiceError)) throw error
  console.error(`groups bench: ${error.message}`)
  process.exitCode = 1
}
