// Committed consumer offsets, kept in `__consumer_offsets` as Kafka's group coordinator keeps them
// (GroupMetadataManager in 3.x, OffsetMetadataManager in 4.x). One per node: it owns the partitions
// of that topic this node leads, answers for the groups that hash to them, and writes every commit
// to the partition's log before answering. Group membership (group/group-membership.ts) lives beside
// the offsets: its GroupMetadata records go to the same partition, are replayed on load, and commits
// are checked against it. "Simple" commits with a negative generation (kcat, confluent-kafka
// assign(), admin tools) to a group without members succeed as before.
// offsets.retention.minutes expiry is group/offset-expiry.ts.
import type { Logger } from 'pino'
import type { Clock } from '../clock.js'
import { SluiceError } from '../errors.js'
import { OFFSETS_TOPIC } from '../metadata/internal-topics.js'
import { buildRecordBatchSync, type RecordInput } from '../protocol/build-record-batch.js'
import { ErrorCode, errorName } from '../protocol/error-codes.js'
import { readRecords, type KafkaRecord } from '../protocol/read-records.js'
import { readRecordBatchHeader, splitRecordBatches } from '../protocol/record-batch.js'
import { ClassicGroup } from './group/classic-group.js'
import { GroupMembership, type GroupMembershipConfig } from './group/group-membership.js'
import { type GroupScheduler, systemGroupScheduler } from './group/group-scheduler.js'
import { type CommittedOffset, type GroupOffsets, PartitionGroups } from './group-offsets.js'
import { partitionForGroup } from './group-partition-hash.js'
import {
  decodeGroupMetadataValue, decodeOffsetCommitValue, decodeOffsetsRecordKey, encodeGroupMetadataKey, encodeGroupMetadataValue,
  encodeOffsetCommitKey, encodeOffsetCommitValue, type GroupMetadataValue,
} from './offsets-record-codec.js'

/**
 * One `__consumer_offsets` partition as its leader sees it. The broker implements it over the
 * partition's log and replication.
 */
export interface CoordinatorPartitionLog {
  /**
   * Appends one record batch (magic 2, e.g. from buildRecordBatch in src/protocol/build-record-batch.ts)
   * as leader with acks=all; resolves with ErrorCode.NONE once committed (below the high watermark),
   * else Kafka's error code (NOT_LEADER_OR_FOLLOWER, KAFKA_STORAGE_ERROR, NOT_ENOUGH_REPLICAS, …).
   */
  append(batch: Buffer): Promise<number>
  /**
   * Whole committed batches from `offset` (up to about maxBytes, at least one batch), empty Buffer
   * at the high watermark.
   */
  read(offset: bigint, maxBytes: number): Promise<Buffer>
  readonly logStartOffset: bigint
  readonly highWatermark: bigint
}

export interface OffsetCoordinatorOptions {
  readonly clock: Clock
  readonly logger: Logger
  /** Partitions of `__consumer_offsets`: the count FindCoordinator hashes over (offsets.topic.num.partitions). */
  readonly partitionCount: number
  /** offset.metadata.max.bytes (Kafka's default 4096); compared with the metadata's length in UTF-16 units, as Kafka does. */
  readonly offsetMetadataMaxBytes?: number
  /** Bytes asked of the log per read while loading (offsets.load.buffer.size, Kafka's default 5 MiB). */
  readonly loadBufferSizeBytes?: number
  /** Session, rebalance and initial-delay timers; real timers when absent. */
  readonly scheduler?: GroupScheduler
  /** group.min/max.session.timeout.ms, group.initial.rebalance.delay.ms, group.max.size; Kafka's defaults when absent. */
  readonly groupConfig?: Partial<GroupMembershipConfig>
  /** Once per completed join phase of a group (Kafka's group-rebalance count); see GroupMembershipOptions. */
  readonly onRebalanceCompleted?: (groupId: string, generationId: number) => void
}

export interface OffsetCommitPartitionInput {
  readonly partitionIndex: number
  readonly committedOffset: bigint
  /** -1 when the client does not know it (OffsetCommit before v6). */
  readonly committedLeaderEpoch: number
  readonly committedMetadata: string | null
}

