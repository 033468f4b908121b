// Benchmark of the admin path of the broker, as issue 5 asks: one client creates 1,000 topics of
// one partition in 10 CreateTopics requests of 100 topics each, waiting for each answer before
// sending the next; then DescribeConfigs of one topic per request, sequentially, for about 2 s;
// and ApiVersions round trips (median) as the machine's own request latency floor, all in one run
// against a broker started as a child process (bench/support/broker-process.ts) with a fresh log dir.
// The client is the project's own codecs over a plain socket (bench/support/kafka-connection.ts).
// Baseline from the same run, before and after the broker's creates: the core fs calls of creating
// 1,000 empty partition logs (directories, segment and index files, partition.metadata, their
// fsyncs) from a plain loop in the same file system, the floor for this on-disk layout.
//   npm run bench -- admin
//   npm run bench -- admin --trace-fs   (also: where the create time goes, from every fs call of
//                                        the broker, timed by bench/support/fs-trace.ts)
//   SLUICE_BENCH_BROKER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" npm run bench -- admin
// When the broker does not serve DescribeConfigs yet (it closes the connection), the figure is
// null and the table says so; once it is served (highest advertised version up to 4), it counts.
import { close, closeSync, existsSync, fdatasync, ftruncate, mkdir, mkdirSync, mkdtempSync, open, openSync, readdirSync, readFileSync, rename, rmSync, write } from 'node:fs'
import { spawnSync } from 'node:child_process'
import { tmpdir } from 'node:os'
import { basename, dirname, join } from 'node:path'
import { ErrorCode } from '../src/protocol/error-codes.js'
import { ApiKey } from '../src/protocol/generated/api-registry.js'
import { defaultCreateTopicsRequest, defaultCreateTopicsRequestCreatableTopic, type CreateTopicsResponse } from '../src/protocol/generated/apis/create-topics.js'
import { defaultDescribeConfigsRequest, type DescribeConfigsResponse } from '../src/protocol/generated/apis/describe-configs.js'
import { defaultMetadataRequest, type MetadataResponse } from '../src/protocol/generated/apis/metadata.js'
import { SluiceError } from '../src/errors.js'
import { BenchError, type BrokerProcess, root, secondsSince, startBroker, stopBroker } from './support/broker-process.js'
import type { FsTraceEvent } from './support/fs-trace.js'
import { ConnectionClosedError, type KafkaConnection, advertisedVersions, openLocal, measureRoundTrips, pickVersion } from './support/kafka-connection.js'
import { median, percentile, printTable, round } from './support/measure.js'

const TOPICS = 1000
const TOPICS_PER_REQUEST = 100
const TARGET_CREATE_SECONDS = 5
const DESCRIBE_SECONDS = 2
const RTT_WARMUP = 200
const RTT_SAMPLES = 2000
const TOPIC_PREFIX = 'admin-bench-'
/** Kafka's ConfigResource.Type.TOPIC. */
const TOPIC_RESOURCE = 2
const REQUEST_TIMEOUT_MS = 10_000
const CREATE_TIMEOUT_MS = 60_000
/** Highest versions this bench speaks; the broker's advertised maximum may lower them. */
const WANTED = { apiVersions: 3, createTopics: 7, metadata: 12, describeConfigs: 4 } as const

const topicName = (i: number): string => `${TOPIC_PREFIX}${String(i).padStart(4, '0')}`


const msSince = (start: bigint): number => Number(process.hrtime.bigint() - start) / 1e6

/** Wall-clock ms, comparable with the broker's fs trace. */
const wallMs = (): number => performance.timeOrigin + performance.now()

/** The advertised version range of each API key, from one ApiVersions v3 request. */

