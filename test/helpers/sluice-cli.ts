// Runs the `sluice` command (dist/src/main.js) as a child process, as a user would: arguments,
// optional standard input, a hard timeout. Resolves with the exit code and both streams.
import { spawn } from 'node:child_process'
import { repoPath } from './repo-root.js'

export interface CliResult {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

export interface CliOptions {
  /** Written to standard input, which is then closed. */
  readonly input?: string | Buffer
  readonly timeoutMs?: number
  readonly env?: NodeJS.ProcessEnv
}

export function runSluice(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  const timeoutMs = options.timeoutMs ?? 20_000
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [repoPath('dist', 'src', 'main.js'), ...args], {
      cwd: repoPath(), stdio: ['pipe', 'pipe', 'pipe'], timeout: timeoutMs, killSignal: 'SIGKILL',
      env: options.env === undefined ? process.env : { ...process.env, ...options.env },
    })
    const stdout: Buffer[] = []
    const stderr: Buffer[] = []
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk))
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk))
    child.on('error', reject)
    child.on('close', (code, signal) => {
      const result = { code: code ?? -1, stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') }
      if (signal !== null) reject(new Error(`sluice ${args.join(' ')} was killed by ${signal} (timeout ${timeoutMs} ms); stderr: ${result.stderr}`))
      else resolve(result)
    })
    child.stdin.end(options.input)
  })
}

/** Runs sluice and asserts exit 0, returning standard output; the error names the command and its stderr. */
export async function sluiceOk(args: readonly string[], options: CliOptions = {}): Promise<string> {
  const result = await runSluice(args, options)
  if (result.code !== 0) throw new Error(`sluice ${args.join(' ')} exited ${result.code}: ${result.stderr}`)
  return result.stdout
}
