// @platformatic/kafka 2.12.1, in process. It declares Node >= 22 and calls Promise.withResolvers,
// so the polyfill is installed before the client is loaded (dynamic import). Admin createTopics,
// one producer per codec (zstd needs node:zlib zstd, which Node 20 lacks), listOffsets, then a
// group consumer starting from the committed offset, falling back to the earliest.
import { installPromiseWithResolvers } from '../../../test/helpers/promise-with-resolvers.js'
import { ApiKey } from '../../../src/protocol/generated/api-registry.js'
import { waitFor, withTimeout } from '../bounded.js'
import { goldenRecords, producerClientId, type Codec } from '../golden-records.js'
import type { ClientDriver, DriverContext } from './driver.js'

const NAME = 'platformatic'
const STEP_TIMEOUT_MS = 15_000
const CODECS_HERE: readonly Codec[] = ['none', 'gzip', 'snappy', 'lz4']

export const platformaticDriver: ClientDriver = {
  name: NAME,
  software: '@platformatic/kafka 2.12.1 (npm), on Node 20 with a Promise.withResolvers polyfill',
  codecs: CODECS_HERE,
  unsupportedCodecs: { zstd: 'node:zlib has no zstd before Node 22.15, so on Node 20 the client throws UnsupportedCompressionError ("zstd is not supported in the current Node.js version")' },

  async checkInstalled() {
    try {
      await import('@platformatic/kafka')
      return undefined
    } catch (error) {
      return `@platformatic/kafka does not load (${String(error)}): run npm install`
    }
  },

  async run(context: DriverContext) {
    installPromiseWithResolvers()
    const { Admin, Consumer, Producer, stringDeserializers, stringSerializers } = await import('@platformatic/kafka')
    const base = { bootstrapBrokers: [context.bootstrap], retries: 2, retryDelay: 100, timeout: 5000, connectTimeout: 3000 }

    const admin = new Admin({ ...base, clientId: `golden-${NAME}-admin` })
    try {
      await withTimeout(admin.createTopics({ topics: [context.topic], partitions: 1, replicas: 1 }), STEP_TIMEOUT_MS, 'platformatic createTopics')
    } finally {
      await withTimeout(admin.close(), STEP_TIMEOUT_MS, 'platformatic admin close')
    }

    for (const codec of CODECS_HERE) {
      const producer = new Producer({ ...base, clientId: producerClientId(NAME, codec), serializers: stringSerializers, autocreateTopics: true })
      try {
        await withTimeout(producer.send({
          acks: -1,
          compression: codec,
          messages: goldenRecords(NAME, codec).map((record) => ({
            topic: context.topic,
            partition: 0,
            key: record.key,
            value: record.value,
            headers: Object.fromEntries(record.headers),
          })),
        }), STEP_TIMEOUT_MS, `platformatic ${codec} send`)
      } finally {
        await withTimeout(producer.close(), STEP_TIMEOUT_MS, 'platformatic producer close')
      }
    }

    const expected = CODECS_HERE.flatMap((codec) => goldenRecords(NAME, codec).map((record) => record.value))
    const received: string[] = []
    const consumer = new Consumer({
      ...base,
      clientId: `golden-${NAME}-consumer`,
      groupId: `golden-${NAME}`,
      deserializers: stringDeserializers,
      sessionTimeout: 6000,
      rebalanceTimeout: 6000,
      heartbeatInterval: 300,
      maxWaitTime: 200,
    })
    try {
      const latest = await withTimeout(consumer.listOffsets({ topics: [context.topic] }), STEP_TIMEOUT_MS, 'platformatic listOffsets')
      context.log(`platformatic listOffsets: ${String(latest.get(context.topic))}`)
      const stream = await withTimeout(consumer.consume({
        topics: [context.topic],
        mode: 'committed',
        fallbackMode: 'earliest',
        autocommit: 100,
        maxWaitTime: 200,
        sessionTimeout: 6000,
        rebalanceTimeout: 6000,
        heartbeatInterval: 300,
      }), STEP_TIMEOUT_MS, 'platformatic consume')
      try {
        stream.on('data', (message: { value: string }) => received.push(message.value))
        if (!(await waitFor(() => received.length >= expected.length, { timeoutMs: STEP_TIMEOUT_MS }))) {
          throw new Error(`platformatic consumer received ${received.length} of ${expected.length} records`)
        }
        // Stay a moment so that a Heartbeat and an autocommit OffsetCommit are sent too.
        await waitFor(() => context.server.hasSeen(ApiKey.HEARTBEAT) && context.server.hasSeen(ApiKey.OFFSET_COMMIT), { timeoutMs: 3000 })
      } finally {
        await withTimeout(stream.close(), STEP_TIMEOUT_MS, 'platformatic stream close')
      }
    } finally {
      await withTimeout(consumer.close(), STEP_TIMEOUT_MS, 'platformatic consumer close')
    }
    if (JSON.stringify([...received].sort()) !== JSON.stringify([...expected].sort())) {
      throw new Error(`platformatic consumed ${JSON.stringify(received)}, expected ${JSON.stringify(expected)}`)
    }
  },
}
