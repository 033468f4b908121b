// How the cleaner puts a rewritten segment in place of the segments it replaces so that a crash at
// any point leaves either the old segments or the new one, never a mix (Kafka's
// Cleaner.cleanSegments, UnifiedLog.replaceSegments and LogLoader, same file names):
//   1. the new segment is written as <base>.log.cleaned (with .index.cleaned, .timeindex.cleaned),
//      flushed and closed;
//   2. its files are renamed .cleaned → .swap, the indexes first and the log last: the appearance of
//      <base>.log.swap is the commit point, and the directory is synced;
//   3. the replaced segments are renamed .deleted (the first of them has the same base offset, so
//      its name must be free first);
//   4. the .swap files are renamed to their final names, the log last, and the directory is synced.
// After a crash, PartitionLog.open calls recoverCleanerLeftovers before it lists the segments.
import { join } from 'node:path'
import { scanBatches } from './batch-scanner.js'
import { INDEX_SUFFIX, LOG_SUFFIX, LogSegment, TIME_INDEX_SUFFIX, segmentFileName, type SegmentOptions } from './segment.js'
import type { Storage } from './storage.js'

export const CLEANED_SUFFIX = '.cleaned'
export const SWAP_SUFFIX = '.swap'

/** The log file goes last: a segment's `.log` name is what makes it exist for the steps above. */
const FILE_SUFFIXES_LOG_LAST = [INDEX_SUFFIX, TIME_INDEX_SUFFIX, LOG_SUFFIX] as const

const SEGMENT_LOG_NAME = /^(\d{20})\.log$/
const SWAP_LOG_NAME = /^(\d{20})\.log\.swap$/

function segmentPath(directory: string, baseOffset: bigint, fileSuffix: string, extraSuffix = ''): string {
  return join(directory, segmentFileName(baseOffset, fileSuffix) + extraSuffix)
}

async function renameIfExists(storage: Storage, from: string, to: string): Promise<void> {
  if ((await storage.sizeOf(from)) !== undefined) await storage.rename(from, to)
}

async function unlinkIfExists(storage: Storage, path: string): Promise<boolean> {
  if ((await storage.sizeOf(path)) === undefined) return false
  await storage.unlink(path)
  return true
}

/** Step 2: commits a written, flushed and closed `.cleaned` segment by renaming it `.swap`. */
export async function renameCleanedToSwap(storage: Storage, directory: string, baseOffset: bigint): Promise<void> {
  for (const suffix of FILE_SUFFIXES_LOG_LAST) {
    await renameIfExists(storage, segmentPath(directory, baseOffset, suffix, CLEANED_SUFFIX), segmentPath(directory, baseOffset, suffix, SWAP_SUFFIX))
  }
  await storage.syncDirectory(directory)
}

/** Step 4: gives a committed `.swap` segment its final names (the replaced segments are gone by now). */
export async function renameSwapIntoPlace(storage: Storage, directory: string, baseOffset: bigint): Promise<void> {
  for (const suffix of FILE_SUFFIXES_LOG_LAST) {
    await renameIfExists(storage, segmentPath(directory, baseOffset, suffix, SWAP_SUFFIX), segmentPath(directory, baseOffset, suffix))
  }
  await storage.syncDirectory(directory)
}

/** Removes the files of a cleaning that will not be committed. */
export async function discardCleanedSegment(storage: Storage, directory: string, baseOffset: bigint): Promise<void> {
  for (const suffix of FILE_SUFFIXES_LOG_LAST) await unlinkIfExists(storage, segmentPath(directory, baseOffset, suffix, CLEANED_SUFFIX))
}

/** What recoverCleanerLeftovers did, for the caller's log line. */
export interface CleanerLeftovers {
  /** `.cleaned` files (a cleaning the crash interrupted before its commit) and stray index `.swap` files removed. */
  readonly discardedFiles: number
  /** Base offsets of the `.swap` segments completed. */
  readonly completedSwaps: readonly bigint[]
}