export interface OffsetCommitTopicInput {
  readonly name: string
  readonly partitions: readonly OffsetCommitPartitionInput[]
}

export interface OffsetCommitPartitionResult {
  partitionIndex: number
  errorCode: number
}

export interface OffsetCommitTopicResult {
  name: string
  partitions: OffsetCommitPartitionResult[]
}

export interface OffsetFetchTopicInput {
  readonly name: string
  readonly partitionIndexes: readonly number[]
}

export interface FetchedOffset {
  partitionIndex: number
  /** -1 when nothing is committed. */
  committedOffset: bigint
  committedLeaderEpoch: number
  metadata: string
  errorCode: number
}

export interface OffsetFetchTopicResult {
  name: string
  partitions: FetchedOffset[]
}

/** A group-level errorCode (NOT_COORDINATOR, …) comes with no topics; the handler places it per version. */
export interface OffsetFetchResult {
  errorCode: number
  topics: OffsetFetchTopicResult[]
}

const DEFAULT_OFFSET_METADATA_MAX_BYTES = 4096
const DEFAULT_LOAD_BUFFER_SIZE_BYTES = 5 * 1024 * 1024

/** Kafka's OffsetFetchResponse.INVALID_OFFSET: nothing committed. */
const INVALID_OFFSET = -1n

/** A partition this node leads. Identity matters: after an await, a different object means unloaded or reloaded. */
class OwnedPartition {
  status: 'loading' | 'active' = 'loading'
  readonly groups = new PartitionGroups()
  /** The latest GroupMetadata record per group while loading (null: tombstone), turned into groups once loaded. */
  readonly loadedGroupRecords = new Map<string, GroupMetadataValue | null>()
  /** Orders writes so that an append resolving late never overwrites a newer commit in memory. */
  nextWriteSequence = 0

  constructor(readonly index: number, readonly log: CoordinatorPartitionLog) {}
}

/**
 * The answer to a commit for a write that failed, as Kafka's GroupMetadataManager.storeOffsets maps
 * it: clients retry on the coordinator errors and rediscover the coordinator on NOT_COORDINATOR.
 */
function commitErrorFor(appendError: number): number {
  switch (appendError) {
    case ErrorCode.UNKNOWN_TOPIC_OR_PARTITION:
    case ErrorCode.NOT_ENOUGH_REPLICAS:
    case ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND:
    case ErrorCode.REQUEST_TIMED_OUT:
      return ErrorCode.COORDINATOR_NOT_AVAILABLE
    case ErrorCode.NOT_LEADER_OR_FOLLOWER:
    case ErrorCode.KAFKA_STORAGE_ERROR:
      return ErrorCode.NOT_COORDINATOR
    case ErrorCode.MESSAGE_TOO_LARGE:
    case ErrorCode.RECORD_LIST_TOO_LARGE:
    case ErrorCode.INVALID_FETCH_SIZE:
      return ErrorCode.INVALID_COMMIT_OFFSET_SIZE
    default:
      return appendError
  }
}

/** The answer for a group write that failed, as Kafka's GroupMetadataManager.storeGroup maps it. */
function storeGroupErrorFor(appendError: number): number {
  const errorCode = commitErrorFor(appendError)
  return errorCode === ErrorCode.INVALID_COMMIT_OFFSET_SIZE ? ErrorCode.UNKNOWN_SERVER_ERROR : errorCode
}

/** Every partition of the request answered with one code, as Kafka's OffsetCommitRequest.getErrorResponse does. */
function commitError(topics: readonly OffsetCommitTopicInput[], errorCode: number): OffsetCommitTopicResult[] {
  return topics.map((topic) => ({ name: topic.name, partitions: topic.partitions.map(({ partitionIndex }) => ({ partitionIndex, errorCode })) }))
}

function noOffset(partitionIndex: number): FetchedOffset {
  return { partitionIndex, committedOffset: INVALID_OFFSET, committedLeaderEpoch: -1, metadata: '', errorCode: ErrorCode.NONE }
}

