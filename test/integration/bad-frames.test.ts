// Raw sockets against a real node: frames no client should send, and valid ones sent in awkward
// ways. A connection that sends something the broker cannot answer is closed; nothing it sent may
// cost the broker memory, and every other connection (and every new one) is still served.
import assert from 'node:assert/strict'
import { connect, type Socket } from 'node:net'
import { test, type TestContext } from 'node:test'
import { ErrorCode } from '../../src/protocol/error-codes.js'
import { decodeResponseFrame, encodeRequestFrame } from '../../src/protocol/frames.js'
import { ApiKey } from '../../src/protocol/generated/api-registry.js'
import type { ApiVersionsRequest, ApiVersionsResponse } from '../../src/protocol/generated/apis/api-versions.js'
import { defaultMetadataRequest, type MetadataResponse } from '../../src/protocol/generated/apis/metadata.js'
import type { BrokerNode } from '../../src/index.js'
import { startTestBroker, waitFor } from '../helpers/broker.js'

const WAIT_MS = 3_000

/** One raw connection: what it received, split into frames, and whether the broker closed it. */
class RawClient {
  private received = Buffer.alloc(0)
  private isClosed = false

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.received = Buffer.concat([this.received, chunk])
    })
    // A reset from the broker is one way of being closed.
    socket.on('error', () => {})
    socket.on('close', () => {
      this.isClosed = true
    })
  }

  static async open(t: TestContext, node: BrokerNode): Promise<RawClient> {
    const socket = connect(node.listeners.get('PLAINTEXT')!.port, '127.0.0.1')
    socket.setNoDelay(true)
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve)
      socket.once('error', reject)
    })
    t.after(() => socket.destroy())
    return new RawClient(socket)
  }

  get closed(): boolean {
    return this.isClosed
  }

  write(bytes: Buffer | readonly Buffer[]): void {
    this.socket.write(Buffer.isBuffer(bytes) ? bytes : Buffer.concat(bytes))
  }

  end(): void {
    this.socket.end()
  }

  /** The next whole response frame (without its size prefix). */
  async nextFrame(): Promise<Buffer> {
    const frameSize = (): number => this.received.length >= 4 ? this.received.readInt32BE(0) : -1
    await waitFor(() => this.isClosed || (frameSize() >= 0 && this.received.length >= 4 + frameSize()), { timeoutMs: WAIT_MS, what: 'a response frame' })
    const size = frameSize()
    if (size < 0 || this.received.length < 4 + size) throw new Error('connection closed before a whole response frame arrived')
    const frame = this.received.subarray(4, 4 + size)
    this.received = this.received.subarray(4 + size)
    return frame
  }

  async waitClosed(): Promise<void> {
    await waitFor(() => this.isClosed, { timeoutMs: WAIT_MS, what: 'the broker to close the connection' })
  }

  get bytesReceived(): number {
    return this.received.length
  }
}

function apiVersionsRequest(version: number, correlationId: number): Buffer {
  const body: ApiVersionsRequest = { clientSoftwareName: 'bad-frames', clientSoftwareVersion: '1.0' }
  return Buffer.concat(encodeRequestFrame({ requestApiKey: ApiKey.API_VERSIONS, requestApiVersion: version, correlationId, clientId: 'bad-frames' }, body))
}

function metadataRequest(version: number, correlationId: number): Buffer {
  const body = { ...defaultMetadataRequest(), topics: version === 0 ? [] : null, allowAutoTopicCreation: false }
  return Buffer.concat(encodeRequestFrame({ requestApiKey: ApiKey.METADATA, requestApiVersion: version, correlationId, clientId: 'bad-frames' }, body))
}

/** A size-prefixed frame of raw bytes. */
function frame(...parts: Buffer[]): Buffer {
  const payload = Buffer.concat(parts)
  const prefix = Buffer.alloc(4)
  prefix.writeInt32BE(payload.length)
  return Buffer.concat([prefix, payload])
}