/**
 * Finishes or discards a cleaning interrupted by a crash, before the log lists its segments.
 * `.cleaned` files are removed (the old segments are intact). A `<base>.log.swap` was committed: the
 * old segments whose base offset lies in [base, the swap's next offset) are removed, as Kafka's
 * LogLoader does (the cleaner keeps the last batch of every rewritten group, so that range is exactly
 * the group it replaced), and the swap takes its final name. Its indexes are rebuilt from the log
 * rather than trusted, since a crash during step 4 leaves `<base>.index` ambiguous between the old
 * and the new segment.
 */
export async function recoverCleanerLeftovers(storage: Storage, directory: string, options: SegmentOptions, nowMs: number): Promise<CleanerLeftovers> {
  let discardedFiles = 0
  const names = await storage.readdir(directory)
  for (const name of names) {
    if (!name.endsWith(CLEANED_SUFFIX)) continue
    await storage.unlink(join(directory, name))
    discardedFiles++
  }
  const swapBaseOffsets = names
    .map((name) => SWAP_LOG_NAME.exec(name)?.[1])
    .filter((digits): digits is string => digits !== undefined)
    .map((digits) => BigInt(digits))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  const completedSwaps: bigint[] = []
  for (const baseOffset of swapBaseOffsets) {
    await completeSwap(storage, directory, baseOffset, options, nowMs)
    completedSwaps.push(baseOffset)
  }
  // Index .swap files without their log: the crash came during step 2, whose log is .cleaned (removed above).
  for (const name of await storage.readdir(directory)) {
    if (!name.endsWith(SWAP_SUFFIX)) continue
    await storage.unlink(join(directory, name))
    discardedFiles++
  }
  if (discardedFiles > 0 || completedSwaps.length > 0) await storage.syncDirectory(directory)
  return { discardedFiles, completedSwaps }
}

async function completeSwap(storage: Storage, directory: string, baseOffset: bigint, options: SegmentOptions, nowMs: number): Promise<void> {
  const swapLogPath = segmentPath(directory, baseOffset, LOG_SUFFIX, SWAP_SUFFIX)
  const nextOffset = await nextOffsetOfFile(storage, swapLogPath)
  // An empty swap still takes the name of the old segment at its own base offset.
  const endOffset = nextOffset !== undefined && nextOffset > baseOffset ? nextOffset : baseOffset + 1n
  for (const name of await storage.readdir(directory)) {
    const digits = SEGMENT_LOG_NAME.exec(name)?.[1]
    if (digits === undefined) continue
    const oldBaseOffset = BigInt(digits)
    if (oldBaseOffset < baseOffset || oldBaseOffset >= endOffset) continue
    for (const suffix of FILE_SUFFIXES_LOG_LAST) await unlinkIfExists(storage, segmentPath(directory, oldBaseOffset, suffix))
  }
  for (const suffix of [INDEX_SUFFIX, TIME_INDEX_SUFFIX]) {
    await unlinkIfExists(storage, segmentPath(directory, baseOffset, suffix))
    await unlinkIfExists(storage, segmentPath(directory, baseOffset, suffix, SWAP_SUFFIX))
  }
  await storage.rename(swapLogPath, segmentPath(directory, baseOffset, LOG_SUFFIX))
  await storage.syncDirectory(directory)
  const segment = await LogSegment.open(storage, directory, baseOffset, options, nowMs)
  await segment.recover()
  await segment.onRoll()
  await segment.close()
}

/** The offset after the last batch of a segment file, or undefined when it holds none. */
async function nextOffsetOfFile(storage: Storage, path: string): Promise<bigint | undefined> {
  const file = await storage.open(path, 'read')
  try {
    const sizeBytes = await file.size()
    let nextOffset: bigint | undefined
    for await (const batch of scanBatches(file, 0, sizeBytes)) nextOffset = batch.lastOffset + 1n
    return nextOffset
  } finally {
    await file.close()
  }
}
