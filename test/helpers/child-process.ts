// Runs a program as a child process for a test: arguments, optional standard input, a hard
// timeout (SIGKILL). Resolves with how it ended and both streams; rejects only when it cannot be
// started, naming how to install it when the binary is missing. The client helpers (kcat, python,
// promtool, sluice) put their own meaning on top.
import { spawn } from 'node:child_process'

export interface ChildResult {
  /** -1 when the child was killed by a signal. */
  readonly code: number
  readonly signal: NodeJS.Signals | null
  readonly stdout: Buffer
  readonly stderr: Buffer
}

export interface ChildOptions {
  /** Written to standard input, which is then closed. */
  readonly input?: string | Uint8Array
  readonly timeoutMs: number
  readonly env?: NodeJS.ProcessEnv
  readonly cwd?: string
  /** The error message when the binary does not exist, e.g. how to install it. */
  readonly whenMissing?: string
}

export function runChild(command: string, args: readonly string[], options: ChildOptions): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      stdio: ['pipe', 'pipe', 'pipe'], timeout: options.timeoutMs, killSignal: 'SIGKILL',
      ...(options.env === undefined ? {} : { env: { ...process.env, ...options.env } }),
      ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    })
    const stdout: Buffer[] = []
    const stderr: Buffer[] = []
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk))
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk))
    child.on('error', (error: NodeJS.ErrnoException) => {
      reject(error.code === 'ENOENT' && options.whenMissing !== undefined ? new Error(options.whenMissing) : error)
    })
    child.on('close', (code, signal) => resolve({ code: code ?? -1, signal, stdout: Buffer.concat(stdout), stderr: Buffer.concat(stderr) }))
    // A child that exits without reading its input must not fail the test with EPIPE.
    child.stdin.on('error', () => {})
    child.stdin.end(options.input)
  })
}
