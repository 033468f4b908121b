// Runs kcat (Debian's /usr/bin/kcat, built on librdkafka 2.0.2) as a child process with a hard
// timeout. Resolves with the exit code and both streams so a test can assert on failures too;
// rejects only when kcat cannot be started (naming the apt package) or is killed by the timeout.
import { spawn } from 'node:child_process'

const KCAT = '/usr/bin/kcat'
const DEFAULT_TIMEOUT_MS = 15_000

export interface KcatResult {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

export interface KcatOptions {
  /** Written to kcat's stdin, which is then closed (the producer reads one record per line). */
  readonly input?: string
  readonly timeoutMs?: number
}

/** Runs kcat with `args`; never leaves the child running beyond `timeoutMs`. */
export function runKcat(args: readonly string[], options: KcatOptions = {}): Promise<KcatResult> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
  return new Promise((resolve, reject) => {
    const child = spawn(KCAT, args, { stdio: ['pipe', 'pipe', 'pipe'], timeout: timeoutMs, killSignal: 'SIGKILL' })
    const stdout: Buffer[] = []
    const stderr: Buffer[] = []
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk))
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk))
    child.on('error', (error: NodeJS.ErrnoException) => {
      reject(error.code === 'ENOENT' ? new Error(`${KCAT} is missing: install it with apt-get install kcat`) : error)
    })
    child.on('close', (code, signal) => {
      const result = { code: code ?? -1, stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') }
      if (signal !== null) {
        reject(new Error(`kcat ${args.join(' ')} was killed by ${signal} (timeout ${timeoutMs} ms); stderr: ${result.stderr}`))
        return
      }
      resolve(result)
    })
    child.stdin.on('error', reject)
    child.stdin.end(options.input ?? '')
  })
}

/** Runs kcat and resolves to its stdout; rejects with its stderr unless it exits 0. */
export async function kcat(args: readonly string[], options: KcatOptions = {}): Promise<string> {
  const result = await runKcat(args, options)
  if (result.code !== 0) throw new Error(`kcat ${args.join(' ')} exited with ${result.code}: ${result.stderr}`)
  return result.stdout
}
