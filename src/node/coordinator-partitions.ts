// The offsets coordinator's view of `__consumer_offsets`: each partition this node leads is
// loaded into the coordinator (and unloaded when leadership or the topic goes), and read and
// appended through the replica manager like any partition, with acks=all.
import type { Logger } from 'pino'
import { readFileSlice } from '../log/batch-scanner.js'
import type { CoordinatorPartitionLog, OffsetCoordinator } from '../coordinator/offset-coordinator.js'
import type { MetadataImage } from '../metadata/image.js'
import type { ReplicaManager } from '../replication/replica-manager.js'
import { OFFSETS_TOPIC } from '../metadata/internal-topics.js'


/** A coordinator partition backed by the replica manager; `commitTimeoutMs` is offsets.commit.timeout.ms. */
function partitionLog(replicas: ReplicaManager, image: () => MetadataImage, partitionIndex: number, commitTimeoutMs: number): CoordinatorPartitionLog {
  const log = () => replicas.partition(OFFSETS_TOPIC, partitionIndex)?.log
  return {
    async append(batch) {
      const result = await replicas.appendInternal(image(), OFFSETS_TOPIC, partitionIndex, batch, commitTimeoutMs)
      return result.errorCode
    },
    async read(offset, maxBytes) {
      const partitionLog = log()
      if (partitionLog === undefined) return Buffer.alloc(0)
      const result = await partitionLog.read(offset, maxBytes, { maxOffset: partitionLog.highWatermark, isMinOneBatch: true })
      if (!result.ok) throw result.problem === 'storage' ? result.error : new RangeError(result.reason)
      return result.slice === undefined ? Buffer.alloc(0) : readFileSlice(result.slice)
    },
    get logStartOffset() {
      return log()?.logStartOffset ?? 0n
    },
    get highWatermark() {
      return log()?.highWatermark ?? 0n
    },
  }
}

/**
 * Keeps the coordinator's loaded partitions equal to the `__consumer_offsets` partitions this
 * node leads. Call after every published image; loads run in the background (requests for a
 * loading partition answer COORDINATOR_LOAD_IN_PROGRESS meanwhile).
 */
export class CoordinatorPartitions {
  /** Loaded partition → the leader epoch it was loaded in. */
  private readonly loaded = new Map<number, number>()
  private readonly loads = new Set<Promise<void>>()

  constructor(
    private readonly coordinator: OffsetCoordinator,
    private readonly replicas: ReplicaManager,
    private readonly image: () => MetadataImage,
    private readonly commitTimeoutMs: number,
    private readonly logger: Logger,
  ) {}

  sync(image: MetadataImage): void {
    const topic = image.topic(OFFSETS_TOPIC)
    for (const [partitionIndex, loadedEpoch] of this.loaded) {
      const partition = this.replicas.partition(OFFSETS_TOPIC, partitionIndex)
      if (topic?.partitions.has(partitionIndex) === true && partition?.isLeader === true && partition.leaderEpoch === loadedEpoch) continue
      this.coordinator.unloadPartition(partitionIndex)
      this.loaded.delete(partitionIndex)
    }
    for (const partitionIndex of topic?.partitions.keys() ?? []) {
      const partition = this.replicas.partition(OFFSETS_TOPIC, partitionIndex)
      if (partition?.isLeader !== true || this.loaded.has(partitionIndex)) continue
      this.loaded.set(partitionIndex, partition.leaderEpoch)
      const load = this.coordinator.loadPartition(partitionIndex, partitionLog(this.replicas, this.image, partitionIndex, this.commitTimeoutMs))
        .catch((error: unknown) => {
          this.loaded.delete(partitionIndex)
          this.logger.error({ err: error, topic: OFFSETS_TOPIC, partition: partitionIndex }, 'loading a coordinator partition failed')
        })
        .finally(() => this.loads.delete(load))
      this.loads.add(load)
    }
  }

  /** Waits for loads in progress (shutdown). */
  async close(): Promise<void> {
    await Promise.all(this.loads)
  }
}

