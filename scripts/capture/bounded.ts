// Bounded waits for the capture run: every client call, child process and condition has a deadline.
import { spawn } from 'node:child_process'

export async function withTimeout<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${timeoutMs} ms`)), timeoutMs)
  })
  try {
    return await Promise.race([promise, deadline])
  } finally {
    clearTimeout(timer)
  }
}

/** Resolves true once condition() holds, false if timeoutMs passes first. */
export async function waitFor(condition: () => boolean, { timeoutMs, intervalMs = 25 }: { timeoutMs: number; intervalMs?: number }): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() >= deadline) return false
    await new Promise((resolve) => setTimeout(resolve, intervalMs))
  }
  return true
}

export interface ProcessResult {
  readonly exitCode: number | null
  readonly stdout: string
  readonly stderr: string
}

/** Runs a command to completion; past timeoutMs the child (and only it) is killed and this rejects. */
export async function runProcess(command: string, args: readonly string[], options: { input?: string; timeoutMs: number; env?: NodeJS.ProcessEnv }): Promise<ProcessResult> {
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], env: options.env ?? process.env })
  const stdout: Buffer[] = []
  const stderr: Buffer[] = []
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk))
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk))
  // A child that exits without reading its input makes the write fail with EPIPE; its exit code
  // and stderr, reported below, say more than that error would.
  child.stdin.on('error', () => undefined)
  child.stdin.end(options.input ?? '')
  const finished = new Promise<ProcessResult>((resolve, reject) => {
    child.once('error', reject)
    child.once('close', (exitCode) => resolve({ exitCode, stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') }))
  })
  try {
    return await withTimeout(finished, options.timeoutMs, `${command} ${args.join(' ')}`)
  } catch (error) {
    if (child.exitCode === null && child.pid !== undefined) child.kill('SIGKILL')
    const partial = Buffer.concat(stderr).toString('utf8').trim().split('\n').slice(-5).join('\n')
    throw new Error(`${String(error)}${partial === '' ? '' : `\nlast stderr:\n${partial}`}`, { cause: error })
  }
}
