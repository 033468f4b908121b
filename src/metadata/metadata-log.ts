// The KRaft metadata log `__cluster_metadata-0` on disk, for a single-voter quorum: an append
// commits as soon as it is durable (a later issue puts Raft replication in front of it). Opening
// replays every record into a MetadataImage; appending writes one record batch, fsyncs it, and only
// then replays it and publishes the next image, so state never runs ahead of the log.
import { join } from 'node:path'
import type { Clock } from '../clock.js'
import { SluiceError } from '../errors.js'
import { readFileSlice } from '../log/batch-scanner.js'
import { logConfig, type LogConfig } from '../log/log-config.js'
import { PartitionLog, type LogRecoveryReport } from '../log/partition-log.js'
import type { Storage } from '../log/storage.js'
import { buildRecordBatchSync } from '../protocol/build-record-batch.js'
import { readRecords } from '../protocol/read-records.js'
import { readRecordBatchHeader, splitRecordBatches } from '../protocol/record-batch.js'
import { MetadataDelta, type MetadataChanges } from './delta.js'
import { MetadataImage } from './image.js'
import { decodeMetadataRecord, encodeMetadataRecord, type MetadataRecord } from './metadata-record-codec.js'

/** The metadata partition's directory name under the metadata log dir (Kafka's `__cluster_metadata-0`). */
export const METADATA_LOG_DIRECTORY = '__cluster_metadata-0'

/** KafkaRaftClient's MAX_BATCH_SIZE_BYTES: the largest batch the metadata log accepts. */
const MAX_METADATA_BATCH_BYTES = 8 * 1024 * 1024

/** Bytes read per step while replaying the log at open (a larger batch is still read whole). */
const REPLAY_READ_BYTES = 1024 * 1024

/**
 * Kafka's metadata log settings (KafkaMetadataLog / RaftConfig): 1 GiB segments rolled weekly
 * (metadata.log.segment.bytes, metadata.log.segment.ms); every append fsync'd before it counts,
 * since the controller and brokers act on what it says; nothing deleted by retention (snapshots,
 * not retention, are what will bound the log).
 */
export const METADATA_LOG_CONFIG: LogConfig = logConfig({
  segmentBytes: 1024 * 1024 * 1024,
  segmentMs: 7 * 24 * 60 * 60 * 1000,
  flushMessages: 1,
  retentionMs: -1,
  retentionBytes: -1,
  cleanupPolicy: ['delete'],
  maxMessageBytes: MAX_METADATA_BATCH_BYTES,
})

/**
 * The metadata log could not take an append: the disk failed (the log is then offline) or the
 * batch was refused. Nothing of the append is committed and the image is unchanged.
 */
export class MetadataAppendError extends SluiceError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_METADATA_APPEND', message, options)
  }
}

/**
 * The log's content cannot be turned into an image: a gap, a batch that does not decode, or a
 * record that does not apply; or an earlier append's replay failed, leaving the image behind the
 * log. Fatal: the node must stop rather than act on unknown metadata.
 */
export class MetadataLogCorruptError extends SluiceError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_METADATA_LOG_CORRUPT', message, options)
  }
}

export interface MetadataLogOptions {
  readonly storage: Storage
  /** The metadata log dir (metadata.log.dir, else the first log.dirs entry). */
  readonly logDir: string
  readonly clock: Clock
  /** The log dir was shut down cleanly: segments are trusted without a CRC scan. */
  readonly hadCleanShutdown: boolean
  /** Offset below which everything is known to be flushed; 0 (scan everything) when absent. */
  readonly recoveryPoint?: bigint
}

/** What one committed append did. */
export interface MetadataAppendResult {
  /** The image with the append's records replayed, now also `MetadataLog.image`. */
  readonly image: MetadataImage
  /** What the records changed relative to the image before them. */
  readonly changes: MetadataChanges
  readonly baseOffset: bigint
  readonly lastOffset: bigint
}

export class MetadataLog {
  private currentImage: MetadataImage
  private replayedOffset: bigint
  /** Appends run one after another, each replayed before the next is written. */
  private appendChain: Promise<unknown> = Promise.resolve()
  /** Set when a committed append could not be replayed: the image no longer matches the log. */
  private fatalError: MetadataLogCorruptError | undefined

  private constructor(
    private readonly log: PartitionLog,
    private readonly clock: Clock,
    image: MetadataImage,
    replayedOffset: bigint,
  ) {
    this.currentImage = image
    this.replayedOffset = replayedOffset
  }

  /**
   * Opens (creating when new) `<logDir>/__cluster_metadata-0`, recovering a torn tail after an
   * unclean stop, and replays the whole log into an image. Throws MetadataLogCorruptError when
   * the log cannot be replayed (the partition log is closed again first), StorageError when the
   * disk fails.
   */
  static async open(options: MetadataLogOptions): Promise<MetadataLog> {
    const log = await PartitionLog.open({
      storage: options.storage,
      directory: join(options.logDir, METADATA_LOG_DIRECTORY),
      config: METADATA_LOG_CONFIG,
      clock: options.clock,
      recoveryPoint: options.recoveryPoint ?? 0n,
      logStartOffset: 0n,
      hadCleanShutdown: options.hadCleanShutdown,
    })
    try {
      const { image, replayedOffset } = await replayLog(log)
      return new MetadataLog(log, options.clock, image, replayedOffset)
    } catch (error) {
      await log.close()
      throw error
    }
  }

