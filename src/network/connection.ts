// One client connection: framing, many requests in flight, responses in request order,
// backpressure on both sides, the idle timeout. It knows nothing of APIs: each frame goes to an
// injected `handleFrame` (the dispatcher), which says what to send back.
import type { Socket } from 'node:net'
import { performance } from 'node:perf_hooks'
import type { Logger } from 'pino'
import type { ConnectionContext, FrameOutcome, HandleFrame } from '../handlers/frame-handler.js'
import { FrameReader } from './frame-reader.js'

export type { ConnectionContext, FrameOutcome, HandleFrame } from '../handlers/frame-handler.js'

export interface ConnectionOptions {
  /** socket.request.max.bytes: a larger (or negative) size prefix closes the connection. */
  readonly maxRequestBytes: number
  /**
   * Bytes of received requests not yet answered above which this connection stops reading its
   * socket. Kafka's queued.max.request.bytes is broker-wide and unbounded by default (-1); a
   * per-connection bound keeps one client from growing memory without limit. A frame is taken while
   * the queue is below the bound, as Kafka's non-strict memory pool does, so one frame larger than
   * the bound is still served.
   */
  readonly maxQueuedBytes: number
  /** connections.max.idle.ms: a connection with nothing in flight and no traffic for this long closes. */
  readonly idleTimeoutMs: number
}

export const DEFAULT_CONNECTION_OPTIONS: ConnectionOptions = {
  maxRequestBytes: 104_857_600,
  maxQueuedBytes: 100 * 1024 * 1024,
  idleTimeoutMs: 600_000,
}

/** Why and how a connection ended; `closed` resolves with it. */
export interface ConnectionClosed {
  readonly reason: string
  readonly bytesIn: number
  readonly bytesOut: number
}

interface Slot {
  readonly frameBytes: number
  readonly receivedMs: number
  completedMs: number
  outcome: FrameOutcome | undefined
}

export class Connection {
  readonly context: ConnectionContext
  /** Resolves once the socket is gone, with the reason it was closed. */
  readonly closed: Promise<ConnectionClosed>
  private resolveClosed!: (closed: ConnectionClosed) => void
  private readonly reader: FrameReader
  private readonly queue: Slot[] = []
  private queued = 0
  private bytesReceived = 0
  private bytesSent = 0
  private isClosed = false
  private isWriteBlocked = false
  private isPeerEnded = false
  /** Set once a request asked to close or the broker is shutting down: no further frames are taken. */
  private isStopped = false
  private closeWhenDrained: string | undefined
  private readonly idleTimer: NodeJS.Timeout
  /** Shutdown waiting for the queue to empty. */
  private readonly answeredWaiters: Array<() => void> = []

  constructor(
    private readonly socket: Socket,
    private readonly handleFrame: HandleFrame,
    private readonly options: ConnectionOptions,
    index: number,
    logger?: Logger,
  ) {
    const remoteAddress = `${socket.remoteAddress ?? 'unknown'}:${socket.remotePort ?? 0}`
    const connectionId = `${socket.localAddress ?? 'unknown'}:${socket.localPort ?? 0}-${remoteAddress}-${index}`
    this.context = { connectionId, remoteAddress, logger: logger?.child({ remoteAddress, connectionId }) }
    this.closed = new Promise((resolve) => {
      this.resolveClosed = resolve
    })
    this.reader = new FrameReader(options.maxRequestBytes)
    this.idleTimer = setTimeout(() => this.onIdle(), options.idleTimeoutMs)
    this.idleTimer.unref()
    socket.on('data', (chunk: Buffer) => this.onData(chunk))
    socket.on('drain', () => this.onDrain())
    socket.on('end', () => this.onEnd())
    socket.on('error', (error: NodeJS.ErrnoException) => this.close(`socket error ${error.code ?? error.message}`, 'debug'))
    socket.on('close', () => this.onSocketClose())
  }

  get bytesIn(): number {
    return this.bytesReceived
  }

