// What each client driver produces, so that a Produce frame can be checked against it: one batch per
// compression codec, several recognisable records per batch, each with a key and one header.
// A producer's client id names its client and codec, so a captured Produce frame says (in its
// request header) which codec the driver asked for, independently of the batch's attribute bits.

export const CODECS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const
export type Codec = (typeof CODECS)[number]

export const GOLDEN_TOPIC = 'golden'
export const RECORDS_PER_BATCH = 3
export const HEADER_KEY = 'golden-codec'

export interface GoldenRecord {
  readonly key: string
  readonly value: string
  readonly headers: ReadonlyArray<readonly [string, string]>
}

export function goldenRecords(client: string, codec: Codec): GoldenRecord[] {
  return Array.from({ length: RECORDS_PER_BATCH }, (_, index) => ({
    key: `key-${codec}-${index}`,
    value: `golden-${client}-${codec}-${index}`,
    headers: [[HEADER_KEY, codec]] as const,
  }))
}

/** The client id a driver gives the producer of one codec's batch. */
export function producerClientId(client: string, codec: Codec): string {
  return `golden-${client}-${codec}`
}

/** The codec a producer client id names, if it is one of producerClientId's. */
export function codecOfClientId(client: string, clientId: string | null): Codec | undefined {
  return CODECS.find((codec) => clientId === producerClientId(client, codec))
}