function fetched(partitionIndex: number, committed: CommittedOffset): FetchedOffset {
  return { partitionIndex, committedOffset: committed.offset, committedLeaderEpoch: committed.leaderEpoch, metadata: committed.metadata, errorCode: ErrorCode.NONE }
}

export class OffsetCoordinator {
  private readonly partitions = new Map<number, OwnedPartition>()
  private readonly offsetMetadataMaxBytes: number
  private readonly loadBufferSizeBytes: number
  /** JoinGroup, SyncGroup, Heartbeat and LeaveGroup go here. */
  readonly membership: GroupMembership
  /** The coordinator's logger, for the admin operations over it (group-admin.ts, offset-expiry.ts). */
  readonly logger: Logger

  constructor(private readonly options: OffsetCoordinatorOptions) {
    this.offsetMetadataMaxBytes = options.offsetMetadataMaxBytes ?? DEFAULT_OFFSET_METADATA_MAX_BYTES
    this.loadBufferSizeBytes = options.loadBufferSizeBytes ?? DEFAULT_LOAD_BUFFER_SIZE_BYTES
    this.logger = options.logger
    this.membership = new GroupMembership({
      clock: options.clock,
      scheduler: options.scheduler ?? systemGroupScheduler,
      logger: options.logger,
      ...(options.groupConfig === undefined ? {} : { config: options.groupConfig }),
      ...(options.onRebalanceCompleted === undefined ? {} : { onRebalanceCompleted: options.onRebalanceCompleted }),
      coordinatorError: (groupId) => this.coordinatorError(groupId),
      store: (groupId, value) => this.storeGroup(groupId, value),
    })
  }

  /** NONE when this node serves `groupId` now, else NOT_COORDINATOR or COORDINATOR_LOAD_IN_PROGRESS. */
  coordinatorError(groupId: string): number {
    const owned = this.partitions.get(this.partitionFor(groupId))
    if (owned === undefined) return ErrorCode.NOT_COORDINATOR
    return owned.status === 'loading' ? ErrorCode.COORDINATOR_LOAD_IN_PROGRESS : ErrorCode.NONE
  }

  /** The committed offsets of a group this node serves, if it has any. */
  groupOffsets(groupId: string): GroupOffsets | undefined {
    return this.partitions.get(this.partitionFor(groupId))?.groups.group(groupId)
  }

  /** Groups of the loaded partitions that have offsets, and whether some partition is still loading (ListGroups). */
  offsetGroupIds(): { groupIds: string[]; isLoading: boolean } {
    const groupIds: string[] = []
    let isLoading = false
    for (const owned of this.partitions.values()) {
      if (owned.status === 'loading') isLoading = true
      else groupIds.push(...owned.groups.groupIds())
    }
    return { groupIds, isLoading }
  }

  /**
   * Appends records for one group (GroupMetadata or tombstones) as one batch; resolves with NONE
   * once committed, else the code Kafka answers for a failed group write. `onCommitted` runs only
   * after a successful append while this node still owns the partition.
   */
  async writeGroupRecords(groupId: string, records: ReadonlyArray<{ readonly key: Buffer; readonly value: Buffer | null }>,
    onCommitted: (groups: PartitionGroups) => void = () => {}): Promise<number> {
    const owned = this.partitions.get(this.partitionFor(groupId))
    if (owned === undefined || owned.status !== 'active') return ErrorCode.NOT_COORDINATOR
    const timestamp = BigInt(this.options.clock.nowMs())
    const appendError = await owned.log.append(buildRecordBatchSync({ records: records.map((record): RecordInput => ({ ...record, timestamp })) }))
    if (this.partitions.get(owned.index) !== owned) return ErrorCode.NOT_COORDINATOR
    const errorCode = storeGroupErrorFor(appendError)
    if (errorCode === ErrorCode.NONE) onCommitted(owned.groups)
    else this.options.logger.warn({ group: groupId, topic: OFFSETS_TOPIC, partition: owned.index, errorCode, error: errorName(errorCode), appendError },
      'group records not written')
    return errorCode
  }

  private storeGroup(groupId: string, value: GroupMetadataValue | null): Promise<number> {
    return this.writeGroupRecords(groupId, [{ key: encodeGroupMetadataKey(groupId), value: value === null ? null : encodeGroupMetadataValue(value) }])
  }

