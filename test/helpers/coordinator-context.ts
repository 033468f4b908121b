// A handler context for the coordinator APIs: brokers 1-3 on PLAINTEXT (3 fenced), topic `orders`
// with two partitions, optionally `__consumer_offsets` with three partitions led by 1, 2 and 3,
// and an OffsetCoordinator owning every `__consumer_offsets` partition over in-memory logs.
import { pino } from 'pino'
import { OffsetCoordinator } from '../../src/coordinator/offset-coordinator.js'
import type { BrokerServices, HandlerContext, TopicServices } from '../../src/handlers/handler.js'
import { MetadataDelta } from '../../src/metadata/delta.js'
import { MetadataImage } from '../../src/metadata/image.js'
import type { MetadataRecord } from '../../src/metadata/metadata-record-codec.js'
import { decodeResponseFrame, encodeResponseFrame } from '../../src/protocol/frames.js'
import { ManualClock } from './manual-clock.js'
import { MemoryCoordinatorLog } from './memory-coordinator-log.js'
import { INCARNATION_ID, partition, topic } from './metadata-records.js'

export const LISTENER = 'PLAINTEXT'
export const OFFSETS_PARTITION_COUNT = 3

function register(brokerId: number, isFenced: boolean): MetadataRecord[] {
  const records: MetadataRecord[] = [{
    type: 'RegisterBrokerRecord', version: 3, value: {
      brokerId, isMigratingZkBroker: false, incarnationId: INCARNATION_ID, brokerEpoch: 10n,
      endPoints: [{ name: LISTENER, host: `broker-${brokerId}.test`, port: 9090 + brokerId, securityProtocol: 0 }],
      features: [{ name: 'metadata.version', minSupportedVersion: 7, maxSupportedVersion: 21 }],
      rack: null, fenced: true, inControlledShutdown: false, logDirs: [],
    },
  }]
  if (!isFenced) records.push({ type: 'UnfenceBrokerRecord', version: 0, value: { id: brokerId, epoch: 10n } })
  return records
}

export function coordinatorImage(hasOffsetsTopic: boolean): MetadataImage {
  const ordersId = Buffer.alloc(16, 1).toString('base64url')
  const offsetsId = Buffer.alloc(16, 2).toString('base64url')
  const records: MetadataRecord[] = [
    ...register(1, false), ...register(2, false), ...register(3, true),
    topic('orders', ordersId), partition(ordersId, 0, [1], 1), partition(ordersId, 1, [2], 2),
  ]
  if (hasOffsetsTopic) {
    records.push(topic('__consumer_offsets', offsetsId))
    for (let index = 0; index < OFFSETS_PARTITION_COUNT; index++) records.push(partition(offsetsId, index, [index + 1], index + 1))
  }
  const delta = new MetadataDelta(MetadataImage.EMPTY)
  records.forEach((record, index) => { delta.replay(record, BigInt(index), 1) })
  return delta.apply()
}

export interface CoordinatorFixture {
  readonly ctx: HandlerContext
  readonly coordinator: OffsetCoordinator
  readonly logs: MemoryCoordinatorLog[]
  /** Names passed to ensureInternalTopic. */
  readonly createdTopics: string[]
}

export async function coordinatorContext(options: {
  hasOffsetsTopic?: boolean
  ensureInternalTopicAnswer?: number
  hasCoordinator?: boolean
  isLoaded?: boolean
} = {}): Promise<CoordinatorFixture> {
  let image = coordinatorImage(options.hasOffsetsTopic ?? true)
  const createdTopics: string[] = []
  const topics: TopicServices = {
    async ensureInternalTopic(name) {
      createdTopics.push(name)
      const answer = options.ensureInternalTopicAnswer ?? 0
      if (answer === 0) image = coordinatorImage(true)
      return answer
    },
    createTopics: () => Promise.reject(new Error('the coordinator tests create no topics')),
    deleteTopics: () => Promise.reject(new Error('the coordinator tests delete no topics')),
  }
  const coordinator = new OffsetCoordinator({ clock: new ManualClock(), logger: pino({ enabled: false }), partitionCount: OFFSETS_PARTITION_COUNT })
  const logs: MemoryCoordinatorLog[] = []
  if (options.isLoaded ?? true) {
    for (let index = 0; index < OFFSETS_PARTITION_COUNT; index++) {
      const log = new MemoryCoordinatorLog()
      logs.push(log)
      await coordinator.loadPartition(index, log)
    }
  }
  const services: BrokerServices = {
    nodeId: 1,
    metadata: { currentImage: () => image, clusterId: 'cluster', controllerId: () => 1 },
    topics,
    groupCoordinator: (options.hasCoordinator ?? true) ? coordinator : undefined,
  }
  const ctx: HandlerContext = { services, clientId: 'test', remoteAddress: '127.0.0.1:1', logger: pino({ enabled: false }), listenerName: LISTENER, advertisedVersions: [] }
  return { ctx, coordinator, logs, createdTopics }
}

/** Encodes a response at `version` and decodes it back, as a client reads it. */
export function throughWire<T>(apiKey: number, version: number, response: unknown): T {
  const frame = Buffer.concat(encodeResponseFrame(apiKey, version, 7, response))
  return decodeResponseFrame(apiKey, version, frame.subarray(4)).body as T
}
