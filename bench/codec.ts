// Benchmark of the protocol layer: Produce and Fetch frames decoded and encoded, record batches
// validated (header, CRC32C, record framing), and each compression codec, all as MB/s and as a
// ratio to Buffer.copy of the same bytes measured in the same run.
//   npm run bench -- codec
import { randomBytes } from 'node:crypto'
import { buildRecordBatchSync } from '../src/protocol/build-record-batch.js'
import { compress, decompress } from '../src/protocol/compression/codec.js'
import { CompressionType, compressionName } from '../src/protocol/compression/compression-type.js'
import { decodeRequestFrame, decodeResponseFrame, encodeRequestFrame, encodeResponseFrame } from '../src/protocol/frames.js'
import { ApiKey } from '../src/protocol/generated/api-registry.js'
import { defaultFetchResponse, defaultFetchResponsePartitionData, type FetchResponse } from '../src/protocol/generated/apis/fetch.js'
import { defaultProduceRequest, type ProduceRequest } from '../src/protocol/generated/apis/produce.js'
import { nativeAddon } from '../src/protocol/native-addon.js'
import { readRecordBatchHeader, validateRecordBatch } from '../src/protocol/record-batch.js'
import { measureMbps, measureMbpsAsync, measurePaired, printTable, round } from './support/measure.js'

const KIB = 1024
const MIB = 1024 * 1024
const PARTITIONS = 8
const PRODUCE_VERSION = 9
const FETCH_VERSION = 12

/** Records shaped like typical event payloads: JSON-ish text with some repetition, ~200 bytes each. */
function eventRecords(totalBytes: number): Array<{ key: Buffer; value: Buffer; timestamp: bigint }> {
  const records: Array<{ key: Buffer; value: Buffer; timestamp: bigint }> = []
  let size = 0
  for (let i = 0; size < totalBytes; i++) {
    const value = Buffer.from(
      JSON.stringify({ id: i, user: `user-${i % 997}`, action: ['view', 'click', 'buy'][i % 3], at: 1_700_000_000_000 + i, token: randomBytes(12).toString('hex') }),
    )
    const key = Buffer.from(`key-${i % 1000}`)
    records.push({ key, value, timestamp: 1_700_000_000_000n + BigInt(i) })
    size += key.length + value.length + 12
  }
  return records
}

function batchOf(totalBytes: number): Buffer {
  return buildRecordBatchSync({ records: eventRecords(totalBytes) })
}

function produceRequest(batches: Buffer[]): ProduceRequest {
  return {
    ...defaultProduceRequest(),
    acks: -1,
    timeoutMs: 30_000,
    topicData: [{ name: 'bench-topic', partitionData: batches.map((records, index) => ({ index, records, unknownTaggedFields: undefined })), unknownTaggedFields: undefined }],
  }
}

function fetchResponse(batches: Buffer[]): FetchResponse {
  return {
    ...defaultFetchResponse(),
    responses: [
      {
        topic: 'bench-topic',
        topicId: 'AAAAAAAAAAAAAAAAAAAAAA',
        partitions: batches.map((records, partitionIndex) => ({ ...defaultFetchResponsePartitionData(), partitionIndex, highWatermark: 1000n, lastStableOffset: 1000n, logStartOffset: 0n, records })),
        unknownTaggedFields: undefined,
      },
    ],
  }
}

const sumLength = (chunks: Buffer[]): number => chunks.reduce((total, chunk) => total + chunk.length, 0)

