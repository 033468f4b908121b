// Chooses which captured frames become fixtures and writes them: one lowercase-hex file per frame,
// test/fixtures/protocol/<client>/<seq>-<api-name>-v<version>.hex, plus manifest.json.
// Kept: every Produce frame (one per codec), and the first frame of each API, version and request
// shape (Metadata for all/named topics, each ListOffsets timestamp, both JoinGroup steps, ...).
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { decodeRequestFrame, type DecodedRequest } from '../../src/protocol/frames.js'
import { ApiKey } from '../../src/protocol/generated/api-registry.js'
import type { FetchRequest } from '../../src/protocol/generated/apis/fetch.js'
import type { FindCoordinatorRequest } from '../../src/protocol/generated/apis/find-coordinator.js'
import type { JoinGroupRequest } from '../../src/protocol/generated/apis/join-group.js'
import type { ListOffsetsRequest } from '../../src/protocol/generated/apis/list-offsets.js'
import type { MetadataRequest } from '../../src/protocol/generated/apis/metadata.js'
import type { ProduceRequest } from '../../src/protocol/generated/apis/produce.js'
import { RECORD_BATCH_HEADER_SIZE, readRecordBatchHeader } from '../../src/protocol/record-batch.js'
import { kebabCase } from '../protocol-spec/names.js'
import type { CapturedFrame } from './capture-server.js'
import { CODECS, codecOfClientId, goldenRecords, type Codec, type GoldenRecord } from './golden-records.js'
import { recordBytesAsBuffer } from '../../src/protocol/record-bytes.js'

export interface ManifestFrame {
  readonly file: string
  readonly apiKey: number
  readonly apiName: string
  readonly apiVersion: number
  readonly clientId: string | null
  /** Produce frames only: the codec the driver asked for, and the records it produced with it. */
  readonly codec?: Codec
  readonly records?: readonly GoldenRecord[]
}

export interface Manifest {
  readonly client: string
  readonly software: string
  readonly topic: string
  readonly capturedBy: string
  readonly codecs: readonly Codec[]
  readonly unsupportedCodecs: Readonly<Partial<Record<Codec, string>>>
  readonly frames: readonly ManifestFrame[]
}

export interface FixtureClient {
  readonly name: string
  readonly software: string
  readonly codecs: readonly Codec[]
  readonly unsupportedCodecs: Readonly<Partial<Record<Codec, string>>>
}

/** What distinguishes two requests of one API version enough to keep both. */
function requestShape(request: DecodedRequest, frame: CapturedFrame): string {
  const version = request.header.requestApiVersion
  switch (request.header.requestApiKey) {
    case ApiKey.PRODUCE:
      return `frame ${frame.sequence}`
    case ApiKey.METADATA: {
      const { topics } = request.body as MetadataRequest
      return topics === null || (version === 0 && topics.length === 0) ? 'all topics' : topics.length === 0 ? 'no topics' : 'named topics'
    }
    case ApiKey.LIST_OFFSETS: {
      const { topics } = request.body as ListOffsetsRequest
      return topics.flatMap((topic) => topic.partitions.map((partition) => String(partition.timestamp))).join(',')
    }
    case ApiKey.JOIN_GROUP:
      return (request.body as JoinGroupRequest).memberId === '' ? 'new member' : 'known member'
    case ApiKey.FIND_COORDINATOR:
      return `key type ${(request.body as FindCoordinatorRequest).keyType}`
    case ApiKey.FETCH: {
      const { topics } = request.body as FetchRequest
      const isFromStart = topics.some((topic) => topic.partitions.some((partition) => partition.fetchOffset === 0n))
      return isFromStart ? 'from offset 0' : 'later offset'
    }
    default:
      return ''
  }
}

export interface SelectedFrame {
  readonly frame: CapturedFrame
  readonly request: DecodedRequest
}

export function selectFrames(frames: readonly CapturedFrame[], problems: string[]): SelectedFrame[] {
  const seen = new Set<string>()
  const selected: SelectedFrame[] = []
  for (const frame of frames) {
    let request: DecodedRequest
    try {
      request = decodeRequestFrame(frame.frame)
    } catch (error) {
      problems.push(`frame ${frame.sequence} (api ${frame.apiKey} v${frame.apiVersion}) does not decode: ${String(error)}`)
      continue
    }
    const key = `${frame.apiKey}/${frame.apiVersion}/${requestShape(request, frame)}`
    if (seen.has(key)) continue
    seen.add(key)
    selected.push({ frame, request })
  }
  return selected
}

/** Codec bits and record count of the first batch of a Produce request, read from its header. */
function firstBatchSummary(request: ProduceRequest): { codecBits: number; recordCount: number } | undefined {
  const records = request.topicData[0]?.partitionData[0]?.records
  if (records === undefined || records === null || records.length < RECORD_BATCH_HEADER_SIZE) return undefined
  const header = readRecordBatchHeader(recordBytesAsBuffer(records))
  return { codecBits: header.compression, recordCount: header.recordCount }
}

export function writeFixtures(directory: string, client: FixtureClient, topic: string, selected: readonly SelectedFrame[], problems: string[]): Manifest {
  mkdirSync(directory, { recursive: true })
  for (const name of readdirSync(directory)) {
    if (name.endsWith('.hex') || name === 'manifest.json') rmSync(join(directory, name))
  }
  const frames = selected.map(({ frame, request }, index): ManifestFrame => {
    const apiName = request.descriptor.name
    const file = `${String(index + 1).padStart(3, '0')}-${kebabCase(apiName)}-v${frame.apiVersion}.hex`
    writeFileSync(join(directory, file), `${frame.frame.toString('hex')}\n`)
    const entry: ManifestFrame = { file, apiKey: frame.apiKey, apiName, apiVersion: frame.apiVersion, clientId: frame.clientId }
    if (frame.apiKey !== ApiKey.PRODUCE) return entry
    const codec = codecOfClientId(client.name, frame.clientId)
    if (codec === undefined) {
      problems.push(`${file}: Produce from client id ${String(frame.clientId)}, which names no codec`)
      return entry
    }
    const records = goldenRecords(client.name, codec)
    const summary = firstBatchSummary(request.body as ProduceRequest)
    if (summary === undefined) problems.push(`${file}: Produce without a record batch`)
    else if (summary.codecBits !== CODECS.indexOf(codec) || summary.recordCount !== records.length) {
      problems.push(`${file}: asked for ${codec} with ${records.length} records, batch has codec bits ${summary.codecBits} and ${summary.recordCount} records`)
    }
    return { ...entry, codec, records }
  })
  const manifest: Manifest = {
    client: client.name,
    software: client.software,
    topic,
    capturedBy: 'scripts/capture-frames.ts',
    codecs: client.codecs,
    unsupportedCodecs: client.unsupportedCodecs,
    frames,
  }
  writeFileSync(join(directory, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`)
  return manifest
}