  /** The image of every committed record. Replaced (never mutated) by each append. */
  get image(): MetadataImage {
    return this.currentImage
  }

  /** The last offset replayed into the image (-1 for an empty log). */
  get highestOffset(): bigint {
    return this.replayedOffset
  }

  get logEndOffset(): bigint {
    return this.log.logEndOffset
  }

  /** What opening the partition log found (recovered segments, truncated bytes), for a log line. */
  get recovery(): LogRecoveryReport {
    return this.log.recovery
  }

  /**
   * Writes `records` as one record batch in quorum epoch `epoch` (the batch's partition leader
   * epoch), fsyncs it, then replays it and publishes the new image. Appends are applied in call
   * order. Throws MetadataAppendError when the log refuses the batch or the disk fails (image
   * unchanged); MetadataLogCorruptError when the durable records do not replay (fatal, and every
   * later append throws it too); RangeError for an empty list or a record version that does not
   * exist (caller bugs; nothing written).
   */
  append(records: readonly MetadataRecord[], epoch: number): Promise<MetadataAppendResult> {
    const run = this.appendChain.then(() => this.appendNow(records, epoch))
    // The chain only orders appends; each caller gets its own outcome from `run`.
    this.appendChain = run.then(noop, noop)
    return run
  }

  private async appendNow(records: readonly MetadataRecord[], epoch: number): Promise<MetadataAppendResult> {
    if (this.fatalError !== undefined) throw this.fatalError
    if (records.length === 0) throw new RangeError('a metadata append needs at least one record')
    const timestamp = BigInt(this.clock.nowMs())
    const values = records.map((record) => encodeMetadataRecord(record))
    const batch = buildRecordBatchSync({
      partitionLeaderEpoch: epoch,
      records: values.map((value) => ({ key: null, value, timestamp })),
    })
    const result = await this.log.append(batch, epoch)
    if (!result.ok) {
      throw new MetadataAppendError(`metadata log append failed (${result.problem}): ${result.reason}`, { cause: 'error' in result ? result.error : undefined })
    }
    // Durable from here on (flush.messages 1). Replay what the log holds, decoded from the
    // bytes written, so this image is exactly the one a restart rebuilds.
    try {
      const delta = new MetadataDelta(this.currentImage)
      values.forEach((value, index) => delta.replay(decodeMetadataRecord(value), result.baseOffset + BigInt(index), epoch))
      const image = delta.apply()
      this.currentImage = image
      this.replayedOffset = result.lastOffset
      return { image, changes: delta.changes(), baseOffset: result.baseOffset, lastOffset: result.lastOffset }
    } catch (error) {
      this.fatalError = new MetadataLogCorruptError(`committed metadata records at ${result.baseOffset}..${result.lastOffset} do not replay`, { cause: error })
      throw this.fatalError
    }
  }

  /** Waits for appends in progress, then flushes and closes the log (a clean shutdown). */
  async close(): Promise<void> {
    await this.appendChain
    await this.log.close()
  }
}

function noop(): void {}

/**
 * Replays the log from its start to its end into one delta on the empty image. Control batches
 * (Raft's LeaderChange and snapshot markers) carry no metadata records and are skipped.
 */
async function replayLog(log: PartitionLog): Promise<{ image: MetadataImage; replayedOffset: bigint }> {
  const delta = new MetadataDelta(MetadataImage.EMPTY)
  const endOffset = log.logEndOffset
  let offset = log.logStartOffset
  while (offset < endOffset) {
    const result = await log.read(offset, REPLAY_READ_BYTES)
    if (!result.ok) {
      if (result.problem === 'storage') throw result.error
      throw new MetadataLogCorruptError(`metadata log read at ${offset} failed: ${result.reason}`)
    }
    const slice = result.slice
    if (slice === undefined) throw new MetadataLogCorruptError(`metadata log has no batch at ${offset} below its end ${endOffset}`)
    // A fresh buffer per read: decoded records may keep views into it.
    const buffer = await readFileSlice(slice)
    try {
      const { batches } = splitRecordBatches(buffer)
      if (batches.length === 0) throw new MetadataLogCorruptError(`metadata log batch at ${offset} is cut off`)
      for (const batch of batches) {
        const header = readRecordBatchHeader(batch)
        if (header.lastOffset < offset) continue
        if (!header.isControl) {
          for (const record of await readRecords(batch)) {
            if (record.value === null) throw new MetadataLogCorruptError(`metadata record at ${record.offset} has no value`)
            delta.replay(decodeMetadataRecord(record.value), record.offset, header.partitionLeaderEpoch)
          }
        }
        offset = header.lastOffset + 1n
      }
    } catch (error) {
      if (error instanceof MetadataLogCorruptError) throw error
      throw new MetadataLogCorruptError(`metadata log does not replay at offset ${offset}`, { cause: error })
    }
  }
  return { image: delta.apply(), replayedOffset: offset - 1n }
}
