// Consumer lag as the broker itself sees it (issue 6; the metrics issue exposes it): for every
// group this node coordinates, each committed partition's offset against that partition's high
// watermark. Lag is what a consumer restarting from its commits would still have to read.
import type { OffsetCoordinator } from './offset-coordinator.js'

export interface PartitionLag {
  readonly group: string
  readonly topic: string
  readonly partition: number
  readonly committedOffset: bigint
  /** -1 when this node does not host the partition (its lag is then unknown here). */
  readonly highWatermark: bigint
  /** highWatermark - committedOffset, never negative; -1 when unknown. */
  readonly lag: bigint
}

/**
 * The lag of every committed partition of the groups this node coordinates. `highWatermark`
 * answers for the partitions this node leads (undefined for the others).
 */
export function consumerLag(coordinator: OffsetCoordinator, highWatermark: (topic: string, partition: number) => bigint | undefined): PartitionLag[] {
  const lags: PartitionLag[] = []
  for (const group of coordinator.offsetGroupIds().groupIds.sort()) {
    const offsets = coordinator.groupOffsets(group)
    if (offsets === undefined) continue
    for (const [topic, partitions] of [...offsets.byTopic].sort(([a], [b]) => a.localeCompare(b))) {
      for (const [partition, committed] of [...partitions].sort(([a], [b]) => a - b)) {
        const end = highWatermark(topic, partition)
        const lag = end === undefined ? -1n : end > committed.offset ? end - committed.offset : 0n
        lags.push({ group, topic, partition, committedOffset: committed.offset, highWatermark: end ?? -1n, lag })
      }
    }
  }
  return lags
}
