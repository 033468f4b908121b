// kafkajs clients for the integration tests: low timeouts and few retries, so that an error
// surfaces in well under a second; disconnected when the test ends.
import type { TestContext } from 'node:test'
import kafkajs from 'kafkajs'
import type { Admin, KafkaConfig, Producer } from 'kafkajs'
import type { BrokerNode } from '../../src/index.js'

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
