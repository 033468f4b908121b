// The dispatcher: version checks (ApiVersions' UNSUPPORTED_VERSION fallback, closing on anything
// else it cannot answer), decode errors, a throwing handler, the metrics observer and the
// slow-request log, and ApiVersions
// over a real loopback socket with frames captured from real clients.
import assert from 'node:assert/strict'
import { connect } from 'node:net'
import { describe, it, type TestContext } from 'node:test'
import { pino } from 'pino'
import type { ConnectionContext, FrameOutcome } from '../../../src/network/connection.js'
import type { ResponseTiming } from '../../../src/handlers/frame-handler.js'
import type { CompletedRequest } from '../../../src/handlers/request-observer.js'
import { FrameReader } from '../../../src/network/frame-reader.js'
import { startListener } from '../../../src/network/listener.js'
import { createDispatcher } from '../../../src/handlers/dispatcher.js'
import { apiVersionsResponse } from '../../../src/handlers/api-versions.js'
import { defineHandler, type Handler } from '../../../src/handlers/handler.js'
import { apiVersionsHandler } from '../../../src/handlers/api-versions.js'
import { BROKER_HANDLERS, createHandlerRegistry } from '../../../src/handlers/registry.js'
import { ErrorCode } from '../../../src/protocol/error-codes.js'
import { decodeRequestFrame, decodeResponseFrame, encodeRequestFrame } from '../../../src/protocol/frames.js'
import { API_DESCRIPTORS, ApiKey } from '../../../src/protocol/generated/api-registry.js'
import type { ApiVersionsResponse } from '../../../src/protocol/generated/apis/api-versions.js'
import type { HeartbeatResponse } from '../../../src/protocol/generated/apis/heartbeat.js'
import { readGoldenFrame } from '../../helpers/golden-frames.js'

const WAIT_MS = 5_000
/** A response that left at once. */
const SENT: ResponseTiming = { receivedMs: 0, completedMs: 0, writtenMs: 0, sentMs: 0 }
const connection: ConnectionContext = { connectionId: 'test', remoteAddress: '127.0.0.1:1', logger: undefined }

/** A request frame without its size prefix, with the API's default body. */
function requestFrame(apiKey: number, version: number, correlationId: number): Buffer {
  const descriptor = API_DESCRIPTORS.get(apiKey)
  assert.ok(descriptor !== undefined)
  const header = { requestApiKey: apiKey, requestApiVersion: version, correlationId, clientId: 'test-client' }
  return Buffer.concat(encodeRequestFrame(header, descriptor.defaultRequest())).subarray(4)
}

function headerOnly(apiKey: number, version: number, correlationId: number): Buffer {
  const frame = Buffer.alloc(8)
  frame.writeInt16BE(apiKey, 0)
  frame.writeInt16BE(version, 2)
  frame.writeInt32BE(correlationId, 4)
  return frame
}

function responseFrame(outcome: FrameOutcome): Buffer {
  assert.ok('response' in outcome, `expected a response, got ${JSON.stringify(outcome)}`)
  const frame = Buffer.concat(outcome.response)
  assert.equal(frame.readInt32BE(0), frame.length - 4, 'size prefix')
  return frame.subarray(4)
}

function closeReason(outcome: FrameOutcome): string {
  assert.ok('close' in outcome, `expected close, got ${JSON.stringify(outcome)}`)
  return outcome.close
}

function throwingHandler(apiKey: number): Handler {
  return { apiKey, minVersion: 0, maxVersion: 4, handle: async () => { throw new Error('handler bug') } }
}

