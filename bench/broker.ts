// Benchmark of the whole broker as a real client sees it: librdkafka (bench/native/rdkafka-load.c,
// compiled here at run time) produces 1 KiB records with acks=all to one partition, consumes them
// back from offset 0, and measures end-to-end latency at half the produce rate (near saturation)
// and at a light 1,000 records/s (the latency floor). The figures are
// set against baselines measured in the same run on the same machine: two Node processes over
// loopback TCP (the network ceiling), 1 MiB buffered appends with fs.write in the broker's log dir
// (the disk ceiling), and the same client against librdkafka's in-process mock cluster (the
// client's own ceiling). The metrics' cost is measured apart, with the disk out of the way: two
// brokers with their logs on tmpfs (/dev/shm), one with metrics.enabled=false, are produced to at
// the same time while the other's /metrics is scraped every second; metrics_overhead is
// 1 - records appended with metrics / without over the stretch where both runs are going (median
// over pairs; see measureMetricsOverhead).
//   npm run bench -- broker                 (about 1 GiB produced and consumed)
//   npm run bench -- broker --scale 0.05    (or SLUICE_BENCH_SCALE=0.05: a quick smoke run)
// Needs cc and librdkafka's headers (apt-get install -y librdkafka-dev).
import { spawn, spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { close, existsSync, fdatasync, mkdirSync, mkdtempSync, open, rmSync, write } from 'node:fs'
import { connect, createServer, type Socket } from 'node:net'
import { once } from 'node:events'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  BenchError,
  type BrokerProcess,
  freePort,
  indent,
  root,
  secondsSince,
  sleep,
  startBroker,
  stopBroker,
  stopChild,
  Tail,
  withTimeout,
} from './support/broker-process.js'
import { KafkaClient } from '../src/client/kafka-client.js'
import { KafkaError } from '../src/client/kafka-error.js'
import { LATEST, listOffsets } from '../src/client/list-offsets.js'
import { deleteTopics } from '../src/client/topic-admin.js'
import { SluiceError } from '../src/errors.js'
import { printTable, round } from './support/measure.js'
import { ErrorCode } from '../src/protocol/error-codes.js'

const KIB = 1024
const MIB = 1024 * KIB
const GIB = 1024 * MIB
const RECORD_SIZE = KIB
const FULL_RECORDS = 1_000_000
const FULL_LOOPBACK_BYTES = 2 * GIB
const FULL_DISK_BYTES = GIB
/** Alternating rounds of disk appends and broker produce; medians are compared. */
const PRODUCE_ROUNDS = 3
/**
 * Concurrent produce pairs with and without metrics (measureMetricsOverhead). Runs one after the
 * other swing by a factor of two from one to the next on this machine (disk writeback, neighbours),
 * far more than the metrics cost; two runs at the same time see the same machine.
 */
const OVERHEAD_PAIRS = 10
/** Each run of a pair produces this share of the main runs' records (1 GiB at full scale; runs of a few seconds vary too much). */
const OVERHEAD_RECORDS_SHARE = 1
const TMPFS = '/dev/shm'
/** How often /metrics is scraped during produce on the broker with metrics: 15 times as often as the usual 15 s. */
const SCRAPE_INTERVAL_MS = 1000
const FULL_E2E_SECONDS = 10
/** A light load, so the latency floor (fetch wake-up, Nagle, linger.ms) shows without queueing. */
const LIGHT_E2E_RATE = 1000
const FULL_LIGHT_E2E_SECONDS = 5
const LOOPBACK_MAX_SECONDS = 5
const LOOPBACK_SINK = '--loopback-sink'

const thisFile = fileURLToPath(import.meta.url)

// ---- options ---------------------------------------------------------------------------------

/** `--scale <0..1>` (or `--scale=x`, or SLUICE_BENCH_SCALE) shrinks every volume and duration. */
function readScale(argv: readonly string[]): number {
  let text = process.env['SLUICE_BENCH_SCALE']
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === '--scale') text = argv[i + 1]
    else if (arg.startsWith('--scale=')) text = arg.slice('--scale='.length)
  }
  if (text === undefined || text === '') return 1
  const scale = Number(text)
  if (!(scale > 0 && scale <= 1)) throw new BenchError(`--scale must be a number in (0, 1], got '${text}'`)
  return scale
}

