// Whole Kafka frames: the size prefix, the request or response header, and the body, for any API
// and version in the specification. Which header version an API version uses is decided here.
import { API_DESCRIPTORS, ApiKey, type ApiDescriptor } from './generated/api-registry.js'
import { decodeRequestHeader, decodeResponseHeader, encodeRequestHeader, encodeResponseHeader, type RequestHeader } from './generated/headers.js'
import { ProtocolDecodeError } from './protocol-decode-error.js'
import { Reader } from './reader.js'
import { encodeFrame, type Writer } from './writer.js'

export function apiDescriptor(apiKey: number): ApiDescriptor | undefined {
  return API_DESCRIPTORS.get(apiKey)
}

function isFlexible(firstFlexibleVersion: number | null, version: number): boolean {
  return firstFlexibleVersion !== null && version >= firstFlexibleVersion
}

/** Request header v2 for flexible versions, else v1; v0 survives only for ControlledShutdown v0. */
export function requestHeaderVersion(descriptor: ApiDescriptor, apiVersion: number): number {
  if (descriptor.apiKey === ApiKey.CONTROLLED_SHUTDOWN && apiVersion === 0) return 0
  return isFlexible(descriptor.firstFlexibleRequestVersion, apiVersion) ? 2 : 1
}

/**
 * Response header v1 for flexible versions, else v0. ApiVersions always answers with v0 so that a
 * client can read the error even when it sent a version the broker does not know (KIP-511).
 */
export function responseHeaderVersion(descriptor: ApiDescriptor, apiVersion: number): number {
  if (descriptor.apiKey === ApiKey.API_VERSIONS) return 0
  return isFlexible(descriptor.firstFlexibleResponseVersion, apiVersion) ? 1 : 0
}

export function isSupportedVersion(descriptor: ApiDescriptor, apiVersion: number): boolean {
  return apiVersion >= descriptor.minVersion && apiVersion <= descriptor.maxVersion
}

export interface DecodedRequest {
  readonly header: RequestHeader
  readonly descriptor: ApiDescriptor
  readonly body: unknown
  /** Bytes of the frame after the header (the body as sent). */
  readonly bodyOffset: number
}

/**
 * Decodes one request frame (without its size prefix): header, then body. Unknown API keys,
 * versions outside the spec, truncated or malformed bytes and trailing garbage all throw
 * ProtocolDecodeError naming the API and version.
 */
export function decodeRequestFrame(frame: Buffer): DecodedRequest {
  const reader: Reader = new Reader(frame)
  if (frame.length < 4) reader.fail(`request frame of ${frame.length} bytes is too short for a header`)
  const apiKey = frame.readInt16BE(0)
  const apiVersion = frame.readInt16BE(2)
  const descriptor = apiDescriptor(apiKey)
  if (descriptor === undefined) reader.fail(`unknown api key ${apiKey}`)
  try {
    if (!isSupportedVersion(descriptor, apiVersion)) reader.fail(`${descriptor.name} has no version ${apiVersion}`)
    const header = decodeRequestHeader(requestHeaderVersion(descriptor, apiVersion), reader)
    const bodyOffset = reader.offset
    const body = descriptor.decodeRequest(apiVersion, reader)
    if (reader.remaining() !== 0) reader.fail(`${reader.remaining()} bytes after the end of the request`)
    return { header, descriptor, body, bodyOffset }
  } catch (error) {
    if (error instanceof ProtocolDecodeError) throw error.withApi(apiKey, apiVersion)
    throw error
  }
}

/** Decodes a response frame (without its size prefix) of a known API and version. */
export function decodeResponseFrame(apiKey: number, apiVersion: number, frame: Buffer): { correlationId: number; body: unknown } {
  const reader: Reader = new Reader(frame)
  const descriptor = apiDescriptor(apiKey)
  if (descriptor === undefined) reader.fail(`unknown api key ${apiKey}`)
  try {
    const header = decodeResponseHeader(responseHeaderVersion(descriptor, apiVersion), reader)
    const body = descriptor.decodeResponse(apiVersion, reader)
    if (reader.remaining() !== 0) reader.fail(`${reader.remaining()} bytes after the end of the response`)
    return { correlationId: header.correlationId, body }
  } catch (error) {
    if (error instanceof ProtocolDecodeError) throw error.withApi(apiKey, apiVersion)
    throw error
  }
}

/** Encodes a request with its size prefix, as a client or a replica fetcher sends it. */
export function encodeRequestFrame(header: RequestHeader, body: unknown): Buffer[] {
  const descriptor = apiDescriptor(header.requestApiKey)
  if (descriptor === undefined) throw new RangeError(`unknown api key ${header.requestApiKey}`)
  return encodeFrame((writer: Writer) => {
    encodeRequestHeader(requestHeaderVersion(descriptor, header.requestApiVersion), writer, header)
    descriptor.encodeRequest(header.requestApiVersion, writer, body)
  })
}

/** Encodes a response with its size prefix; record bytes in the body are referenced, not copied. */
export function encodeResponseFrame(apiKey: number, apiVersion: number, correlationId: number, body: unknown): Buffer[] {
  const descriptor = apiDescriptor(apiKey)
  if (descriptor === undefined) throw new RangeError(`unknown api key ${apiKey}`)
  return encodeFrame((writer: Writer) => {
    encodeResponseHeader(responseHeaderVersion(descriptor, apiVersion), writer, { correlationId, unknownTaggedFields: undefined })
    descriptor.encodeResponse(apiVersion, writer, body)
  })
}
