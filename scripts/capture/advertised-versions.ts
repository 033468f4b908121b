// The ApiVersions table the capture server advertises: the "Minimum broker set" of
// ../shared/kafka-protocol/CLIENTS.md plus its "useful extras". Clients pick their request versions
// from this table, so the captured frames are the versions Sluice will really have to decode.
import { ApiKey } from '../../src/protocol/generated/api-registry.js'

export interface AdvertisedRange {
  readonly apiKey: number
  readonly minVersion: number
  readonly maxVersion: number
}

const range = (apiKey: number, minVersion: number, maxVersion: number): AdvertisedRange => ({ apiKey, minVersion, maxVersion })

export const ADVERTISED_VERSIONS: readonly AdvertisedRange[] = [
  // Minimum broker set.
  range(ApiKey.API_VERSIONS, 0, 3),
  range(ApiKey.METADATA, 0, 10),
  // Produce v0-2 stay advertised only so that librdkafka 2.0.2 compresses (its check probes v0).
  range(ApiKey.PRODUCE, 0, 7),
  range(ApiKey.FETCH, 4, 12),
  range(ApiKey.LIST_OFFSETS, 1, 5),
  range(ApiKey.FIND_COORDINATOR, 0, 4),
  range(ApiKey.JOIN_GROUP, 0, 6),
  range(ApiKey.SYNC_GROUP, 0, 4),
  range(ApiKey.HEARTBEAT, 0, 4),
  range(ApiKey.LEAVE_GROUP, 0, 4),
  range(ApiKey.OFFSET_COMMIT, 2, 8),
  range(ApiKey.OFFSET_FETCH, 1, 8),
  range(ApiKey.CREATE_TOPICS, 2, 7),
  range(ApiKey.DELETE_TOPICS, 1, 6),
  range(ApiKey.DESCRIBE_CONFIGS, 1, 2),
  range(ApiKey.INIT_PRODUCER_ID, 0, 4),
  // AddPartitionsToTxn v4+ is the broker-only batched form (KIP-890): never advertised.
  range(ApiKey.ADD_PARTITIONS_TO_TXN, 0, 3),
  range(ApiKey.ADD_OFFSETS_TO_TXN, 0, 1),
  range(ApiKey.END_TXN, 0, 3),
  range(ApiKey.TXN_OFFSET_COMMIT, 0, 3),
  // Useful extras.
  range(ApiKey.DESCRIBE_GROUPS, 0, 5),
  range(ApiKey.LIST_GROUPS, 0, 4),
  range(ApiKey.DELETE_GROUPS, 0, 2),
  range(ApiKey.ALTER_CONFIGS, 0, 2),
  range(ApiKey.CREATE_PARTITIONS, 0, 1),
  range(ApiKey.DELETE_RECORDS, 0, 2),
  range(ApiKey.SASL_HANDSHAKE, 0, 1),
  range(ApiKey.SASL_AUTHENTICATE, 0, 2),
  range(ApiKey.OFFSET_DELETE, 0, 0),
  range(ApiKey.INCREMENTAL_ALTER_CONFIGS, 0, 1),
]

export function advertisedRange(apiKey: number): AdvertisedRange | undefined {
  return ADVERTISED_VERSIONS.find((entry) => entry.apiKey === apiKey)
}