describe('dispatcher', () => {
  const dispatch = createDispatcher({ registry: createHandlerRegistry(), services: { nodeId: 1 } })

  it('answers an unknown ApiVersions version with a v0 body: UNSUPPORTED_VERSION and only its own range', async () => {
    // A future client's v9 request: the body (and even the header past the correlation id) is unread.
    for (const frame of [headerOnly(ApiKey.API_VERSIONS, 9, 41), Buffer.concat([headerOnly(ApiKey.API_VERSIONS, 9, 41), Buffer.from('00ff00ff', 'hex')])]) {
      const response = responseFrame(await dispatch(frame, connection))
      // Response header v0 (correlation id only), then the v0 body: int16 error, int32 count, one entry.
      const expected = Buffer.alloc(4 + 2 + 4 + 6)
      expected.writeInt32BE(41, 0)
      expected.writeInt16BE(ErrorCode.UNSUPPORTED_VERSION, 4)
      expected.writeInt32BE(1, 6)
      expected.writeInt16BE(ApiKey.API_VERSIONS, 10)
      expected.writeInt16BE(0, 12)
      expected.writeInt16BE(3, 14)
      assert.deepEqual(response, expected)
      const decoded = decodeResponseFrame(ApiKey.API_VERSIONS, 0, response)
      const body = decoded.body as ApiVersionsResponse
      assert.equal(decoded.correlationId, 41)
      assert.equal(body.errorCode, ErrorCode.UNSUPPORTED_VERSION)
      assert.deepEqual(body.apiKeys.map(({ apiKey, minVersion, maxVersion }) => ({ apiKey, minVersion, maxVersion })),
        [{ apiKey: ApiKey.API_VERSIONS, minVersion: 0, maxVersion: 3 }])
    }
  })

  it('lists only ApiVersions in UNSUPPORTED_VERSION even when more APIs are served', async () => {
    const registry = createHandlerRegistry([...BROKER_HANDLERS, throwingHandler(ApiKey.INIT_PRODUCER_ID)])
    const many = createDispatcher({ registry, services: { nodeId: 1 } })
    const body = decodeResponseFrame(ApiKey.API_VERSIONS, 0, responseFrame(await many(headerOnly(ApiKey.API_VERSIONS, 9, 3), connection))).body as ApiVersionsResponse
    assert.deepEqual(body.apiKeys.map(({ apiKey }) => apiKey), [ApiKey.API_VERSIONS])
    assert.equal(registry.advertisedVersions.length, BROKER_HANDLERS.length + 1)
  })

  it('closes on frames it cannot read a header from', async () => {
    assert.match(closeReason(await dispatch(Buffer.alloc(0), connection)), /too short/)
    assert.match(closeReason(await dispatch(Buffer.from([0, 18, 0]), connection)), /too short/)
    assert.match(closeReason(await dispatch(Buffer.from('ffffffffdeadbeefcafe', 'hex'), connection)), /api key -1 is not served/)
  })

  it('closes on an api key it does not serve, known to the specification or not', async () => {
    assert.match(closeReason(await dispatch(headerOnly(999, 0, 1), connection)), /api key 999 is not served/)
    assert.match(closeReason(await dispatch(headerOnly(ApiKey.INIT_PRODUCER_ID, 4, 1), connection)), /api key 22 is not served/)
  })

  it('closes on an unsupported version of an API other than ApiVersions', async () => {
    const heartbeat = createDispatcher({ registry: createHandlerRegistry([throwingHandler(ApiKey.HEARTBEAT)]), services: { nodeId: 1 } })
    assert.match(closeReason(await heartbeat(headerOnly(ApiKey.HEARTBEAT, 9, 1), connection)), /outside the served versions 0-4/)
  })

  it('closes with the decode error on a truncated body or trailing bytes', async () => {
    const kcat = readGoldenFrame('kcat', '001-api-versions-v3.hex')
    assert.match(closeReason(await dispatch(kcat.subarray(0, kcat.length - 3), connection)), /api key 18 v3/)
    assert.match(closeReason(await dispatch(Buffer.concat([kcat, Buffer.from([1, 2])]), connection)), /bytes after the end/)
  })

  it('answers UNKNOWN_SERVER_ERROR when a handler throws and the response has a top-level error code', async () => {
    const events: CompletedRequest[] = []
    const heartbeat = createDispatcher({
      registry: createHandlerRegistry([throwingHandler(ApiKey.HEARTBEAT)]),
      services: { nodeId: 1 },
      observer: { onRequestCompleted: (request) => events.push(request) },
    })
    const outcome = await heartbeat(requestFrame(ApiKey.HEARTBEAT, 4, 12), connection)
    const decoded = decodeResponseFrame(ApiKey.HEARTBEAT, 4, responseFrame(outcome))
    assert.equal(decoded.correlationId, 12)
    assert.equal((decoded.body as HeartbeatResponse).errorCode, ErrorCode.UNKNOWN_SERVER_ERROR)
    assert.equal(events.length, 0, 'reported once the response has left, not before')
    outcome.onSent?.(SENT)
    assert.deepEqual(events.map(({ apiKey, apiVersion, errorCounts }) => [apiKey, apiVersion, [...errorCounts]]),
      [[ApiKey.HEARTBEAT, 4, [[ErrorCode.UNKNOWN_SERVER_ERROR, 1]]]])
  })

  it('closes when a handler throws and the response has no top-level error code', async () => {
    const metadata = createDispatcher({ registry: createHandlerRegistry([throwingHandler(ApiKey.METADATA)]), services: { nodeId: 1 } })
    assert.match(closeReason(await metadata(requestFrame(ApiKey.METADATA, 4, 1), connection)), /Metadata v4 handler failed/)
  })

  it('reports each request with every error code of its response and the time of each stage', async () => {
    const events: CompletedRequest[] = []
    const counted = createDispatcher({
      registry: createHandlerRegistry([defineHandler({
        apiKey: ApiKey.LIST_OFFSETS, minVersion: 1, maxVersion: 5,
        handle: () => ({
          throttleTimeMs: 0,
          topics: [{ name: 't', partitions: [0, 1, 2].map((partitionIndex) => ({
            partitionIndex, errorCode: partitionIndex === 2 ? ErrorCode.NOT_LEADER_OR_FOLLOWER : ErrorCode.NONE,
            oldStyleOffsets: [], timestamp: -1n, offset: 0n, leaderEpoch: -1,
          })) }],
        }),
      })]),
      services: { nodeId: 1 },
      // Each call of the clock is 1 ms later: the handler starts at 1 and ends at 2.
      nowMs: ((): (() => number) => { let ms = 0; return () => ++ms })(),
      observer: { onRequestCompleted: (request) => events.push(request) },
    })
    const outcome = await counted(requestFrame(ApiKey.LIST_OFFSETS, 5, 3), connection)
    outcome.onSent?.({ receivedMs: 0.5, completedMs: 2, writtenMs: 4, sentMs: 7 })
    assert.equal(events.length, 1)
    const [event] = events
    assert.deepEqual([event?.apiKey, event?.apiVersion, event?.metricNames], [ApiKey.LIST_OFFSETS, 5, ['ListOffsets']])
    assert.deepEqual([...event?.errorCounts ?? []], [[ErrorCode.NONE, 2], [ErrorCode.NOT_LEADER_OR_FOLLOWER, 1]])
    assert.deepEqual(event?.stages, { requestQueueMs: 0.5, localMs: 1, responseQueueMs: 2, responseSendMs: 3, totalMs: 6.5 })
  })

  it('names a consumer fetch FetchConsumer besides Fetch, as Kafka records both', async () => {
    const events: CompletedRequest[] = []
    const fetch = createDispatcher({
      registry: createHandlerRegistry([defineHandler({
        apiKey: ApiKey.FETCH, minVersion: 4, maxVersion: 12,
        handle: () => ({ throttleTimeMs: 0, errorCode: ErrorCode.NONE, sessionId: 0, responses: [], nodeEndpoints: [] }),
        requestMetricName: (request) => request.replicaId >= 0 ? 'FetchFollower' : 'FetchConsumer',
      })]),
      services: { nodeId: 1 },
      observer: { onRequestCompleted: (request) => events.push(request) },
    })
    ;(await fetch(requestFrame(ApiKey.FETCH, 12, 4), connection)).onSent?.(SENT)
    assert.deepEqual(events[0]?.metricNames, ['Fetch', 'FetchConsumer'])
  })

  it('logs a request slower than log.slow.request.ms beyond the wait it asked for, and no other', async () => {
    const lines: Array<Record<string, unknown>> = []
    const logger = pino({ level: 'warn' }, { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) })
    const slow = createDispatcher({
      registry: createHandlerRegistry([defineHandler({
        apiKey: ApiKey.FETCH, minVersion: 4, maxVersion: 12,
        handle: () => ({ throttleTimeMs: 0, errorCode: ErrorCode.NONE, sessionId: 0, responses: [], nodeEndpoints: [] }),
        designedWaitMs: () => 500,
      })]),
      services: { nodeId: 1 },
      logger,
      slowRequestMs: 100,
    })
    ;(await slow(requestFrame(ApiKey.FETCH, 12, 5), connection)).onSent?.({ receivedMs: 0, completedMs: 1, writtenMs: 1, sentMs: 550 })
    assert.equal(lines.length, 0, 'a fetch that waited its maxWaitMs is not slow')
    ;(await slow(requestFrame(ApiKey.FETCH, 12, 6), connection)).onSent?.({ receivedMs: 0, completedMs: 1, writtenMs: 1, sentMs: 700 })
    assert.equal(lines.length, 1)
    assert.equal(lines[0]?.msg, 'slow request')
    assert.equal(lines[0]?.request, 'Fetch')
    assert.equal(lines[0]?.correlationId, 6)
    assert.equal(lines[0]?.totalMs, 700)
  })

  it('refuses handlers outside the specification and duplicate api keys', () => {
    assert.throws(() => createHandlerRegistry([apiVersionsHandler, apiVersionsHandler]), /two handlers for api key 18/)
    const outside = { apiKey: ApiKey.API_VERSIONS, minVersion: 0, maxVersion: 5, handle: () => apiVersionsResponse(ErrorCode.NONE, []) }
    assert.throws(() => defineHandler(outside), /outside the specification's 0-4/)
    assert.throws(() => defineHandler({ ...outside, minVersion: 3, maxVersion: 2 }), RangeError)
  })

  it("sends no response for a handler's 'skip' disposition and closes for 'close' (Produce with acks=0)", async () => {
    const dispositions: Array<'skip' | 'close' | 'send'> = []
    const produce = defineHandler({
      apiKey: ApiKey.PRODUCE, minVersion: 3, maxVersion: 7,
      handle: () => ({ responses: [], throttleTimeMs: 0, nodeEndpoints: [] }),
      responseDisposition: () => dispositions.shift() ?? 'send',
    })
    const events: CompletedRequest[] = []
    const dispatchProduce = createDispatcher({
      registry: createHandlerRegistry([produce]), services: { nodeId: 1 }, observer: { onRequestCompleted: (request) => events.push(request) },
    })
    dispositions.push('skip', 'close', 'send')
    const skipped = await dispatchProduce(requestFrame(ApiKey.PRODUCE, 7, 21), connection)
    assert.ok('noResponse' in skipped)
    const closed = await dispatchProduce(requestFrame(ApiKey.PRODUCE, 7, 22), connection)
    assert.match(closeReason(closed), /Produce v7 failed and the client asked for no response/)
    const sent = await dispatchProduce(requestFrame(ApiKey.PRODUCE, 7, 23), connection)
    assert.equal(decodeResponseFrame(ApiKey.PRODUCE, 7, responseFrame(sent)).correlationId, 23)
    for (const outcome of [skipped, closed, sent]) outcome.onSent?.(SENT)
    assert.equal(events.length, 3, 'each request is reported, answered or not')
  })
})

