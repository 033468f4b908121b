// Runs the `sluice` command (dist/src/main.js) as a child process, as a user would: arguments,
// optional standard input, a hard timeout. Resolves with the exit code and both streams.
import { runChild } from './child-process.js'
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

export async function runSluice(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  const timeoutMs = options.timeoutMs ?? 20_000
  const result = await runChild(process.execPath, [repoPath('dist', 'src', 'main.js'), ...args], {
    timeoutMs, cwd: repoPath(), ...(options.input === undefined ? {} : { input: options.input }), ...(options.env === undefined ? {} : { env: options.env }),
  })
  const stderr = result.stderr.toString('utf8')
  if (result.signal !== null) throw new Error(`sluice ${args.join(' ')} was killed by ${result.signal} (timeout ${timeoutMs} ms); stderr: ${stderr}`)
  return { code: result.code, stdout: result.stdout.toString('utf8'), stderr }
}

/** Runs sluice and asserts exit 0, returning standard output; the error names the command and its stderr. */
export async function sluiceOk(args: readonly string[], options: CliOptions = {}): Promise<string> {
  const result = await runSluice(args, options)
  if (result.code !== 0) throw new Error(`sluice ${args.join(' ')} exited ${result.code}: ${result.stderr}`)
  return result.stdout
}
