import { SluiceError } from '../errors.js'

/**
 * Bytes from the wire that do not form a valid message: truncated, a length past the end of the
 * frame, a bad varint, an unknown version. Every decoder in src/protocol/ throws only this for bad
 * input, so a caller can contain it (answer with an error or close the connection) and carry on.
 */
export class ProtocolDecodeError extends SluiceError {
  /** The API key and version being decoded, when the decoder knew them. */
  apiKey: number | undefined
  apiVersion: number | undefined

  constructor(
    readonly reason: string,
    /** Byte offset within the buffer being decoded where the problem was found. */
    readonly offset: number,
  ) {
    super('ERR_PROTOCOL_DECODE', `${reason} (at byte ${offset})`)
  }

  /** Adds which API and version was being decoded; the message names them from then on. */
  withApi(apiKey: number, apiVersion: number): this {
    this.apiKey = apiKey
    this.apiVersion = apiVersion
    this.message = `api key ${apiKey} v${apiVersion}: ${this.reason} (at byte ${this.offset})`
    return this
  }
}
