// A minimal Kafka client connection for benchmarks: the project's own codecs (frames.ts) over a
// plain net.Socket, so the client costs little and a measurement is about the broker. Requests
// may be pipelined; answers are matched by correlation id. Every wait is bounded.
import { connect, type Socket } from 'node:net'
import { once } from 'node:events'
import { FrameReader } from '../../src/network/frame-reader.js'
import { decodeResponseFrame, encodeRequestFrame } from '../../src/protocol/frames.js'
import { BenchError, withTimeout } from './broker-process.js'

/** The broker closed the connection (or it failed) while a request was waiting for its answer. */
export class ConnectionClosedError extends Error {}

interface Pending {
  readonly apiKey: number
  readonly apiVersion: number
  readonly resolve: (body: unknown) => void
  readonly reject: (error: Error) => void
}

const MAX_RESPONSE_BYTES = 256 * 1024 * 1024

export class KafkaConnection {
  private readonly reader = new FrameReader(MAX_RESPONSE_BYTES)
  private readonly pending = new Map<number, Pending>()
  private nextCorrelationId = 1
  private closedBy: Error | undefined

  private constructor(private readonly socket: Socket) {
    socket.setNoDelay(true)
    socket.on('data', (chunk: Buffer) => this.onData(chunk))
    socket.on('error', (error) => this.fail(new ConnectionClosedError(`connection failed: ${error.message}`)))
    socket.on('close', () => this.fail(new ConnectionClosedError('the broker closed the connection')))
  }

  static async open(port: number, timeoutMs = 5000): Promise<KafkaConnection> {
    const socket = connect({ host: '127.0.0.1', port })
    try {
      await withTimeout(once(socket, 'connect'), timeoutMs, `connecting to 127.0.0.1:${port}`)
    } catch (error) {
      socket.destroy()
      throw error
    }
    return new KafkaConnection(socket)
  }

  get isOpen(): boolean {
    return this.closedBy === undefined
  }

  /** Sends one request and resolves with the decoded response body, or rejects after `timeoutMs`. */
  request<Response>(apiKey: number, apiVersion: number, body: unknown, timeoutMs: number, what: string): Promise<Response> {
    if (this.closedBy !== undefined) return Promise.reject(this.closedBy)
    const correlationId = this.nextCorrelationId++
    const answer = new Promise<unknown>((resolve, reject) => this.pending.set(correlationId, { apiKey, apiVersion, resolve, reject }))
    const frame = encodeRequestFrame({ requestApiKey: apiKey, requestApiVersion: apiVersion, correlationId, clientId: 'sluice-bench', unknownTaggedFields: undefined }, body)
    for (const part of frame) this.socket.write(part)
    return withTimeout(answer, timeoutMs, what).catch((error: unknown) => {
      this.pending.delete(correlationId)
      throw error
    }) as Promise<Response>
  }

  close(): void {
    this.fail(new ConnectionClosedError('closed by the client'))
    this.socket.destroy()
  }

  private onData(chunk: Buffer): void {
    this.reader.push(chunk)
    for (;;) {
      const next = this.reader.next()
      if (next === undefined) return
      if (!('frame' in next)) {
        this.fail(new BenchError(`response frame with invalid size ${next.invalidSize}`))
        this.socket.destroy()
        return
      }
      const correlationId = next.frame.readInt32BE(0)
      const waiting = this.pending.get(correlationId)
      if (waiting === undefined) {
        this.fail(new BenchError(`response with unknown correlation id ${correlationId}`))
        this.socket.destroy()
        return
      }
      this.pending.delete(correlationId)
      try {
        waiting.resolve(decodeResponseFrame(waiting.apiKey, waiting.apiVersion, next.frame).body)
      } catch (error) {
        waiting.reject(error as Error)
      }
    }
  }

  private fail(error: Error): void {
    if (this.closedBy === undefined) this.closedBy = error
    for (const waiting of this.pending.values()) waiting.reject(error)
    this.pending.clear()
  }
}
