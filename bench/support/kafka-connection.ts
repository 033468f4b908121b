// The benchmarks' client: the project's own connection (src/client/kafka-connection.ts: its codecs
// over a plain socket, so the client costs little and a measurement is about the broker), plus
// the version and round-trip helpers the broker-level benches share.
import { KafkaConnection } from '../../src/client/kafka-connection.js'
import { ErrorCode } from '../../src/protocol/error-codes.js'
import { ApiKey } from '../../src/protocol/generated/api-registry.js'
import type { ApiVersionsResponse } from '../../src/protocol/generated/apis/api-versions.js'
import { BenchError } from './broker-process.js'

export { ConnectionError as ConnectionClosedError, KafkaConnection } from '../../src/client/kafka-connection.js'

/** A connection to a benchmark's broker on 127.0.0.1. */
export function openLocal(port: number, timeoutMs = 5000): Promise<KafkaConnection> {
  return KafkaConnection.open('127.0.0.1', port, { timeoutMs, clientId: 'sluice-bench' })
}

/** The broker's advertised ranges by api key, from an ApiVersions v3 request. */
export async function advertisedVersions(connection: KafkaConnection, timeoutMs = 10_000): Promise<Map<number, { min: number; max: number }>> {
  const response = await connection.request<ApiVersionsResponse>(ApiKey.API_VERSIONS, 3,
    { clientSoftwareName: 'sluice-bench', clientSoftwareVersion: '0.1.0', unknownTaggedFields: undefined }, timeoutMs, 'ApiVersions')
  if (response.errorCode !== ErrorCode.NONE) throw new BenchError(`ApiVersions answered error ${response.errorCode}`)
  return new Map(response.apiKeys.map((key) => [key.apiKey, { min: key.minVersion, max: key.maxVersion }]))
}

/** min(wanted, advertised max), or undefined when the API is not advertised or too new for us. */
export function pickVersion(advertised: Map<number, { min: number; max: number }>, apiKey: number, wanted: number): number | undefined {
  const range = advertised.get(apiKey)
  if (range === undefined) return undefined
  const version = Math.min(wanted, range.max)
  return version >= range.min ? version : undefined
}

/** `samples` sequential ApiVersions round trips in ms, after `warmup` unmeasured ones: the loopback floor. */
export async function measureRoundTrips(connection: KafkaConnection, samples: number, warmup: number, timeoutMs = 10_000): Promise<number[]> {
  const body = { clientSoftwareName: 'sluice-bench', clientSoftwareVersion: '0.1.0', unknownTaggedFields: undefined }
  for (let i = 0; i < warmup; i++) await connection.request(ApiKey.API_VERSIONS, 3, body, timeoutMs, 'ApiVersions')
  const results: number[] = []
  for (let i = 0; i < samples; i++) {
    const start = process.hrtime.bigint()
    await connection.request(ApiKey.API_VERSIONS, 3, body, timeoutMs, 'ApiVersions')
    results.push(Number(process.hrtime.bigint() - start) / 1e6)
  }
  return results
}

