// One segment of a partition log: `<20-digit base offset>.log` holding record batches exactly as
// appended (offsets patched), with its sparse `.index` and `.timeindex`. A segment knows its bytes
// and batches; offsets, rolling and retention are decided by PartitionLog.
import { join } from 'node:path'
import { validateRecordBatch } from '../protocol/record-batch.js'
import { readFully, scanBatches, type BatchLocation } from './batch-scanner.js'
import { OffsetIndex } from './offset-index.js'
import type { Storage, StorageFile } from './storage.js'
import { TimeIndex } from './time-index.js'

export const LOG_SUFFIX = '.log'
export const INDEX_SUFFIX = '.index'
export const TIME_INDEX_SUFFIX = '.timeindex'
export const DELETED_SUFFIX = '.deleted'

/** Kafka's file name for a segment: the base offset as 20 digits, then the suffix. */
export function segmentFileName(baseOffset: bigint, suffix: string): string {
  return baseOffset.toString().padStart(20, '0') + suffix
}

/** A byte range of a segment file: what a fetch sends, without reading it into memory first. */
export interface FileSlice {
  readonly file: StorageFile
  readonly position: number
  readonly sizeBytes: number
}

/** A batch to append, with the offsets the log gave it and its largest timestamp. */
export interface AppendedBatch {
  readonly batch: Buffer
  readonly baseOffset: bigint
  readonly lastOffset: bigint
  readonly maxTimestamp: bigint
}

export interface SegmentOptions {
  readonly indexIntervalBytes: number
  readonly maxIndexBytes: number
}

/** What recovery found in a segment. */
export interface SegmentRecovery {
  /** Bytes cut from the end: a torn or corrupt tail. */
  readonly truncatedBytes: number
  /** Offset after the last valid batch, or undefined when the segment holds none. */
  readonly nextOffset: bigint | undefined
  readonly reason: string | undefined
}

const RECOVERY_CHUNK_BYTES = 8 * 1024 * 1024

export class LogSegment {
  private bytesSinceLastIndexEntry = 0
  /** Largest record timestamp in the segment and the offset it came with (-1 when unknown). */
  private maxTimestamp = -1n
  private offsetOfMaxTimestamp = -1n
  private indexesLoaded: Promise<void> | undefined
  private isLoaded = false

  private constructor(
    private readonly storage: Storage,
    readonly directory: string,
    readonly baseOffset: bigint,
    readonly file: StorageFile,
    private size: number,
    readonly offsetIndex: OffsetIndex,
    readonly timeIndex: TimeIndex,
    private readonly options: SegmentOptions,
    /** When the segment was created or opened, for segment.ms when it holds no timestamp. */
    readonly createdAtMs: number,
  ) {}

  /**
   * Creates an empty segment. `fileSuffix` is appended to all three file names: the cleaner writes
   * its output as `<base>.log.cleaned` (cleaner-swap.ts), closes it and renames it into place; a
   * segment with a suffix is only ever appended to, flushed and closed, never deleted through it.
   */
  /**
   * Creates an empty segment. Its directory entries are fsync'd unless `isDirectorySynced` is
   * false: the caller then syncs the directory before it counts anything in the segment durable.
   */
  static async create(storage: Storage, directory: string, baseOffset: bigint, options: SegmentOptions, nowMs: number, fileSuffix = '', isDirectorySynced = true): Promise<LogSegment> {
    const file = await storage.open(join(directory, segmentFileName(baseOffset, LOG_SUFFIX) + fileSuffix), 'readWrite')
    await file.truncate(0)
    const segment = LogSegment.build(storage, directory, baseOffset, file, 0, options, nowMs, fileSuffix)
    segment.indexesLoaded = Promise.all([segment.offsetIndex.reset(), segment.timeIndex.reset()]).then(() =>
      Promise.all([segment.offsetIndex.preallocate(), segment.timeIndex.preallocate()]).then(() => undefined),
    )
    await segment.indexesLoaded
    segment.isLoaded = true
    // The new files' directory entries must be durable before data in them is counted durable.
    if (isDirectorySynced) await storage.syncDirectory(directory)
    return segment
  }

  /** Opens an existing segment; its indexes are read on first use. */
  static async open(storage: Storage, directory: string, baseOffset: bigint, options: SegmentOptions, nowMs: number): Promise<LogSegment> {
    const file = await storage.open(join(directory, segmentFileName(baseOffset, LOG_SUFFIX)), 'readWrite')
    const size = await file.size()
    return LogSegment.build(storage, directory, baseOffset, file, size, options, nowMs)
  }

