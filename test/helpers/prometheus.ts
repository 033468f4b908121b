// Debian's Prometheus 2.42 (/usr/bin/prometheus, /usr/bin/promtool) for the metrics tests: promtool
// lints a scrape and checks or unit-tests rule files; a real server scrapes a target and answers
// PromQL. Every child process and every wait is bounded; a missing binary fails naming the apt
// package (tests never skip).
import { spawn, type ChildProcess } from 'node:child_process'
import { accessSync, constants } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { runChild } from './child-process.js'

const PROMETHEUS = '/usr/bin/prometheus'
const PROMTOOL = '/usr/bin/promtool'
const PROMTOOL_TIMEOUT_MS = 15_000
const READY_TIMEOUT_MS = 20_000
const HTTP_TIMEOUT_MS = 5_000
const POLL_INTERVAL_MS = 100
const STOP_TIMEOUT_MS = 5_000
/** Kills a server whose test forgot close(), so it cannot outlive the test run for long. */
const PROMETHEUS_LIFETIME_MS = 10 * 60_000
const STDERR_TAIL_BYTES = 4_096

/**
 * Throws unless both binaries are present and executable; the message names the apt package.
 * `binaries` exists so the failure itself can be tested.
 */
export function requirePrometheus(binaries: readonly string[] = [PROMETHEUS, PROMTOOL]): void {
  for (const binary of binaries) {
    try {
      accessSync(binary, constants.X_OK)
    } catch {
      throw new Error(`${binary} is missing: install it with apt-get install -y prometheus`)
    }
  }
}

// ----- promtool -----

export interface PromtoolResult {
  /** Exit code 0. promtool 2.42 exits 3 for lint problems and 1 for unparsable input or rules. */
  readonly ok: boolean
  readonly code: number
  /** stdout then stderr: promtool writes the problems (one per line for lint) to stderr. */
  readonly output: string
}

/** Runs promtool with `args` and `input` on stdin; rejects only if it cannot run or times out. */
async function runPromtool(args: readonly string[], input = ''): Promise<PromtoolResult> {
  requirePrometheus([PROMTOOL])
  const result = await runChild(PROMTOOL, args, { input, timeoutMs: PROMTOOL_TIMEOUT_MS })
  const output = Buffer.concat([result.stdout, result.stderr]).toString('utf8')
  if (result.signal !== null) throw new Error(`promtool ${args.join(' ')} was killed by ${result.signal} (timeout ${PROMTOOL_TIMEOUT_MS} ms): ${output}`)
  return { ok: result.code === 0, code: result.code, output }
}

/** Lints a scrape in the text exposition format (`promtool check metrics`, reading stdin). */
export function promtoolCheckMetrics(text: string): Promise<PromtoolResult> {
  return runPromtool(['check', 'metrics'], text)
}

/** Validates rule files: YAML shape, PromQL, names (`promtool check rules`). */
export function promtoolCheckRules(files: readonly string[]): Promise<PromtoolResult> {
  return runPromtool(['check', 'rules', ...files])
}

/** Runs rule unit-test files (`promtool test rules`): input series, expected alerts and values. */
export function promtoolTestRules(files: readonly string[]): Promise<PromtoolResult> {
  return runPromtool(['test', 'rules', ...files])
}

// ----- the server -----

export interface PromSample {
  readonly metric: Readonly<Record<string, string>>
  readonly value: number
}

export type PromVector = readonly PromSample[]

export interface PromTargetHealth {
  readonly scrapeUrl: string
  /** 'up' after a good scrape, 'down' after a failed one, 'unknown' before the first. */
  readonly health: string
  readonly lastError: string
}

export interface PrometheusOptions {
  /** host:port of each target, scraped at /metrics under job `sluice`. */
  readonly targets: readonly string[]
  readonly scrapeIntervalMs?: number
  readonly ruleFiles?: readonly string[]
  readonly evaluationIntervalMs?: number
}

export interface PrometheusServer {
  /** http://127.0.0.1:<port> */
  readonly url: string
  /** An instant query; rejects with Prometheus's error text when the status is not success. */
  query(expr: string): Promise<PromVector>
  /** Polls `query(expr)` until `predicate` holds and returns that vector; rejects with the last one. */
  queryUntil(expr: string, predicate: (vector: PromVector) => boolean, options: { readonly timeoutMs: number }): Promise<PromVector>
  targetsHealth(): Promise<PromTargetHealth[]>
  /** Stops the server (SIGTERM, then SIGKILL) and removes its config and data. Safe to call twice. */
  close(): Promise<void>
}

