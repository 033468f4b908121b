// Runs kcat (Debian's /usr/bin/kcat, built on librdkafka 2.0.2) as a child process with a hard
// timeout. Resolves with the exit code and both streams so a test can assert on failures too;
// rejects only when kcat cannot be started (naming the apt package) or is killed by the timeout.
import { runChild } from './child-process.js'

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
export async function runKcat(args: readonly string[], options: KcatOptions = {}): Promise<KcatResult> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
  const result = await runChild(KCAT, args, { input: options.input ?? '', timeoutMs, whenMissing: `${KCAT} is missing: install it with apt-get install kcat` })
  const stderr = result.stderr.toString('utf8')
  if (result.signal !== null) throw new Error(`kcat ${args.join(' ')} was killed by ${result.signal} (timeout ${timeoutMs} ms); stderr: ${stderr}`)
  return { code: result.code, stdout: result.stdout.toString('utf8'), stderr }
}

/** Runs kcat and resolves to its stdout; rejects with its stderr unless it exits 0. */
export async function kcat(args: readonly string[], options: KcatOptions = {}): Promise<string> {
  const result = await runKcat(args, options)
  if (result.code !== 0) throw new Error(`kcat ${args.join(' ')} exited with ${result.code}: ${result.stderr}`)
  return result.stdout
}
