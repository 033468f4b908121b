// Produce for the CLI: records are gathered into one magic 2 batch per partition (up to
// batchSizeBytes, or until lingerMs has passed, Kafka's batch.size and linger.ms) and each full
// batch goes to its partition's leader. At most MAX_IN_FLIGHT requests wait for answers at once
// (max.in.flight.requests.per.connection): `send` waits while that many are out, which is the
// backpressure a caller reading a large input relies on. Keyed records go where Kafka's default
// partitioner puts them; unkeyed ones stick to one partition per batch (KIP-480).
// Differs from Kafka's producer: no retries, no idempotence; the first failure fails the producer.
import { ErrorCode } from '../protocol/error-codes.js'
import { ApiKey } from '../protocol/generated/api-registry.js'
import type { ProduceResponse } from '../protocol/generated/apis/produce.js'
import { buildRecordBatch, type RecordInput } from '../protocol/build-record-batch.js'
import { CompressionType } from '../protocol/compression/compression-type.js'
import type { RecordHeader } from '../protocol/read-records.js'
import type { KafkaClient } from './kafka-client.js'
import { KafkaError } from './kafka-error.js'
import { partitionForKey } from './partitioner.js'

export type Acks = -1 | 0 | 1

export interface ProducerOptions {
  readonly topic: string
  /** -1 (all in-sync replicas), 1 (the leader) or 0 (no answer: a record counts once written). */
  readonly acks: Acks
  readonly compression: CompressionType
  /** Kafka's batch.size: a partition's batch is sent once its records reach this many bytes. */
  readonly batchSizeBytes: number
  /** Kafka's linger.ms: how long a batch that is not full waits for more records. */
  readonly lingerMs: number
  /** Every record goes to this partition when set. */
  readonly partition?: number
}

export interface ProducerRecord {
  readonly key: Buffer | null
  readonly value: Buffer | null
  readonly headers: readonly RecordHeader[]
}

/** Requests waiting for answers at once: Kafka's max.in.flight.requests.per.connection default. */
const MAX_IN_FLIGHT = 5
/** With acks=0, a round trip after this many batches keeps unsent bytes from piling up in memory. */
const ACKS_0_SYNC_EVERY_BATCHES = 16
/** A record's bytes in a batch beyond its key, value and headers (varints, attributes), roughly. */
const RECORD_OVERHEAD_BYTES = 16

interface OpenBatch {
  readonly records: RecordInput[]
  sizeBytes: number
  readonly lingerTimer: NodeJS.Timeout
}

export class Producer {
  /** Records the broker acknowledged (acks=0: records written to the socket). */
  recordsAcknowledged = 0
  /** Value, key and header bytes of those records. */
  bytesAcknowledged = 0
  private readonly batches = new Map<number, OpenBatch>()
  private readonly inFlight = new Set<Promise<void>>()
  private failure: Error | undefined
  private stickyPartition: number
  private batchesSinceSync = 0

  private constructor(
    private readonly client: KafkaClient,
    private readonly options: ProducerOptions,
    private readonly leaders: ReadonlyMap<number, number>,
  ) {
    this.stickyPartition = Math.floor(Math.random() * leaders.size)
  }

