// offsets.retention.minutes (KIP-211): the committed offsets of a group with no members expire
// once the retention has passed since the group became Empty (for a group that never had
// members, since each offset was committed; an offset carrying its own expire timestamp, from an
// old OffsetCommit, expires then). Expired offsets are tombstoned in `__consumer_offsets`; a group
// left with neither members nor offsets is deleted with its own tombstone, as Kafka does.
import { ErrorCode } from '../../protocol/error-codes.js'
import type { OffsetCoordinator } from '../offset-coordinator.js'
import { encodeOffsetCommitKey } from '../offsets-record-codec.js'
import { deleteGroup } from './group-admin.js'

export interface ExpiryResult {
  readonly expiredOffsets: number
  readonly deletedGroups: number
}

/** One expiry pass over every group this node coordinates. */
export async function expireOffsets(coordinator: OffsetCoordinator, nowMs: number, retentionMs: number): Promise<ExpiryResult> {
  let expiredOffsets = 0
  let deletedGroups = 0
  for (const groupId of coordinator.offsetGroupIds().groupIds) {
    if (coordinator.coordinatorError(groupId) !== ErrorCode.NONE) continue
    const group = coordinator.membership.groups.get(groupId)
    if (group !== undefined && group.state !== 'Empty') continue
    const offsets = coordinator.groupOffsets(groupId)
    if (offsets === undefined) continue
    const expired: Array<[string, number]> = []
    for (const [topic, partitions] of offsets.byTopic) {
      for (const [partition, committed] of partitions) {
        const isExpired = committed.expireTimestamp >= 0n
          ? BigInt(nowMs) >= committed.expireTimestamp
          : nowMs - (group?.currentStateTimestampMs ?? Number(committed.commitTimestamp)) >= retentionMs
        if (isExpired) expired.push([topic, partition])
      }
    }
    if (expired.length === 0) continue
    const tombstones = expired.map(([topic, partition]) => ({ key: encodeOffsetCommitKey(groupId, topic, partition), value: null }))
    const errorCode = await coordinator.writeGroupRecords(groupId, tombstones, (groups) => {
      for (const [topic, partition] of expired) groups.group(groupId)?.delete(topic, partition)
    })
    if (errorCode !== ErrorCode.NONE) continue
    coordinator.logger.info({ group: groupId, offsets: expired.length }, 'offsets expired')
    expiredOffsets += expired.length
    const remaining = coordinator.groupOffsets(groupId)
    const isLeftEmpty = remaining === undefined || remaining.byTopic.size === 0
    if (isLeftEmpty && (await deleteGroup(coordinator, groupId)) === ErrorCode.NONE) deletedGroups++
  }
  return { expiredOffsets, deletedGroups }
}
