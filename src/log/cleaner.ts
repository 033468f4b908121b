// Log compaction for cleanup.policy=compact (alone or with delete), Kafka's LogCleaner applied to
// one partition log. The log is read as a clean section (records that have been through a
// cleaning, below the first dirty offset) and a dirty section after it. A round:
//   1. finds the cleanable part of the dirty section: whole segments from the first dirty offset up
//      to the active segment, the high watermark (or last stable offset), or the first segment with
//      a record younger than min.compaction.lag.ms, whichever comes first;
//   2. maps every key in it to its latest offset;
//   3. rewrites every segment below the end of that part, grouped up to segment.bytes, keeping per
//      key only the record the map names (and records beyond it), dropping tombstones in the clean
//      section once they are older than delete.retention.ms;
//   4. swaps each rewritten group in (cleaner-swap.ts), pausing appends for the swap only;
//   5. moves the first dirty offset to the end of the cleaned part.
// Offsets never change: a rewritten batch keeps its base offset and its last offset (lastOffsetDelta)
// and its records their offset deltas, so a consumer's position stays valid.
import { join } from 'node:path'
import { SluiceError } from '../errors.js'
import { buildRecordBatch } from '../protocol/build-record-batch.js'
import { CompressionType } from '../protocol/compression/compression-type.js'
import { readRecords, type KafkaRecord } from '../protocol/read-records.js'
import { BASE_TIMESTAMP_OFFSET, TimestampType, readRecordBatchHeader, setLastOffsetDelta, validateRecordBatch, type RecordBatchHeader } from '../protocol/record-batch.js'
import { readFully, scanBatches, type BatchLocation } from './batch-scanner.js'
import { CLEANED_SUFFIX, discardCleanedSegment, renameCleanedToSwap, renameSwapIntoPlace } from './cleaner-swap.js'
import type { LogConfig } from './log-config.js'
import { OFFSET_INDEX_ENTRY_BYTES } from './offset-index.js'
import { CLEANER_OFFSET_CHECKPOINT_FILE, readOffsetCheckpoint, writeOffsetCheckpoint } from './offset-checkpoint.js'
import type { PartitionLog } from './partition-log.js'
import { LogSegment } from './segment.js'
import type { Storage } from './storage.js'
import { StorageError } from './storage-error.js'
import { TIME_INDEX_ENTRY_BYTES } from './time-index.js'

/**
 * What the cleaner remembers about one log between rounds: Kafka's line for the partition in the
 * log dir's cleaner-offset-checkpoint. The caller keeps one per compacted log, seeds it from that
 * file (readCleanerCheckpoint) when the log opens, and writes it back after rounds.
 */
export interface CleanerState {
  /** Every record below this offset has been through a cleaning; undefined for a log never cleaned. */
  firstDirtyOffset: bigint | undefined
}

export function createCleanerState(firstDirtyOffset?: bigint): CleanerState {
  return { firstDirtyOffset }
}

/** The log dir's cleaner-offset-checkpoint, keyed by topicPartitionKey; empty when there is none. */
export function readCleanerCheckpoint(storage: Storage, logDir: string): Promise<Map<string, bigint>> {
  return readOffsetCheckpoint(storage, join(logDir, CLEANER_OFFSET_CHECKPOINT_FILE))
}

/** Replaces the log dir's cleaner-offset-checkpoint (Kafka's offset checkpoint format, atomically). */
export function writeCleanerCheckpoint(storage: Storage, logDir: string, firstDirtyOffsets: ReadonlyMap<string, bigint>): Promise<void> {
  return writeOffsetCheckpoint(storage, join(logDir, CLEANER_OFFSET_CHECKPOINT_FILE), firstDirtyOffsets)
}

/**
 * The seam for transactions. Kafka removes aborted transactional records, and transaction markers
 * once their transaction's records are gone (its CleanedTransactionMetadata), which needs the
 * aborted-transaction index. Until that exists, control batches and transactional batches pass
 * through a cleaning byte for byte, and their records never enter the offset map (so they never
 * make an older record of the same key redundant either).
 */
export function isRetainedWithoutCleaning(header: RecordBatchHeader): boolean {
  return header.isControl || header.isTransactional
}

