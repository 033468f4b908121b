// ApiVersions (key 18), versions 0-3. Differs from Kafka: no supported or finalized features
// (Sluice has no feature flags yet), so finalizedFeaturesEpoch stays -1 and both lists are empty;
// v4 (same bytes as v3, KAFKA-17011) is not advertised until a client we test sends it (Kafka 3.9
// advertises 0-4; a client asking v4 gets the v0 fallback and retries at 3).
// v1: throttleTimeMs. v3: flexible; the request carries the client software name and version
// (KIP-511), validated as Kafka does.
// The response header is always v0 (frames.ts). An unknown version never reaches this handler: the
// dispatcher answers it with UNSUPPORTED_VERSION in a v0 body.
import { ApiKey } from '../protocol/generated/api-registry.js'
import { defaultApiVersionsResponse, type ApiVersionsResponse } from '../protocol/generated/apis/api-versions.js'
import { ErrorCode } from '../protocol/error-codes.js'
import { defineHandler, type AdvertisedRange } from './handler.js'

/** Kafka's ApiVersionsRequest.SOFTWARE_NAME_VERSION_PATTERN, anchored as Java's `matches` is. */
const SOFTWARE_NAME_VERSION_PATTERN = /^[a-zA-Z0-9](?:[a-zA-Z0-9\-.]*[a-zA-Z0-9])?$/

export function isValidClientSoftware(value: string): boolean {
  return SOFTWARE_NAME_VERSION_PATTERN.test(value)
}

/** A response with this error code listing `ranges`, with no features and no throttling. */
export function apiVersionsResponse(errorCode: number, ranges: readonly AdvertisedRange[]): ApiVersionsResponse {
  return {
    ...defaultApiVersionsResponse(),
    errorCode,
    apiKeys: ranges.map(({ apiKey, minVersion, maxVersion }) => ({ apiKey, minVersion, maxVersion, unknownTaggedFields: undefined })),
  }
}

export const apiVersionsHandler = defineHandler({
  apiKey: ApiKey.API_VERSIONS, minVersion: 0, maxVersion: 3,
  handle(ctx, request, version) {
    // Kafka checks the software name and version only from v3, where the request has them; on
    // INVALID_REQUEST librdkafka retries with v0 (CLIENTS.md). Like Kafka's getErrorResponse, the
    // error answer lists no APIs.
    if (version >= 3 && !(isValidClientSoftware(request.clientSoftwareName) && isValidClientSoftware(request.clientSoftwareVersion))) {
      ctx.logger.warn({ clientSoftwareName: request.clientSoftwareName, clientSoftwareVersion: request.clientSoftwareVersion },
        'ApiVersions client software name or version fails Kafka\'s pattern')
      return apiVersionsResponse(ErrorCode.INVALID_REQUEST, [])
    }
    return apiVersionsResponse(ErrorCode.NONE, ctx.advertisedVersions)
  },
})