/**
 * Starts Prometheus on a free loopback port with a fresh config and TSDB in a temp dir, and
 * resolves once /-/ready answers. Rejects with the stderr tail if it exits or is not ready in time.
 * Note: a new target is first scraped only after discovery's first update, about 5 s after start.
 */
export async function startPrometheus(options: PrometheusOptions): Promise<PrometheusServer> {
  requirePrometheus()
  const dir = await mkdtemp(join(tmpdir(), 'sluice-prometheus-'))
  try {
    const configFile = join(dir, 'prometheus.yml')
    await writeFile(configFile, prometheusConfig(options))
    // The free port can be taken between our close and Prometheus's bind; one retry covers that race.
    for (let attempt = 1; ; attempt++) {
      const port = await freePort()
      const started = await spawnPrometheus(configFile, join(dir, `data-${attempt}`), port)
      if (started.ok) return serverHandle(started.process, `http://127.0.0.1:${port}`, dir)
      if (attempt >= 2 || !started.stderrTail.includes('address already in use')) {
        throw new Error(`prometheus did not become ready: ${started.reason}; stderr: ${started.stderrTail}`)
      }
    }
  } catch (error) {
    await rm(dir, { recursive: true, force: true })
    throw error
  }
}

/** The config as JSON, which YAML accepts, so no value needs YAML quoting. */
function prometheusConfig(options: PrometheusOptions): string {
  const scrapeInterval = `${options.scrapeIntervalMs ?? 1_000}ms`
  return JSON.stringify({
    global: {
      scrape_interval: scrapeInterval,
      // Prometheus refuses a timeout longer than the interval; its default is 10 s.
      scrape_timeout: scrapeInterval,
      evaluation_interval: `${options.evaluationIntervalMs ?? 1_000}ms`,
    },
    // Prometheus resolves relative rule paths against the config file's dir, not our cwd.
    rule_files: (options.ruleFiles ?? []).map((file) => resolve(file)),
    scrape_configs: [{ job_name: 'sluice', metrics_path: '/metrics', static_configs: [{ targets: options.targets }] }],
  }, null, 2)
}

function freePort(): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address !== null ? address.port : 0
      server.close(() => (port === 0 ? reject(new Error('no port assigned')) : resolvePromise(port)))
    })
  })
}

/** A child's stderr, keeping only the last few kilobytes. */
class StderrTail {
  private text = ''
  append(chunk: Buffer): void {
    this.text = (this.text + chunk.toString('utf8')).slice(-STDERR_TAIL_BYTES)
  }
  toString(): string {
    return this.text
  }
}

interface RunningPrometheus {
  readonly child: ChildProcess
  readonly stderr: StderrTail
  /** Resolves when the process has exited, with how it ended. */
  readonly exited: Promise<string>
}

type SpawnOutcome =
  | { readonly ok: true; readonly process: RunningPrometheus }
  | { readonly ok: false; readonly reason: string; readonly stderrTail: string }

