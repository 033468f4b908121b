// A partition's leader-epoch-checkpoint file and the cache it persists: for each leader epoch the
// first offset written in it (KIP-101, KIP-279). Followers truncate to the end offset the leader
// reports for their latest epoch (OffsetForLeaderEpoch), consumers validate positions with it
// (KIP-320). The format is Kafka's checkpoint frame with "<epoch> <startOffset>" entries
// (LeaderEpochCheckpointFile); the semantics follow Kafka's LeaderEpochFileCache.
import { formatCheckpoint, parseCheckpoint, parseInt32, parseInt64, readFileIfExists } from './offset-checkpoint.js'
import type { Storage } from './storage.js'

export const LEADER_EPOCH_CHECKPOINT_FILE = 'leader-epoch-checkpoint'
export const LEADER_EPOCH_CHECKPOINT_VERSION = 0

/** OffsetForLeaderEpoch's "unknown" answer (Kafka's UNDEFINED_EPOCH and UNDEFINED_EPOCH_OFFSET). */
export const UNDEFINED_EPOCH = -1
export const UNDEFINED_EPOCH_OFFSET = -1n

export interface EpochEntry {
  readonly epoch: number
  /** The first offset written in this epoch. */
  readonly startOffset: bigint
}

export interface EpochEndOffset {
  readonly epoch: number
  readonly endOffset: bigint
}

/**
 * The entries of the file in file order; a missing file is an empty list. Rejects with
 * CorruptCheckpointError when the file does not parse (an epoch or start offset that is not a
 * non-negative number included) and with StorageError when it cannot be read. Build the cache
 * with `new LeaderEpochCache(entries)`, which drops non-monotonic entries as Kafka's loader does.
 */
export async function readLeaderEpochCheckpoint(storage: Storage, path: string): Promise<EpochEntry[]> {
  const data = await readFileIfExists(storage, path)
  if (data === undefined) return []
  return parseCheckpoint(data.toString('utf8'), path, LEADER_EPOCH_CHECKPOINT_VERSION, parseEpochEntry)
}

/** Replaces the file atomically and durably with `entries`, in the order given (the cache's order). */
export async function writeLeaderEpochCheckpoint(storage: Storage, path: string, entries: readonly EpochEntry[]): Promise<void> {
  const lines = entries.map((entry) => `${entry.epoch} ${entry.startOffset}`)
  await storage.writeFileAtomic(path, Buffer.from(formatCheckpoint(LEADER_EPOCH_CHECKPOINT_VERSION, lines), 'utf8'))
}

function parseEpochEntry(fields: readonly string[]): EpochEntry | undefined {
  if (fields.length !== 2) return undefined
  const epoch = parseInt32(fields[0]!)
  const startOffset = parseInt64(fields[1]!)
  if (epoch === undefined || epoch < 0 || startOffset === undefined || startOffset < 0n) return undefined
  return { epoch, startOffset }
}

/**
 * Leader epoch → start offset, with epochs and start offsets both strictly increasing. Purely in
 * memory: every mutator returns whether the entries changed, and the caller persists
 * `entries()` with writeLeaderEpochCheckpoint when it did. Kafka writes synchronously after
 * assign and lazily after truncations (a stale file is repaired by the truncations of log loading).
 */
export class LeaderEpochCache {
  private epochs: EpochEntry[] = []

  /** Loads entries (from readLeaderEpochCheckpoint) through assign, as Kafka's constructor does. */
  constructor(entries: Iterable<EpochEntry> = []) {
    for (const entry of entries) this.assign(entry.epoch, entry.startOffset)
  }

  /** The epoch being written in: the largest known epoch, or undefined when the cache is empty. */
  get latestEpoch(): number | undefined {
    return this.epochs[this.epochs.length - 1]?.epoch
  }

  latestEntry(): EpochEntry | undefined {
    return this.epochs[this.epochs.length - 1]
  }

  earliestEntry(): EpochEntry | undefined {
    return this.epochs[0]
  }

  /** A copy of the entries, oldest epoch first. */
  entries(): EpochEntry[] {
    return [...this.epochs]
  }