/** Creates TOPICS topics in requests of TOPICS_PER_REQUEST; returns the total seconds and each request's ms. */
async function createTopics(connection: KafkaConnection, version: number): Promise<{ seconds: number; batchMs: number[]; startWallMs: number; endWallMs: number }> {
  const batchMs: number[] = []
  const startWallMs = wallMs()
  const start = process.hrtime.bigint()
  for (let first = 0; first < TOPICS; first += TOPICS_PER_REQUEST) {
    const topics = []
    for (let i = first; i < Math.min(TOPICS, first + TOPICS_PER_REQUEST); i++) {
      topics.push({ ...defaultCreateTopicsRequestCreatableTopic(), name: topicName(i), numPartitions: 1, replicationFactor: 1 })
    }
    const body = { ...defaultCreateTopicsRequest(), topics, timeoutMs: 30_000, validateOnly: false }
    const batchStart = process.hrtime.bigint()
    const response = await connection.request<CreateTopicsResponse>(ApiKey.CREATE_TOPICS, version, body, CREATE_TIMEOUT_MS, `CreateTopics of topics ${first}..${first + topics.length - 1}`)
    batchMs.push(msSince(batchStart))
    const failed = response.topics.filter((topic) => topic.errorCode !== ErrorCode.NONE)
    if (failed.length > 0 || response.topics.length !== topics.length) {
      const sample = failed.slice(0, 3).map((topic) => `${topic.name}: ${topic.errorCode} ${topic.errorMessage ?? ''}`).join('; ')
      throw new BenchError(`CreateTopics: ${response.topics.length} results for ${topics.length} topics, ${failed.length} failed (${sample})`)
    }
  }
  return { seconds: secondsSince(start), batchMs, startWallMs, endWallMs: wallMs() }
}

/** Topics visible in a Metadata request for all topics: those of this bench, and all. */
async function countTopics(connection: KafkaConnection, version: number): Promise<{ ours: number; all: number }> {
  const body = { ...defaultMetadataRequest(), topics: null, allowAutoTopicCreation: false }
  const response = await connection.request<MetadataResponse>(ApiKey.METADATA, version, body, REQUEST_TIMEOUT_MS, 'Metadata')
  const visible = response.topics.filter((topic) => topic.errorCode === ErrorCode.NONE)
  return { ours: visible.filter((topic) => topic.name?.startsWith(TOPIC_PREFIX) === true).length, all: visible.length }
}

type DescribeOutcome =
  | { readonly served: true; readonly version: number; readonly perSecond: number; readonly requests: number; readonly errors: number; readonly firstError: string; readonly latencyMs: number[] }
  | { readonly served: false; readonly note: string }

/** DescribeConfigs of one topic per request, sequentially, for DESCRIBE_SECONDS, on its own connection. */
async function describeConfigs(port: number, advertised: Map<number, { min: number; max: number }>): Promise<DescribeOutcome> {
  const advertisedVersion = pickVersion(advertised, ApiKey.DESCRIBE_CONFIGS, WANTED.describeConfigs)
  // Not advertised: try v1 anyway, so a broker that serves it without advertising still counts.
  const version = advertisedVersion ?? 1
  const connection = await openLocal(port)
  try {
    const latencyMs: number[] = []
    let errors = 0
    let firstError = ''
    const start = process.hrtime.bigint()
    for (let i = 0; secondsSince(start) < DESCRIBE_SECONDS; i++) {
      const body = {
        ...defaultDescribeConfigsRequest(),
        resources: [{ resourceType: TOPIC_RESOURCE, resourceName: topicName(i % TOPICS), configurationKeys: null, unknownTaggedFields: undefined }],
        includeSynonyms: false,
        includeDocumentation: false,
      }
      const requestStart = process.hrtime.bigint()
      let response: DescribeConfigsResponse
      try {
        response = await connection.request<DescribeConfigsResponse>(ApiKey.DESCRIBE_CONFIGS, version, body, REQUEST_TIMEOUT_MS, 'DescribeConfigs')
      } catch (error) {
        if (error instanceof ConnectionClosedError && latencyMs.length === 0) {
          const advertisedText = advertisedVersion === undefined ? 'not advertised in ApiVersions' : `advertised up to v${advertised.get(ApiKey.DESCRIBE_CONFIGS)?.max}`
          return { served: false, note: `not served yet: the broker closed the connection on DescribeConfigs v${version} (${advertisedText})` }
        }
        throw error
      }
      latencyMs.push(msSince(requestStart))
      const result = response.results[0]
      if (response.results.length !== 1 || result === undefined || result.errorCode !== ErrorCode.NONE || result.configs.length === 0) {
        errors++
        if (firstError === '') {
          firstError = result === undefined ? `${response.results.length} results` : `error ${result.errorCode} ${result.errorMessage ?? ''}, ${result.configs.length} configs`
        }
      }
    }
    const seconds = secondsSince(start)
    return { served: true, version, perSecond: latencyMs.length / seconds, requests: latencyMs.length, errors, firstError, latencyMs }
  } finally {
    connection.close()
  }
}

