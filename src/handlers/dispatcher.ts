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
import type { ConnectionContext, FrameOutcome, HandleFrame, ResponseTiming } from './frame-handler.js'
import { responseErrorCounts } from '../protocol/response-error-counts.js'
import type { RequestObserver, RequestStageTimes } from './request-observer.js'
import { apiVersionsResponse } from './api-versions.js'
import type { BrokerServices, Handler, HandlerContext } from './handler.js'
import type { HandlerRegistry } from './registry.js'

export interface DispatcherOptions {
  readonly registry: HandlerRegistry
  readonly services: BrokerServices
  /** Used when the connection has no logger of its own. */
  readonly logger?: Logger
  /** The request metrics: told about every request that reached a handler, once its response left. */
  readonly observer?: RequestObserver
  /**
   * log.slow.request.ms: a request whose total time beyond its designed wait (Handler.designedWaitMs)
   * exceeds this is logged at warn; negative or absent turns the log off.
   */
  readonly slowRequestMs?: number
  /** The listener this dispatcher serves (Metadata answers with endpoints on it). */
  readonly listenerName?: string
  /** Monotonic milliseconds (performance.now's clock, which the connection's timings use). */
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

const NO_ERROR_COUNTS: ReadonlyMap<number, number> = new Map()

function stageTimes(timing: ResponseTiming, handlerStartMs: number, handlerEndMs: number): RequestStageTimes {
  return {
    requestQueueMs: Math.max(handlerStartMs - timing.receivedMs, 0),
    localMs: handlerEndMs - handlerStartMs,
    responseQueueMs: Math.max(timing.writtenMs - handlerEndMs, 0),
    responseSendMs: timing.sentMs - timing.writtenMs,
    totalMs: Math.max(timing.sentMs - timing.receivedMs, 0),
  }
}

/** The stages to a tenth of a millisecond, for a log line people read. */
function roundedStages(stages: RequestStageTimes): Record<keyof RequestStageTimes, number> {
  const round = (ms: number): number => Math.round(ms * 10) / 10
  return {
    totalMs: round(stages.totalMs), requestQueueMs: round(stages.requestQueueMs), localMs: round(stages.localMs),
    responseQueueMs: round(stages.responseQueueMs), responseSendMs: round(stages.responseSendMs),
  }
}

function designedWaitMs(handler: Handler, request: unknown): number {
  return handler.designedWaitMs?.(request) ?? 0
}

export function createDispatcher(options: DispatcherOptions): HandleFrame {
  const { registry, services, observer } = options
  const slowRequestMs = options.slowRequestMs ?? -1
  // Most requests are recorded under their API's name alone: one list per API, not one per request.
  const nameLists = new Map<string, readonly string[]>()
  const apiNameOnly = (name: string): readonly string[] => {
    let names = nameLists.get(name)
    if (names === undefined) nameLists.set(name, (names = [name]))
    return names
  }
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
    let errorCounts: ReadonlyMap<number, number> = NO_ERROR_COUNTS
    try {
      const response = await handler.handle(context, decoded.body, apiVersion)
      errorCode = topLevelErrorCode(response)
      if (observer !== undefined) errorCounts = responseErrorCounts(response)
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
        errorCounts = new Map([[ErrorCode.UNKNOWN_SERVER_ERROR, 1]])
      }
    }
    const endMs = nowMs()
    logger.debug({ apiKey, apiVersion, correlationId, durationMs: endMs - startMs, errorCode }, 'request handled')
    if (observer === undefined && slowRequestMs < 0) return outcome
    const metricNames = handler.requestMetricName === undefined ? apiNameOnly(decoded.descriptor.name)
      : [decoded.descriptor.name, handler.requestMetricName(decoded.body)]
    const onSent = (timing: ResponseTiming): void => {
      const stages = stageTimes(timing, startMs, endMs)
      observer?.onRequestCompleted({ apiKey, apiVersion, metricNames, errorCounts, stages })
      if (slowRequestMs >= 0 && stages.totalMs - designedWaitMs(handler, decoded.body) > slowRequestMs) {
        logger.warn({ request: decoded.descriptor.name, apiVersion, correlationId, ...roundedStages(stages) }, 'slow request')
      }
    }
    return { ...outcome, onSent }
    return outcome
  }
}