async function main(): Promise<void> {
  const batch16k = batchOf(16 * KIB)
  const batch1m = batchOf(MIB)
  const partitionBatches = Array.from({ length: PARTITIONS }, () => batchOf(128 * KIB))

  // Baseline: copying the same bytes.
  const copyTarget = Buffer.allocUnsafe(MIB + 64 * KIB)
  const copy16kMbps = measureMbps(() => batch16k.copy(copyTarget), batch16k.length)
  const copy1mMbps = measureMbps(() => batch1m.copy(copyTarget), batch1m.length)

  // Produce request: what a broker decodes for every produce.
  const produceHeader = { requestApiKey: ApiKey.PRODUCE, requestApiVersion: PRODUCE_VERSION, correlationId: 1, clientId: 'bench', unknownTaggedFields: undefined }
  const produce = produceRequest(partitionBatches)
  const produceFrame = Buffer.concat(encodeRequestFrame(produceHeader, produce)).subarray(4)
  const produceDecodeMbps = measureMbps(() => decodeRequestFrame(produceFrame), produceFrame.length)
  const produceEncodeMbps = measureMbps(() => encodeRequestFrame(produceHeader, produce), produceFrame.length)

  // Fetch response: what a broker encodes for every fetch (record bytes are referenced, not copied).
  const fetch = fetchResponse(partitionBatches)
  const fetchFrameChunks = encodeResponseFrame(ApiKey.FETCH, FETCH_VERSION, 1, fetch)
  const fetchFrame = Buffer.concat(fetchFrameChunks).subarray(4)
  const fetchEncodeMbps = measureMbps(() => encodeResponseFrame(ApiKey.FETCH, FETCH_VERSION, 1, fetch), sumLength(fetchFrameChunks))
  const fetchDecodeMbps = measureMbps(() => decodeResponseFrame(ApiKey.FETCH, FETCH_VERSION, fetchFrame), fetchFrame.length)

  // Record batch validation as the produce path runs it: header, CRC32C over the batch, record framing.
  const validate = (batch: Buffer): void => {
    const result = validateRecordBatch(batch)
    if (!result.ok) throw new Error(`benchmark batch invalid: ${result.reason}`)
  }
  // Validation against a copy of the same bytes, in alternating rounds (paired ratios).
  const validate16k = measurePaired(() => batch16k.copy(copyTarget), () => validate(batch16k), batch16k.length)
  const validate1m = measurePaired(() => batch1m.copy(copyTarget), () => validate(batch1m), batch1m.length)
  const validate16kMbps = validate16k.operationMbps
  const validate1mMbps = validate1m.operationMbps

  // Compression codecs on the records section of a 1 MiB batch (what clients compress).
  const payload = batch1m.subarray(61)
  const codecRows: Array<[string, number, number, number]> = []
  const codecFigures: Record<string, number> = {}
  for (const type of [CompressionType.GZIP, CompressionType.SNAPPY, CompressionType.LZ4, CompressionType.ZSTD]) {
    const name = compressionName(type)
    const compressed = await compress(type, payload)
    const compressMbps = await measureMbpsAsync(() => compress(type, payload), payload.length, { rounds: 3, roundMs: 300 })
    const decompressMbps = await measureMbpsAsync(() => decompress(type, compressed), payload.length, { rounds: 3, roundMs: 300 })
    codecRows.push([name, compressMbps, decompressMbps, payload.length / compressed.length])
    codecFigures[`${name}_compress_mbps`] = round(compressMbps)
    codecFigures[`${name}_decompress_mbps`] = round(decompressMbps)
    codecFigures[`${name}_compress_ratio_to_copy`] = round(compressMbps / copy1mMbps)
    codecFigures[`${name}_decompress_ratio_to_copy`] = round(decompressMbps / copy1mMbps)
  }

  const averageRecordBytes = Math.round(batch1m.length / readRecordBatchHeader(batch1m).recordCount)
  console.log(`native addon: ${nativeAddon === undefined ? 'not built (JavaScript CRC walk)' : `loaded, CRC-32C ${nativeAddon.crc32cUsesHardware() ? 'in hardware' : 'by table'}`}`)
  console.log(`record batches hold event-like records of ${averageRecordBytes} bytes on average\n`)
  printTable(
    ['operation', 'bytes', 'MB/s', 'ratio to copy'],
    [
      ['Buffer.copy 16 KiB', batch16k.length, copy16kMbps, 1],
      ['Buffer.copy 1 MiB', batch1m.length, copy1mMbps, 1],
      [`Produce v${PRODUCE_VERSION} request decode (${PARTITIONS} x 128 KiB)`, produceFrame.length, produceDecodeMbps, produceDecodeMbps / copy1mMbps],
      [`Produce v${PRODUCE_VERSION} request encode`, produceFrame.length, produceEncodeMbps, produceEncodeMbps / copy1mMbps],
      [`Fetch v${FETCH_VERSION} response encode (${PARTITIONS} x 128 KiB)`, fetchFrame.length, fetchEncodeMbps, fetchEncodeMbps / copy1mMbps],
      [`Fetch v${FETCH_VERSION} response decode`, fetchFrame.length, fetchDecodeMbps, fetchDecodeMbps / copy1mMbps],
      ['record batch validate 16 KiB', batch16k.length, validate16kMbps, validate16k.ratio],
      ['record batch validate 1 MiB', batch1m.length, validate1mMbps, validate1m.ratio],
    ],
  )
  console.log()
  printTable(
    ['codec (1 MiB of records)', 'compress MB/s', 'decompress MB/s', 'size ratio'],
    codecRows.map(([name, c, d, ratio]) => [name, c, d, ratio]),
  )
  console.log(
    JSON.stringify({
      bench: 'codec',
      native_addon: nativeAddon !== undefined,
      average_record_bytes: averageRecordBytes,
      copy_mbps: round(copy1mMbps),
      copy_16kib_mbps: round(copy16kMbps),
      produce_request_decode_mbps: round(produceDecodeMbps),
      produce_request_encode_mbps: round(produceEncodeMbps),
      fetch_response_encode_mbps: round(fetchEncodeMbps),
      fetch_response_decode_mbps: round(fetchDecodeMbps),
      produce_request_decode_ratio: round(produceDecodeMbps / copy1mMbps),
      fetch_response_encode_ratio: round(fetchEncodeMbps / copy1mMbps),
      batch_validate_16kib_mbps: round(validate16kMbps),
      batch_validate_1mib_mbps: round(validate1mMbps),
      batch_validate_16kib_ratio: round(validate16k.ratio),
      batch_validate_1mib_ratio: round(validate1m.ratio),
      ...codecFigures,
    }),
  )
}

await main()