/** Total length of the union of [start, end) intervals: the wall time with at least one in flight. */
function unionMs(intervals: Array<readonly [number, number]>): number {
  const sorted = [...intervals].sort((a, b) => a[0] - b[0])
  let total = 0
  let end = -Infinity
  for (const [from, to] of sorted) {
    if (to <= end) continue
    total += to - Math.max(from, end)
    end = to
  }
  return total
}

/** What an fs call touched, as a row label: the metadata log, a partition's directory or files, the log dir itself. */
function fsCategory(path: string, logDir: string): string {
  if (path.includes('__cluster_metadata')) return `metadata log ${path.endsWith('__cluster_metadata-0') ? 'directory' : 'file'}`
  if (path === logDir) return 'log dir itself'
  if (basename(path).startsWith(TOPIC_PREFIX)) return 'partition directory'
  if (basename(dirname(path)).startsWith(TOPIC_PREFIX)) {
    const name = basename(path)
    return `partition file ${name.includes('.') ? name.slice(name.indexOf('.')) : name}`
  }
  return path.startsWith(logDir) ? `log dir: ${path.slice(logDir.length + 1)}` : 'elsewhere'
}

/** Rows of the fs breakdown of the create window, and the share of it spent with fs calls in flight. */
function fsBreakdown(events: readonly FsTraceEvent[], logDir: string, fromMs: number, toMs: number, batches: number): Array<Array<string | number>> {
  const inWindow = events.filter(([, , start, end]) => start >= fromMs && end <= toMs)
  const groups = new Map<string, Array<readonly [number, number]>>()
  const byArea = new Map<string, Array<readonly [number, number]>>()
  for (const [op, path, start, end] of inWindow) {
    const category = fsCategory(path, logDir)
    const key = `${category}: ${op}`
    groups.set(key, [...(groups.get(key) ?? []), [start, end]])
    const area = category.startsWith('metadata') ? 'metadata log' : category.startsWith('partition') || category === 'log dir itself' ? 'partition logs' : 'other'
    byArea.set(area, [...(byArea.get(area) ?? []), [start, end]])
  }
  const windowMs = toMs - fromMs
  const allMs = unionMs(inWindow.map(([, , start, end]) => [start, end]))
  const rows: Array<Array<string | number>> = [
    ['create window (client: first send to last answer), ms', windowMs, '', '', ''],
  ]
  for (const [area, intervals] of [...byArea].sort((a, b) => unionMs(b[1]) - unionMs(a[1]))) {
    const wall = unionMs(intervals)
    rows.push([`  fs calls of the ${area} in flight, ms`, wall, intervals.length, wall / batches, wall / windowMs])
  }
  rows.push(['  any fs call in flight, ms', allMs, inWindow.length, allMs / batches, allMs / windowMs])
  rows.push(['  no fs call in flight (CPU, event loop, network), ms', windowMs - allMs, '', (windowMs - allMs) / batches, (windowMs - allMs) / windowMs])
  for (const [key, intervals] of [...groups].sort((a, b) => unionMs(b[1]) - unionMs(a[1]))) {
    const wall = unionMs(intervals)
    if (wall < windowMs * 0.002) continue
    rows.push([`    ${key}`, wall, intervals.length, wall / batches, wall / windowMs])
  }
  return rows
}