// ---- small helpers ---------------------------------------------------------------------------

const promised = <T>(run: (done: (error: NodeJS.ErrnoException | null, value: T) => void) => void): Promise<T> =>
  new Promise((resolve, reject) => run((error, value) => (error === null ? resolve(value) : reject(error))))

// ---- the load generator ----------------------------------------------------------------------

/** Compiles bench/native/rdkafka-load.c into `outDir`; returns the executable's path. */
function buildLoadGenerator(outDir: string): string {
  const source = join(root, 'bench', 'native', 'rdkafka-load.c')
  const binary = join(outDir, 'rdkafka-load')
  const result = spawnSync('cc', ['-O2', '-std=c11', '-Wall', '-o', binary, source, '-lrdkafka', '-lpthread'], { encoding: 'utf8', timeout: 120_000 })
  if (result.error !== undefined) {
    const code = (result.error as NodeJS.ErrnoException).code
    throw new BenchError(code === 'ENOENT' ? 'cc is missing: apt-get install -y gcc librdkafka-dev' : `cc failed to run: ${result.error.message}`)
  }
  if (result.status !== 0) {
    const output = `${result.stderr}${result.stdout}`.trim()
    const hint = /rdkafka/.test(output) ? 'librdkafka headers or library missing: apt-get install -y librdkafka-dev\n' : ''
    throw new BenchError(`${hint}building ${source} failed:\n${indent(output.slice(-3000))}`)
  }
  return binary
}

type LoadResult = Record<string, number | string>

interface LoadRun {
  /** One object per JSON line the program printed, in order. */
  readonly results: LoadResult[]
  readonly stderr: string
}

/**
 * Runs the load generator with `args` plus its own time limit, and kills it if it outlives that
 * limit by 15 s. Rejects with its standard error when it fails.
 */
async function runLoad(binary: string, args: readonly string[], limitSeconds: number): Promise<LoadRun> {
  const limit = Math.max(1, Math.ceil(limitSeconds))
  const child = spawn(binary, [...args, String(limit)], { stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  const stderr = new Tail()
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => stderr.append(chunk))
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.once('error', reject)
    child.once('close', (code, signal) => resolve({ code, signal }))
  })
  const killer = setTimeout(() => child.kill('SIGKILL'), (limit + 15) * 1000)
  let outcome: { code: number | null; signal: NodeJS.Signals | null }
  try {
    outcome = await withTimeout(exited, (limit + 20) * 1000, `rdkafka-load ${args[0]}`)
  } finally {
    clearTimeout(killer)
  }
  if (outcome.code !== 0) {
    const how = outcome.signal !== null ? `was killed by ${outcome.signal}` : `exited with ${outcome.code}`
    throw new BenchError(`rdkafka-load ${args.join(' ')} ${how}; its standard error ends:\n${indent(stderr.toString())}`)
  }
  const results = stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LoadResult)
  if (results.length === 0) throw new BenchError(`rdkafka-load ${args[0]} printed no result`)
  return { results, stderr: stderr.toString() }
}

function numberOf(result: LoadResult | undefined, key: string): number {
  const value = result?.[key]
  if (typeof value !== 'number') throw new BenchError(`rdkafka-load result lacks ${key}: ${JSON.stringify(result)}`)
  return value
}

// ---- baselines -------------------------------------------------------------------------------

