// The HTTP endpoint on metrics.host:metrics.port: /metrics (Prometheus text format), /healthz
// (the process is up) and /readyz (503 until the node can serve, see readiness.ts). It starts
// before the node loads its logs, so an orchestrator sees a starting node as alive but not ready.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Logger } from 'pino'
import type { BrokerMetrics } from './broker-metrics.js'
import type { Readiness } from './readiness.js'

export interface MetricsServerOptions {
  readonly host: string
  /** 0 picks a free port; `address.port` tells which. */
  readonly port: number
  readonly metrics: BrokerMetrics
  readonly readiness: Readiness
  readonly logger?: Logger
}

export interface MetricsServer {
  readonly address: { readonly host: string; readonly port: number }
  /** `http://host:port`. */
  readonly url: string
  close(): Promise<void>
}

export async function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  const { metrics, readiness, logger } = options
  const server = createServer((request, response) => {
    void serve(request, response).catch((error: unknown) => {
      logger?.error({ err: error, path: request.url }, 'metrics request failed')
      if (!response.headersSent) respond(response, 500, 'text/plain; charset=utf-8', 'metrics collection failed\n')
      else response.destroy()
    })
  })
  // A scraper keeps its connection open between scrapes; close() must not wait for it.
  server.keepAliveTimeout = 5_000

  async function serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.setHeader('Allow', 'GET, HEAD')
      return respond(response, 405, 'text/plain; charset=utf-8', 'only GET and HEAD\n')
    }
    const path = new URL(request.url ?? '/', 'http://metrics').pathname
    switch (path) {
      case '/metrics':
        return respond(response, 200, metrics.contentType, await metrics.scrape())
      case '/healthz':
        return respond(response, 200, 'text/plain; charset=utf-8', 'ok\n')
      case '/readyz':
        return respond(response, readiness.isReady ? 200 : 503, 'application/json', `${JSON.stringify(readiness.describe())}\n`)
      default:
        return respond(response, 404, 'text/plain; charset=utf-8', 'not found: try /metrics, /healthz or /readyz\n')
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port, options.host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  server.on('error', (error: unknown) => logger?.error({ err: error }, 'metrics endpoint error'))
  const bound = server.address() as AddressInfo
  const address = { host: bound.address, port: bound.port }
  const url = `http://${bound.family === 'IPv6' ? `[${bound.address}]` : bound.address}:${bound.port}`
  logger?.info({ url }, 'metrics endpoint listening')

  let closing: Promise<void> | undefined
  return {
    address,
    url,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
      return closing
    },
  }
}

function respond(response: ServerResponse, status: number, contentType: string, body: string): void {
  response.writeHead(status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body) })
  response.end(response.req.method === 'HEAD' ? undefined : body)
}