/** A cleaning stopped before it finished: aborted by the caller, or the log changed under it. */
export class LogCleaningAbortedError extends SluiceError {
  constructor(
    readonly directory: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super('ERR_LOG_CLEANING_ABORTED', `cleaning of ${directory} aborted: ${reason}`, options)
  }
}

export interface CleanableOptions {
  readonly nowMs: number
  /**
   * Upper bound of what may be cleaned: the last stable offset when transactions are in play, as
   * Kafka uses. The log's high watermark bounds it in any case.
   */
  readonly lastStableOffset?: bigint
}

/** How much of a log is dirty, and whether that makes it due for a cleaning. */
export interface CleanableAssessment {
  /** Where the dirty section starts (the checkpointed offset, or the log start offset). */
  readonly firstDirtyOffset: bigint
  /** The end of the cleanable part: always a segment's base offset. */
  readonly firstUncleanableOffset: bigint
  /** Bytes of the segments wholly in the clean section. */
  readonly cleanBytes: number
  /** Bytes of the segments from the first dirty offset to the first uncleanable offset. */
  readonly cleanableBytes: number
  /** cleanableBytes / (cleanBytes + cleanableBytes), 0 for an empty log. */
  readonly dirtyRatio: number
  /** A dirty segment's first batch is older than max.compaction.lag.ms. */
  readonly needsCompactionNow: boolean
  /** cleanup.policy has compact, and the ratio exceeds min.cleanable.dirty.ratio or compaction is overdue. */
  readonly isEligible: boolean
}

interface Assessment extends CleanableAssessment {
  /** The log's segments when the assessment was made (the last one is the active segment). */
  readonly segments: readonly LogSegment[]
  /** Index in `segments` of the segment holding the first dirty offset. */
  readonly firstDirtyIndex: number
  /** Index in `segments` of the first segment that may not be cleaned. */
  readonly firstUncleanableIndex: number
}

/** Kafka's cleanableRatio: the share of the cleanable bytes in the log up to the first uncleanable offset. */
export async function cleanableDirtyRatio(log: PartitionLog, state: CleanerState, options: CleanableOptions): Promise<number> {
  return (await assessCleanable(log, state, options)).dirtyRatio
}

/**
 * Kafka's LogCleanerManager.cleanableOffsets and LogToClean for one log. Granularity is the
 * segment, as in Kafka: min.compaction.lag.ms stops the cleanable part at the first dirty segment
 * whose largest timestamp is newer than now − lag (a segment without timestamps counts as old),
 * and the high watermark at the first segment reaching past it.
 */
export async function assessCleanable(log: PartitionLog, state: CleanerState, options: CleanableOptions): Promise<CleanableAssessment> {
  const assessment = await assess(log, state, options)
  return {
    firstDirtyOffset: assessment.firstDirtyOffset,
    firstUncleanableOffset: assessment.firstUncleanableOffset,
    cleanBytes: assessment.cleanBytes,
    cleanableBytes: assessment.cleanableBytes,
    dirtyRatio: assessment.dirtyRatio,
    needsCompactionNow: assessment.needsCompactionNow,
    isEligible: assessment.isEligible,
  }
}

