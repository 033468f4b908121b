// Retention for cleanup.policy=delete (alone or with compact): whole segments are deleted from the
// front of the log, as Kafka's UnifiedLog.deleteOldSegments does, in its order:
//   1. segments wholly below the log start offset (DeleteRecords moved it past them);
//   2. retention.bytes: the oldest segments while the log stays at least that large without them;
//   3. retention.ms: segments whose largest record timestamp is older than that.
// Each pass deletes a prefix: it stops at the first segment that must stay, even if a later one
// qualifies. Nothing at or beyond the high watermark is deleted, so the log start offset never
// passes it. A log whose policy is compact alone is left to the cleaner: Kafka's retention skips
// those logs altogether (LogManager.cleanupLogs), log start offset breaches included.
import type { PartitionLog } from './partition-log.js'
import type { LogSegment } from './segment.js'

export type RetentionReason = 'log-start-offset' | 'retention-bytes' | 'retention-ms'

/** One pass that deleted something. */
export interface RetentionDeletion {
  readonly reason: RetentionReason
  /** For the log line, in Kafka's words: "retention time 604800000ms breach". */
  readonly description: string
  readonly segmentCount: number
  readonly sizeBytes: number
  /** Base offsets of the deleted segments, oldest first. */
  readonly baseOffsets: readonly bigint[]
}

export interface RetentionResult {
  readonly deletedSegments: number
  readonly deletedBytes: number
  readonly deletions: readonly RetentionDeletion[]
  /** The log start offset after the passes (the new first segment's base offset, or more). */
  readonly logStartOffset: bigint
}

type DeletePredicate = (segment: LogSegment, next: LogSegment | undefined) => Promise<boolean>

/**
 * Applies retention to `log` at `nowMs`. Deleted segments are renamed `.deleted` and removed by
 * PartitionLog.removeDeletedSegments after file.delete.delay.ms, so reads already holding a slice
 * of them finish. When every segment goes, including a non-empty active one, the log first rolls
 * to a new empty segment at the log end. Runs between appends (withAppendsPaused), so it never
 * deletes a segment an append is writing to, nor one the cleaner is swapping. Rejects with
 * StorageError when a rename fails.
 */
export async function applyRetention(log: PartitionLog, nowMs: number): Promise<RetentionResult> {
  const config = log.config
  if (!config.cleanupPolicy.includes('delete')) {
    return { deletedSegments: 0, deletedBytes: 0, deletions: [], logStartOffset: log.logStartOffset }
  }
  return log.withAppendsPaused(async () => {
    const deletions: RetentionDeletion[] = []
    const pass = async (reason: RetentionReason, description: string, predicate: DeletePredicate): Promise<void> => {
      const deletable = await deletablePrefix(log, predicate)
      if (deletable.length === 0) return
      const deletedCount = await log.deleteOldestSegments(deletable.length)
      const deleted = deletable.slice(0, deletedCount)
      deletions.push({
        reason,
        description,
        segmentCount: deleted.length,
        sizeBytes: deleted.reduce((total, segment) => total + segment.sizeBytes, 0),
        baseOffsets: deleted.map((segment) => segment.baseOffset),
      })
    }

    await pass('log-start-offset', `log start offset ${log.logStartOffset} breach`, async (_segment, next) => next !== undefined && next.baseOffset <= log.logStartOffset)

    const retentionBytes = config.retentionBytes
    if (retentionBytes >= 0 && log.sizeBytes >= retentionBytes) {
      let excessBytes = log.sizeBytes - retentionBytes
      await pass('retention-bytes', `retention size in bytes ${retentionBytes} breach`, async (segment) => {
        if (excessBytes - segment.sizeBytes < 0) return false
        excessBytes -= segment.sizeBytes
        return true
      })
    }

    const retentionMs = config.retentionMs
    if (retentionMs >= 0) {
      const horizonMs = BigInt(nowMs) - BigInt(retentionMs)
      await pass('retention-ms', `retention time ${retentionMs}ms breach`, async (segment) => {
        await segment.loadIndexes()
        // Kafka falls back to the file's last modified time for a segment without timestamps; Storage
        // has no mtime, so such a segment never expires by time (size and log start still apply).
        return segment.largestTimestamp >= 0n && segment.largestTimestamp < horizonMs
      })
    }

    return {
      deletedSegments: deletions.reduce((total, deletion) => total + deletion.segmentCount, 0),
      deletedBytes: deletions.reduce((total, deletion) => total + deletion.sizeBytes, 0),
      deletions,
      logStartOffset: log.logStartOffset,
    }
  })
}

/**
 * The oldest segments for which `predicate` holds, up to the first for which it does not. A
 * segment qualifies only when it ends at or below the high watermark, and an empty active segment
 * never does (Kafka's UnifiedLog.deletableSegments).
 */
async function deletablePrefix(log: PartitionLog, predicate: DeletePredicate): Promise<LogSegment[]> {
  const segments = log.allSegments
  const deletable: LogSegment[] = []
  for (let index = 0; index < segments.length; index++) {
    const segment = segments[index]!
    const next = segments[index + 1]
    const upperBoundOffset = next === undefined ? log.logEndOffset : next.baseOffset
    const isLastAndEmpty = next === undefined && segment.sizeBytes === 0
    if (log.highWatermark < upperBoundOffset || isLastAndEmpty || !(await predicate(segment, next))) break
    deletable.push(segment)
  }
  return deletable
}
