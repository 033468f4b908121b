// One partition replica on this broker (Kafka's Partition): its log, its registration from the
// metadata image, and as leader the high watermark and the acks=all wait. The high watermark is
// the minimum log end offset over the ISR; with followers not yet replicating (a later issue), an
// ISR of the leader alone moves it to the log end at each append. Appends that wait for the high
// watermark (acks=all) and parked fetches are woken through `onHighWatermark`.
import type { PartitionLog } from '../log/partition-log.js'
import type { PartitionRegistration } from '../metadata/image.js'
import { ErrorCode } from '../protocol/error-codes.js'
import { ProtocolDecodeError } from '../protocol/protocol-decode-error.js'
import { splitRecordBatches, type RecordBatchSplit } from '../protocol/record-batch.js'
import type { RecentBatches } from './recent-batches.js'

export type PartitionAppendResult =
  | {
      readonly errorCode: typeof ErrorCode.NONE
      readonly baseOffset: bigint
      readonly lastOffset: bigint
      readonly logAppendTime: bigint
      readonly logStartOffset: bigint
    }
  | { readonly errorCode: number; readonly errorMessage: string; readonly logStartOffset: bigint }

export interface PartitionOptions {
  readonly topic: string
  readonly topicId: string
  readonly partitionIndex: number
  readonly nodeId: number
  readonly log: PartitionLog
  readonly registration: PartitionRegistration
  /** The topic's min.insync.replicas, read at each acks=all append (configs change live). */
  readonly minInsyncReplicas: () => number
  /** Called each time the high watermark moves forward. */
  readonly onHighWatermark: (partition: Partition) => void
  /** Where appended batches are kept for tail reads; none when absent. */
  readonly recentBatches?: RecentBatches
}

interface HighWatermarkWaiter {
  readonly offset: bigint
  readonly resolve: (isReached: boolean) => void
  readonly timer: NodeJS.Timeout
}

export class Partition {
  private registrationState: PartitionRegistration
  private readonly waiters: HighWatermarkWaiter[] = []

  constructor(private readonly options: PartitionOptions) {
    this.registrationState = options.registration
  }

  get topic(): string {
    return this.options.topic
  }

  get topicId(): string {
    return this.options.topicId
  }

  get partitionIndex(): number {
    return this.options.partitionIndex
  }

  get log(): PartitionLog {
    return this.options.log
  }

  get registration(): PartitionRegistration {
    return this.registrationState
  }

  get isLeader(): boolean {
    return this.registrationState.leader === this.options.nodeId
  }

  get leaderEpoch(): number {
    return this.registrationState.leaderEpoch
  }

  /** Kafka's last stable offset; equal to the high watermark until transactions exist. */
  get lastStableOffset(): bigint {
    return this.log.highWatermark
  }

  /** A new registration from the image (leader, epochs, ISR). */
  update(registration: PartitionRegistration): void {
    this.registrationState = registration
    if (this.isLeader) this.maybeIncrementHighWatermark()
  }

  /**
   * Checks `currentLeaderEpoch` from a client (KIP-320): NONE when it is -1 or this epoch,
   * FENCED_LEADER_EPOCH when older, UNKNOWN_LEADER_EPOCH when newer than what this broker knows.
   */
  checkLeaderEpoch(currentLeaderEpoch: number): number {
    if (currentLeaderEpoch < 0 || currentLeaderEpoch === this.leaderEpoch) return ErrorCode.NONE
    return currentLeaderEpoch < this.leaderEpoch ? ErrorCode.FENCED_LEADER_EPOCH : ErrorCode.UNKNOWN_LEADER_EPOCH
  }