  /** The `__consumer_offsets` partition of a group. */
  partitionFor(groupId: string): number {
    return partitionForGroup(groupId, this.options.partitionCount)
  }

  /**
   * Takes ownership of a partition this node now leads: requests for its groups answer
   * COORDINATOR_LOAD_IN_PROGRESS until its committed records are replayed, then are served. Loading
   * again replaces an earlier load. Rejects (and drops the partition) when the log holds a record it
   * cannot decode or a read fails.
   */
  async loadPartition(partitionIndex: number, log: CoordinatorPartitionLog): Promise<void> {
    const owned = new OwnedPartition(partitionIndex, log)
    const started = this.options.clock.nowMs()
    this.unloadGroups(partitionIndex)
    this.partitions.set(partitionIndex, owned)
    try {
      await this.replay(owned)
    } catch (error) {
      if (this.partitions.get(partitionIndex) === owned) this.partitions.delete(partitionIndex)
      throw error
    }
    if (this.partitions.get(partitionIndex) !== owned) return
    // Groups come back as Kafka's loader rebuilds them: Stable with their members (whose sessions
    // start now, so members that never return expire), or Empty.
    let groups = 0
    for (const [groupId, value] of owned.loadedGroupRecords) {
      if (value === null) continue
      this.membership.loadGroup(ClassicGroup.fromRecord(groupId, value, this.options.clock.nowMs()))
      groups++
    }
    owned.loadedGroupRecords.clear()
    owned.status = 'active'
    this.options.logger.info({
      topic: OFFSETS_TOPIC, partition: partitionIndex, highWatermark: log.highWatermark.toString(), groups,
      offsetGroups: [...owned.groups.groupIds()].length, durationMs: this.options.clock.nowMs() - started,
    }, 'coordinator partition loaded')
  }

  /** Gives up a partition (leadership moved or the topic went away): its groups answer NOT_COORDINATOR. */
  unloadPartition(partitionIndex: number): void {
    const wasOwned = this.partitions.delete(partitionIndex)
    const groups = this.unloadGroups(partitionIndex)
    if (wasOwned) this.options.logger.info({ topic: OFFSETS_TOPIC, partition: partitionIndex, groups }, 'coordinator partition unloaded')
  }

  /** Stops the group timers (broker shutdown). */
  close(): void {
    this.membership.close()
  }

  /** Forgets the live groups of a partition; returns how many there were. */
  private unloadGroups(partitionIndex: number): number {
    let count = 0
    for (const groupId of [...this.membership.groups.keys()]) {
      if (this.partitionFor(groupId) !== partitionIndex) continue
      this.membership.unloadGroup(groupId)
      count++
    }
    return count
  }