  /**
   * Records that `epoch` starts at `startOffset`. Like Kafka's assign: nothing changes when `epoch`
   * is already the latest and `startOffset` is not below its start (an epoch, once assigned, keeps
   * its start). Otherwise the new entry wins: entries at the end whose epoch is not below `epoch`
   * or whose start offset is not below `startOffset` are dropped first, so the cache stays
   * monotonic even when a lower epoch arrives (Kafka logs that case as a warning).
   * Throws RangeError for a negative epoch or start offset, as Kafka does.
   */
  assign(epoch: number, startOffset: bigint): boolean {
    if (!Number.isInteger(epoch) || epoch < 0 || startOffset < 0n) {
      throw new RangeError(`invalid leader epoch entry: epoch ${epoch}, start offset ${startOffset}`)
    }
    const latest = this.latestEntry()
    if (latest !== undefined && latest.epoch === epoch && startOffset >= latest.startOffset) return false
    let keep = this.epochs.length
    while (keep > 0) {
      const entry = this.epochs[keep - 1]!
      if (entry.epoch < epoch && entry.startOffset < startOffset) break
      keep--
    }
    this.epochs.length = keep
    this.epochs.push({ epoch, startOffset })
    return true
  }

  /**
   * OffsetForLeaderEpoch for `requestedEpoch`, as Kafka's LeaderEpochFileCache.endOffsetFor:
   * - UNDEFINED_EPOCH requested, or an epoch above every known one (or an empty cache):
   *   { UNDEFINED_EPOCH, UNDEFINED_EPOCH_OFFSET };
   * - the latest epoch: { that epoch, logEndOffset };
   * - otherwise the end offset is the start of the first epoch above `requestedEpoch`, and the
   *   epoch is the largest known epoch not above it, or `requestedEpoch` itself when it is below
   *   every known epoch (those entries were removed with the log's start; the follower then
   *   truncates to the leader's earliest known epoch start).
   */
  endOffsetFor(requestedEpoch: number, logEndOffset: bigint): EpochEndOffset {
    if (requestedEpoch === UNDEFINED_EPOCH) return { epoch: UNDEFINED_EPOCH, endOffset: UNDEFINED_EPOCH_OFFSET }
    if (this.latestEpoch === requestedEpoch) return { epoch: requestedEpoch, endOffset: logEndOffset }
    const higherIndex = this.epochs.findIndex((entry) => entry.epoch > requestedEpoch)
    const higher = this.epochs[higherIndex]
    if (higher === undefined) return { epoch: UNDEFINED_EPOCH, endOffset: UNDEFINED_EPOCH_OFFSET }
    const floor = this.epochs[higherIndex - 1]
    return { epoch: floor === undefined ? requestedEpoch : floor.epoch, endOffset: higher.startOffset }
  }

  /**
   * Removes the entries whose start offset is at or above `endOffset`: the log was truncated to
   * end there (a diverged follower, an unclean recovery). A negative offset changes nothing.
   */
  truncateFromEnd(endOffset: bigint): boolean {
    if (endOffset < 0n) return false
    let keep = this.epochs.length
    while (keep > 0 && this.epochs[keep - 1]!.startOffset >= endOffset) keep--
    if (keep === this.epochs.length) return false
    this.epochs.length = keep
    return true
  }

  /**
   * The log start advanced to `startOffset` (retention, DeleteRecords): entries starting at or
   * before it are removed, except that the last of them is kept with its start moved to
   * `startOffset`, since the records from there on still belong to that epoch (Kafka's
   * truncateFromStart; exclusive, so an entry starting exactly at `startOffset` stays).
   */
  truncateFromStart(startOffset: bigint): boolean {
    let removed = 0
    while (removed < this.epochs.length && this.epochs[removed]!.startOffset <= startOffset) removed++
    if (removed === 0) return false
    const lastRemoved = this.epochs[removed - 1]!
    const changed = removed > 1 || lastRemoved.startOffset !== startOffset
    this.epochs.splice(0, removed, { epoch: lastRemoved.epoch, startOffset })
    return changed
  }
}
