// Connection and Listener over real loopback sockets. Requests in these tests are an int32 id
// followed by any bytes; a response is the id echoed back in a frame of its own.
import assert from 'node:assert/strict'
import { connect, type Socket } from 'node:net'
import { test, type TestContext } from 'node:test'
import type { Connection, ConnectionOptions, FrameOutcome, HandleFrame } from '../../../src/network/connection.js'
import type { ResponseTiming } from '../../../src/handlers/frame-handler.js'
import { FrameReader } from '../../../src/network/frame-reader.js'
import { startListener, type Listener } from '../../../src/network/listener.js'
import { promiseWithResolvers, type PromiseWithResolvers } from '../../helpers/promise-with-resolvers.js'

const WAIT_MS = 5_000

async function bounded<T>(promise: Promise<T>, label: string, timeoutMs = WAIT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${label}`)), timeoutMs)
  })
  try {
    return await Promise.race([promise, timeout])
  } finally {
    clearTimeout(timer)
  }
}

function request(id: number, bodyBytes = 0): Buffer {
  const frame = Buffer.alloc(8 + bodyBytes)
  frame.writeInt32BE(4 + bodyBytes, 0)
  frame.writeInt32BE(id, 4)
  return frame
}

function sizePrefix(size: number): Buffer {
  const prefix = Buffer.alloc(4)
  prefix.writeInt32BE(size)
  return prefix
}

function echo(frame: Buffer): FrameOutcome {
  return { response: [sizePrefix(4), frame.subarray(0, 4)] }
}

interface Call {
  readonly id: number
  readonly outcome: PromiseWithResolvers<FrameOutcome>
  readonly frame: Buffer
}

/** A handler whose calls the test answers by hand, and can wait for. */
class ManualHandler {
  readonly calls: Call[] = []
  private isAnsweringAll = false
  private waiters: Array<{ count: number; resolve: () => void }> = []
  readonly handleFrame: HandleFrame = (frame) => {
    const call: Call = { id: frame.readInt32BE(0), outcome: promiseWithResolvers<FrameOutcome>(), frame }
    this.calls.push(call)
    if (this.isAnsweringAll) call.outcome.resolve(echo(frame))
    this.waiters = this.waiters.filter((waiter) => {
      if (this.calls.length < waiter.count) return true
      waiter.resolve()
      return false
    })
    return call.outcome.promise
  }

  async waitForCalls(count: number): Promise<void> {
    if (this.calls.length >= count) return
    const reached = promiseWithResolvers<void>()
    this.waiters.push({ count, resolve: () => reached.resolve() })
    await bounded(reached.promise, `${count} handler calls (have ${this.calls.length})`)
  }

  call(index: number): Call {
    const call = this.calls[index]
    assert.ok(call !== undefined, `no handler call ${index}`)
    return call
  }

  answer(index: number): void {
    const call = this.call(index)
    call.outcome.resolve(echo(call.frame))
  }

  /** Answers every call so far, and from now on every call as it arrives. */
  answerAll(): void {
    this.isAnsweringAll = true
    for (const call of this.calls) call.outcome.resolve(echo(call.frame))
  }
}

/** A raw client that collects the ids of the responses it receives. */
class TestClient {
  readonly ids: number[] = []
  readonly errors: Error[] = []
  readonly closed: Promise<void>
  private readonly reader = new FrameReader(1 << 30)
  private waiters: Array<{ count: number; resolve: () => void }> = []

  private constructor(readonly socket: Socket) {
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()))
    // A reset after the server closes is expected in several tests; it is kept for inspection.
    socket.on('error', (error: Error) => this.errors.push(error))
    socket.on('data', (chunk: Buffer) => {
      this.reader.push(chunk)
      for (let next = this.reader.next(); next !== undefined; next = this.reader.next()) {
        assert.ok('frame' in next)
        this.ids.push(next.frame.readInt32BE(0))
      }
      this.waiters = this.waiters.filter((waiter) => {
        if (this.ids.length < waiter.count) return true
        waiter.resolve()
        return false
      })
    })
  }

  static async connect(t: TestContext, port: number): Promise<TestClient> {
    const socket = connect({ host: '127.0.0.1', port })
    await bounded(new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve)
      socket.once('error', reject)
    }), 'connect')
    t.after(() => socket.destroy())
    return new TestClient(socket)
  }

  async waitForResponses(count: number): Promise<number[]> {
    if (this.ids.length < count) {
      const reached = promiseWithResolvers<void>()
      this.waiters.push({ count, resolve: () => reached.resolve() })
      await bounded(reached.promise, `${count} responses (have ${this.ids.length})`)
    }
    return this.ids
  }

  async write(bytes: Buffer): Promise<void> {
    await new Promise<void>((resolve, reject) => this.socket.write(bytes, (error) => (error ? reject(error) : resolve())))
  }
}

interface Started {
  readonly listener: Listener
  readonly connections: Connection[]
  /** Resolves with the n-th accepted connection (0-based). */
  connection(index: number): Promise<Connection>
}

async function start(t: TestContext, handleFrame: HandleFrame, options?: Partial<ConnectionOptions>): Promise<Started> {
  const connections: Connection[] = []
  let waiters: Array<{ index: number; resolve: (connection: Connection) => void }> = []
  const listener = await startListener({
    host: '127.0.0.1',
    port: 0,
    handleFrame,
    options,
    onConnection(connection) {
      connections.push(connection)
      waiters = waiters.filter((waiter) => {
        const found = connections[waiter.index]
        if (found === undefined) return true
        waiter.resolve(found)
        return false
      })
    },
  })
  t.after(() => listener.close({ timeoutMs: 100 }))
  return {
    listener,
    connections,
    async connection(index) {
      const found = connections[index]
      if (found !== undefined) return found
      const accepted = promiseWithResolvers<Connection>()
      waiters.push({ index, resolve: (connection) => accepted.resolve(connection) })
      return bounded(accepted.promise, `connection ${index}`)
    },
  }
}

test('pipelined responses leave in request order when the first request finishes last', async (t) => {
  const handler = new ManualHandler()
  const { listener } = await start(t, handler.handleFrame)
  const client = await TestClient.connect(t, listener.address.port)
  client.socket.write(Buffer.concat([request(1), request(2), request(3)]))
  await handler.waitForCalls(3)
  handler.answer(2)
  handler.answer(1)
  await new Promise<void>((resolve) => setImmediate(resolve))
  assert.deepEqual(client.ids, [], 'nothing may leave before the first response')
  handler.answer(0)
  assert.deepEqual(await client.waitForResponses(3), [1, 2, 3])
})

test('a stream written one byte at a time is framed correctly', async (t) => {
  const { listener } = await start(t, async (frame) => echo(frame))
  const client = await TestClient.connect(t, listener.address.port)
  client.socket.setNoDelay(true)
  const stream = Buffer.concat([request(7, 5), request(8), request(9, 33)])
  for (let i = 0; i < stream.length; i++) await client.write(stream.subarray(i, i + 1))
  assert.deepEqual(await client.waitForResponses(3), [7, 8, 9])
})

test('many frames in one chunk are all answered, in order', async (t) => {
  const { listener } = await start(t, async (frame) => echo(frame))
  const client = await TestClient.connect(t, listener.address.port)
  const ids = Array.from({ length: 500 }, (_, i) => i)
  client.socket.write(Buffer.concat(ids.map((id) => request(id, id % 17))))
  assert.deepEqual(await client.waitForResponses(ids.length), ids)
})

test('an oversized size prefix closes that connection at once while another keeps working', async (t) => {
  const started = await start(t, async (frame) => echo(frame))
  const bad = await TestClient.connect(t, started.listener.address.port)
  const good = await TestClient.connect(t, started.listener.address.port)
  // Only the prefix is sent: the close cannot be waiting for (or buffering) the 2 GiB it announces.
  bad.socket.write(sizePrefix(0x7fffffff))
  const connection = await started.connection(0)
  const closed = await bounded(connection.closed, 'the oversized connection to close')
  assert.equal(closed.reason, 'Invalid receive (size = 2147483647 larger than 104857600)')
  await bounded(bad.closed, 'the client to see the close')
  good.socket.write(request(42))
  assert.deepEqual(await good.waitForResponses(1), [42])
})

test('a size over a configured socket.request.max.bytes closes the connection', async (t) => {
  const started = await start(t, async (frame) => echo(frame), { maxRequestBytes: 64 })
  const client = await TestClient.connect(t, started.listener.address.port)
  client.socket.write(Buffer.concat([request(1, 60), request(2, 61)]))
  const closed = await bounded((await started.connection(0)).closed, 'close')
  assert.equal(closed.reason, 'Invalid receive (size = 65 larger than 64)')
})

test('a negative size prefix closes the connection', async (t) => {
  const started = await start(t, async (frame) => echo(frame))
  const client = await TestClient.connect(t, started.listener.address.port)
  client.socket.write(sizePrefix(-1))
  const closed = await bounded((await started.connection(0)).closed, 'close')
  assert.equal(closed.reason, 'Invalid receive (size = -1)')
})

test('a request without a response sends nothing and keeps the order of later ones', async (t) => {
  const handler = new ManualHandler()
  const { listener } = await start(t, handler.handleFrame)
  const client = await TestClient.connect(t, listener.address.port)
  client.socket.write(Buffer.concat([request(1), request(2), request(3), request(4)]))
  await handler.waitForCalls(4)
  handler.answer(3)
  handler.call(2).outcome.resolve({ noResponse: true })
  handler.answer(1)
  handler.call(0).outcome.resolve({ noResponse: true })
  assert.deepEqual(await client.waitForResponses(2), [2, 4])
})

test('reading stops while queued requests exceed maxQueuedBytes and resumes as they are answered', async (t) => {
  const handler = new ManualHandler()
  // Frames of 1000 bytes, a bound of 2500: the third frame is taken (the queue is below the bound),
  // the fourth is not.
  const started = await start(t, handler.handleFrame, { maxQueuedBytes: 2500 })
  const client = await TestClient.connect(t, started.listener.address.port)
  const count = 16_000 // 16 MB: more than loopback socket buffers hold, so the client's writes back up
  const ids = Array.from({ length: count }, (_, i) => i)
  client.socket.write(Buffer.concat(ids.map((id) => request(id, 996))))
  const connection = await started.connection(0)

  await handler.waitForCalls(3)
  assert.equal(handler.calls.length, 3)
  assert.equal(connection.queuedBytes, 3000)
  assert.equal(connection.isReadPaused, true)
  // Paused sockets emit no data: the server has taken in a chunk or two, not the 16 MB sent.
  assert.ok(connection.bytesIn < 1024 * 1024, `server read ${connection.bytesIn} bytes while paused`)

  for (const index of [0, 1, 2]) handler.answer(index)
  await handler.waitForCalls(6)
  assert.equal(handler.calls.length, 6)
  assert.equal(connection.isReadPaused, true)

  // From here every call is answered as it comes: all requests get through, in order.
  handler.answerAll()
  assert.deepEqual(await client.waitForResponses(count), ids)
  assert.equal(connection.queuedBytes, 0)
  assert.equal(connection.isReadPaused, false)
})

test('reading stops while responses back up behind a client that does not read', async (t) => {
  const big = Buffer.alloc(1024 * 1024)
  const started = await start(t, async (frame) => ({ response: [sizePrefix(4 + big.length), frame.subarray(0, 4), big] }))
  const client = await TestClient.connect(t, started.listener.address.port)
  client.socket.pause()
  const count = 64
  const ids = Array.from({ length: count }, (_, i) => i)
  client.socket.write(Buffer.concat(ids.map((id) => request(id))))
  const connection = await started.connection(0)
  await bounded(new Promise<void>((resolve) => {
    const check = (): void => {
      if (connection.isReadPaused) resolve()
      else setImmediate(check)
    }
    check()
  }), 'the server to stop reading')
  assert.ok(connection.requestsInFlight > 0 || connection.bytesOut > 0)
  client.socket.resume()
  const received = await client.waitForResponses(count)
  assert.deepEqual(received, ids)
})

test('connections.max.idle.ms closes an idle connection', async (t) => {
  const started = await start(t, async (frame) => echo(frame), { idleTimeoutMs: 100 })
  const client = await TestClient.connect(t, started.listener.address.port)
  client.socket.write(request(1))
  assert.deepEqual(await client.waitForResponses(1), [1])
  const closed = await bounded((await started.connection(0)).closed, 'the idle close')
  assert.match(closed.reason, /^idle for more than 100 ms/)
  await bounded(client.closed, 'the client to see the close')
})

test('a throwing handler closes only its own connection', async (t) => {
  const started = await start(t, (frame) => {
    const id = frame.readInt32BE(0)
    if (id === 666) throw new Error('synchronous bug')
    if (id === 667) return Promise.reject(new Error('asynchronous bug'))
    return Promise.resolve(echo(frame))
  })
  const sync = await TestClient.connect(t, started.listener.address.port)
  const syncConnection = await started.connection(0)
  const async = await TestClient.connect(t, started.listener.address.port)
  const asyncConnection = await started.connection(1)
  const healthy = await TestClient.connect(t, started.listener.address.port)
  sync.socket.write(Buffer.concat([request(1), request(666), request(2)]))
  async.socket.write(request(667))
  assert.equal((await bounded(syncConnection.closed, 'close')).reason, 'request handler threw')
  assert.equal((await bounded(asyncConnection.closed, 'close')).reason, 'request handler threw')
  await bounded(sync.closed, 'the client to see the close')
  assert.deepEqual(sync.ids, [1], 'responses before the failing request are sent')
  healthy.socket.write(request(3))
  assert.deepEqual(await healthy.waitForResponses(1), [3])
})

test('a close outcome closes the connection after the earlier responses', async (t) => {
  const started = await start(t, async (frame) =>
    frame.readInt32BE(0) === 2 ? { close: 'cannot decode the request header' } : echo(frame))
  const client = await TestClient.connect(t, started.listener.address.port)
  client.socket.write(Buffer.concat([request(1), request(2), request(3)]))
  const closed = await bounded((await started.connection(0)).closed, 'close')
  assert.equal(closed.reason, 'cannot decode the request header')
  await bounded(client.closed, 'the client to see the close')
  assert.deepEqual(client.ids, [1])
})

test('closing the listener refuses new connections and waits for requests in flight', async (t) => {
  const handler = new ManualHandler()
  const started = await start(t, handler.handleFrame)
  const client = await TestClient.connect(t, started.listener.address.port)
  client.socket.write(request(5))
  await handler.waitForCalls(1)
  let isClosed = false
  const closing = started.listener.close({ timeoutMs: WAIT_MS }).then(() => {
    isClosed = true
  })
  const refused = connect({ host: '127.0.0.1', port: started.listener.address.port })
  const error = await bounded(new Promise<NodeJS.ErrnoException>((resolve) => refused.once('error', resolve)), 'the refusal')
  assert.equal(error.code, 'ECONNREFUSED')
  assert.equal(isClosed, false)
  assert.equal(started.listener.connections, 1)
  handler.answer(0)
  assert.deepEqual(await client.waitForResponses(1), [5])
  await bounded(closing, 'the listener to close')
  await bounded(client.closed, 'the client to see the close')
  assert.equal(started.listener.connections, 0)
  assert.equal((await started.connection(0)).bytesOut, 8)
})

test('closing the listener gives up on a request that never finishes after the timeout', async (t) => {
  const handler = new ManualHandler()
  const started = await start(t, handler.handleFrame)
  const client = await TestClient.connect(t, started.listener.address.port)
  client.socket.write(request(5))
  await handler.waitForCalls(1)
  await bounded(started.listener.close({ timeoutMs: 50 }), 'the listener to close')
  const closed = await bounded((await started.connection(0)).closed, 'close')
  assert.equal(closed.reason, 'broker shutting down: requests still in flight at the timeout')
  await bounded(client.closed, 'the client to see the close')
  assert.deepEqual(client.ids, [])
})

test('each outcome reports when it was received, completed, written and sent, in that order, once its turn came', async (t) => {
  const timings = new Map<number, ResponseTiming>()
  const handler = new ManualHandler()
  const { listener } = await start(t, handler.handleFrame)
  const client = await TestClient.connect(t, listener.address.port)
  client.socket.write(Buffer.concat([request(1), request(2)]))
  await handler.waitForCalls(2)
  const timed = (id: number, outcome: FrameOutcome): FrameOutcome => ({ ...outcome, onSent: (timing) => timings.set(id, timing) })
  handler.call(1).outcome.resolve(timed(2, { noResponse: true }))
  await new Promise<void>((resolve) => setImmediate(resolve))
  assert.equal(timings.size, 0, 'the second request waits for the first one\'s turn')
  handler.call(0).outcome.resolve(timed(1, echo(request(1).subarray(4))))
  assert.deepEqual(await client.waitForResponses(1), [1])
  await bounded((async () => { while (timings.size < 2) await new Promise((resolve) => setTimeout(resolve, 5)) })(), 'both timings')
  for (const [id, timing] of timings) {
    assert.ok(timing.receivedMs <= timing.completedMs && timing.completedMs <= timing.writtenMs && timing.writtenMs <= timing.sentMs, `${id}: ${JSON.stringify(timing)}`)
  }
  const second = timings.get(2)!
  assert.equal(second.sentMs, second.writtenMs, 'nothing to send: sent when its turn came')
  assert.ok(second.writtenMs >= timings.get(1)!.writtenMs, 'its turn came after the first response was written')
})
