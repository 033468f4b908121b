// kafkajs 2.2.4, in process: admin createTopics, one producer per codec (gzip is built in; snappy,
// lz4 and zstd come from kafkajs-snappy, kafkajs-lz4 and our @mongodb-js/zstd wrapper), admin
// fetchTopicOffsets (ListOffsets latest and earliest), then a group consumer from the beginning.
import { createRequire } from 'node:module'
import kafkajs from 'kafkajs'
import type { CompressionTypes as CompressionType, KafkaConfig, LogEntry } from 'kafkajs'
import { kafkajsZstdCodec, type KafkajsCodec } from '../../../test/helpers/kafkajs-zstd-codec.js'
import { waitFor, withTimeout } from '../bounded.js'
import { ApiKey } from '../../../src/protocol/generated/api-registry.js'
import { CODECS, goldenRecords, producerClientId, type Codec } from '../golden-records.js'
import type { ClientDriver, DriverContext } from './driver.js'

const { Kafka, CompressionTypes, CompressionCodecs, logLevel } = kafkajs
const require = createRequire(import.meta.url)
const NAME = 'kafkajs'
const STEP_TIMEOUT_MS = 15_000

const COMPRESSION: Record<Codec, CompressionType> = {
  none: CompressionTypes.None,
  gzip: CompressionTypes.GZIP,
  snappy: CompressionTypes.Snappy,
  lz4: CompressionTypes.LZ4,
  zstd: CompressionTypes.ZSTD,
}

function registerCodecs(): void {
  // Both packages are CommonJS without usable ESM types: kafkajs-snappy exports the codec factory,
  // kafkajs-lz4 a class whose instances carry it.
  const snappyCodec = require('kafkajs-snappy') as () => KafkajsCodec
  const Lz4Codec = require('kafkajs-lz4') as new () => { codec: () => KafkajsCodec }
  CompressionCodecs[CompressionTypes.Snappy] = snappyCodec
  CompressionCodecs[CompressionTypes.LZ4] = new Lz4Codec().codec
  CompressionCodecs[CompressionTypes.ZSTD] = kafkajsZstdCodec
}

export const kafkajsDriver: ClientDriver = {
  name: NAME,
  software: 'kafkajs 2.2.4 (npm), kafkajs-snappy 1.1.0, kafkajs-lz4 1.2.1, @mongodb-js/zstd',
  codecs: CODECS,
  unsupportedCodecs: {},

  async checkInstalled() {
    try {
      require.resolve('kafkajs-snappy')
      require.resolve('kafkajs-lz4')
      return undefined
    } catch {
      return 'kafkajs codecs are missing: run npm install'
    }
  },

  async run(context: DriverContext) {
    registerCodecs()
    const config = (clientId: string): KafkaConfig => ({
      clientId,
      brokers: [context.bootstrap],
      connectionTimeout: 3000,
      requestTimeout: 5000,
      retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 500 },
      logLevel: logLevel.WARN,
      logCreator: () => (entry: LogEntry) => context.log(`kafkajs ${entry.namespace}: ${entry.log.message}`),
    })

    const admin = new Kafka(config(`golden-${NAME}-admin`)).admin()
    try {
      await withTimeout(admin.connect(), STEP_TIMEOUT_MS, 'kafkajs admin connect')
      await withTimeout(admin.createTopics({ topics: [{ topic: context.topic, numPartitions: 1 }], waitForLeaders: true, timeout: 5000 }), STEP_TIMEOUT_MS, 'kafkajs createTopics')

      for (const codec of CODECS) {
        const producer = new Kafka(config(producerClientId(NAME, codec))).producer({ allowAutoTopicCreation: true })
        try {
          await withTimeout(producer.connect(), STEP_TIMEOUT_MS, `kafkajs ${codec} producer connect`)
          await withTimeout(producer.send({
            topic: context.topic,
            acks: -1,
            compression: COMPRESSION[codec],
            messages: goldenRecords(NAME, codec).map((record) => ({
              key: record.key,
              value: record.value,
              headers: Object.fromEntries(record.headers),
            })),
          }), STEP_TIMEOUT_MS, `kafkajs ${codec} send`)
        } finally {
          await withTimeout(producer.disconnect(), STEP_TIMEOUT_MS, 'kafkajs producer disconnect')
        }
      }

      const offsets = await withTimeout(admin.fetchTopicOffsets(context.topic), STEP_TIMEOUT_MS, 'kafkajs fetchTopicOffsets')
      context.log(`kafkajs fetchTopicOffsets: ${JSON.stringify(offsets)}`)
    } finally {
      await withTimeout(admin.disconnect(), STEP_TIMEOUT_MS, 'kafkajs admin disconnect')
    }

    const expected = CODECS.flatMap((codec) => goldenRecords(NAME, codec).map((record) => record.value))
    const received: string[] = []
    const consumer = new Kafka(config(`golden-${NAME}-consumer`)).consumer({
      groupId: `golden-${NAME}`,
      sessionTimeout: 6000,
      rebalanceTimeout: 3000,
      heartbeatInterval: 300,
      maxWaitTimeInMs: 200,
      retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 500 },
    })
    try {
      await withTimeout(consumer.connect(), STEP_TIMEOUT_MS, 'kafkajs consumer connect')
      await withTimeout(consumer.subscribe({ topics: [context.topic], fromBeginning: true }), STEP_TIMEOUT_MS, 'kafkajs subscribe')
      await withTimeout(consumer.run({
        eachMessage: async ({ message }) => {
          received.push(message.value?.toString('utf8') ?? '')
        },
      }), STEP_TIMEOUT_MS, 'kafkajs consumer run')
      if (!(await waitFor(() => received.length >= expected.length, { timeoutMs: STEP_TIMEOUT_MS }))) {
        throw new Error(`kafkajs consumer received ${received.length} of ${expected.length} records`)
      }
      // Stay a moment so that a Heartbeat and an OffsetCommit are sent too.
      await waitFor(() => context.server.hasSeen(ApiKey.HEARTBEAT) && context.server.hasSeen(ApiKey.OFFSET_COMMIT), { timeoutMs: 3000 })
    } finally {
      await withTimeout(consumer.disconnect(), STEP_TIMEOUT_MS, 'kafkajs consumer disconnect')
    }
    if (JSON.stringify([...received].sort()) !== JSON.stringify([...expected].sort())) {
      throw new Error(`kafkajs consumed ${JSON.stringify(received)}, expected ${JSON.stringify(expected)}`)
    }
  },
}