  get bytesOut(): number {
    return this.bytesSent
  }

  get remoteAddress(): string {
    return this.context.remoteAddress
  }

  /** Requests received and not yet answered (including those whose turn to be sent has not come). */
  get requestsInFlight(): number {
    return this.queue.length
  }

  /** Bytes of those requests; reading pauses while this is at or above maxQueuedBytes. */
  get queuedBytes(): number {
    return this.queued
  }

  /** Whether the socket is currently not being read (queue full, writes backed up, or stopping). */
  get isReadPaused(): boolean {
    return this.socket.isPaused()
  }

  /** Closes now: pending responses are dropped and their handlers' results ignored. */
  close(reason = 'closed by the broker', level: 'debug' | 'info' | 'warn' = 'info'): void {
    if (this.isClosed) return
    this.isClosed = true
    clearTimeout(this.idleTimer)
    this.context.logger?.[level]({ reason, bytesIn: this.bytesReceived, bytesOut: this.bytesSent }, 'connection closed')
    this.socket.destroy()
    this.finish(reason)
  }

  /**
   * Graceful end for broker shutdown: stops taking requests, waits until every request in flight
   * has been answered and its response handed to the kernel, then closes. After `timeoutMs` it
   * closes regardless, dropping what is left.
   */
  async shutdown(timeoutMs: number): Promise<void> {
    if (this.isClosed) return
    this.isStopped = true
    this.updateReading()
    let timer: NodeJS.Timeout | undefined
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs)
    })
    const answered = new Promise<'answered'>((resolve) => {
      if (this.queue.length === 0) resolve('answered')
      else this.answeredWaiters.push(() => resolve('answered'))
    })
    try {
      if (await Promise.race([answered, timedOut]) === 'timeout' || this.isClosed) {
        this.close('broker shutting down: requests still in flight at the timeout')
        return
      }
      // end() calls back once every written byte is with the kernel; then the socket is released.
      const flushed = new Promise<'flushed'>((resolve) => this.socket.end(() => resolve('flushed')))
      const outcome = await Promise.race([flushed, timedOut, this.closed])
      this.close(outcome === 'flushed' ? 'broker shutting down' : 'broker shutting down: responses not flushed at the timeout')
    } finally {
      clearTimeout(timer)
    }
  }

  private onData(chunk: Buffer): void {
    if (this.isClosed) return
    this.bytesReceived += chunk.length
    this.idleTimer.refresh()
    this.reader.push(chunk)
    this.takeFrames()
  }

  private takeFrames(): void {
    while (!this.isClosed && this.canTakeFrame()) {
      const next = this.reader.next()
      if (next === undefined) break
      if ('invalidSize' in next) {
        const reason = next.invalidSize < 0
          ? `Invalid receive (size = ${next.invalidSize})`
          : `Invalid receive (size = ${next.invalidSize} larger than ${this.options.maxRequestBytes})`
        this.close(reason, 'warn')
        return
      }
      this.dispatch(next.frame)
    }
    this.updateReading()
  }

  private canTakeFrame(): boolean {
    return !this.isStopped && !this.isWriteBlocked && this.queued < this.options.maxQueuedBytes
  }

  private dispatch(frame: Buffer): void {
    const slot: Slot = { frameBytes: frame.length, receivedMs: performance.now(), completedMs: 0, outcome: undefined }
    this.queue.push(slot)
    this.queued += frame.length
    let pending: Promise<FrameOutcome>
    try {
      pending = this.handleFrame(frame, this.context)
    } catch (error: unknown) {
      pending = Promise.reject(error)
    }
    pending.then(
      (outcome) => this.complete(slot, outcome),
      (error: unknown) => {
        this.context.logger?.error({ err: error }, 'request handler threw')
        this.complete(slot, { close: 'request handler threw' })
      },
    )
  }

  private complete(slot: Slot, outcome: FrameOutcome): void {
    if (this.isClosed) return
    slot.outcome = outcome
    slot.completedMs = performance.now()
    if ('close' in outcome) {
      this.isStopped = true
      this.updateReading()
    }
    this.writeCompleted()
  }

  /** Writes out the completed slots at the head of the queue, in request order, corked. */
  private writeCompleted(): void {
    this.socket.cork()
    let closeReason: string | undefined
    for (let head = this.queue[0]; head?.outcome !== undefined; head = this.queue[0]) {
      const outcome = head.outcome
      this.queue.shift()
      this.queued -= head.frameBytes
      const writtenMs = performance.now()
      const { onSent } = outcome
      const timing = onSent === undefined ? undefined : { receivedMs: head.receivedMs, completedMs: head.completedMs, writtenMs }
      if ('close' in outcome) {
        if (timing !== undefined) onSent!({ ...timing, sentMs: writtenMs })
        closeReason = outcome.close
        break
      }
      if ('response' in outcome) this.writeResponse(outcome.response, timing === undefined ? undefined : () => onSent!({ ...timing, sentMs: performance.now() }))
      else if (timing !== undefined) onSent!({ ...timing, sentMs: writtenMs })
    }
    this.socket.uncork()
    if (closeReason !== undefined) {
      this.close(closeReason, 'warn')
      return
    }
    this.idleTimer.refresh()
    if (this.queue.length === 0 && this.isPeerEnded) {
      this.endAfterWrites('client closed its side')
      return
    }
    this.notifyIfAnswered()
    this.takeFrames()
  }

  /** Writes one response by reference; `onFlushed` runs once the kernel has its last byte. */
  private writeResponse(chunks: readonly Buffer[], onFlushed: (() => void) | undefined): void {
    const last = chunks.length - 1
    for (let index = 0; index <= last; index++) {
      const chunk = chunks[index]!
      this.bytesSent += chunk.length
      const isAccepted = index === last && onFlushed !== undefined ? this.socket.write(chunk, onFlushed) : this.socket.write(chunk)
      if (!isAccepted) this.isWriteBlocked = true
    }
  }

  private onDrain(): void {
    if (this.isClosed) return
    this.isWriteBlocked = false
    this.takeFrames()
  }

  /** The client half-closed: answer what is in flight, then end (servers use allowHalfOpen). */
  private onEnd(): void {
    this.isPeerEnded = true
    this.isStopped = true
    if (this.queue.length === 0) this.endAfterWrites('client closed its side')
  }

  private endAfterWrites(reason: string): void {
    if (this.closeWhenDrained !== undefined || this.isClosed) return
    this.closeWhenDrained = reason
    this.socket.end()
  }

  private onSocketClose(): void {
    if (this.isClosed) return
    this.isClosed = true
    clearTimeout(this.idleTimer)
    const reason = this.closeWhenDrained ?? 'client disconnected'
    this.context.logger?.debug({ reason, bytesIn: this.bytesReceived, bytesOut: this.bytesSent }, 'connection closed')
    this.finish(reason)
  }

  private onIdle(): void {
    if (this.isClosed) return
    if (this.queue.length > 0) {
      this.idleTimer.refresh()
      return
    }
    this.close(`idle for more than ${this.options.idleTimeoutMs} ms (connections.max.idle.ms)`, 'debug')
  }

  private updateReading(): void {
    if (this.isClosed) return
    const shouldRead = this.canTakeFrame()
    if (shouldRead && this.socket.isPaused()) this.socket.resume()
    else if (!shouldRead && !this.socket.isPaused()) this.socket.pause()
  }

  private notifyIfAnswered(): void {
    if (this.answeredWaiters.length === 0 || this.queue.length > 0) return
    for (const waiter of this.answeredWaiters.splice(0)) waiter()
  }

  private finish(reason: string): void {
    for (const waiter of this.answeredWaiters.splice(0)) waiter()
    this.resolveClosed({ reason, bytesIn: this.bytesReceived, bytesOut: this.bytesSent })
  }
}
