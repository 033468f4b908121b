// A minimal Kafka client connection for benchmarks: the project's own codecs (frames.ts) over a
// plain net.Socket, so the client costs little and a measurement is about the broker. Requests
// may be pipelined; answers are matched by correlation id. Every wait is bounded.
import { connect, type Socket } from 'node:net'
import { once } from 'node:events'
import { FrameReader } from '../../src/network/frame-reader.js'
import { decodeResponseFrame, encodeRequestFrame } from '../../src/protocol/frames.js'
import { ErrorCode } from '../../src/protocol/error-codes.js'
import { ApiKey } from '../../src/protocol/generated/api-registry.js'
import type { ApiVersionsResponse } from '../../src/protocol/generated/apis/api-versions.js'
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

/** The broker's advertised ranges by api key, from an ApiVersions v3 request. */
export async function advertisedVersions(connection: KafkaConnection, timeoutMs = 10_000): Promise<Map<number, { min: number; max: number }>> {
  const response = await connection.request<ApiVersionsResponse>(ApiKey.API_VERSIONS, 3,
    { clientSoftwareName: 'sluice-bench', clientSoftwareVersion: '0.1.0', unknownTaggedFields: undefined }, timeoutMs, 'ApiVersions')
  if (response.errorCode !== ErrorCode.NONE) throw new BenchError(`ApiVersions answered error ${response.errorCode}`)
  return new Map(response.apiKeys.map((key) => [key.apiKey, { min: key.minVersion, max: key.maxVersion }]))
}

/** min(wanted, advertised max), or undefined when the API is not advertised or too new for us. */
export function pickVersion(advertised: Map<number, { min: number; max: number }>, apiKey: number, wanted: number): number | undefined {
  const range = advertised.get(apiKey)
  if (range === undefined) return undefined
  const version = Math.min(wanted, range.max)
  return version >= range.min ? version : undefined
}

/** `samples` sequential ApiVersions round trips in ms, after `warmup` unmeasured ones: the loopback floor. */
export async function measureRoundTrips(connection: KafkaConnection, samples: number, warmup: number, timeoutMs = 10_000): Promise<number[]> {
  const body = { clientSoftwareName: 'sluice-bench', clientSoftwareVersion: '0.1.0', unknownTaggedFields: undefined }
  for (let i = 0; i < warmup; i++) await connection.request(ApiKey.API_VERSIONS, 3, body, timeoutMs, 'ApiVersions')
  const results: number[] = []
  for (let i = 0; i < samples; i++) {
    const start = process.hrtime.bigint()
    await connection.request(ApiKey.API_VERSIONS, 3, body, timeoutMs, 'ApiVersions')
    results.push(Number(process.hrtime.bigint() - start) / 1e6)
  }
  return results
}