  private static build(storage: Storage, directory: string, baseOffset: bigint, file: StorageFile, size: number, options: SegmentOptions, nowMs: number, fileSuffix = ''): LogSegment {
    const offsetIndex = new OffsetIndex(storage, join(directory, segmentFileName(baseOffset, INDEX_SUFFIX) + fileSuffix), baseOffset, options.maxIndexBytes)
    const timeIndex = new TimeIndex(storage, join(directory, segmentFileName(baseOffset, TIME_INDEX_SUFFIX) + fileSuffix), baseOffset, options.maxIndexBytes)
    return new LogSegment(storage, directory, baseOffset, file, size, offsetIndex, timeIndex, options, nowMs)
  }

  get sizeBytes(): number {
    return this.size
  }

  /** The largest record timestamp in the segment (-1 when it has none). Needs loadIndexes first. */
  get largestTimestamp(): bigint {
    return this.maxTimestamp
  }

  get offsetOfLargestTimestamp(): bigint {
    return this.offsetOfMaxTimestamp
  }

  get isIndexFull(): boolean {
    return this.offsetIndex.isFull || this.timeIndex.isFull
  }

  /** Reads the index files (once). A segment opened after a clean stop trusts them. */
  /** True once the indexes are in memory (so hot paths can skip awaiting loadIndexes). */
  get areIndexesLoaded(): boolean {
    return this.isLoaded
  }

  loadIndexes(): Promise<void> {
    this.indexesLoaded ??= (async () => {
      await this.offsetIndex.load()
      await this.timeIndex.load()
      const last = this.timeIndex.lastEntry
      if (last !== undefined) {
        this.maxTimestamp = last.timestamp
        this.offsetOfMaxTimestamp = last.offset
      }
      this.isLoaded = true
    })()
    return this.indexesLoaded
  }

  /**
   * Appends one batch (offsets already assigned) at the end of the file. Adds an index entry when
   * index.interval.bytes have passed since the last one, as Kafka does. On a failed write the
   * segment is unchanged (the caller truncates any partial bytes with `truncateToSize`).
   */
  append(batch: Buffer, baseOffset: bigint, lastOffset: bigint, maxTimestamp: bigint): Promise<void> {
    return this.appendBatches([{ batch, baseOffset, lastOffset, maxTimestamp }])
  }

  /** Appends batches (offsets already assigned, in order) at the end of the file in one write, then indexes them. */
  appendBatches(batches: readonly AppendedBatch[]): Promise<void> {
    if (!this.isLoaded) return this.loadIndexes().then(() => this.appendBatches(batches))
    const start = this.size
    // State changes only once the bytes are written: a failed write leaves the segment as it was.
    return this.file.write(batches.map(({ batch }) => batch), start).then(() => {
      let position = start
      for (const { batch, baseOffset, lastOffset, maxTimestamp } of batches) {
        // Kafka's offsetOfMaxTimestamp for a batch is its last offset (the record's own offset needs a decode).
        if (maxTimestamp > this.maxTimestamp) {
          this.maxTimestamp = maxTimestamp
          this.offsetOfMaxTimestamp = lastOffset
        }
        if (this.bytesSinceLastIndexEntry > this.options.indexIntervalBytes) {
          this.offsetIndex.append(baseOffset, position, { sizeBytes: batch.length, lastOffsetDelta: Number(lastOffset - baseOffset), maxTimestamp })
          this.timeIndex.maybeAppend(this.maxTimestamp, this.offsetOfMaxTimestamp)
          this.bytesSinceLastIndexEntry = 0
        }
        this.bytesSinceLastIndexEntry += batch.length
        position += batch.length
      }
      this.size = position
    })
  }

  /** Cuts the file back to `sizeBytes` (after a failed append). */
  async truncateToSize(sizeBytes: number): Promise<void> {
    await this.file.truncate(sizeBytes)
    this.size = sizeBytes
  }

  /** The batch holding `offset` (the first whose last offset is ≥ it), found through the index. */
  async findBatch(offset: bigint, endPosition = this.size): Promise<BatchLocation | undefined> {
    if (!this.isLoaded) await this.loadIndexes()
    // A read landing on a batch the index remembers needs no header read (consumers near the end
    // of the log, and every batch larger than index.interval.bytes, are indexed).
    const entry = this.offsetIndex.lookup(offset)
    const known = entry.batch
    if (known !== undefined && entry.offset + BigInt(known.lastOffsetDelta) >= offset && entry.position + known.sizeBytes <= Math.min(endPosition, this.size)) {
      const lastOffset = entry.offset + BigInt(known.lastOffsetDelta)
      return { position: entry.position, sizeBytes: known.sizeBytes, baseOffset: entry.offset, lastOffset, maxTimestamp: known.maxTimestamp, magic: 2 }
    }
    for await (const batch of this.batchesFrom(offset, endPosition)) {
      if (batch.lastOffset >= offset) return batch
    }
    return undefined
  }

