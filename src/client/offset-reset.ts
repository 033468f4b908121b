// The new committed offsets of kafka-consumer-groups.sh --reset-offsets: for each partition in
// scope, the earliest or latest offset, a given offset, the first offset at or after a time, the
// committed offset shifted by some amount, or the committed offset itself. As Kafka's
// ConsumerGroupCommand: a given or shifted offset is clamped to [log start, log end]; a time after
// the last record resets to the log end; --to-current resets a partition without a commit to the
// log end; a shift needs a committed offset. Only a group without members may be reset.
import { SluiceError } from '../errors.js'
import type { CommittedOffset } from './group-admin.js'
import type { KafkaClient } from './kafka-client.js'
import { EARLIEST, LATEST, listOffsets } from './list-offsets.js'

export type ResetMode =
  | { readonly kind: 'earliest' }
  | { readonly kind: 'latest' }
  | { readonly kind: 'current' }
  | { readonly kind: 'offset'; readonly offset: bigint }
  | { readonly kind: 'datetime'; readonly timestampMs: bigint }
  | { readonly kind: 'shift'; readonly shiftBy: bigint }

/** A topic to reset: all its partitions (null) or the ones listed. */
export interface TopicScope {
  readonly topic: string
  readonly partitions: readonly number[] | null
}

export interface PlannedOffset {
  readonly topic: string
  readonly partition: number
  /** The offset committed now; null when there is none. */
  readonly currentOffset: bigint | null
  readonly newOffset: bigint
}

/** A reset that cannot be planned (a shift without a committed offset) or applied (a group with members). */
export class OffsetResetError extends SluiceError {
  constructor(message: string) {
    super('ERR_OFFSET_RESET', message)
  }
}

/** Kafka resets only groups with no members (Empty, or Dead: not known to the coordinator). */
export function assertGroupInactive(groupId: string, state: string): void {
  if (state !== 'Empty' && state !== 'Dead') {
    throw new OffsetResetError(`Assignments can only be reset if the group '${groupId}' is inactive, but the current state is ${state}.`)
  }
}

/**
 * The new offset of every partition in `scope` (every partition `committed` names for
 * 'all-topics'), sorted by topic and partition. Unknown topics and partitions throw KafkaError.
 */
export async function planOffsetReset(client: KafkaClient, groupId: string, committed: readonly CommittedOffset[],
  scope: readonly TopicScope[] | 'all-topics', mode: ResetMode): Promise<PlannedOffset[]> {
  const topics = scope === 'all-topics' ? scopeOfCommitted(committed) : scope
  const currentOf = new Map(committed.map((offset) => [`${offset.partition}:${offset.topic}`, offset.offset]))
  const plan: PlannedOffset[] = []
  for (const { topic, partitions } of topics) {
    const wanted = partitions === null ? [...(await client.partitionLeaders(topic)).keys()] : [...new Set(partitions)]
    const earliest = offsetsByPartition(await listOffsets(client, topic, EARLIEST, wanted))
    const latest = offsetsByPartition(await listOffsets(client, topic, LATEST, wanted))
    const byTime = mode.kind === 'datetime' ? offsetsByPartition(await listOffsets(client, topic, mode.timestampMs, wanted)) : undefined
    for (const partition of wanted) {
      const currentOffset = currentOf.get(`${partition}:${topic}`) ?? null
      const logStartOffset = earliest.get(partition)!
      const logEndOffset = latest.get(partition)!
      const clamp = (offset: bigint): bigint => offset < logStartOffset ? logStartOffset : offset > logEndOffset ? logEndOffset : offset
      let newOffset: bigint
      switch (mode.kind) {
        case 'earliest': newOffset = logStartOffset; break
        case 'latest': newOffset = logEndOffset; break
        case 'current': newOffset = currentOffset ?? logEndOffset; break
        case 'offset': newOffset = clamp(mode.offset); break
        case 'datetime': {
          // -1: no record at or after the time.
          const found = byTime!.get(partition) ?? -1n
          newOffset = found < 0n ? logEndOffset : found
          break
        }
        case 'shift':
          if (currentOffset === null) throw new OffsetResetError(`Cannot shift offset for partition ${topic}-${partition} of group '${groupId}' since there is no current committed offset`)
          newOffset = clamp(currentOffset + mode.shiftBy)
          break
        default: {
          const unknownMode: never = mode
          throw new Error(`unknown reset mode ${String(unknownMode)}`)
        }
      }
      plan.push({ topic, partition, currentOffset, newOffset })
    }
  }
  return plan.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition)
}

function scopeOfCommitted(committed: readonly CommittedOffset[]): TopicScope[] {
  const byTopic = new Map<string, number[]>()
  for (const { topic, partition } of committed) byTopic.set(topic, [...(byTopic.get(topic) ?? []), partition])
  return [...byTopic].map(([topic, partitions]) => ({ topic, partitions }))
}

function offsetsByPartition(offsets: readonly { partition: number; offset: bigint }[]): Map<number, bigint> {
  return new Map(offsets.map(({ partition, offset }) => [partition, offset]))
}