  /** Looks up the topic's partitions and leaders; throws KafkaError for an unknown topic or partition. */
  static async create(client: KafkaClient, options: ProducerOptions): Promise<Producer> {
    const leaders = await client.partitionLeaders(options.topic)
    if (options.partition !== undefined && !leaders.has(options.partition)) {
      throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `partition ${options.partition} of topic ${options.topic}`)
    }
    return new Producer(client, options, leaders)
  }

  /** Adds a record; resolves once it is queued, waiting while MAX_IN_FLIGHT requests are out. Throws the producer's first failure. */
  async send(record: ProducerRecord): Promise<void> {
    this.throwIfFailed()
    const partition = this.partitionOf(record)
    const sizeBytes = recordSizeBytes(record)
    let batch = this.batches.get(partition)
    if (batch !== undefined && batch.sizeBytes + sizeBytes > this.options.batchSizeBytes) {
      this.sendBatch(partition)
      batch = undefined
    }
    if (batch === undefined) {
      batch = { records: [], sizeBytes: 0, lingerTimer: setTimeout(() => this.sendBatch(partition), this.options.lingerMs) }
      this.batches.set(partition, batch)
    }
    batch.records.push({ key: record.key, value: record.value, headers: record.headers, timestamp: BigInt(Date.now()) })
    batch.sizeBytes += sizeBytes
    if (batch.sizeBytes >= this.options.batchSizeBytes) this.sendBatch(partition)
    while (this.inFlight.size >= MAX_IN_FLIGHT) await Promise.race(this.inFlight)
    this.throwIfFailed()
  }

  /** Sends every open batch and waits for all answers; throws the producer's first failure. */
  async flush(): Promise<void> {
    for (const partition of [...this.batches.keys()]) this.sendBatch(partition)
    while (this.inFlight.size > 0) await Promise.race(this.inFlight)
    if (this.options.acks === 0 && this.failure === undefined) await this.track(this.syncAcks0())
    this.throwIfFailed()
  }

  /** Stops the linger timers of batches not yet sent (they are dropped). */
  close(): void {
    for (const batch of this.batches.values()) clearTimeout(batch.lingerTimer)
    this.batches.clear()
  }

  private partitionOf(record: ProducerRecord): number {
    if (this.options.partition !== undefined) return this.options.partition
    if (record.key !== null) return partitionForKey(record.key, this.leaders.size)
    return this.stickyPartition
  }

  private sendBatch(partition: number): void {
    const batch = this.batches.get(partition)
    if (batch === undefined) return
    this.batches.delete(partition)
    clearTimeout(batch.lingerTimer)
    // KIP-480: unkeyed records move to another partition once their batch is complete.
    if (partition === this.stickyPartition && this.leaders.size > 1) {
      this.stickyPartition = (partition + 1 + Math.floor(Math.random() * (this.leaders.size - 1))) % this.leaders.size
    }
    void this.track(this.produce(partition, batch))
  }

  /** Keeps `work` in the in-flight set until it settles, recording its failure rather than rejecting. */
  private track(work: Promise<void>): Promise<void> {
    const tracked = work.catch((error: unknown) => {
      this.failure ??= error as Error
    }).finally(() => this.inFlight.delete(tracked))
    this.inFlight.add(tracked)
    return tracked
  }

  private async produce(partition: number, batch: OpenBatch): Promise<void> {
    const { topic, acks, compression } = this.options
    const leader = this.leaders.get(partition)
    if (leader === undefined || leader < 0) throw new KafkaError(ErrorCode.LEADER_NOT_AVAILABLE, `partition ${partition} of topic ${topic}`)
    const records = await buildRecordBatch({ compression, records: batch.records })
    const body = {
      transactionalId: null, acks, timeoutMs: this.client.timeoutMs,
      topicData: [{ name: topic, partitionData: [{ index: partition, records }] }],
    }
    const what = `producing to ${topic}-${partition}`
    if (acks === 0) {
      const connection = await this.client.connectionTo(leader)
      connection.send(ApiKey.PRODUCE, this.client.version(ApiKey.PRODUCE), body)
      this.acknowledged(batch)
      if (++this.batchesSinceSync >= ACKS_0_SYNC_EVERY_BATCHES) await this.syncAcks0()
      return
    }
    const response = await this.client.request<ProduceResponse>(leader, ApiKey.PRODUCE, () => body, what)
    const answer = response.responses[0]?.partitionResponses[0]
    if (answer === undefined) throw new KafkaError(ErrorCode.UNKNOWN_SERVER_ERROR, `${what}: no answer for the partition`)
    if (answer.errorCode !== ErrorCode.NONE) {
      throw new KafkaError(answer.errorCode, what, answer.errorMessage ?? answer.recordErrors[0]?.batchIndexErrorMessage)
    }
    this.acknowledged(batch)
  }

  private acknowledged(batch: OpenBatch): void {
    this.recordsAcknowledged += batch.records.length
    this.bytesAcknowledged += batch.sizeBytes - batch.records.length * RECORD_OVERHEAD_BYTES
  }

  /**
   * With acks=0 nothing is answered, so a request that is (ApiVersions) tells that the broker has
   * read every batch before it on each leader's connection; a broker that refused one closed the
   * connection instead, as Kafka does, and this fails.
   */
  private async syncAcks0(): Promise<void> {
    this.batchesSinceSync = 0
    const leaders = new Set([...this.leaders.values()].filter((leader) => leader >= 0))
    await Promise.all([...leaders].map((leader) => this.client.request(leader, ApiKey.API_VERSIONS, () => ({
      clientSoftwareName: 'sluice-cli', clientSoftwareVersion: '0.1.0',
    }), `writing to broker ${leader} with acks=0`)))
  }

  private throwIfFailed(): void {
    if (this.failure !== undefined) throw this.failure
  }
}

function recordSizeBytes(record: ProducerRecord): number {
  let size = RECORD_OVERHEAD_BYTES + (record.key?.length ?? 0) + (record.value?.length ?? 0)
  for (const header of record.headers) size += header.key.length + (header.value?.length ?? 0)
  return size
}