async function spawnPrometheus(configFile: string, dataDir: string, port: number): Promise<SpawnOutcome> {
  const child = spawn(PROMETHEUS, [
    `--config.file=${configFile}`,
    `--storage.tsdb.path=${dataDir}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--log.level=warn',
  ], { stdio: ['ignore', 'ignore', 'pipe'], timeout: PROMETHEUS_LIFETIME_MS, killSignal: 'SIGKILL' })
  const stderr = new StderrTail()
  child.stderr?.on('data', (chunk: Buffer) => stderr.append(chunk))
  let exitReason: string | undefined
  const exited = new Promise<string>((resolvePromise) => {
    const ended = (reason: string): void => {
      exitReason ??= reason
      resolvePromise(exitReason)
    }
    child.once('error', (error) => ended(`failed to start: ${error.message}`))
    child.once('exit', (code, signal) => ended(signal === null ? `exited with ${code}` : `was killed by ${signal}`))
  })
  const running = { child, stderr, exited }
  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + READY_TIMEOUT_MS
  for (let poll = 0; poll < READY_TIMEOUT_MS / POLL_INTERVAL_MS && Date.now() < deadline; poll++) {
    if (exitReason !== undefined) return { ok: false, reason: exitReason, stderrTail: stderr.toString() }
    if (await isReady(url)) return { ok: true, process: running }
    await sleep(POLL_INTERVAL_MS)
  }
  await stop(running)
  return { ok: false, reason: `not ready after ${READY_TIMEOUT_MS} ms`, stderrTail: stderr.toString() }
}

async function isReady(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(HTTP_TIMEOUT_MS) })
    await response.arrayBuffer()
    return response.ok
  } catch {
    return false // not listening yet
  }
}

/** SIGTERM, then SIGKILL if it has not exited within STOP_TIMEOUT_MS. */
async function stop(running: RunningPrometheus): Promise<void> {
  if (running.child.exitCode !== null || running.child.signalCode !== null) return
  running.child.kill('SIGTERM')
  if (await settlesWithin(running.exited, STOP_TIMEOUT_MS)) return
  running.child.kill('SIGKILL')
  if (!(await settlesWithin(running.exited, STOP_TIMEOUT_MS))) {
    throw new Error(`prometheus (pid ${running.child.pid}) did not exit after SIGKILL`)
  }
}

function serverHandle(running: RunningPrometheus, url: string, dir: string): PrometheusServer {
  // A test process that exits without close() still takes its Prometheus with it.
  const killOnExit = (): void => { running.child.kill('SIGKILL') }
  process.once('exit', killOnExit)
  let closing: Promise<void> | undefined

  async function getJson(path: string): Promise<unknown> {
    let response: Response
    try {
      response = await fetch(`${url}${path}`, { signal: AbortSignal.timeout(HTTP_TIMEOUT_MS) })
    } catch (error) {
      if (running.child.exitCode !== null || running.child.signalCode !== null) {
        throw new Error(`prometheus has exited (${await running.exited}); stderr: ${running.stderr.toString()}`, { cause: error })
      }
      throw error
    }
    const body = await response.text()
    try {
      return JSON.parse(body) as unknown
    } catch {
      throw new Error(`GET ${path}: HTTP ${response.status}, not JSON: ${body.slice(0, 500)}`)
    }
  }

  async function query(expr: string): Promise<PromVector> {
    const body = await getJson(`/api/v1/query?query=${encodeURIComponent(expr)}`)
    return parseVector(expr, body)
  }

  return {
    url,
    query,
    async queryUntil(expr, predicate, options) {
      const deadline = Date.now() + options.timeoutMs
      let last: PromVector = []
      for (let poll = 0; poll <= options.timeoutMs / POLL_INTERVAL_MS && Date.now() <= deadline; poll++) {
        last = await query(expr)
        if (predicate(last)) return last
        await sleep(POLL_INTERVAL_MS)
      }
      throw new Error(`${expr}: condition not met after ${options.timeoutMs} ms; last result: ${JSON.stringify(last)}`)
    },
    async targetsHealth() {
      const body = await getJson('/api/v1/targets?state=active')
      const targets = (successData('targets', body) as { activeTargets?: unknown }).activeTargets
      if (!Array.isArray(targets)) throw new Error(`targets: no activeTargets in ${JSON.stringify(body)}`)
      return targets.map((target: { scrapeUrl?: unknown; health?: unknown; lastError?: unknown }) => ({
        scrapeUrl: String(target.scrapeUrl),
        health: String(target.health),
        lastError: String(target.lastError ?? ''),
      }))
    },
    close() {
      closing ??= (async () => {
        process.removeListener('exit', killOnExit)
        try {
          await stop(running)
        } finally {
          await rm(dir, { recursive: true, force: true })
        }
      })()
      return closing
    },
  }
}

/** The `data` of an API response; throws Prometheus's error text unless the status is success. */
function successData(what: string, body: unknown): unknown {
  const { status, error, errorType, data } = body as { status?: unknown; error?: unknown; errorType?: unknown; data?: unknown }
  if (status !== 'success') throw new Error(`${what}: prometheus answered ${String(errorType)}: ${String(error)}`)
  return data
}

function parseVector(expr: string, body: unknown): PromVector {
  const { resultType, result } = successData(expr, body) as { resultType?: unknown; result?: unknown }
  if (resultType !== 'vector' || !Array.isArray(result)) {
    throw new Error(`${expr}: expected an instant vector, got ${String(resultType)}`)
  }
  return result.map((sample: { metric?: Record<string, string>; value?: [number, string] }) => ({
    metric: sample.metric ?? {},
    value: parseSampleValue(sample.value?.[1]),
  }))
}

/** Prometheus sends values as strings, spelling infinities `+Inf`/`-Inf`, which Number() rejects. */
function parseSampleValue(text: string | undefined): number {
  switch (text) {
    case '+Inf': return Infinity
    case '-Inf': return -Infinity
    case undefined: return NaN
    default: return Number(text)
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolvePromise) => setTimeout(resolvePromise, ms))
}

/** True if `promise` settles within `ms`; the timer never keeps the process alive. */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<false>((resolvePromise) => { timer = setTimeout(() => resolvePromise(false), ms) })
  try {
    return await Promise.race([promise.then(() => true), timeout])
  } finally {
    clearTimeout(timer)
  }
}