/** The child side of the loopback baseline: counts bytes until the end, then replies with the count. */
async function runLoopbackSink(): Promise<void> {
  const server = createServer((socket) => {
    let total = 0
    socket.on('data', (chunk: Buffer) => (total += chunk.length))
    socket.once('end', () => socket.end(`${total}\n`))
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('no port from listen(0)')
  process.stdout.write(`${address.port}\n`)
  // The parent ends this process; a lost parent leaves stdin closed, which ends it as well.
  process.stdin.resume()
  process.stdin.once('end', () => process.exit(0))
}

/**
 * MB/s of 1 MiB writes from this process to a child Node process over 127.0.0.1, until
 * `totalBytes` or LOOPBACK_MAX_SECONDS, timed until the child has counted every byte.
 */
async function measureLoopback(totalBytes: number): Promise<number> {
  const child = spawn(process.execPath, [thisFile, LOOPBACK_SINK], { stdio: ['pipe', 'pipe', 'inherit'] })
  let socket: Socket | undefined
  try {
    let firstLine = ''
    const port = await withTimeout(
      new Promise<number>((resolve, reject) => {
        child.once('error', reject)
        child.once('exit', (code) => reject(new BenchError(`loopback sink exited with ${code}`)))
        child.stdout.on('data', (chunk: Buffer) => {
          firstLine += chunk.toString()
          if (firstLine.includes('\n')) resolve(Number(firstLine.trim()))
        })
      }),
      10_000,
      'starting the loopback sink',
    )
    socket = connect({ host: '127.0.0.1', port })
    await withTimeout(once(socket, 'connect'), 5000, 'connecting to the loopback sink')
    const chunk = randomBytes(MIB)
    let reply = ''
    socket.on('data', (data: Buffer) => (reply += data.toString()))
    const replied = once(socket, 'end')
    const start = process.hrtime.bigint()
    let sent = 0
    while (sent < totalBytes && secondsSince(start) < LOOPBACK_MAX_SECONDS) {
      sent += chunk.length
      if (!socket.write(chunk)) await withTimeout(once(socket, 'drain'), 10_000, 'loopback write')
    }
    socket.end()
    await withTimeout(replied, 10_000, 'loopback sink reply')
    const seconds = secondsSince(start)
    const counted = Number(reply.trim())
    if (counted !== sent) throw new BenchError(`loopback sink counted ${counted} of ${sent} bytes`)
    return sent / seconds / 1e6
  } finally {
    socket?.destroy()
    child.stdin.end()
    await stopChild(child, 5000)
  }
}

/**
 * MB/s of 1 MiB appends with fs.write to a new file in `dir`, no fsync while timed (the broker
 * leaves flushing to the OS as Kafka does), `totalBytes` in all; the file is removed afterwards.
 */
async function measureDiskAppend(dir: string, totalBytes: number): Promise<number> {
  const path = join(dir, 'bench-disk-append.bin')
  const chunk = randomBytes(MIB)
  const fd = await promised<number>((done) => open(path, 'w', done))
  try {
    const start = process.hrtime.bigint()
    let position = 0
    while (position < totalBytes) {
      position += await promised<number>((done) => write(fd, chunk, 0, chunk.length, position, done))
    }
    const mbps = position / secondsSince(start) / 1e6
    // Untimed: the dirty pages are written back now rather than during the broker's produce run.
    await promised<void>((done) => fdatasync(fd, (error) => done(error, undefined)))
    return mbps
  } finally {
    await promised<void>((done) => close(fd, (error) => done(error, undefined)))
    rmSync(path, { force: true })
  }
}

/** Writes back every dirty page on the machine (untimed), so the next measurement starts level. */
function settleDisk(): void {
  spawnSync('sync', [], { timeout: 120_000 })
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[sorted.length >> 1]!
}

// ---- the broker ------------------------------------------------------------------------------

/**
 * Starts `sluice server` (bench/support/broker-process.ts) and waits until a librdkafka producer
 * gets Metadata, all within BROKER_START_TIMEOUT_MS.
 */
function startBrokerWith(loadGenerator: string, logDir: string, overrides: readonly string[]): Promise<BrokerProcess> {
  return startBroker(logDir, async (broker, secondsLeft) => {
    await runLoad(loadGenerator, ['metadata', broker.bootstrap], Math.max(2, secondsLeft))
  }, 'Metadata', { overrides })
}

/** Scrapes `url` at once and then every SCRAPE_INTERVAL_MS until stopped; resolves with the scrape count (failures throw). */
function scrapeWhile(url: string): { stop(): Promise<number> } {
  let scrapes = 0
  let failure: unknown
  let inFlight: Promise<void> = Promise.resolve()
  const scrape = (): void => {
    inFlight = fetch(url, { signal: AbortSignal.timeout(5_000) })
      .then(async (response) => {
        if (response.status !== 200) throw new BenchError(`scrape of ${url} answered ${response.status}`)
        await response.arrayBuffer()
        scrapes++
      })
      .catch((error: unknown) => { failure ??= error })
  }
  scrape()
  const timer = setInterval(scrape, SCRAPE_INTERVAL_MS)
  return {
    async stop() {
      clearInterval(timer)
      await inFlight
      if (failure !== undefined) throw failure
      return scrapes
    },
  }
}

/** One produce run of `records` into a new topic. */
async function produceRun(loadGenerator: string, broker: BrokerProcess, topic: string, records: number): Promise<LoadResult> {
  const result = (await runLoad(loadGenerator, ['produce', broker.bootstrap, topic, String(records), String(RECORD_SIZE)], 120)).results.at(-1)
  if (result === undefined) throw new BenchError('the produce run printed no result')
  return result
}

/** Deletes `topic`, so the next pair's logs have the tmpfs memory back. */
async function deleteTopic(client: KafkaClient, topic: string): Promise<void> {
  const [result] = await deleteTopics(client, [topic])
  if (result?.error !== undefined) throw result.error
}

/** The log end offset of partition 0 of `topic`, or 0 before the producer has created it. */
async function latestOffset(client: KafkaClient, topic: string): Promise<number> {
  try {
    const [partition] = await listOffsets(client, topic, LATEST, [0])
    return Number(partition?.offset ?? 0n)
  } catch (error) {
    const isBeingCreated = error instanceof KafkaError &&
      (error.errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION || error.errorCode === ErrorCode.LEADER_NOT_AVAILABLE)
    if (isBeingCreated) return 0
    throw error
  }
}

interface OverheadPair {
  /** Records each broker appended within the pair's measuring window. */
  readonly withMetrics: number
  readonly withoutMetrics: number
  readonly scrapes: number
}

/** How often both brokers' log end offsets are read during a pair. */
const OVERHEAD_SAMPLE_MS = 200

interface OffsetSample {
  readonly withMetrics: number
  readonly withoutMetrics: number
}

/** Takes a sample every OVERHEAD_SAMPLE_MS until every run has ended; rejects when a run fails. */
async function sampleWhileRunning(runs: readonly Promise<LoadRun>[], sample: () => Promise<OffsetSample>): Promise<OffsetSample[]> {
  let isDone = false
  const finished = Promise.all(runs).finally(() => { isDone = true })
  const samples: OffsetSample[] = []
  while (!isDone) {
    samples.push(await sample())
    await Promise.race([finished, sleep(OVERHEAD_SAMPLE_MS)])
  }
  await finished
  return samples
}

/** A broker with metrics and one without, with a client of each for ListOffsets and DeleteTopics. */
interface OverheadBrokers {
  readonly withMetrics: BrokerProcess
  readonly withoutMetrics: BrokerProcess
  readonly withClient: KafkaClient
  readonly withoutClient: KafkaClient
  readonly metricsUrl: string
}

/**
 * The metrics' cost, with the disk out of the way and the machine shared fairly. Two brokers with
 * their logs on tmpfs, one with metrics.enabled=false, take a produce run each at the same time,
 * OVERHEAD_PAIRS times: both share the machine's two cores and whatever its neighbours do at that
 * moment. Both log end offsets are read every OVERHEAD_SAMPLE_MS; the records each broker appended
 * while both runs were past their first tenth and neither had finished are compared (a broker that
 * costs more CPU per record gets fewer of them). The broker with metrics is scraped every
 * SCRAPE_INTERVAL_MS meanwhile. Biases of position cancel: which run starts first alternates, and
 * halfway the brokers are restarted with the one started first changing sides.
 */
async function measureMetricsOverhead(loadGenerator: string, records: number): Promise<OverheadPair[]> {
  const base = mkdtempSync(join(existsSync(TMPFS) ? TMPFS : tmpdir(), 'sluice-bench-metrics-'))
  try {
    const pairs: OverheadPair[] = []
    for (const isWithStartedFirst of [true, false]) {
      const phase = join(base, isWithStartedFirst ? 'phase-1' : 'phase-2')
      const brokers: BrokerProcess[] = []
      const clients: KafkaClient[] = []
      try {
        const metricsPort = await freePort()
        const start = async (name: string, overrides: readonly string[]): Promise<BrokerProcess> => {
          mkdirSync(join(phase, name), { recursive: true })
          const broker = await startBrokerWith(loadGenerator, join(phase, name), overrides)
          brokers.push(broker)
          return broker
        }
        const startWith = (): Promise<BrokerProcess> => start('with', [`metrics.port=${metricsPort}`])
        const startWithout = (): Promise<BrokerProcess> => start('without', ['metrics.enabled=false'])
        let withMetrics: BrokerProcess
        let withoutMetrics: BrokerProcess
        if (isWithStartedFirst) {
          withMetrics = await startWith()
          withoutMetrics = await startWithout()
        } else {
          withoutMetrics = await startWithout()
          withMetrics = await startWith()
        }
        const connect = async (broker: BrokerProcess): Promise<KafkaClient> => {
          const client = await KafkaClient.connect({ bootstrap: broker.bootstrap, clientId: 'sluice-bench' })
          clients.push(client)
          return client
        }
        const brokerPair: OverheadBrokers = {
          withMetrics, withoutMetrics, withClient: await connect(withMetrics), withoutClient: await connect(withoutMetrics),
          metricsUrl: `http://127.0.0.1:${metricsPort}/metrics`,
        }
        for (let pair = 0; pair < OVERHEAD_PAIRS / 2; pair++) {
          pairs.push(await concurrentPair(loadGenerator, brokerPair, `sluice-bench-metrics-${pair}`, records, pair % 2 === 0))
        }
      } finally {
        for (const client of clients) client.close()
        for (const broker of brokers) await stopBroker(broker)
        rmSync(phase, { recursive: true, force: true })
      }
    }
    return pairs
  } finally {
    rmSync(base, { recursive: true, force: true })
  }
}

/** One pair of concurrent produce runs of `records` into `topic` (deleted again after). */
async function concurrentPair(loadGenerator: string, brokers: OverheadBrokers, topic: string, records: number, isWithRunFirst: boolean): Promise<OverheadPair> {
  const { withMetrics, withoutMetrics, withClient, withoutClient } = brokers
  // The earlier phases leave gigabytes of dirty pages whose writeback would take CPU mid-run.
  settleDisk()
  const produce = (broker: BrokerProcess): Promise<LoadRun> =>
    runLoad(loadGenerator, ['produce', broker.bootstrap, topic, String(records), String(RECORD_SIZE)], 120)
  const scraper = scrapeWhile(brokers.metricsUrl)
  let samples: OffsetSample[]
  try {
    const runs = isWithRunFirst ? [produce(withMetrics), produce(withoutMetrics)] : [produce(withoutMetrics), produce(withMetrics)]
    samples = await sampleWhileRunning(runs, async () => {
      const [withCount, withoutCount] = await Promise.all([latestOffset(withClient, topic), latestOffset(withoutClient, topic)])
      return { withMetrics: withCount, withoutMetrics: withoutCount }
    })
  } catch (error) {
    await scraper.stop().catch(() => 0)
    throw error
  }
  const scrapes = await scraper.stop()
  const isInWindow = (count: number): boolean => count >= records / 10 && count < records
  const window = samples.filter((sample) => isInWindow(sample.withMetrics) && isInWindow(sample.withoutMetrics))
  const first = window[0]
  const last = window.at(-1)
  if (first === undefined || last === undefined || first === last) {
    throw new BenchError(`${topic}: the runs were too short to sample (${samples.length} samples); raise the scale`)
  }
  await Promise.all([deleteTopic(withClient, topic), deleteTopic(withoutClient, topic)])
  return { withMetrics: last.withMetrics - first.withMetrics, withoutMetrics: last.withoutMetrics - first.withoutMetrics, scrapes }
}

function medianRun(runs: readonly LoadResult[]): LoadResult {
  return [...runs].sort((a, b) => numberOf(a, 'mbps') - numberOf(b, 'mbps'))[runs.length >> 1]!
}

// ---- the run ---------------------------------------------------------------------------------

async function main(argv: readonly string[]): Promise<void> {
  const scale = readScale(argv)
  const records = Math.max(1000, Math.round(FULL_RECORDS * scale))
  const e2eSeconds = Math.max(2, Math.round(FULL_E2E_SECONDS * scale))
  const lightE2eSeconds = Math.max(2, Math.round(FULL_LIGHT_E2E_SECONDS * scale))
  const work = mkdtempSync(join(tmpdir(), 'sluice-bench-broker-'))
  let broker: BrokerProcess | undefined
  try {
    const loadGenerator = buildLoadGenerator(work)
    const loopbackMbps = await measureLoopback(Math.max(64 * MIB, FULL_LOOPBACK_BYTES * scale))
    const logDir = join(work, 'data')
    mkdirSync(logDir)
    const diskBytes = Math.max(64 * MIB, Math.round((FULL_DISK_BYTES * scale) / MIB) * MIB)
    const mock = await runLoad(loadGenerator, ['mock', 'sluice-bench-mock', String(records), String(RECORD_SIZE)], 120)
    const mockProduce = mock.results.find((result) => result['mode'] === 'mock_produce')
    const mockConsume = mock.results.find((result) => result['mode'] === 'mock_consume')
    const baselineRows: Array<Array<string | number>> = [
      ['loopback TCP, Node to Node, 1 MiB writes, MB/s', loopbackMbps, ''],
      ['librdkafka mock cluster: produce MB/s', numberOf(mockProduce, 'mbps'), ''],
      ['librdkafka mock cluster: consume MB/s', numberOf(mockConsume, 'mbps'), ''],
    ]

    try {
      broker = await startBrokerWith(loadGenerator, logDir, [])
    } catch (error) {
      console.log('baselines measured before the broker failed to start:')
      printTable(['measure', 'value', 'ratio'], baselineRows)
      throw error
    }
    // Disk appends and broker produce alternate, each starting with no dirty pages left by the one
    // before (an untimed `sync`), and the medians are compared: one round of either is at the mercy
    // of the kernel's writeback and of this machine's neighbours.
    const diskRounds: number[] = []
    const produceRounds: LoadResult[] = []
    for (let round = 0; round < PRODUCE_ROUNDS; round++) {
      settleDisk()
      diskRounds.push(await measureDiskAppend(logDir, diskBytes))
      settleDisk()
      produceRounds.push(await produceRun(loadGenerator, broker, `sluice-bench-${round}`, records))
    }
    const diskAppendMbps = median(diskRounds)
    const produce = medianRun(produceRounds)
    const produced = numberOf(produce, 'records')
    const consume = (await runLoad(loadGenerator, ['consume', broker.bootstrap, `sluice-bench-${PRODUCE_ROUNDS - 1}`, String(produced)], 120)).results.at(-1)
    const produceRps = numberOf(produce, 'rps')
    settleDisk()
    const e2eRate = Math.max(1, Math.round(produceRps / 2))
    const e2e = (await runLoad(loadGenerator, ['e2e', broker.bootstrap, 'sluice-bench-e2e', String(e2eRate), String(e2eSeconds)], e2eSeconds + 60)).results.at(-1)
    const lightE2e = (await runLoad(loadGenerator, ['e2e', broker.bootstrap, 'sluice-bench-e2e-light', String(LIGHT_E2E_RATE), String(lightE2eSeconds)], lightE2eSeconds + 60)).results.at(-1)
    const stoppedCleanly = await stopBroker(broker)
    broker = undefined
    const overhead = await measureMetricsOverhead(loadGenerator, Math.max(1000, Math.round(records * OVERHEAD_RECORDS_SHARE)))
    const metricsOverhead = 1 - median(overhead.map((pair) => pair.withMetrics / pair.withoutMetrics))

    const produceMbps = numberOf(produce, 'mbps')
    const consumeMbps = numberOf(consume, 'mbps')
    const e2eMissing = numberOf(e2e, 'missing')
    printTable(['measure', 'value', 'ratio'], [
      [`produce ${produced} x 1 KiB, acks=all, MB/s (vs loopback)`, produceMbps, produceMbps / loopbackMbps],
      ['produce, records/s', produceRps, ''],
      ['produce MB/s vs disk append', '', produceMbps / diskAppendMbps],
      ['consume from offset 0, MB/s (vs loopback)', consumeMbps, consumeMbps / loopbackMbps],
      [`end to end at ${e2eRate} records/s: p50 ms`, numberOf(e2e, 'p50_ms'), ''],
      ['end to end: p99 ms', numberOf(e2e, 'p99_ms'), ''],
      ['end to end: p99.9 ms', numberOf(e2e, 'p999_ms'), ''],
      ['end to end: records sent / not received', `${numberOf(e2e, 'sent')} / ${e2eMissing}`, ''],
      [`end to end at ${LIGHT_E2E_RATE} records/s: p50 ms`, numberOf(lightE2e, 'p50_ms'), ''],
      [`end to end at ${LIGHT_E2E_RATE} records/s: p99 ms`, numberOf(lightE2e, 'p99_ms'), ''],
      [`disk append, fs.write 1 MiB, MB/s (median of ${PRODUCE_ROUNDS})`, diskAppendMbps, ''],
      [`produce rounds, MB/s (median taken)`, produceRounds.map((result) => round(numberOf(result, 'mbps'))).join(' / '), ''],
      ['concurrent produce pairs: records appended with / without metrics, in the window', overhead.map((pair) => `${pair.withMetrics}/${pair.withoutMetrics}`).join(' '), ''],
      ['metrics overhead: 1 - with / without (median over pairs)', '', metricsOverhead],
      [`scrapes during the pairs (every ${SCRAPE_INTERVAL_MS} ms)`, overhead.reduce((sum, pair) => sum + pair.scrapes, 0), ''],
      ...baselineRows,
      ['broker stopped on SIGTERM', stoppedCleanly ? 'yes' : 'no (killed)', ''],
    ])
    console.log(
      JSON.stringify({
        bench: 'broker',
        scale,
        records: produced,
        record_bytes: RECORD_SIZE,
        produce_mbps: round(produceMbps),
        produce_rps: round(produceRps),
        consume_mbps: round(consumeMbps),
        e2e_rate: e2eRate,
        e2e_p50_ms: round(numberOf(e2e, 'p50_ms')),
        e2e_p99_ms: round(numberOf(e2e, 'p99_ms')),
        e2e_p999_ms: round(numberOf(e2e, 'p999_ms')),
        e2e_missing: e2eMissing,
        e2e_light_rate: LIGHT_E2E_RATE,
        e2e_light_p50_ms: round(numberOf(lightE2e, 'p50_ms')),
        e2e_light_p99_ms: round(numberOf(lightE2e, 'p99_ms')),
        e2e_light_missing: numberOf(lightE2e, 'missing'),
        loopback_mbps: round(loopbackMbps),
        disk_append_mbps: round(diskAppendMbps),
        mock_produce_mbps: round(numberOf(mockProduce, 'mbps')),
        mock_consume_mbps: round(numberOf(mockConsume, 'mbps')),
        produce_ratio: round(produceMbps / loopbackMbps),
        consume_ratio: round(consumeMbps / loopbackMbps),
        produce_vs_disk: round(produceMbps / diskAppendMbps),
        metrics_overhead: round(metricsOverhead),
      }),
    )
  } finally {
    if (broker !== undefined) await stopBroker(broker)
    rmSync(work, { recursive: true, force: true })
  }
}

if (process.argv[2] === LOOPBACK_SINK) {
  await runLoopbackSink()
} else {
  try {
    await main(process.argv.slice(2))
  } catch (error) {
    if (!(error instanceof BenchError || error instanceof SluiceError)) throw error
    console.error(`broker bench: ${error.message}`)
    process.exitCode = 1
  }
}