/** Request header v1 bytes: api key, version, correlation id, client id. */
function headerV1(apiKey: number, apiVersion: number, correlationId: number): Buffer {
  const header = Buffer.alloc(10)
  header.writeInt16BE(apiKey, 0)
  header.writeInt16BE(apiVersion, 2)
  header.writeInt32BE(correlationId, 4)
  header.writeInt16BE(-1, 8)
  return header
}

async function expectApiVersions(client: RawClient, version: number, correlationId: number): Promise<ApiVersionsResponse> {
  client.write(apiVersionsRequest(version, correlationId))
  const response = decodeResponseFrame(ApiKey.API_VERSIONS, version, await client.nextFrame())
  assert.equal(response.correlationId, correlationId)
  const body = response.body as ApiVersionsResponse
  assert.equal(body.errorCode, ErrorCode.NONE)
  assert.ok(body.apiKeys.some((range) => range.apiKey === ApiKey.METADATA), 'Metadata is advertised')
  return body
}

async function expectMetadata(client: RawClient, node: BrokerNode, correlationId: number): Promise<void> {
  client.write(metadataRequest(12, correlationId))
  const response = decodeResponseFrame(ApiKey.METADATA, 12, await client.nextFrame())
  assert.equal(response.correlationId, correlationId)
  assert.deepEqual((response.body as MetadataResponse).brokers.map((b) => b.nodeId), [node.nodeId])
}

/**
 * Opens a bystander connection and makes sure it is served; returns a check to run after the bad
 * input: the bystander and a fresh connection are both still served.
 */
async function stillServed(t: TestContext, node: BrokerNode): Promise<() => Promise<void>> {
  const bystander = await RawClient.open(t, node)
  await expectApiVersions(bystander, 3, 1)
  return async () => {
    assert.equal(bystander.closed, false, 'the bystander connection is still open')
    await expectMetadata(bystander, node, 2)
    const fresh = await RawClient.open(t, node)
    await expectApiVersions(fresh, 3, 3)
    await expectMetadata(fresh, node, 4)
  }
}

test('garbage bytes close the connection; other connections carry on', async (t) => {
  const node = await startTestBroker(t)
  const check = await stillServed(t, node)
  // An HTTP request: its first four bytes read as a size of about 1.2 GB.
  const http = await RawClient.open(t, node)
  http.write(Buffer.from('GET / HTTP/1.1\r\nHost: localhost\r\n\r\n'))
  await http.waitClosed()
  // A plausible size, then bytes that are no request header (api key -1).
  const noise = await RawClient.open(t, node)
  noise.write(frame(Buffer.alloc(24, 0xff)))
  await noise.waitClosed()
  // A frame too short to hold a request header.
  const short = await RawClient.open(t, node)
  short.write(frame(Buffer.from([0, 18, 0])))
  await short.waitClosed()
  assert.equal(http.bytesReceived + noise.bytesReceived + short.bytesReceived, 0, 'nothing was answered')
  await check()
})

test('a truncated frame followed by the client closing its side ends the connection without an answer', async (t) => {
  const node = await startTestBroker(t)
  const check = await stillServed(t, node)
  const client = await RawClient.open(t, node)
  const request = apiVersionsRequest(3, 7)
  client.write(request.subarray(0, request.length - 5))
  client.end()
  await client.waitClosed()
  assert.equal(client.bytesReceived, 0)
  await check()
})