// ---- the file-system floor --------------------------------------------------------------------

const promised = <T>(run: (done: (error: NodeJS.ErrnoException | null, value: T) => void) => void): Promise<T> =>
  new Promise((resolve, reject) => run((error, value) => (error === null ? resolve(value) : reject(error))))

const syncDirectory = (path: string): Promise<void> =>
  promised<void>((done) => {
    const fd = openSync(path, 'r')
    fdatasync(fd, (error) => {
      closeSync(fd)
      done(error, undefined)
    })
  })

/** Opens like the log layer: r+ first, w+ when it does not exist. */
const openForWrite = (path: string): Promise<number> =>
  promised<number>((done) => open(path, 'r+', (error, fd) => (error?.code === 'ENOENT' ? open(path, 'w+', done) : done(error, fd))))

/**
 * The core fs calls of creating one empty partition log, in the order the broker makes them (see
 * --trace-fs), from a plain loop: the directory and its parent's fsync, an empty .log, .index and
 * .timeindex preallocated to 10 MiB, the directory's fsync, partition.metadata written atomically
 * (write, fdatasync, rename, directory fsync). Returns the file descriptors left open, as a log keeps them.
 */
async function createPartitionFiles(parent: string, name: string): Promise<number[]> {
  const dir = join(parent, name)
  await promised<void>((done) => mkdir(dir, { recursive: true }, (error) => done(error, undefined)))
  await syncDirectory(parent)
  const base = '00000000000000000000'
  const log = await openForWrite(join(dir, `${base}.log`))
  await promised<void>((done) => ftruncate(log, 0, (error) => done(error, undefined)))
  const indexes = await Promise.all(['index', 'timeindex'].map(async (suffix) => {
    const fd = await openForWrite(join(dir, `${base}.${suffix}`))
    await promised<void>((done) => ftruncate(fd, 0, (error) => done(error, undefined)))
    await promised<void>((done) => ftruncate(fd, 10 * 1024 * 1024, (error) => done(error, undefined)))
    return fd
  }))
  await syncDirectory(dir)
  const temporary = join(dir, 'partition.metadata.tmp')
  const fd = await openForWrite(temporary)
  const content = Buffer.from('version: 0\ntopic_id: AAAAAAAAAAAAAAAAAAAAAA\n')
  await promised<void>((done) => ftruncate(fd, 0, (error) => done(error, undefined)))
  await promised<number>((done) => write(fd, content, 0, content.length, 0, done))
  await promised<void>((done) => fdatasync(fd, (error) => done(error, undefined)))
  await promised<void>((done) => close(fd, (error) => done(error, undefined)))
  await promised<void>((done) => rename(temporary, join(dir, 'partition.metadata'), (error) => done(error, undefined)))
  await syncDirectory(dir)
  return [log, ...indexes]
}

/**
 * The floor of creating the bench's partitions: TOPICS partitions' files created one after the
 * other in one directory, in rounds of TOPICS_PER_REQUEST, every log's descriptors kept open as
 * the broker keeps them; returns each round's ms. The directory is removed afterwards.
 */
async function measureCreateFloor(dir: string): Promise<number[]> {
  mkdirSync(dir)
  const fds: number[] = []
  const rounds: number[] = []
  try {
    for (let first = 0; first < TOPICS; first += TOPICS_PER_REQUEST) {
      const start = process.hrtime.bigint()
      for (let i = first; i < Math.min(TOPICS, first + TOPICS_PER_REQUEST); i++) fds.push(...(await createPartitionFiles(dir, `${topicName(i)}-0`)))
      rounds.push(msSince(start))
    }
    return rounds
  } finally {
    for (const fd of fds) closeSync(fd)
    rmSync(dir, { recursive: true, force: true })
  }
}