async function assess(log: PartitionLog, state: CleanerState, options: CleanableOptions): Promise<Assessment> {
  const config = log.config
  const segments = [...log.allSegments]
  const nowMs = BigInt(options.nowMs)
  const firstDirtyOffset = effectiveFirstDirtyOffset(log, state)
  let upperBound = log.highWatermark
  if (options.lastStableOffset !== undefined && options.lastStableOffset < upperBound) upperBound = options.lastStableOffset
  const firstDirtyIndex = floorSegmentIndex(segments, firstDirtyOffset)
  const lagHorizonMs = nowMs - BigInt(config.minCompactionLagMs)
  let firstUncleanableIndex = firstDirtyIndex
  while (firstUncleanableIndex < segments.length - 1) {
    const segment = segments[firstUncleanableIndex]!
    if (segments[firstUncleanableIndex + 1]!.baseOffset > upperBound) break
    if (config.minCompactionLagMs > 0) {
      await segment.loadIndexes()
      if (segment.largestTimestamp > lagHorizonMs) break
    }
    firstUncleanableIndex++
  }
  const cleanBytes = sumSizes(segments.slice(0, firstDirtyIndex))
  const cleanableBytes = sumSizes(segments.slice(firstDirtyIndex, firstUncleanableIndex))
  const totalBytes = cleanBytes + cleanableBytes
  const dirtyRatio = totalBytes === 0 ? 0 : cleanableBytes / totalBytes
  const needsCompactionNow = cleanableBytes > 0 && (await isCompactionOverdue(segments, firstDirtyIndex, nowMs - BigInt(config.maxCompactionLagMs)))
  const isCompacted = config.cleanupPolicy.includes('compact')
  const segmentBase = segments[firstUncleanableIndex]!.baseOffset
  return {
    firstDirtyOffset,
    firstUncleanableOffset: segmentBase > firstDirtyOffset ? segmentBase : firstDirtyOffset,
    cleanBytes,
    cleanableBytes,
    dirtyRatio,
    needsCompactionNow,
    isEligible: isCompacted && cleanableBytes > 0 && (needsCompactionNow || dirtyRatio > config.minCleanableDirtyRatio),
    segments,
    firstDirtyIndex,
    firstUncleanableIndex,
  }
}

/** The checkpointed first dirty offset, or the log start offset when it is missing or out of the log (as Kafka resets it). */
function effectiveFirstDirtyOffset(log: PartitionLog, state: CleanerState): bigint {
  const checkpointed = state.firstDirtyOffset
  if (checkpointed === undefined || checkpointed < log.logStartOffset || checkpointed > log.logEndOffset) return log.logStartOffset
  return checkpointed
}

/**
 * max.compaction.lag.ms (KIP-354): true when the first batch of a dirty, non-active segment is older
 * than `cleanUntilMs`. Kafka judges by that batch's max timestamp (LogSegment.getFirstBatchTimestamp).
 */
async function isCompactionOverdue(segments: readonly LogSegment[], firstDirtyIndex: number, cleanUntilMs: bigint): Promise<boolean> {
  if (cleanUntilMs <= 0n) return false
  for (let index = firstDirtyIndex; index < segments.length - 1; index++) {
    const segment = segments[index]!
    for await (const first of scanBatches(segment.file, 0, segment.sizeBytes)) {
      if (first.maxTimestamp > 0n && first.maxTimestamp < cleanUntilMs) return true
      break
    }
  }
  return false
}

function floorSegmentIndex(segments: readonly LogSegment[], offset: bigint): number {
  let found = 0
  for (let index = 0; index < segments.length; index++) {
    if (segments[index]!.baseOffset > offset) break
    found = index
  }
  return found
}

function sumSizes(segments: readonly LogSegment[]): number {
  return segments.reduce((total, segment) => total + segment.sizeBytes, 0)
}

export interface CleanOptions extends CleanableOptions {
  readonly storage: Storage
  readonly state: CleanerState
  /**
   * Most keys mapped in one round, Kafka's log.cleaner.dedupe.buffer.size as a key count. The
   * round then ends at the first dirty segment that starts with the map this full (at least one
   * segment is always mapped); the rest waits for the next round. No limit when absent.
   */
  readonly maxOffsetMapEntries?: number
  /**
   * Checked between batches and before each swap (Kafka's checkDone): returning true stops the
   * round with LogCleaningAbortedError. The log manager aborts cleaning before it closes, truncates
   * or deletes a log, as Kafka's LogCleanerManager.abortCleaning does.
   */
  readonly isAborted?: () => boolean
}

/** What a round did, for the caller's log line and metrics. */
export interface CleanResult {
  /** The dirty section began here... */
  readonly firstDirtyOffset: bigint
  /** ...and the round cleaned up to here: the new first dirty offset. */
  readonly endOffset: bigint
  readonly dirtyRatio: number
  readonly trigger: 'dirty-ratio' | 'max-compaction-lag'
  /** Distinct keys in the offset map. */
  readonly mappedKeys: number
  readonly segmentsReplaced: number
  readonly segmentsWritten: number
  readonly bytesRead: number
  readonly bytesWritten: number
  readonly recordsRead: number
  readonly recordsRetained: number
  readonly tombstonesRemoved: number
}

