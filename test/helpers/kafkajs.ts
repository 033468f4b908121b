// kafkajs clients for the integration tests: low timeouts and few retries, so that an error
// surfaces in well under a second; disconnected when the test ends.
import type { TestContext } from 'node:test'
import kafkajs from 'kafkajs'
import type { Admin, KafkaConfig, Producer } from 'kafkajs'
import type { BrokerNode } from '../../src/index.js'
import { waitFor } from './broker.js'

const { Kafka, logLevel } = kafkajs

export const KAFKAJS_RETRY = { retries: 1, initialRetryTime: 50, maxRetryTime: 200 } as const

export function kafkajsClient(node: BrokerNode, clientId: string): InstanceType<typeof Kafka> {
  const config: KafkaConfig = {
    clientId,
    brokers: [node.bootstrap],
    connectionTimeout: 2000,
    requestTimeout: 5000,
    retry: KAFKAJS_RETRY,
    logLevel: logLevel.NOTHING,
  }
  return new Kafka(config)
}

export async function connectedKafkajsAdmin(t: TestContext, node: BrokerNode, clientId: string): Promise<Admin> {
  const admin = kafkajsClient(node, clientId).admin({ retry: KAFKAJS_RETRY })
  t.after(() => admin.disconnect())
  await admin.connect()
  return admin
}

export async function connectedKafkajsProducer(t: TestContext, node: BrokerNode, clientId: string, allowAutoTopicCreation: boolean): Promise<Producer> {
  const producer = kafkajsClient(node, clientId).producer({ allowAutoTopicCreation, retry: KAFKAJS_RETRY })
  t.after(() => producer.disconnect())
  await producer.connect()
  return producer
}

/**
 * A kafkajs member of `groupId` (low session and rebalance timeouts) reads the first `count`
 * records of `topic` from the beginning, committing after each, then leaves the group: a group
 * with committed offsets and no members, for lag checks.
 */
export async function consumeAndCommit(t: TestContext, node: BrokerNode, options: { readonly groupId: string; readonly topic: string; readonly count: number; readonly clientId: string }): Promise<void> {
  const consumer = kafkajsClient(node, options.clientId).consumer({
    groupId: options.groupId, sessionTimeout: 1500, heartbeatInterval: 100, rebalanceTimeout: 3000, maxWaitTimeInMs: 100,
  })
  t.after(() => consumer.disconnect())
  await consumer.connect()
  await consumer.subscribe({ topics: [options.topic], fromBeginning: true })
  let consumed = 0
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ topic, partition, message }) => {
      await consumer.commitOffsets([{ topic, partition, offset: String(Number(message.offset) + 1) }])
      consumed++
    },
  })
  await waitFor(() => consumed >= options.count, { timeoutMs: 15_000, what: `group ${options.groupId} to consume ${options.count} records` })
  await consumer.disconnect()
}