/** Writes back every dirty page on the machine (untimed), so the next measurement starts level. */
function settleDisk(): void {
  spawnSync('sync', [], { timeout: 120_000 })
}

/** Partition directories the broker created under `logDir` for this bench's topics. */
function partitionDirs(logDir: string): number {
  try {
    return readdirSync(logDir).filter((name) => name.startsWith(TOPIC_PREFIX)).length
  } catch {
    return -1
  }
}

async function main(argv: readonly string[]): Promise<void> {
  const traceFs = argv.includes('--trace-fs')
  const work = mkdtempSync(join(tmpdir(), 'sluice-bench-admin-'))
  const tracePath = join(work, 'fs-trace.json')
  let broker: BrokerProcess | undefined
  let connection: KafkaConnection | undefined
  try {
    const logDir = join(work, 'data')
    mkdirSync(logDir)
    // The fs floor runs before and after the broker's creates, so drift of the disk shows.
    settleDisk()
    const floorBefore = await measureCreateFloor(join(work, 'floor-before'))
    settleDisk()
    broker = await startBroker(logDir, async (started, secondsLeft) => {
      const probe = await openLocal(started.port, Math.max(500, secondsLeft * 1000))
      try {
        await advertisedVersions(probe)
      } finally {
        probe.close()
      }
    }, 'ApiVersions', traceFs ? { nodeArgs: ['--import', join(root, 'dist', 'bench', 'support', 'fs-trace.js')], env: { SLUICE_FS_TRACE_OUT: tracePath } } : {})

    connection = await openLocal(broker.port)
    const advertised = await advertisedVersions(connection)
    const createVersion = pickVersion(advertised, ApiKey.CREATE_TOPICS, WANTED.createTopics)
    const metadataVersion = pickVersion(advertised, ApiKey.METADATA, WANTED.metadata)
    if (createVersion === undefined) throw new BenchError('the broker does not advertise CreateTopics')
    if (metadataVersion === undefined) throw new BenchError('the broker does not advertise Metadata')

    const rtt = await measureRoundTrips(connection, RTT_SAMPLES, RTT_WARMUP)
    settleDisk()
    const create = await createTopics(connection, createVersion)
    const visible = await countTopics(connection, metadataVersion)
    const dirs = partitionDirs(logDir)
    const describe = await describeConfigs(broker.port, advertised)
    connection.close()
    connection = undefined
    const stoppedCleanly = await stopBroker(broker)
    broker = undefined
    settleDisk()
    const floorAfter = await measureCreateFloor(join(work, 'floor-after'))
    const sum = (values: readonly number[]): number => values.reduce((total, value) => total + value, 0)
    const floorSeconds = (sum(floorBefore) + sum(floorAfter)) / 2 / 1000
    const floorText = (rounds: readonly number[]): string => `${round(sum(rounds) / 1000)} s (per 100: ${round(Math.min(...rounds))} / ${round(median(rounds))} / ${round(Math.max(...rounds))} ms)`

    const rttMs = median(rtt)
    const describePerSecond = describe.served && describe.errors === 0 ? describe.perSecond : null
    const describeRows: Array<Array<string | number>> = describe.served
      ? [
          [`DescribeConfigs v${describe.version}, 1 topic per request, sequential: per s`, describePerSecond ?? `null (${describe.errors} of ${describe.requests} failed: ${describe.firstError})`],
          ['DescribeConfigs latency p50 / p99 ms', `${round(median(describe.latencyMs))} / ${round(percentile(describe.latencyMs, 0.99))}`],
        ]
      : [['DescribeConfigs per s', `null (${describe.note})`]]
    printTable(['measure', 'value'], [
      [`create ${TOPICS} topics x 1 partition, ${TOPICS / TOPICS_PER_REQUEST} CreateTopics v${createVersion} of ${TOPICS_PER_REQUEST}: s (target <= ${TARGET_CREATE_SECONDS})`, create.seconds],
      ['create: topics per s', TOPICS / create.seconds],
      [`create: ms per request of ${TOPICS_PER_REQUEST} topics, min / median / max`, `${round(Math.min(...create.batchMs))} / ${round(median(create.batchMs))} / ${round(Math.max(...create.batchMs))}`],
      ['create: ms per request, in order', create.batchMs.map((ms) => Math.round(ms)).join(' ')],
      [`topics visible in Metadata v${metadataVersion} afterwards (must be ${TOPICS})`, `${visible.ours}${visible.ours === TOPICS ? '' : '  <-- MISMATCH'} (${visible.all} in all)`],
      ['partition directories in the log dir', dirs],
      ...describeRows,
      [`ApiVersions v${WANTED.apiVersions} round trip, median ms (loopback floor)`, rttMs],
      ['ApiVersions round trip p99 ms', percentile(rtt, 0.99)],
      ['create: one request of 100 topics in round trips', median(create.batchMs) / rttMs],
      [`fs floor: the core fs calls of ${TOPICS} partition logs, plain loop, before the broker`, floorText(floorBefore)],
      ['fs floor: the same after the broker', floorText(floorAfter)],
      ['create_1000_topics_s vs the fs floor (mean of before and after)', create.seconds / floorSeconds],
      ['broker stopped on SIGTERM', stoppedCleanly ? 'yes' : 'no (killed)'],
    ])
    if (traceFs) {
      if (!existsSync(tracePath)) throw new BenchError(`--trace-fs: the broker wrote no trace to ${tracePath}`)
      const events = JSON.parse(readFileSync(tracePath, 'utf8')) as FsTraceEvent[]
      console.log(`\nwhere the create time goes (--trace-fs: the broker's fs calls, from call to callback; wall time = union of overlapping calls)`)
      printTable(['fs calls during the create window', 'wall ms', 'calls', 'ms per request', 'share'],
        fsBreakdown(events, logDir, create.startWallMs, create.endWallMs, create.batchMs.length))
      console.log('')
    }
    if (visible.ours !== TOPICS) process.exitCode = 1
    console.log(
      JSON.stringify({
        bench: 'admin',
        topics: TOPICS,
        topics_per_request: TOPICS_PER_REQUEST,
        create_1000_topics_s: round(create.seconds),
        create_target_s: TARGET_CREATE_SECONDS,
        create_meets_target: create.seconds <= TARGET_CREATE_SECONDS,
        create_batch_ms_min: round(Math.min(...create.batchMs)),
        create_batch_ms_median: round(median(create.batchMs)),
        create_batch_ms_max: round(Math.max(...create.batchMs)),
        metadata_topics: visible.ours,
        describe_configs_per_s: describePerSecond === null ? null : round(describePerSecond),
        describe_configs_version: describe.served ? describe.version : null,
        describe_configs_errors: describe.served ? describe.errors : null,
        loopback_rtt_ms: round(rttMs),
        fs_floor_1000_partitions_s: round(floorSeconds),
        create_vs_fs_floor: round(create.seconds / floorSeconds),
        loopback_rtt_p99_ms: round(percentile(rtt, 0.99)),
      }),
    )
  } finally {
    connection?.close()
    if (broker !== undefined) await stopBroker(broker)
    rmSync(work, { recursive: true, force: true })
  }
}

try {
  await main(process.argv.slice(2))
} catch (error) {
  if (!(error instanceof BenchError || error instanceof SluiceError)) throw error
  console.error(`admin bench: ${error.message}`)
  process.exitCode = 1
}