interface CleanStats {
  bytesRead: number
  bytesWritten: number
  recordsRead: number
  recordsRetained: number
  tombstonesRemoved: number
}

/** A segment to rewrite, with what it looked like when the round began. */
interface SourceSegment {
  readonly segment: LogSegment
  readonly sizeBytes: number
  /** The offset after it: the next segment's base offset. */
  readonly endOffset: bigint
}

/** What decides a record's fate in a round. */
interface CleaningContext {
  /** Key (latin1 of its bytes) → latest offset in the cleanable part. */
  readonly offsetMap: ReadonlyMap<string, bigint>
  readonly firstDirtyOffset: bigint
  /** Tombstones in the clean section whose batch is older than this are dropped. */
  readonly deleteHorizonMs: bigint
}

/**
 * Cleans `log` once if it is due (see assessCleanable), else returns undefined. Appends continue
 * while it runs; each swap waits for the append in progress and holds the next one back only for
 * the renames. On success `options.state` holds the new first dirty offset. Rejects with
 * LogCleaningAbortedError when aborted or when the log changed under the round (truncation,
 * retention): groups already swapped stay, the state is unchanged. Rejects with StorageError when
 * the disk fails: before a swap's commit nothing changed; after it, the log dir must go offline,
 * and PartitionLog.open completes the swap (cleaner-swap.ts).
 */
export async function cleanLog(log: PartitionLog, options: CleanOptions): Promise<CleanResult | undefined> {
  if (!log.config.cleanupPolicy.includes('compact')) return undefined
  const assessment = await assess(log, options.state, options)
  if (!assessment.isEligible) return undefined
  const { segments, firstDirtyIndex, firstUncleanableIndex, firstDirtyOffset } = assessment
  const config = log.config
  const checkAborted = (): void => {
    if (options.isAborted?.() === true) throw new LogCleaningAbortedError(log.directory, 'aborted by the caller')
    if (log.isOffline) throw new LogCleaningAbortedError(log.directory, 'the log dir is offline')
  }
  const stats: CleanStats = { bytesRead: 0, bytesWritten: 0, recordsRead: 0, recordsRetained: 0, tombstonesRemoved: 0 }

  const offsetMap = new Map<string, bigint>()
  let endIndex = firstUncleanableIndex
  for (let index = firstDirtyIndex; index < firstUncleanableIndex; index++) {
    if (index > firstDirtyIndex && options.maxOffsetMapEntries !== undefined && offsetMap.size >= options.maxOffsetMapEntries) {
      endIndex = index
      break
    }
    const segment = segments[index]!
    await whileInLog(log, segment, () => addToOffsetMap(log, segment, firstDirtyOffset, offsetMap, checkAborted))
  }
  const endOffset = segments[endIndex]!.baseOffset

  const sources: SourceSegment[] = []
  for (let index = 0; index < endIndex; index++) {
    const segment = segments[index]!
    await segment.loadIndexes()
    sources.push({ segment, sizeBytes: segment.sizeBytes, endOffset: segments[index + 1]!.baseOffset })
  }
  const groups = groupSegmentsBySize(sources, config)
  const context: CleaningContext = { offsetMap, firstDirtyOffset, deleteHorizonMs: BigInt(options.nowMs) - BigInt(config.deleteRetentionMs) }
  for (const group of groups) await cleanGroup(log, group, context, options, stats, checkAborted)

  options.state.firstDirtyOffset = endOffset
  return {
    firstDirtyOffset,
    endOffset,
    dirtyRatio: assessment.dirtyRatio,
    trigger: assessment.dirtyRatio > config.minCleanableDirtyRatio ? 'dirty-ratio' : 'max-compaction-lag',
    mappedKeys: offsetMap.size,
    segmentsReplaced: sources.length,
    segmentsWritten: groups.length,
    ...stats,
  }
}