  /**
   * Appends a producer's records (exactly one magic 2 batch, as Kafka requires from Produce v3)
   * as leader; with acks=all (-1) also waits, at most `timeoutMs`, until the high watermark
   * passes the batch. Kafka outcomes come back as error codes, never as throws.
   */
  async appendRecordsAsLeader(records: Buffer, requiredAcks: number, timeoutMs: number): Promise<PartitionAppendResult> {
    const log = this.log
    if (!this.isLeader) return this.refuse(ErrorCode.NOT_LEADER_OR_FOLLOWER, `Broker ${this.options.nodeId} is not the leader of ${this.describe()}`)
    let split: RecordBatchSplit
    try {
      split = splitRecordBatches(records)
    } catch (error) {
      if (!(error instanceof ProtocolDecodeError)) throw error
      return this.refuse(ErrorCode.CORRUPT_MESSAGE, `The records of ${this.describe()} are corrupt: ${error.message}`)
    }
    const { batches, partialBytes } = split
    if (batches.length !== 1 || partialBytes > 0) {
      return batches.length > 1
        ? this.refuse(ErrorCode.INVALID_RECORD, 'Produce requests with version 3 are only allowed to contain exactly one record batch')
        : this.refuse(ErrorCode.CORRUPT_MESSAGE, `The records of ${this.describe()} are not one complete record batch`)
    }
    const isr = this.registrationState.isr
    const minInsyncReplicas = this.options.minInsyncReplicas()
    if (requiredAcks === -1 && isr.length < minInsyncReplicas) {
      return this.refuse(ErrorCode.NOT_ENOUGH_REPLICAS,
        `The size of the current ISR [${isr.join(', ')}] is insufficient to satisfy the min.isr requirement of ${minInsyncReplicas} for partition ${this.describe()}`)
    }
    const appended = await log.append(batches[0]!, this.leaderEpoch)
    if (!appended.ok) {
      return appended.problem === 'storage'
        ? this.refuse(ErrorCode.KAFKA_STORAGE_ERROR, `Disk error when trying to access log file on the disk: ${appended.reason}`)
        : appended.problem === 'batch-too-large'
          ? this.refuse(ErrorCode.MESSAGE_TOO_LARGE, `The batch of ${this.describe()} is larger than max.message.bytes (${log.config.maxMessageBytes})`)
          : appended.problem === 'invalid-timestamp'
            ? this.refuse(ErrorCode.INVALID_TIMESTAMP, appended.reason)
            : this.refuse(problemErrorCode(appended.problem), `Record batch of ${this.describe()} is invalid: ${appended.reason}`)
    }
    this.options.recentBatches?.add(appended.baseOffset, appended.lastOffset, batches[0]!)
    this.maybeIncrementHighWatermark()
    if (requiredAcks === -1 && !(await this.waitForHighWatermark(appended.lastOffset + 1n, timeoutMs))) {
      return this.refuse(ErrorCode.REQUEST_TIMED_OUT, `The high watermark of ${this.describe()} did not reach ${appended.lastOffset + 1n} in ${timeoutMs} ms`)
    }
    return {
      errorCode: ErrorCode.NONE,
      baseOffset: appended.baseOffset,
      lastOffset: appended.lastOffset,
      logAppendTime: appended.logAppendTime,
      logStartOffset: appended.logStartOffset,
    }
  }

  /**
   * The high watermark as Kafka's leader computes it: the smallest log end offset in the ISR.
   * Only the leader's own replica reports here until followers fetch, so a larger ISR holds it.
   */
  maybeIncrementHighWatermark(): void {
    const log = this.log
    const isOnlyLeaderInSync = this.registrationState.isr.every((id) => id === this.options.nodeId)
    if (!isOnlyLeaderInSync || log.highWatermark >= log.logEndOffset) return
    log.updateHighWatermark(log.logEndOffset)
    const highWatermark = log.highWatermark
    for (let index = this.waiters.length - 1; index >= 0; index--) {
      const waiter = this.waiters[index]!
      if (waiter.offset > highWatermark) continue
      this.waiters.splice(index, 1)
      clearTimeout(waiter.timer)
      waiter.resolve(true)
    }
    this.options.onHighWatermark(this)
  }

  private waitForHighWatermark(offset: bigint, timeoutMs: number): Promise<boolean> {
    if (this.log.highWatermark >= offset) return Promise.resolve(true)
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        const index = this.waiters.indexOf(waiter)
        if (index >= 0) this.waiters.splice(index, 1)
        resolve(false)
      }, Math.max(timeoutMs, 0))
      const waiter: HighWatermarkWaiter = { offset, resolve, timer }
      this.waiters.push(waiter)
    })
  }

  /** The newest batches in memory, for reads at the tail; undefined when not kept. */
  get recentBatches(): RecentBatches | undefined {
    return this.options.recentBatches
  }

  /** Ends every acks=all wait and drops cached batches (the partition is going away or the broker is stopping). */
  close(): void {
    this.options.recentBatches?.clear()
    for (const waiter of this.waiters.splice(0)) {
      clearTimeout(waiter.timer)
      waiter.resolve(false)
    }
  }

  private refuse(errorCode: number, errorMessage: string): PartitionAppendResult {
    return { errorCode, errorMessage, logStartOffset: this.log.logStartOffset }
  }

  private describe(): string {
    return `${this.options.topic}-${this.options.partitionIndex}`
  }
}

/** A refused batch's Kafka error: framing and checksum faults are CORRUPT_MESSAGE, record rules INVALID_RECORD. */
function problemErrorCode(problem: string): number {
  switch (problem) {
    case 'invalid-record-count':
    case 'invalid-offset-delta':
    case 'invalid-record':
    case 'unsupported-magic':
      return ErrorCode.INVALID_RECORD
    default:
      return ErrorCode.CORRUPT_MESSAGE
  }
}