  /**
   * OffsetCommit for one group. Resolves with a code for every partition of `topics`, in request
   * order, once the commit is in the log (or failed to get there); memory changes only on success.
   */
  async commitOffsets(
    groupId: string | null,
    memberId: string,
    generationId: number,
    topics: readonly OffsetCommitTopicInput[],
    options: { readonly groupInstanceId?: string | null } = {},
  ): Promise<OffsetCommitTopicResult[]> {
    // Kafka accepts the empty group id here for old clients; only null is INVALID_GROUP_ID.
    if (groupId === null) return commitError(topics, ErrorCode.INVALID_GROUP_ID)
    const owned = this.partitions.get(this.partitionFor(groupId))
    if (owned === undefined) return commitError(topics, ErrorCode.NOT_COORDINATOR)
    if (owned.status === 'loading') return commitError(topics, ErrorCode.COORDINATOR_LOAD_IN_PROGRESS)
    const membershipError = this.validateCommitMembership(groupId, owned.groups.group(groupId), memberId, options.groupInstanceId ?? null, generationId)
    if (membershipError !== ErrorCode.NONE) return commitError(topics, membershipError)

    const commitTimestamp = BigInt(this.options.clock.nowMs())
    const writes: Array<{ topic: string; partition: number; committed: CommittedOffset; result: OffsetCommitPartitionResult }> = []
    const results = topics.map((topic) => ({
      name: topic.name,
      partitions: topic.partitions.map((partition) => {
        const metadata = partition.committedMetadata ?? ''
        if (metadata.length > this.offsetMetadataMaxBytes) return { partitionIndex: partition.partitionIndex, errorCode: ErrorCode.OFFSET_METADATA_TOO_LARGE }
        const result = { partitionIndex: partition.partitionIndex, errorCode: ErrorCode.NONE as number }
        const committed = { offset: partition.committedOffset, leaderEpoch: partition.committedLeaderEpoch, metadata, commitTimestamp, expireTimestamp: -1n }
        writes.push({ topic: topic.name, partition: partition.partitionIndex, committed, result })
        return result
      }),
    }))
    if (writes.length === 0) return results

    // One batch for the whole request, so the commit lands in the log all or nothing.
    const batch = buildRecordBatchSync({
      records: writes.map(({ topic, partition, committed }): RecordInput => ({
        key: encodeOffsetCommitKey(groupId, topic, partition),
        value: encodeOffsetCommitValue(committed),
        timestamp: commitTimestamp,
      })),
    })
    const writeSequence = owned.nextWriteSequence++
    const appendError = await owned.log.append(batch)
    // Leadership may have moved while the write was replicating: answer as Kafka fails pending writes.
    const errorCode = this.partitions.get(owned.index) === owned ? commitErrorFor(appendError) : ErrorCode.NOT_COORDINATOR
    if (errorCode === ErrorCode.NONE) {
      const group = owned.groups.getOrCreateGroup(groupId)
      for (const { topic, partition, committed } of writes) group.put(topic, partition, committed, writeSequence)
    } else {
      this.options.logger.warn({ group: groupId, topic: OFFSETS_TOPIC, partition: owned.index, errorCode, error: errorName(errorCode), appendError },
        'offset commit not written')
    }
    for (const { result } of writes) result.errorCode = errorCode
    return results
  }

  /**
   * OffsetFetch for one group: the asked partitions (-1, leader epoch -1 and "" for those without a
   * commit), or with `topics` null every committed offset of the group. `requireStable` (KIP-447)
   * matters only with pending transactional offsets, which cannot exist before TxnOffsetCommit does.
   */
  fetchOffsets(groupId: string | null, topics: readonly OffsetFetchTopicInput[] | null, requireStable: boolean): OffsetFetchResult {
    if (groupId === null) return { errorCode: ErrorCode.INVALID_GROUP_ID, topics: [] }
    const owned = this.partitions.get(this.partitionFor(groupId))
    if (owned === undefined) return { errorCode: ErrorCode.NOT_COORDINATOR, topics: [] }
    if (owned.status === 'loading') return { errorCode: ErrorCode.COORDINATOR_LOAD_IN_PROGRESS, topics: [] }
    const group = owned.groups.group(groupId)
    if (topics !== null) {
      return {
        errorCode: ErrorCode.NONE,
        topics: topics.map((topic) => ({
          name: topic.name,
          partitions: topic.partitionIndexes.map((partitionIndex) => {
            const committed = group?.get(topic.name, partitionIndex)
            return committed === undefined ? noOffset(partitionIndex) : fetched(partitionIndex, committed)
          }),
        })),
      }
    }
    // Kafka lists them in hash-map order; sorted is as valid and reads better in tools and tests.
    const all = [...(group?.byTopic.entries() ?? [])].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return {
      errorCode: ErrorCode.NONE,
      topics: all.map(([name, partitions]) => ({
        name,
        partitions: [...partitions.entries()].sort(([a], [b]) => a - b).map(([index, committed]) => fetched(index, committed)),
      })),
    }
  }

