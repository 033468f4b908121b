// The contract between a connection and the dispatcher: a request frame in, what to do out.
// It lives with the handlers so that imports point one way (network → handlers, STYLE.md).
import type { Logger } from 'pino'

/**
 * What the dispatcher decided for one request frame.
 * - `response`: the whole response frame (size prefix included) as chunks, written by reference.
 * - `noResponse`: nothing is sent (Produce with acks=0); the order of later responses is kept.
 * - `close`: the connection is closed with this reason once every earlier response has been sent
 *   (a request the protocol cannot answer, such as a header that does not decode).
 */
export type FrameOutcome = (
  | { readonly response: readonly Buffer[] }
  | { readonly noResponse: true }
  | { readonly close: string }
) & {
  /**
   * Called once the outcome's turn has come and, for a response, once its last byte was handed
   * to the kernel; never when the connection is gone first. The request metrics and the
   * slow-request log hang off it.
   */
  readonly onSent?: (timing: ResponseTiming) => void
}

/**
 * When a request passed through the connection, in performance.now() milliseconds: its frame was
 * taken from the socket, its outcome was ready, its turn came and its response was written, and
 * the kernel took the last byte (equal to writtenMs when nothing is sent).
 */
export interface ResponseTiming {
  readonly receivedMs: number
  readonly completedMs: number
  readonly writtenMs: number
  readonly sentMs: number
}

export interface ConnectionContext {
  /** Kafka's form: `localHost:localPort-remoteHost:remotePort-index`. */
  readonly connectionId: string
  /** `host:port` of the client. */
  readonly remoteAddress: string
  /** Carries the remote address; undefined when the broker logs nothing. */
  readonly logger: Logger | undefined
}

/**
 * Takes a frame without its size prefix. The frame may be a view of a socket chunk: keep it only as
 * long as the request needs it. A rejection is treated as `close` (the dispatcher normally turns
 * throws into UNKNOWN_SERVER_ERROR before this).
 */
export type HandleFrame = (frame: Buffer, context: ConnectionContext) => Promise<FrameOutcome>
