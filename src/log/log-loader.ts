// Opening a partition log (Kafka's LogLoader): the segments in its directory, leftovers of an
// interrupted delete, atomic write or compaction cleared away, and after an unclean stop every
// segment from the recovery point rescanned (checksums, a torn tail cut, a hole before the next
// segment cut, later segments dropped), so the log that PartitionLog serves is a prefix of what
// was appended.
import { dirname, join } from 'node:path'
import { recoverCleanerLeftovers } from './cleaner-swap.js'
import { LEADER_EPOCH_CHECKPOINT_FILE, LeaderEpochCache, readLeaderEpochCheckpoint } from './leader-epoch-checkpoint.js'
import { isCompacted } from './log-config.js'
import type { LogRecoveryReport, PartitionLogOptions } from './partition-log.js'
import { DELETED_SUFFIX, LOG_SUFFIX, LogSegment } from './segment.js'

export interface LoadedLog {
  readonly segments: LogSegment[]
  /** The offset after the last batch kept. */
  readonly endOffset: bigint
  readonly report: LogRecoveryReport
  readonly epochs: LeaderEpochCache
}

/** Throws StorageError when the disk fails. */
export async function loadLog(options: PartitionLogOptions): Promise<LoadedLog> {
  const { storage, directory, config, clock } = options
  const isNew = (await storage.sizeOf(directory)) === undefined
  await storage.mkdir(directory)
  // A new partition directory must survive a power loss as much as the data written into it.
  if (isNew) await storage.syncDirectory(dirname(directory))
  const segmentOptions = { indexIntervalBytes: config.indexIntervalBytes, maxIndexBytes: config.segmentIndexBytes }
  // A compaction that a crash interrupted is finished or discarded before the segments are listed.
  await recoverCleanerLeftovers(storage, directory, segmentOptions, clock.nowMs())
  const names = await storage.readdir(directory)
  for (const name of names) {
    // Leftovers of a delete or an atomic write that a crash interrupted.
    if (name.endsWith(DELETED_SUFFIX) || name.endsWith('.tmp')) await storage.unlink(join(directory, name))
  }
  const baseOffsets = names
    .filter((name) => name.endsWith(LOG_SUFFIX) && /^\d{20}\.log$/.test(name))
    .map((name) => BigInt(name.slice(0, 20)))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  const segments: LogSegment[] = []
  for (const baseOffset of baseOffsets) segments.push(await LogSegment.open(storage, directory, baseOffset, segmentOptions, clock.nowMs()))
  if (segments.length === 0) {
    const initial = options.logStartOffset > 0n ? options.logStartOffset : 0n
    segments.push(await LogSegment.create(storage, directory, initial, segmentOptions, clock.nowMs()))
  }

  const report = { recoveredSegments: 0, truncatedBytes: 0, deletedSegments: 0, reasons: [] as string[] }
  const needsRecovery = async (segment: LogSegment, index: number): Promise<boolean> => {
    if (!options.hadCleanShutdown) {
      const next = segments[index + 1]
      return next === undefined || next.baseOffset > options.recoveryPoint
    }
    // After a clean stop only a missing index forces a rebuild.
    return (await storage.sizeOf(segment.offsetIndex.path)) === undefined && segment.sizeBytes > 0
  }
  let endOffset: bigint | undefined
  for (let index = 0; index < segments.length; index++) {
    const segment = segments[index]!
    if (!(await needsRecovery(segment, index))) continue
    const result = await segment.recover()
    report.recoveredSegments++
    // A rolled segment is fsync'd a while after the roll, so a power loss can take its tail while
    // the next segment (or its creation) survived: the hole is a cut like a torn batch. A
    // compacted log may have holes by design; its rolls fsync at once, so it never needs this.
    const next = segments[index + 1]
    const isHoleBeforeNext = next !== undefined && !isCompacted(config) && (result.nextOffset ?? segment.baseOffset) < next.baseOffset
    if (isHoleBeforeNext) report.reasons.push(`segment ${segment.baseOffset}: ends at ${result.nextOffset ?? segment.baseOffset}, before the next segment's base ${next.baseOffset}`)
    if (result.truncatedBytes > 0 || isHoleBeforeNext) {
      report.truncatedBytes += result.truncatedBytes
      if (result.reason !== undefined) report.reasons.push(`segment ${segment.baseOffset}: ${result.reason}`)
      // Nothing after a damaged batch can be trusted to follow it: later segments go too.
      const later = segments.splice(index + 1)
      for (const dropped of later) {
        await dropped.markDeleted()
        await dropped.destroy()
      }
      report.deletedSegments += later.length
    }
    if (index === segments.length - 1) endOffset = result.nextOffset ?? segment.baseOffset
  }
  // The removals must be durable before anything is appended after the cut: otherwise a power
  // loss brings the dropped segments back, holding the offsets that new appends reuse.
  if (report.deletedSegments > 0) await storage.syncDirectory(directory)
  const active = segments[segments.length - 1]!
  endOffset ??= (await active.readNextOffset()) ?? active.baseOffset
  // An empty active segment left behind by a crash may start beyond the data before it.
  if (endOffset < active.baseOffset) endOffset = active.baseOffset
  const epochs = new LeaderEpochCache(await readLeaderEpochCheckpoint(storage, join(directory, LEADER_EPOCH_CHECKPOINT_FILE)))
  return { segments, endOffset, report, epochs }
}