for (const [what, prefix] of [
  ['2 GiB - 1', 0x7fffffff],
  ['negative (-1)', -1],
  ['negative (-2 GiB)', -0x80000000],
] as const) {
  test(`a size prefix of ${what} closes the connection before anything is allocated for it`, async (t) => {
    const node = await startTestBroker(t)
    const check = await stillServed(t, node)
    const before = process.memoryUsage()
    const client = await RawClient.open(t, node)
    const bytes = Buffer.alloc(4 + 64 * 1024, 0x41)
    bytes.writeInt32BE(prefix, 0)
    client.write(bytes)
    await client.waitClosed()
    const after = process.memoryUsage()
    assert.ok(after.arrayBuffers - before.arrayBuffers < 4 * 1024 * 1024,
      `arrayBuffers grew by ${after.arrayBuffers - before.arrayBuffers} bytes`)
    assert.ok(after.rss - before.rss < 16 * 1024 * 1024, `rss grew by ${after.rss - before.rss} bytes`)
    assert.equal(client.bytesReceived, 0)
    await check()
  })
}

test('socket.request.max.bytes from the configuration bounds a request frame', async (t) => {
  const node = await startTestBroker(t, { 'socket.request.max.bytes': '2000' })
  const check = await stillServed(t, node)
  const small = await RawClient.open(t, node)
  small.write(apiVersionsRequest(3, 1))
  await expectApiVersions(small, 3, 1)
  const large = await RawClient.open(t, node)
  const bytes = Buffer.alloc(4 + 2001, 0x41)
  bytes.writeInt32BE(2001, 0)
  large.write(bytes)
  await large.waitClosed()
  assert.equal(large.bytesReceived, 0)
  await check()
})

test('an unknown api key closes the connection', async (t) => {
  const node = await startTestBroker(t)
  const check = await stillServed(t, node)
  const client = await RawClient.open(t, node)
  client.write(frame(headerV1(9999, 0, 11), Buffer.alloc(8)))
  await client.waitClosed()
  assert.equal(client.bytesReceived, 0)
  await check()
})

test('a served api at a version outside its range closes the connection (Fetch v0, Metadata v99)', async (t) => {
  const node = await startTestBroker(t)
  const check = await stillServed(t, node)
  const fetchV0 = await RawClient.open(t, node)
  // Fetch v0: replica id, max wait, min bytes, no topics: a well-formed body of a version not served.
  fetchV0.write(frame(headerV1(ApiKey.FETCH, 0, 12), Buffer.from([0xff, 0xff, 0xff, 0xff, 0, 0, 0x01, 0xf4, 0, 0, 0, 1, 0, 0, 0, 0])))
  await fetchV0.waitClosed()
  const metadataV99 = await RawClient.open(t, node)
  metadataV99.write(frame(headerV1(ApiKey.METADATA, 99, 13), Buffer.from([0xff, 0xff, 0xff, 0xff])))
  await metadataV99.waitClosed()
  assert.equal(fetchV0.bytesReceived + metadataV99.bytesReceived, 0)
  await check()
})

test('ApiVersions at an unknown version is answered in v0 with UNSUPPORTED_VERSION and the connection stays usable', async (t) => {
  const node = await startTestBroker(t)
  const check = await stillServed(t, node)
  const client = await RawClient.open(t, node)
  // A flexible header (v2: tagged fields after the client id) and a body the broker cannot know.
  const clientId = Buffer.from('future-client')
  const header = Buffer.alloc(10)
  header.writeInt16BE(ApiKey.API_VERSIONS, 0)
  header.writeInt16BE(99, 2)
  header.writeInt32BE(21, 4)
  header.writeInt16BE(clientId.length, 8)
  client.write(frame(header, clientId, Buffer.from([0]), Buffer.from('a body from the future')))
  const response = decodeResponseFrame(ApiKey.API_VERSIONS, 0, await client.nextFrame())
  assert.equal(response.correlationId, 21)
  const body = response.body as ApiVersionsResponse
  assert.equal(body.errorCode, ErrorCode.UNSUPPORTED_VERSION)
  assert.equal(ErrorCode.UNSUPPORTED_VERSION, 35)
  assert.deepEqual(body.apiKeys.map(({ apiKey, minVersion, maxVersion }) => ({ apiKey, minVersion, maxVersion })),
    [{ apiKey: ApiKey.API_VERSIONS, minVersion: 0, maxVersion: 3 }])
  // The client retries on the same connection, as kafkajs and librdkafka do.
  await expectApiVersions(client, 3, 22)
  await check()
})

