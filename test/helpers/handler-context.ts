// A handler context whose services are real where it matters (a ReplicaManager over temp logs) and
// small fakes elsewhere, and the encode-decode round trip a client reads a response through.
import assert from 'node:assert/strict'
import { pino } from 'pino'
import type { BrokerServices, Handler, HandlerContext, TopicServices } from '../../src/handlers/handler.js'
import type { MetadataImage } from '../../src/metadata/image.js'
import { decodeResponseFrame, encodeResponseFrame } from '../../src/protocol/frames.js'
import { ErrorCode } from '../../src/protocol/error-codes.js'
import type { ReplicaManager } from '../../src/replication/replica-manager.js'
import { NODE_ID } from './replicas.js'

/** TopicServices that fail the test when called; override what a test needs. */
export function fakeTopicServices(overrides: Partial<TopicServices> = {}): TopicServices {
  return {
    ensureInternalTopic: async () => ErrorCode.NONE,
    createTopics: async () => assert.fail('createTopics was not expected'),
    deleteTopics: async () => assert.fail('deleteTopics was not expected'),
    ...overrides,
  }
}

export function handlerContext(image: () => MetadataImage, services: Partial<BrokerServices> & { replicas?: ReplicaManager } = {}): HandlerContext {
  return {
    services: {
      nodeId: NODE_ID,
      metadata: { currentImage: image, clusterId: 'sluice-test-cluster', controllerId: () => NODE_ID },
      ...services,
    },
    clientId: 'test', remoteAddress: '127.0.0.1:1', logger: pino({ enabled: false }), listenerName: 'PLAINTEXT', advertisedVersions: [],
  }
}

/** The response encoded at `version` with the generated encoder and decoded again, as a client reads it. */
export function roundTrip<T>(apiKey: number, version: number, response: unknown): T {
  const frame = Buffer.concat(encodeResponseFrame(apiKey, version, 42, response))
  assert.equal(frame.readInt32BE(0), frame.length - 4)
  const decoded = decodeResponseFrame(apiKey, version, frame.subarray(4))
  assert.equal(decoded.correlationId, 42)
  return decoded.body as T
}

/** Handles at `version` and returns the response as the client decodes it. */
export async function handleAndDecode<T>(handler: Handler, ctx: HandlerContext, request: unknown, version: number): Promise<T> {
  return roundTrip<T>(handler.apiKey, version, await handler.handle(ctx, request, version))
}

/** Every version the handler advertises. */
export function advertised(handler: Handler): number[] {
  return Array.from({ length: handler.maxVersion - handler.minVersion + 1 }, (_, index) => handler.minVersion + index)
}
