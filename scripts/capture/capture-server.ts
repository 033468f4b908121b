// A TCP server on 127.0.0.1 (ephemeral port) that records every request frame it receives, raw and
// without its size prefix, and answers through CaptureBroker using Sluice's own frame codecs.
// Responses leave each connection in request order, whatever order they complete in.
import { createServer, type Server, type Socket } from 'node:net'
import { decodeRequestFrame, encodeResponseFrame, apiDescriptor } from '../../src/protocol/frames.js'
import { ApiKey } from '../../src/protocol/generated/api-registry.js'
import { defaultApiVersionsResponse } from '../../src/protocol/generated/apis/api-versions.js'
import { advertisedRange } from './advertised-versions.js'
import { CaptureBroker, NO_RESPONSE } from './capture-broker.js'

export const CAPTURE_HOST = '127.0.0.1'
const UNSUPPORTED_VERSION = 35
/** Frames larger than this are refused (the clients here send a few kilobytes at most). */
const MAX_FRAME_BYTES = 16 * 1024 * 1024

export interface CapturedFrame {
  /** Order of arrival across all connections of this server. */
  readonly sequence: number
  readonly connectionId: number
  readonly apiKey: number
  readonly apiVersion: number
  readonly clientId: string | null
  /** The request exactly as received, without the 4-byte size prefix. */
  readonly frame: Buffer
}

/** Something the server noticed that the report should mention (a refused version, a decode error). */
export interface CaptureEvent {
  readonly connectionId: number
  readonly message: string
}

function readClientId(frame: Buffer): string | null {
  // Request header v1 and v2 both carry client_id as an int16-length string right after the correlation id.
  if (frame.length < 10) return null
  const length = frame.readInt16BE(8)
  if (length < 0 || 10 + length > frame.length) return null
  return frame.toString('utf8', 10, 10 + length)
}

export class CaptureServer {
  readonly frames: CapturedFrame[] = []
  readonly events: CaptureEvent[] = []
  private readonly sockets = new Set<Socket>()
  private readonly broker: CaptureBroker
  private nextConnectionId = 1

  private constructor(private readonly server: Server) {
    this.broker = new CaptureBroker(CAPTURE_HOST, () => this.port)
    server.on('connection', (socket) => this.accept(socket))
  }

  static async start(): Promise<CaptureServer> {
    const server = createServer()
    const capture = new CaptureServer(server)
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(0, CAPTURE_HOST, () => resolve())
    })
    return capture
  }

  get port(): number {
    const address = this.server.address()
    if (address === null || typeof address === 'string') throw new Error('capture server is not listening')
    return address.port
  }

  get bootstrap(): string {
    return `${CAPTURE_HOST}:${this.port}`
  }

  hasSeen(apiKey: number): boolean {
    return this.frames.some((frame) => frame.apiKey === apiKey)
  }

  async close(): Promise<void> {
    this.broker.close()
    for (const socket of this.sockets) socket.destroy()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }

  private accept(socket: Socket): void {
    const connectionId = this.nextConnectionId++
    this.sockets.add(socket)
    socket.setNoDelay(true)
    let pending: Buffer = Buffer.alloc(0)
    // Each request takes the next slot of this chain, so responses go out in request order.
    let responseChain: Promise<void> = Promise.resolve()
    socket.on('close', () => this.sockets.delete(socket))
    socket.on('error', () => socket.destroy())
    socket.on('data', (chunk: Buffer) => {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk])
      while (pending.length >= 4) {
        const size = pending.readInt32BE(0)
        if (size < 0 || size > MAX_FRAME_BYTES) {
          this.events.push({ connectionId, message: `frame size ${size} refused; connection closed` })
          socket.destroy()
          return
        }
        if (pending.length < 4 + size) break
        const frame = Buffer.from(pending.subarray(4, 4 + size))
        pending = pending.subarray(4 + size)
        const answer = this.receive(connectionId, frame, socket)
        responseChain = responseChain.then(async () => {
          const chunks = await answer
          if (chunks !== undefined && !socket.destroyed) for (const part of chunks) socket.write(part)
        })
      }
    })
  }

  /** Records the frame and starts its answer: the response frame chunks, or undefined for none. */
  private async receive(connectionId: number, frame: Buffer, socket: Socket): Promise<Buffer[] | undefined> {
    if (frame.length < 8) {
      this.events.push({ connectionId, message: `frame of ${frame.length} bytes has no header; connection closed` })
      socket.destroy()
      return undefined
    }
    const apiKey = frame.readInt16BE(0)
    const apiVersion = frame.readInt16BE(2)
    const correlationId = frame.readInt32BE(4)
    this.frames.push({ sequence: this.frames.length, connectionId, apiKey, apiVersion, clientId: readClientId(frame), frame })
    const advertised = advertisedRange(apiKey)
    const name = apiDescriptor(apiKey)?.name ?? `api ${apiKey}`
    if (advertised === undefined || apiVersion < advertised.minVersion || apiVersion > advertised.maxVersion) {
      if (apiKey === ApiKey.API_VERSIONS) {
        // As Kafka does (KIP-511): a v0 body with UNSUPPORTED_VERSION and only ApiVersions' own range.
        this.events.push({ connectionId, message: `ApiVersions v${apiVersion} answered with UNSUPPORTED_VERSION` })
        const apiKeys = [{ apiKey: ApiKey.API_VERSIONS, minVersion: advertised?.minVersion ?? 0, maxVersion: advertised?.maxVersion ?? 3, unknownTaggedFields: undefined }]
        return encodeResponseFrame(apiKey, 0, correlationId, { ...defaultApiVersionsResponse(), errorCode: UNSUPPORTED_VERSION, apiKeys })
      }
      this.events.push({ connectionId, message: `${name} v${apiVersion} is not advertised; connection closed, as Kafka does` })
      socket.destroy()
      return undefined
    }
    try {
      const request = decodeRequestFrame(frame)
      const answer = await this.broker.handle(request)
      if (answer === NO_RESPONSE) return undefined
      return encodeResponseFrame(apiKey, apiVersion, correlationId, answer)
    } catch (error) {
      this.events.push({ connectionId, message: `${name} v${apiVersion} could not be answered (${String(error)}); connection closed` })
      socket.destroy()
      return undefined
    }
  }
}