/** Maps each key of the segment's records at or after `fromOffset` to its offset (later ones win). */
async function addToOffsetMap(log: PartitionLog, segment: LogSegment, fromOffset: bigint, offsetMap: Map<string, bigint>, checkAborted: () => void): Promise<void> {
  for await (const location of scanWholeSegment(log, segment, segment.sizeBytes)) {
    checkAborted()
    if (location.lastOffset < fromOffset) continue
    const batch = await readBatch(log, segment, location)
    const header = readRecordBatchHeader(batch)
    if (isRetainedWithoutCleaning(header)) continue
    for (const record of await readRecords(batch)) {
      if (record.key !== null && record.offset >= fromOffset) offsetMap.set(mapKey(record.key), record.offset)
    }
  }
}

/**
 * Runs a read of `segment`. Retention may delete the segment meanwhile and, after
 * file.delete.delay.ms, close its file: the read then fails, which is an abort, not a disk failure.
 */
async function whileInLog<T>(log: PartitionLog, segment: LogSegment, read: () => Promise<T>): Promise<T> {
  try {
    return await read()
  } catch (error) {
    if (error instanceof StorageError && !log.allSegments.includes(segment)) {
      throw new LogCleaningAbortedError(log.directory, `segment ${segment.baseOffset} was deleted during the cleaning`, { cause: error })
    }
    throw error
  }
}

function mapKey(key: Buffer): string {
  return key.toString('latin1')
}

/**
 * The batches of a segment up to `sizeBytes`. A scan that stops short of the end met a damaged
 * header; the cleaner refuses to go on rather than drop what follows it.
 */
async function* scanWholeSegment(log: PartitionLog, segment: LogSegment, sizeBytes: number): AsyncGenerator<BatchLocation, void, undefined> {
  let position = 0
  for await (const location of scanBatches(segment.file, 0, sizeBytes)) {
    yield location
    position = location.position + location.sizeBytes
  }
  if (position !== sizeBytes) throw corruptSegment(log, segment, `a batch header at position ${position} is damaged`)
}

async function readBatch(log: PartitionLog, segment: LogSegment, location: BatchLocation): Promise<Buffer> {
  const batch = Buffer.allocUnsafe(location.sizeBytes)
  const read = await readFully(segment.file, batch, location.sizeBytes, location.position)
  if (read !== location.sizeBytes) throw corruptSegment(log, segment, `the batch at position ${location.position} is cut off`)
  // A rewritten batch gets a fresh CRC, so a damaged one must be caught here, not laundered.
  const validation = validateRecordBatch(batch, { requireContiguousOffsets: false })
  if (!validation.ok) throw corruptSegment(log, segment, `the batch at position ${location.position} is invalid: ${validation.reason}`)
  return batch
}

function corruptSegment(log: PartitionLog, segment: LogSegment, reason: string): SluiceError {
  return new SluiceError('ERR_LOG_CORRUPT', `log ${log.directory}, segment ${segment.baseOffset}: ${reason}; not cleaned`)
}

const MAX_RELATIVE_OFFSET = 2n ** 31n - 1n

/**
 * Kafka's groupSegmentsBySize: consecutive segments whose sizes add up to at most segment.bytes,
 * whose index entries fit one index of segment.index.bytes, and whose offsets fit the int32
 * relative offsets of one segment's index. Each group becomes one segment.
 */
function groupSegmentsBySize(sources: readonly SourceSegment[], config: LogConfig): SourceSegment[][] {
  const groups: SourceSegment[][] = []
  let index = 0
  while (index < sources.length) {
    const first = sources[index]!
    const group = [first]
    let logBytes = first.sizeBytes
    let offsetIndexBytes = first.segment.offsetIndex.entryCount * OFFSET_INDEX_ENTRY_BYTES
    let timeIndexBytes = first.segment.timeIndex.entryCount * TIME_INDEX_ENTRY_BYTES
    for (index++; index < sources.length; index++) {
      const next = sources[index]!
      const nextOffsetIndexBytes = next.segment.offsetIndex.entryCount * OFFSET_INDEX_ENTRY_BYTES
      const nextTimeIndexBytes = next.segment.timeIndex.entryCount * TIME_INDEX_ENTRY_BYTES
      const fits =
        logBytes + next.sizeBytes <= config.segmentBytes &&
        offsetIndexBytes + nextOffsetIndexBytes <= config.segmentIndexBytes &&
        timeIndexBytes + nextTimeIndexBytes <= config.segmentIndexBytes &&
        (next.sizeBytes === 0 || next.endOffset - 1n - first.segment.baseOffset <= MAX_RELATIVE_OFFSET)
      if (!fits) break
      group.push(next)
      logBytes += next.sizeBytes
      offsetIndexBytes += nextOffsetIndexBytes
      timeIndexBytes += nextTimeIndexBytes
    }
    groups.push(group)
  }
  return groups
}

