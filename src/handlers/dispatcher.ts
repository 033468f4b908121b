// From a request frame to a response frame: peek the api key and version, find the handler, check
// the version, decode, call the handler, encode. The one place for request timing, the per-request
// debug line and the catch-all that turns a handler's throw into UNKNOWN_SERVER_ERROR (STYLE.md,
// "The request flow" and "Errors").
import { performance } from 'node:perf_hooks'
import { pino, type Logger } from 'pino'
import { ErrorCode } from '../protocol/error-codes.js'
import { decodeRequestFrame, encodeResponseFrame } from '../protocol/frames.js'
import { ApiKey, type ApiDescriptor } from '../protocol/generated/api-registry.js'
import { ProtocolDecodeError } from '../protocol/protocol-decode-error.js'
import type { ConnectionContext, FrameOutcome, HandleFrame } from './frame-handler.js'
import { apiVersionsResponse } from './api-versions.js'
import type { BrokerServices, HandlerContext } from './handler.js'
import type { HandlerRegistry } from './registry.js'

/**
 * Called once per request that reached a handler, after its response was encoded (or the
 * connection was given up). `errorCode` is the response's top-level error code, undefined when
 * the API has none or no response was sent.
 */
export type OnRequest = (apiKey: number, apiVersion: number, durationMs: number, errorCode: number | undefined) => void

export interface DispatcherOptions {
  readonly registry: HandlerRegistry
  readonly services: BrokerServices
  /** Used when the connection has no logger of its own. */
  readonly logger?: Logger
  /** The metrics hook. */
  readonly onRequest?: OnRequest
  /** The listener this dispatcher serves (Metadata answers with endpoints on it). */
  readonly listenerName?: string
  /** Monotonic milliseconds for request durations; performance.now by default. */
  readonly nowMs?: () => number
}

/** api key, api version and correlation id: the first 8 bytes of every request header version. */
const HEADER_PEEK_BYTES = 8

/** The response's top-level error code, when it has a numeric `errorCode` field. */
function topLevelErrorCode(response: unknown): number | undefined {
  if (typeof response !== 'object' || response === null || !('errorCode' in response)) return undefined
  return typeof response.errorCode === 'number' ? response.errorCode : undefined
}

/** The generated default response with UNKNOWN_SERVER_ERROR at the top, or undefined when the API has no top-level error code. */
function unknownServerErrorResponse(descriptor: ApiDescriptor): unknown {
  const response = descriptor.defaultResponse()
  if (topLevelErrorCode(response) === undefined) return undefined
  return { ...(response as object), errorCode: ErrorCode.UNKNOWN_SERVER_ERROR }
}

export function createDispatcher(options: DispatcherOptions): HandleFrame {
  const { registry, services, onRequest } = options
  const nowMs = options.nowMs ?? (() => performance.now())
  const brokerLogger = options.logger ?? pino({ enabled: false })
  // Client ids are per connection in practice: one child logger per connection and client id.
  const requestLoggers = new WeakMap<ConnectionContext, { clientId: string | null; logger: Logger }>()

  function requestLogger(connection: ConnectionContext, clientId: string | null): Logger {
    const cached = requestLoggers.get(connection)
    if (cached !== undefined && cached.clientId === clientId) return cached.logger
    const logger = (connection.logger ?? brokerLogger).child({ clientId })
    requestLoggers.set(connection, { clientId, logger })
    return logger
  }

  function close(logger: Logger, fields: Record<string, unknown>, reason: string): FrameOutcome {
    logger.warn({ ...fields, reason }, 'closing connection after a request it cannot answer')
    return { close: reason }
  }

  return async (frame: Buffer, connection: ConnectionContext): Promise<FrameOutcome> => {
    const connectionLogger = connection.logger ?? brokerLogger
    if (frame.length < HEADER_PEEK_BYTES) {
      return close(connectionLogger, {}, `request frame of ${frame.length} bytes is too short for a header`)
    }
    const apiKey = frame.readInt16BE(0)
    const apiVersion = frame.readInt16BE(2)
    const correlationId = frame.readInt32BE(4)
    const handler = registry.handler(apiKey)
    if (handler === undefined) return close(connectionLogger, { apiKey, apiVersion }, `api key ${apiKey} is not served`)
    if (apiVersion < handler.minVersion || apiVersion > handler.maxVersion) {
      if (apiKey === ApiKey.API_VERSIONS) {
        // KIP-511: a v0 body (header v0) with UNSUPPORTED_VERSION and only ApiVersions' own range,
        // which every client can read and use to retry with a version the broker knows.
        connectionLogger.debug({ apiKey, apiVersion, correlationId }, 'ApiVersions version not supported')
        const range = { apiKey, minVersion: handler.minVersion, maxVersion: handler.maxVersion }
        return { response: encodeResponseFrame(apiKey, 0, correlationId, apiVersionsResponse(ErrorCode.UNSUPPORTED_VERSION, [range])) }
      }
      return close(connectionLogger, { apiKey, apiVersion },
        `api key ${apiKey} v${apiVersion} is outside the served versions ${handler.minVersion}-${handler.maxVersion}`)
    }

    let decoded: ReturnType<typeof decodeRequestFrame>
    try {
      decoded = decodeRequestFrame(frame)
    } catch (error) {
      if (error instanceof ProtocolDecodeError) return close(connectionLogger, { apiKey, apiVersion, correlationId }, error.message)
      throw error
    }
    const logger = requestLogger(connection, decoded.header.clientId)
    const context: HandlerContext = {
      services,
      clientId: decoded.header.clientId,
      remoteAddress: connection.remoteAddress,
      logger,
      listenerName: options.listenerName,
      advertisedVersions: registry.advertisedVersions,
    }

    const startMs = nowMs()
    let outcome: FrameOutcome
    let errorCode: number | undefined
    try {
      const response = await handler.handle(context, decoded.body, apiVersion)
      errorCode = topLevelErrorCode(response)
      const disposition = handler.responseDisposition?.(decoded.body, response) ?? 'send'
      // Encoding is inside the catch-all too: a response the encoder refuses is a handler bug.
      outcome = disposition === 'send' ? { response: encodeResponseFrame(apiKey, apiVersion, correlationId, response) }
        : disposition === 'skip' ? { noResponse: true }
          : { close: `${decoded.descriptor.name} v${apiVersion} failed and the client asked for no response` }
    } catch (error) {
      const fallback = unknownServerErrorResponse(decoded.descriptor)
      if (fallback === undefined) {
        logger.error({ err: error, apiKey, apiVersion, correlationId },
          'request handler failed; the response has no top-level error code, closing the connection')
        outcome = { close: `${decoded.descriptor.name} v${apiVersion} handler failed` }
      } else {
        logger.error({ err: error, apiKey, apiVersion, correlationId }, 'request handler failed; answering UNKNOWN_SERVER_ERROR')
        outcome = { response: encodeResponseFrame(apiKey, apiVersion, correlationId, fallback) }
        errorCode = ErrorCode.UNKNOWN_SERVER_ERROR
      }
    }
    const durationMs = nowMs() - startMs
    logger.debug({ apiKey, apiVersion, correlationId, durationMs, errorCode }, 'request handled')
    onRequest?.(apiKey, apiVersion, durationMs, errorCode)
    return outcome
  }
}
