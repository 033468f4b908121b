// Runs a Python snippet (the Debian python3 and its packaged Kafka/compression modules) as a
// child process, for cross-checks against other implementations. Binary in on stdin, binary out
// on stdout. A missing module fails the test naming the apt package to install; tests never skip.
import { runChild } from './child-process.js'

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
export async function runPython(script: string, input: Uint8Array = new Uint8Array(0), options: { readonly timeoutMs?: number } = {}): Promise<Buffer> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
  const result = await runChild(PYTHON, ['-c', script], { input, timeoutMs, whenMissing: `${PYTHON} is missing: install it with apt-get install python3` })
  if (result.code === 0) return result.stdout
  const message = result.stderr.toString('utf8')
  const missing = /No module named '([\w.]+)'/.exec(message)?.[1]?.split('.')[0]
  if (missing !== undefined) {
    const pkg = APT_PACKAGES[missing] ?? `the package providing the python module ${missing}`
    throw new Error(`python module '${missing}' is missing: install it with apt-get install ${pkg}`)
  }
  const reason = result.signal === null ? `exited with ${result.code}` : `was killed by ${result.signal} (timeout ${timeoutMs} ms)`
  throw new Error(`python ${reason}: ${message}`)
}

/**
 * Runs `script` with `input` as JSON on stdin and parses its stdout as JSON: for driving client
 * libraries (confluent_kafka) step by step from a test.
 */
export async function runPythonJson(script: string, input: unknown, options: { readonly timeoutMs?: number } = {}): Promise<unknown> {
  const output = await runPython(script, Buffer.from(JSON.stringify(input)), options)
  return JSON.parse(output.toString('utf8')) as unknown
}
