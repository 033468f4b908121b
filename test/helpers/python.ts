// Runs a Python snippet (the Debian python3 and its packaged Kafka/compression modules) as a
// child process, for cross-checks against other implementations. Binary in on stdin, binary out
// on stdout. A missing module fails the test naming the apt package to install; tests never skip.
import { spawn } from 'node:child_process'

const PYTHON = '/usr/bin/python3'
const DEFAULT_TIMEOUT_MS = 20_000

/** Debian packages that provide the modules the tests import. */
const APT_PACKAGES: Readonly<Record<string, string>> = {
  confluent_kafka: 'python3-confluent-kafka',
  kafka: 'python3-kafka',
  lz4: 'python3-lz4',
  snappy: 'python3-snappy',
  zstandard: 'python3-zstandard',
}

/**
 * Runs `script` with `input` on stdin and resolves to its stdout; rejects on any failure, and
 * kills the child after `timeoutMs`.
 */
export function runPython(script: string, input: Uint8Array = new Uint8Array(0), options: { readonly timeoutMs?: number } = {}): Promise<Buffer> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, ['-c', script], { stdio: ['pipe', 'pipe', 'pipe'], timeout: timeoutMs, killSignal: 'SIGKILL' })
    const stdout: Buffer[] = []
    const stderr: Buffer[] = []
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk))
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk))
    child.on('error', reject)
    child.on('close', (code, signal) => {
      if (code === 0) {
        resolve(Buffer.concat(stdout))
        return
      }
      const message = Buffer.concat(stderr).toString('utf8')
      const missing = /No module named '([\w.]+)'/.exec(message)?.[1]?.split('.')[0]
      if (missing !== undefined) {
        const pkg = APT_PACKAGES[missing] ?? `the package providing the python module ${missing}`
        reject(new Error(`python module '${missing}' is missing: install it with apt-get install ${pkg}`))
        return
      }
      const reason = signal === null ? `exited with ${code}` : `was killed by ${signal} (timeout ${timeoutMs} ms)`
      reject(new Error(`python ${reason}: ${message}`))
    })
    child.stdin.on('error', reject)
    child.stdin.end(input)
  })
}

/**
 * Runs `script` with `input` as JSON on stdin and parses its stdout as JSON: for driving client
 * libraries (confluent_kafka) step by step from a test.
 */
export async function runPythonJson(script: string, input: unknown, options: { readonly timeoutMs?: number } = {}): Promise<unknown> {
  const output = await runPython(script, Buffer.from(JSON.stringify(input)), options)
  return JSON.parse(output.toString('utf8')) as unknown
}