test('a valid ApiVersions request arriving one byte every 50 ms is answered', async (t) => {
  const node = await startTestBroker(t)
  const check = await stillServed(t, node)
  const client = await RawClient.open(t, node)
  // Short client id and software name: fewer bytes, shorter test.
  const request = Buffer.concat(encodeRequestFrame(
    { requestApiKey: ApiKey.API_VERSIONS, requestApiVersion: 3, correlationId: 31, clientId: null },
    { clientSoftwareName: 'a', clientSoftwareVersion: '1' } satisfies ApiVersionsRequest,
  ))
  const other = await RawClient.open(t, node)
  for (const [i, byte] of request.entries()) {
    client.write(Buffer.from([byte]))
    // Meanwhile another connection is served without waiting for the slow one.
    if (i === Math.floor(request.length / 2)) await expectMetadata(other, node, 32)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  const response = decodeResponseFrame(ApiKey.API_VERSIONS, 3, await client.nextFrame())
  assert.equal(response.correlationId, 31)
  assert.equal((response.body as ApiVersionsResponse).errorCode, ErrorCode.NONE)
  await check()
})

test('a request whose body does not decode closes the connection', async (t) => {
  const node = await startTestBroker(t)
  const check = await stillServed(t, node)
  // Metadata v1 claiming 1000 topics and carrying none.
  const missing = await RawClient.open(t, node)
  missing.write(frame(headerV1(ApiKey.METADATA, 1, 41), Buffer.from([0, 0, 0x03, 0xe8])))
  await missing.waitClosed()
  // A valid Metadata v1 with bytes after its end.
  const trailing = await RawClient.open(t, node)
  const valid = metadataRequest(1, 42)
  trailing.write(frame(valid.subarray(4), Buffer.from([1, 2, 3])))
  await trailing.waitClosed()
  // ApiVersions v3 whose compact string length runs past the end of the frame.
  const overrun = await RawClient.open(t, node)
  const header = Buffer.alloc(11)
  header.writeInt16BE(ApiKey.API_VERSIONS, 0)
  header.writeInt16BE(3, 2)
  header.writeInt32BE(43, 4)
  header.writeInt16BE(-1, 8)
  overrun.write(frame(header, Buffer.from([0x7f, 0x61])))
  await overrun.waitClosed()
  assert.equal(missing.bytesReceived + trailing.bytesReceived + overrun.bytesReceived, 0)
  await check()
})

test('20 pipelined requests in one write are answered in order of correlation id', async (t) => {
  const node = await startTestBroker(t)
  const client = await RawClient.open(t, node)
  const requests = Array.from({ length: 20 }, (_, i) => {
    const correlationId = 1_000 + i
    return i % 2 === 0
      ? { apiKey: ApiKey.API_VERSIONS, version: i % 4 === 0 ? 0 : 3, correlationId, bytes: apiVersionsRequest(i % 4 === 0 ? 0 : 3, correlationId) }
      : { apiKey: ApiKey.METADATA, version: i % 3 === 0 ? 1 : 12, correlationId, bytes: metadataRequest(i % 3 === 0 ? 1 : 12, correlationId) }
  })
  client.write(requests.map((r) => r.bytes))
  const seen: number[] = []
  for (const _ of requests) {
    const response = await client.nextFrame()
    const correlationId = response.readInt32BE(0)
    seen.push(correlationId)
    const request = requests.find((r) => r.correlationId === correlationId)
    assert.ok(request, `a response to correlation id ${correlationId}`)
    assert.equal(decodeResponseFrame(request.apiKey, request.version, response).correlationId, correlationId)
  }
  assert.deepEqual(seen, requests.map((r) => r.correlationId))
  assert.equal(client.closed, false)
})