  /**
   * The batches from the index entry at or below `offset` to `endPosition`. An entry must point at
   * the batch it names; one that does not means a damaged index file, which is then rebuilt from
   * the log (the truth) before the scan starts again.
   */
  private async *batchesFrom(offset: bigint, endPosition: number): AsyncGenerator<BatchLocation, void, undefined> {
    if (!this.isLoaded) await this.loadIndexes()
    for (let attempt = 0; attempt < 2; attempt++) {
      const start = this.offsetIndex.lookup(offset)
      let isFirst = true
      let isIndexDamaged = false
      for await (const batch of scanBatches(this.file, start.position, Math.min(endPosition, this.size))) {
        if (isFirst && start.position > 0 && batch.baseOffset !== start.offset) {
          isIndexDamaged = true
          break
        }
        isFirst = false
        yield batch
      }
      if (isFirst && start.position > 0 && start.position < Math.min(endPosition, this.size)) isIndexDamaged = true
      if (!isIndexDamaged) return
      await this.rebuildIndexes()
    }
  }

  /**
   * Rebuilds both indexes from the log, which is the truth (a damaged or missing index file). The
   * log itself is checked on the way: damaged bytes are cut as recovery would.
   */
  rebuildIndexes(): Promise<SegmentRecovery> {
    return this.recover()
  }

  /**
   * The bytes from the batch holding `offset` onward: at most `maxBytes`, but the whole first batch
   * when `isMinOneBatch` (KIP-74), and never past `endPosition` (the high watermark's position).
   * A slice may end inside a batch; clients drop a partial last batch.
   */
  async read(offset: bigint, maxBytes: number, endPosition: number, isMinOneBatch: boolean): Promise<{ slice: FileSlice; firstBatch: BatchLocation } | undefined> {
    const first = await this.findBatch(offset, endPosition)
    if (first === undefined) return undefined
    const limit = isMinOneBatch ? Math.max(maxBytes, first.sizeBytes) : maxBytes
    const sizeBytes = Math.min(limit, endPosition - first.position)
    if (sizeBytes <= 0) return undefined
    return { slice: { file: this.file, position: first.position, sizeBytes }, firstBatch: first }
  }

  /** The file position where `offset` would start: its batch's position, or the end. */
  async positionOf(offset: bigint): Promise<number> {
    const batch = await this.findBatch(offset)
    return batch === undefined ? this.size : batch.position
  }

  /**
   * Removes the batch holding `offset` and every batch after it, as Kafka does (truncation points
   * are batch boundaries in practice). Returns the bytes removed.
   */
  async truncateTo(offset: bigint): Promise<number> {
    await this.loadIndexes()
    let position = this.size
    for await (const batch of scanBatches(this.file, this.offsetIndex.lookup(offset).position, this.size)) {
      if (batch.lastOffset >= offset) {
        position = batch.position
        break
      }
    }
    const removed = this.size - position
    if (removed === 0) return 0
    this.offsetIndex.truncateTo(offset)
    this.timeIndex.truncateTo(offset)
    await this.file.truncate(position)
    this.size = position
    await this.rescanTimestamps()
    this.bytesSinceLastIndexEntry = this.size - (this.offsetIndex.entryCount === 0 ? 0 : this.offsetIndex.lookup(offset).position)
    return removed
  }

  /** Recomputes the largest timestamp from the batches after a truncation. */
  private async rescanTimestamps(): Promise<void> {
    this.maxTimestamp = -1n
    this.offsetOfMaxTimestamp = -1n
    for await (const batch of scanBatches(this.file, 0, this.size)) {
      if (batch.maxTimestamp > this.maxTimestamp) {
        this.maxTimestamp = batch.maxTimestamp
        this.offsetOfMaxTimestamp = batch.lastOffset
      }
    }
  }