/** Rewrites one group into a `.cleaned` segment, then swaps it in with appends paused. */
async function cleanGroup(log: PartitionLog, group: readonly SourceSegment[], context: CleaningContext, options: CleanOptions, stats: CleanStats, checkAborted: () => void): Promise<void> {
  const { storage } = options
  const config = log.config
  const directory = log.directory
  const baseOffset = group[0]!.segment.baseOffset
  const segmentOptions = { indexIntervalBytes: config.indexIntervalBytes, maxIndexBytes: config.segmentIndexBytes }
  const cleaned = await LogSegment.create(storage, directory, baseOffset, segmentOptions, options.nowMs, CLEANED_SUFFIX)
  let isClosed = false
  try {
    for (const [index, source] of group.entries()) {
      await whileInLog(log, source.segment, () => cleanInto(log, source, cleaned, context, index === group.length - 1, stats, checkAborted))
    }
    await cleaned.onRoll()
    isClosed = true
    await cleaned.close()
  } catch (error) {
    // The first failure is the one to report; files a failed clean-up leaves are removed by the next PartitionLog.open.
    if (!isClosed) await cleaned.close().catch(() => undefined)
    await discardCleanedSegment(storage, directory, baseOffset).catch(() => undefined)
    throw error
  }
  stats.bytesWritten += cleaned.sizeBytes

  await log.withAppendsPaused(async () => {
    // Every await of the rewrite let appends, retention or a truncation run: re-check before committing.
    const current = log.allSegments
    const at = current.indexOf(group[0]!.segment)
    const isUnchanged =
      at >= 0 && at + group.length < current.length && group.every((source, i) => current[at + i] === source.segment && source.segment.sizeBytes === source.sizeBytes)
    const abortReason = options.isAborted?.() === true ? 'aborted by the caller' : log.isOffline ? 'the log dir is offline' : isUnchanged ? undefined : 'its segments changed during the cleaning'
    if (abortReason !== undefined) {
      await discardCleanedSegment(storage, directory, baseOffset)
      throw new LogCleaningAbortedError(directory, abortReason)
    }
    await renameCleanedToSwap(storage, directory, baseOffset)
    for (const source of group) await source.segment.markDeleted()
    await renameSwapIntoPlace(storage, directory, baseOffset)
    const replacement = await LogSegment.open(storage, directory, baseOffset, segmentOptions, options.nowMs)
    await log.replaceSegments(
      group.map((source) => source.segment),
      [replacement],
    )
  })
}

/**
 * Copies the batches of `source` that keep records into `cleaned`. The last batch of a group is
 * kept even when it keeps no record (Kafka keeps the last batch of a round this way): the rewritten
 * segment then ends at the same offset as the group, which is what crash recovery relies on.
 */
async function cleanInto(
  log: PartitionLog,
  source: SourceSegment,
  cleaned: LogSegment,
  context: CleaningContext,
  isLastOfGroup: boolean,
  stats: CleanStats,
  checkAborted: () => void,
): Promise<void> {
  for await (const location of scanWholeSegment(log, source.segment, source.sizeBytes)) {
    checkAborted()
    const batch = await readBatch(log, source.segment, location)
    stats.bytesRead += batch.length
    const isLastBatch = isLastOfGroup && location.position + location.sizeBytes === source.sizeBytes
    const output = await filterBatch(batch, context, isLastBatch, stats)
    if (output === undefined) continue
    const header = readRecordBatchHeader(output)
    await cleaned.append(output, header.baseOffset, header.lastOffset, header.maxTimestamp)
  }
}

