// One client connection to a Kafka broker on the project's own codecs (frames.ts): requests may be
// pipelined and answers are matched by correlation id. Every wait is bounded. Used by the `sluice`
// CLI and the benchmarks; it knows nothing of which broker leads what (kafka-client.ts does).
import { connect, type Socket } from 'node:net'
import { once } from 'node:events'
import { FrameReader } from '../network/frame-reader.js'
import { decodeResponseFrame, encodeRequestFrame } from '../protocol/frames.js'
import { SluiceError } from '../errors.js'

/** The connection could not be opened, failed, or was closed while a request waited for its answer. */
export class ConnectionError extends SluiceError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_CONNECTION', message, options)
  }
}

/** A request got no answer within its timeout. */
export class RequestTimeoutError extends SluiceError {
  constructor(message: string) {
    super('ERR_REQUEST_TIMEOUT', message)
  }
}

interface Pending {
  readonly apiKey: number
  readonly apiVersion: number
  readonly resolve: (body: unknown) => void
  readonly reject: (error: Error) => void
}

/** Largest response frame accepted: a fetch answer is bounded by the request's maxBytes. */
const MAX_RESPONSE_BYTES = 256 * 1024 * 1024

/** Rejects with RequestTimeoutError(`what`) when `promise` has not settled within `timeoutMs`. */
export async function withRequestTimeout<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new RequestTimeoutError(`${what}: no answer within ${timeoutMs} ms`)), timeoutMs)
  })
  try {
    return await Promise.race([promise, timeout])
  } finally {
    clearTimeout(timer)
  }
}

export class KafkaConnection {
  private readonly reader = new FrameReader(MAX_RESPONSE_BYTES)
  private readonly pending = new Map<number, Pending>()
  private nextCorrelationId = 1
  private closedBy: Error | undefined

  private constructor(private readonly socket: Socket, readonly address: string, private readonly clientId: string) {
    socket.setNoDelay(true)
    socket.on('data', (chunk: Buffer) => this.onData(chunk))
    socket.on('error', (error) => this.fail(new ConnectionError(`connection to ${address} failed: ${error.message}`)))
    socket.on('close', () => this.fail(new ConnectionError(`${address} closed the connection`)))
  }

  /** Opens a connection to `host:port`; rejects with ConnectionError when it cannot within `timeoutMs`. */
  static async open(host: string, port: number, options: { readonly timeoutMs?: number; readonly clientId?: string } = {}): Promise<KafkaConnection> {
    const address = `${host}:${port}`
    const timeoutMs = options.timeoutMs ?? 5000
    const socket = connect({ host, port })
    try {
      // events.once rejects with the socket's 'error' while it waits for 'connect'.
      await withRequestTimeout(once(socket, 'connect'), timeoutMs, `connecting to ${address}`)
    } catch (error) {
      socket.destroy()
      const reason = error instanceof RequestTimeoutError ? `no answer within ${timeoutMs} ms` : (error as NodeJS.ErrnoException).code ?? (error as Error).message
      throw new ConnectionError(`cannot connect to ${address}: ${reason}`, { cause: error })
    }
    return new KafkaConnection(socket, address, options.clientId ?? 'sluice')
  }

  get isOpen(): boolean {
    return this.closedBy === undefined
  }

  /** Sends one request and resolves with the decoded response body, or rejects after `timeoutMs`. */
  request<Response>(apiKey: number, apiVersion: number, body: unknown, timeoutMs: number, what: string): Promise<Response> {
    if (this.closedBy !== undefined) return Promise.reject(this.closedBy)
    const correlationId = this.nextCorrelationId++
    const answer = new Promise<unknown>((resolve, reject) => this.pending.set(correlationId, { apiKey, apiVersion, resolve, reject }))
    const frame = encodeRequestFrame({ requestApiKey: apiKey, requestApiVersion: apiVersion, correlationId, clientId: this.clientId, unknownTaggedFields: undefined }, body)
    for (const part of frame) this.socket.write(part)
    return withRequestTimeout(answer, timeoutMs, what).catch((error: unknown) => {
      this.pending.delete(correlationId)
      throw error
    }) as Promise<Response>
  }

  /** Sends a request the broker does not answer (Produce with acks=0). */
  send(apiKey: number, apiVersion: number, body: unknown): void {
    if (this.closedBy !== undefined) throw this.closedBy
    const frame = encodeRequestFrame({ requestApiKey: apiKey, requestApiVersion: apiVersion, correlationId: this.nextCorrelationId++, clientId: this.clientId, unknownTaggedFields: undefined }, body)
    for (const part of frame) this.socket.write(part)
  }

  close(): void {
    this.fail(new ConnectionError('closed by the client'))
    this.socket.destroy()
  }

  private onData(chunk: Buffer): void {
    this.reader.push(chunk)
    for (;;) {
      const next = this.reader.next()
      if (next === undefined) return
      if (!('frame' in next)) {
        this.fail(new ConnectionError(`${this.address} sent a response frame with invalid size ${next.invalidSize}`))
        this.socket.destroy()
        return
      }
      const correlationId = next.frame.readInt32BE(0)
      const waiting = this.pending.get(correlationId)
      if (waiting === undefined) {
        this.fail(new ConnectionError(`${this.address} answered an unknown correlation id ${correlationId}`))
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