/** Sends frames on one connection and resolves with the response frames, in order. */
async function exchange(t: TestContext, frames: readonly Buffer[]): Promise<Buffer[]> {
  const listener = await startListener({
    host: '127.0.0.1',
    port: 0,
    handleFrame: createDispatcher({ registry: createHandlerRegistry(), services: { nodeId: 1 } }),
  })
  t.after(() => listener.close({ timeoutMs: 100 }))
  const socket = connect(listener.address.port, '127.0.0.1')
  t.after(() => socket.destroy())
  const reader = new FrameReader(1 << 20)
  const responses: Buffer[] = []
  let timer: NodeJS.Timeout | undefined
  try {
    return await new Promise<Buffer[]>((resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${WAIT_MS} ms with ${responses.length} responses`)), WAIT_MS)
      socket.on('error', reject)
      socket.on('close', () => reject(new Error(`socket closed after ${responses.length} responses`)))
      socket.on('data', (chunk: Buffer) => {
        reader.push(chunk)
        for (let next = reader.next(); next !== undefined; next = reader.next()) {
          if (!('frame' in next)) return reject(new Error(`bad response size ${next.invalidSize}`))
          responses.push(Buffer.from(next.frame))
        }
        if (responses.length === frames.length) resolve(responses)
      })
      socket.on('connect', () => {
        for (const frame of frames) {
          const prefix = Buffer.alloc(4)
          prefix.writeInt32BE(frame.length)
          socket.write(Buffer.concat([prefix, frame]))
        }
      })
    })
  } finally {
    clearTimeout(timer)
  }
}

describe('dispatcher over a socket', () => {
  it("answers kafka-python's and librdkafka's captured ApiVersions requests", async (t) => {
    const frames = [readGoldenFrame('kafka-python', '001-api-versions-v0.hex'), readGoldenFrame('kcat', '001-api-versions-v3.hex')]
    const responses = await exchange(t, frames)
    assert.equal(responses.length, 2)
    for (const [index, frame] of frames.entries()) {
      const request = decodeRequestFrame(frame)
      const response = responses[index]
      assert.ok(response !== undefined)
      const decoded = decodeResponseFrame(ApiKey.API_VERSIONS, request.header.requestApiVersion, response)
      const body = decoded.body as ApiVersionsResponse
      assert.equal(decoded.correlationId, request.header.correlationId)
      assert.equal(body.errorCode, ErrorCode.NONE)
      assert.deepEqual(body.apiKeys.map(({ apiKey }) => apiKey), BROKER_HANDLERS.map(({ apiKey }) => apiKey).sort((a, b) => a - b))
    }
  })
})