/** The batch as it leaves the cleaning: unchanged, rebuilt with fewer records, or undefined when dropped. */
async function filterBatch(batch: Buffer, context: CleaningContext, isRetainedEvenIfEmpty: boolean, stats: CleanStats): Promise<Buffer | undefined> {
  const header = readRecordBatchHeader(batch)
  if (isRetainedWithoutCleaning(header)) {
    stats.recordsRead += header.recordCount
    stats.recordsRetained += header.recordCount
    return batch
  }
  const records = await readRecords(batch)
  const kept: KafkaRecord[] = []
  for (const record of records) {
    const verdict = recordVerdict(record, header, context)
    if (verdict === 'keep') kept.push(record)
    else if (verdict === 'expired-tombstone') stats.tombstonesRemoved++
  }
  stats.recordsRead += records.length
  stats.recordsRetained += kept.length
  if (kept.length === records.length) return batch
  if (kept.length === 0) return isRetainedEvenIfEmpty ? emptyBatchLike(header) : undefined
  const rebuilt = await buildRecordBatch({
    ...batchFieldsOf(header),
    compression: header.compression,
    records: kept.map((record) => ({ key: record.key, value: record.value, headers: record.headers, timestamp: record.timestamp, offsetDelta: record.offsetDelta })),
  })
  // The batch keeps its last offset (Kafka's MemoryRecordsBuilder.overrideLastOffset): it carries the
  // producer's last sequence, and the segment's next offset stays where it was.
  setLastOffsetDelta(rebuilt, header.lastOffsetDelta)
  return rebuilt
}

type RecordVerdict = 'keep' | 'superseded' | 'expired-tombstone'

/**
 * Kafka's Cleaner.shouldRetainRecord, with one simplification for tombstones. A record goes when a
 * later record of its key is in the offset map. A tombstone (null value) that is the latest of its
 * key goes once it sits in the clean section (it has survived a cleaning already) and its batch's
 * largest timestamp is older than delete.retention.ms: Kafka instead stamps a delete horizon into
 * the batch when it first cleans it (KIP-534), which this codec cannot write yet. A record without a
 * key is kept: Kafka refuses those on compacted topics at produce time and drops them here.
 */
function recordVerdict(record: KafkaRecord, header: RecordBatchHeader, context: CleaningContext): RecordVerdict {
  if (record.key === null) return 'keep'
  const latestOffset = context.offsetMap.get(mapKey(record.key))
  if (latestOffset !== undefined && record.offset < latestOffset) return 'superseded'
  if (record.value === null && record.offset < context.firstDirtyOffset && header.maxTimestamp < context.deleteHorizonMs) return 'expired-tombstone'
  return 'keep'
}

/** The header fields a rewritten batch keeps from the original. */
function batchFieldsOf(header: RecordBatchHeader): {
  baseOffset: bigint
  partitionLeaderEpoch: number
  timestampType: TimestampType.CREATE_TIME | TimestampType.LOG_APPEND_TIME
  isTransactional: boolean
  isControl: boolean
  producerId: bigint
  producerEpoch: number
  baseSequence: number
  maxTimestamp: bigint | undefined
} {
  return {
    baseOffset: header.baseOffset,
    partitionLeaderEpoch: header.partitionLeaderEpoch,
    timestampType: header.timestampType,
    isTransactional: header.isTransactional,
    isControl: header.isControl,
    producerId: header.producerId,
    producerEpoch: header.producerEpoch,
    baseSequence: header.baseSequence,
    // LogAppendTime batches carry the append time; CreateTime takes the largest kept timestamp.
    maxTimestamp: header.timestampType === TimestampType.LOG_APPEND_TIME ? header.maxTimestamp : undefined,
  }
}

/**
 * A batch without records standing for `header`'s batch, as Kafka's
 * DefaultRecordBatch.writeEmptyHeader writes it: same offsets, producer fields and flags, both
 * timestamps set to the original max timestamp, no compression.
 */
async function emptyBatchLike(header: RecordBatchHeader): Promise<Buffer> {
  const empty = await buildRecordBatch({ ...batchFieldsOf(header), maxTimestamp: header.maxTimestamp, compression: CompressionType.NONE, records: [] })
  empty.writeBigInt64BE(header.maxTimestamp, BASE_TIMESTAMP_OFFSET)
  setLastOffsetDelta(empty, header.lastOffsetDelta) // also recomputes the CRC over the base timestamp
  return empty
}