  /**
   * The membership check of a commit, as Kafka 4.x's ClassicGroup.validateOffsetCommit: with no
   * members a negative generation commits whatever the member id (a missing group becomes a simple
   * group); a generation ≥ 0 is ILLEGAL_GENERATION for a missing group (OffsetCommit before v9);
   * otherwise the member (or its group.instance.id, KIP-345) must belong to the current generation,
   * and a group waiting for its leader's assignment answers REBALANCE_IN_PROGRESS.
   */
  private validateCommitMembership(groupId: string, offsets: GroupOffsets | undefined, memberId: string, groupInstanceId: string | null,
    generationId: number): number {
    const group = this.membership.groups.get(groupId)
    if (group === undefined) {
      if (generationId < 0) return ErrorCode.NONE
      return offsets === undefined ? ErrorCode.ILLEGAL_GENERATION : ErrorCode.UNKNOWN_MEMBER_ID
    }
    if (group.state === 'Dead') return ErrorCode.COORDINATOR_NOT_AVAILABLE
    if (generationId < 0 && group.state === 'Empty') return ErrorCode.NONE
    if (generationId >= 0 || memberId !== '' || groupInstanceId !== null) {
      if (groupInstanceId !== null) {
        const current = group.staticMembers.get(groupInstanceId)
        if (current === undefined) return ErrorCode.UNKNOWN_MEMBER_ID
        if (current !== memberId) return ErrorCode.FENCED_INSTANCE_ID
      } else if (!group.members.has(memberId)) {
        return ErrorCode.UNKNOWN_MEMBER_ID
      }
      if (generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION
    } else if (group.state !== 'Empty') {
      // Only members commit to a group that has them.
      return ErrorCode.UNKNOWN_MEMBER_ID
    }
    return group.state === 'CompletingRebalance' ? ErrorCode.REBALANCE_IN_PROGRESS : ErrorCode.NONE
  }

  /** Reads the partition's committed batches into `owned.groups`, stopping early once it is no longer current. */
  private async replay(owned: OwnedPartition): Promise<void> {
    let offset = owned.log.logStartOffset
    while (offset < owned.log.highWatermark && this.partitions.get(owned.index) === owned) {
      const chunk = await owned.log.read(offset, this.loadBufferSizeBytes)
      if (chunk.length === 0) break
      const { batches } = splitRecordBatches(chunk)
      if (batches.length === 0) throw new SluiceError('ERR_COORDINATOR_LOAD', `__consumer_offsets-${owned.index}: no whole batch at offset ${offset}`)
      for (const batch of batches) {
        const header = readRecordBatchHeader(batch)
        if (header.lastOffset < offset) continue
        // Transaction markers (control batches) have nothing to replay until TxnOffsetCommit exists.
        if (!header.isControl && header.producerId !== -1n) {
          this.options.logger.warn({ topic: OFFSETS_TOPIC, partition: owned.index, baseOffset: header.baseOffset.toString(), producerId: header.producerId.toString() },
            'skipping transactional offset commit while loading: transactions are not supported')
        } else if (!header.isControl) {
          for (const record of await readRecords(batch)) {
            if (record.offset >= offset) this.replayRecord(owned, record)
          }
        }
        offset = header.lastOffset + 1n
      }
    }
  }

  private replayRecord(owned: OwnedPartition, record: KafkaRecord): void {
    if (record.key === null) {
      this.options.logger.warn({ topic: OFFSETS_TOPIC, partition: owned.index, offset: record.offset.toString() }, 'skipping __consumer_offsets record without a key')
      return
    }
    const key = decodeOffsetsRecordKey(record.key)
    switch (key.type) {
      case 'offset-commit': {
        const committed = record.value === null ? null : decodeOffsetCommitValue(record.value)
        owned.groups.replayOffsetCommit(key.group, key.topic, key.partition, committed)
        return
      }
      case 'group-metadata':
        owned.groups.replayGroupMetadata(key.group, record.value === null)
        owned.loadedGroupRecords.set(key.group, record.value === null ? null : decodeGroupMetadataValue(record.value))
        return
      case 'unknown':
        this.options.logger.warn({ topic: OFFSETS_TOPIC, partition: owned.index, offset: record.offset.toString(), keyVersion: key.version },
          'skipping __consumer_offsets record of a type this broker does not know')
        return
      default: {
        const unexpected: never = key
        throw new SluiceError('ERR_INTERNAL', `unexpected key ${JSON.stringify(unexpected)}`)
      }
    }
  }
}
