// A TCP listener for Kafka clients: accepts sockets and gives each its Connection. Closing stops
// accepting, lets requests in flight finish (bounded), then releases every socket.
import { createServer, type AddressInfo, type Server } from 'node:net'
import type { Logger } from 'pino'
import { Connection, DEFAULT_CONNECTION_OPTIONS, type ConnectionOptions, type HandleFrame } from './connection.js'

export interface ListenerOptions {
  readonly host: string
  /** 0 picks an ephemeral port; `address.port` tells which. */
  readonly port: number
  readonly handleFrame: HandleFrame
  readonly options?: Partial<ConnectionOptions>
  readonly logger?: Logger
  /** Called for each accepted connection (metrics, tests); `connection.closed` tells when it ends. */
  readonly onConnection?: (connection: Connection) => void
}

export interface CloseListenerOptions {
  /** How long requests in flight may take to finish before their sockets are destroyed. */
  readonly timeoutMs?: number
}

export interface Listener {
  readonly address: { readonly host: string; readonly port: number }
  /** Open connections. */
  readonly connections: number
  /** Requests received and not yet answered, across the open connections. */
  readonly requestsInFlight: number
  /** Bytes of those requests. */
  readonly queuedBytes: number
  /** Stops accepting, waits for requests in flight (at most timeoutMs, default 30 s), closes all. */
  close(options?: CloseListenerOptions): Promise<void>
}

const DEFAULT_CLOSE_TIMEOUT_MS = 30_000

/** Resolves once listening; rejects when the address cannot be bound (EADDRINUSE, EACCES, …). */
export async function startListener(listenerOptions: ListenerOptions): Promise<Listener> {
  const { host, port, handleFrame, logger, onConnection } = listenerOptions
  const options: ConnectionOptions = { ...DEFAULT_CONNECTION_OPTIONS, ...listenerOptions.options }
  const connections = new Set<Connection>()
  let nextIndex = 0
  // allowHalfOpen: a client that half-closes still gets the answers to what it sent. noDelay as in
  // Kafka; responses are corked, so each one still leaves in as few segments as possible.
  const server: Server = createServer({ allowHalfOpen: true, noDelay: true })
  server.on('connection', (socket) => {
    const connection = new Connection(socket, handleFrame, options, nextIndex++, logger)
    connections.add(connection)
    connection.context.logger?.debug('connection accepted')
    void connection.closed.then(() => connections.delete(connection))
    onConnection?.(connection)
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  server.on('error', (error: unknown) => logger?.error({ err: error, host, port }, 'listener error'))
  const bound = server.address() as AddressInfo
  const address = { host: bound.address, port: bound.port }
  logger?.info(address, 'listening')

  let closing: Promise<void> | undefined
  return {
    address,
    get connections() {
      return connections.size
    },
    get requestsInFlight() {
      let count = 0
      for (const connection of connections) count += connection.requestsInFlight
      return count
    },
    get queuedBytes() {
      let bytes = 0
      for (const connection of connections) bytes += connection.queuedBytes
      return bytes
    },
    close(closeOptions?: CloseListenerOptions): Promise<void> {
      closing ??= (async () => {
        const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()))
        const timeoutMs = closeOptions?.timeoutMs ?? DEFAULT_CLOSE_TIMEOUT_MS
        await Promise.all([...connections].map((connection) => connection.shutdown(timeoutMs)))
        await serverClosed
        logger?.info(address, 'listener closed')
      })()
      return closing
    },
  }
}