  /**
   * Rebuilds the indexes from the file, checking every batch (length, magic, CRC-32C, framing), and
   * cuts the file at the first batch that is torn or corrupt.
   */
  async recover(): Promise<SegmentRecovery> {
    await this.offsetIndex.reset()
    await this.timeIndex.reset()
    this.indexesLoaded = Promise.resolve()
    this.isLoaded = true
    this.maxTimestamp = -1n
    this.offsetOfMaxTimestamp = -1n
    this.bytesSinceLastIndexEntry = 0
    const fileSize = await this.file.size()
    let position = 0
    let nextOffset: bigint | undefined
    let reason: string | undefined
    let chunk = Buffer.allocUnsafe(Math.min(RECOVERY_CHUNK_BYTES, Math.max(fileSize, 1)))
    let chunkStart = 0
    let chunkLength = 0
    while (position < fileSize) {
      if (position + 12 > chunkStart + chunkLength) {
        chunkStart = position
        chunkLength = await readFully(this.file, chunk, Math.min(chunk.length, fileSize - position), position)
      }
      const at = position - chunkStart
      if (chunkLength - at < 12) {
        reason = 'a batch header is cut off'
        break
      }
      const sizeBytes = chunk.readInt32BE(at + 8) + 12
      if (sizeBytes < 61 || position + sizeBytes > fileSize) {
        reason = sizeBytes < 61 ? `impossible batch length ${sizeBytes - 12}` : 'the last batch is cut off'
        break
      }
      if (at + sizeBytes > chunkLength) {
        if (sizeBytes > chunk.length) chunk = Buffer.allocUnsafe(sizeBytes)
        chunkStart = position
        chunkLength = await readFully(this.file, chunk, Math.min(chunk.length, fileSize - position), position)
        continue
      }
      const batch = chunk.subarray(at, at + sizeBytes)
      const validation = validateRecordBatch(batch, { requireContiguousOffsets: false })
      if (!validation.ok) {
        reason = `${validation.problem}: ${validation.reason}`
        break
      }
      const header = validation.header
      if (nextOffset !== undefined && header.baseOffset < nextOffset) {
        reason = `batch at offset ${header.baseOffset} goes back before ${nextOffset}`
        break
      }
      if (header.maxTimestamp > this.maxTimestamp) {
        this.maxTimestamp = header.maxTimestamp
        this.offsetOfMaxTimestamp = header.lastOffset
      }
      if (this.bytesSinceLastIndexEntry > this.options.indexIntervalBytes) {
        this.offsetIndex.append(header.baseOffset, position, { sizeBytes, lastOffsetDelta: header.lastOffsetDelta, maxTimestamp: header.maxTimestamp })
        this.timeIndex.maybeAppend(this.maxTimestamp, this.offsetOfMaxTimestamp)
        this.bytesSinceLastIndexEntry = 0
      }
      this.bytesSinceLastIndexEntry += sizeBytes
      nextOffset = header.lastOffset + 1n
      position += sizeBytes
    }
    const truncatedBytes = fileSize - position
    if (truncatedBytes > 0) {
      await this.file.truncate(position)
      // The log counts a recovered segment as durable: a cut that a second power loss could undo
      // would bring the torn bytes back, and with them a cut that drops every later segment.
      await this.file.sync()
    }
    this.size = position
    return { truncatedBytes, nextOffset, reason: truncatedBytes > 0 ? reason : undefined }
  }

  /** The offset after the last batch (reads the last batches' headers), or undefined when empty. */
  async readNextOffset(): Promise<bigint | undefined> {
    await this.loadIndexes()
    let next: bigint | undefined
    for await (const batch of this.batchesFrom(this.offsetIndex.lastOffset ?? this.baseOffset, this.size)) next = batch.lastOffset + 1n
    return next
  }

  /** Makes the segment durable: file and indexes. */
  async flush(): Promise<void> {
    await this.file.sync()
    await this.offsetIndex.sync()
    await this.timeIndex.sync()
  }

  /** Called when the segment stops being active: indexes written out and trimmed. */
  async onRoll(): Promise<void> {
    await this.loadIndexes()
    this.offsetIndex.releaseBatches()
    this.timeIndex.maybeAppend(this.maxTimestamp, this.offsetOfMaxTimestamp)
    await this.offsetIndex.persist(true)
    await this.timeIndex.persist(true)
  }

  async close(): Promise<void> {
    if (this.indexesLoaded !== undefined) {
      await this.offsetIndex.persist(true)
      await this.timeIndex.persist(true)
    }
    await this.offsetIndex.close()
    await this.timeIndex.close()
    await this.file.close()
  }

  /**
   * Renames the files to `.deleted`. Open handles keep working, so a fetch in flight finishes;
   * `destroy` closes and removes them once file.delete.delay.ms has passed.
   */
  async markDeleted(): Promise<void> {
    for (const suffix of [LOG_SUFFIX, INDEX_SUFFIX, TIME_INDEX_SUFFIX]) {
      const from = join(this.directory, segmentFileName(this.baseOffset, suffix))
      if ((await this.storage.sizeOf(from)) !== undefined) await this.storage.rename(from, from + DELETED_SUFFIX)
    }
  }

  /** Closes the handles and removes the `.deleted` files. */
  async destroy(): Promise<void> {
    await this.offsetIndex.close()
    await this.timeIndex.close()
    await this.file.close()
    for (const suffix of [LOG_SUFFIX, INDEX_SUFFIX, TIME_INDEX_SUFFIX]) {
      const path = join(this.directory, segmentFileName(this.baseOffset, suffix) + DELETED_SUFFIX)
      if ((await this.storage.sizeOf(path)) !== undefined) await this.storage.unlink(path)
    }
  }
}
