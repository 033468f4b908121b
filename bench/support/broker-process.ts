// Running `sluice server` as a child process for benchmarks: free ports, a given log dir, a
// bounded wait until it serves, its output tail kept for failures, and SIGTERM to stop it.
// Also the small process and timing helpers the broker-level benches share.
//   SLUICE_BENCH_BROKER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof"   passes Node options to
//   the broker child (split on spaces), e.g. to profile it; unset, the broker starts as before.
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { connect, createServer } from 'node:net'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The repository root (this file runs as dist/bench/support/broker-process.js). */
export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..')

export const BROKER_START_TIMEOUT_MS = 15_000
export const BROKER_STOP_TIMEOUT_MS = 10_000

/** A failure the bench explains in one message (no stack): missing tools, a broker that does not start. */
export class BenchError extends Error {}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** Rejects with `what` when `promise` has not settled within `timeoutMs`. */
export async function withTimeout<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new BenchError(`${what}: no result within ${timeoutMs} ms`)), timeoutMs)
  })
  try {
    return await Promise.race([promise, timeout])
  } finally {
    clearTimeout(timer)
  }
}

export const secondsSince = (start: bigint): number => Number(process.hrtime.bigint() - start) / 1e9

/** The last `limit` characters of a stream, kept as it flows so the pipe never fills. */
export class Tail {
  private text = ''
  constructor(private readonly limit = 4000) {}
  append(chunk: Buffer | string): void {
    this.text = (this.text + chunk.toString()).slice(-this.limit)
  }
  toString(): string {
    return this.text.trimEnd()
  }
}

export const indent = (text: string): string => (text === '' ? '  (nothing)' : text.split('\n').map((line) => `  ${line}`).join('\n'))

/** A free TCP port on 127.0.0.1, found by binding port 0. */
export async function freePort(): Promise<number> {
  const server = createServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const address = server.address()
  server.close()
  await once(server, 'close')
  if (address === null || typeof address === 'string') throw new Error('no port from listen(0)')
  return address.port
}

/** True when a TCP connection to the port succeeds within `timeoutMs`. */
export function canConnect(port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port })
    const finish = (isOpen: boolean): void => {
      socket.destroy()
      resolve(isOpen)
    }
    socket.setTimeout(timeoutMs, () => finish(false))
    socket.once('connect', () => finish(true))
    socket.once('error', () => finish(false))
  })
}

/** Sends SIGTERM, then SIGKILL if the child has not exited within `timeoutMs`; false when it took SIGKILL. */
export async function stopChild(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return true
  const exited = once(child, 'exit')
  child.kill('SIGTERM')
  let isKilled = false
  const timer = setTimeout(() => {
    isKilled = true
    child.kill('SIGKILL')
  }, timeoutMs)
  try {
    await withTimeout(exited, timeoutMs + 5000, 'stopping a child process')
  } finally {
    clearTimeout(timer)
  }
  return !isKilled
}

export interface BrokerProcess {
  readonly port: number
  readonly bootstrap: string
  readonly child: ChildProcess
  readonly output: Tail
}

/** Node options for the broker child from SLUICE_BENCH_BROKER_NODE_ARGS (none when unset). */
function brokerNodeArgs(): string[] {
  return (process.env['SLUICE_BENCH_BROKER_NODE_ARGS'] ?? '').split(' ').filter((arg) => arg !== '')
}

/**
 * Starts `sluice server` on free ports with `logDir`, and waits until a TCP connect succeeds and
 * then `probe` (given the broker and the seconds left; named `probeName` in errors) resolves, all within
 * BROKER_START_TIMEOUT_MS; `options` adds Node options, environment variables and server.properties
 * overrides (`key=value`) for the child.
 * On failure the broker is stopped and the error carries its output tail.
 */
export async function startBroker(
  logDir: string,
  probe: (broker: BrokerProcess, secondsLeft: number) => Promise<void>,
  probeName = 'Metadata',
  options: { readonly nodeArgs?: readonly string[]; readonly env?: NodeJS.ProcessEnv; readonly overrides?: readonly string[] } = {},
): Promise<BrokerProcess> {
  const main = join(root, 'dist', 'src', 'main.js')
  const port = await freePort()
  const controllerPort = await freePort()
  const args = [
    ...brokerNodeArgs(),
    ...(options.nodeArgs ?? []),
    main,
    'server',
    '--config',
    join(root, 'config', 'server.properties'),
    '--override',
    `log.dirs=${logDir}`,
    '--override',
    `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    '--override',
    `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
    // server.properties' fixed metrics port would collide between brokers; an override may name one.
    '--override',
    'metrics.port=0',
    ...(options.overrides ?? []).flatMap((override) => ['--override', override]),
  ]
  const env = options.env === undefined ? process.env : { ...process.env, ...options.env }
  const child = spawn(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] })
  const output = new Tail(6000)
  child.stdout.on('data', (chunk: Buffer) => output.append(chunk))
  child.stderr.on('data', (chunk: Buffer) => output.append(chunk))
  let spawnError: Error | undefined
  child.once('error', (error) => (spawnError = error))
  const broker = { port, bootstrap: `127.0.0.1:${port}`, child, output }
  const failure = (reason: string): BenchError =>
    new BenchError(`the broker did not start: ${reason}\n  command: node ${args.join(' ')}\n  its output ends:\n${indent(output.toString())}`)
  const deadline = Date.now() + BROKER_START_TIMEOUT_MS
  try {
    for (;;) {
      if (spawnError !== undefined) throw failure(spawnError.message)
      if (child.exitCode !== null || child.signalCode !== null) throw failure(`it exited with ${child.exitCode ?? child.signalCode}`)
      if (Date.now() > deadline) throw failure(`no connection to port ${port} within ${BROKER_START_TIMEOUT_MS / 1000} s`)
      if (await canConnect(port, 500)) break
      await sleep(100)
    }
    const left = (deadline - Date.now()) / 1000
    try {
      await probe(broker, left)
    } catch (error) {
      throw failure(`port ${port} accepts connections but ${probeName} failed: ${(error as Error).message}`)
    }
    return broker
  } catch (error) {
    await stopChild(child, 2000)
    throw error
  }
}

/** SIGTERM, then SIGKILL after BROKER_STOP_TIMEOUT_MS; true when the broker stopped on SIGTERM. */
export function stopBroker(broker: BrokerProcess): Promise<boolean> {
  return stopChild(broker.child, BROKER_STOP_TIMEOUT_MS)
}
