// The `sluice` command as a user runs it: the server subcommand checks its configuration the way
// Kafka does before anything starts, then runs the node until a signal stops it.
import assert from 'node:assert/strict'
import { execFile, spawn } from 'node:child_process'
import { createServer, type AddressInfo } from 'node:net'
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, type TestContext } from 'node:test'
import { promisify } from 'node:util'
import { runChild } from '../helpers/child-process.js'
import { repoPath } from '../helpers/repo-root.js'

const execFileAsync = promisify(execFile)

async function sluice(...args: string[]): Promise<{ code: number; stderr: string }> {
  try {
    const { stderr } = await execFileAsync(process.execPath, [repoPath('dist', 'src', 'main.js'), ...args], { cwd: repoPath(), timeout: 20_000 })
    return { code: 0, stderr }
  } catch (error) {
    const failure = error as { code?: number; stderr?: string }
    return { code: failure.code ?? -1, stderr: failure.stderr ?? '' }
  }
}

test('an invalid value stops start-up with one line naming the key, the value and what is allowed', async () => {
  const result = await sluice('server', '--config', 'config/server.properties', '--override', 'num.partitions=abc')
  assert.equal(result.code, 1)
  assert.equal(result.stderr.trim(), 'sluice: Invalid value abc for configuration num.partitions: Not a number of type INT')
})

test('the shipped server.properties starts a node that warns about unknown keys and stops cleanly on SIGTERM', async (t) => {
  const logDir = await mkdtemp(join(tmpdir(), 'sluice-command-'))
  t.after(() => rm(logDir, { recursive: true, force: true }))
  const child = spawn(process.execPath, [
    repoPath('dist', 'src', 'main.js'), 'server', '--config', 'config/server.properties',
    '--override', `log.dirs=${logDir}`,
    '--override', 'listeners=PLAINTEXT://127.0.0.1:0,CONTROLLER://127.0.0.1:0',
    '--override', 'controller.quorum.voters=1@127.0.0.1:0',
    '--override', 'metrics.port=0',
    '--override', 'no.such.key=1',
  ], { cwd: repoPath(), stdio: ['ignore', 'pipe', 'pipe'], timeout: 20_000 })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString('utf8') })
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString('utf8') })
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)))
  const deadline = Date.now() + 15_000
  while (!/serving on 127\.0\.0\.1:\d+/.test(stderr) && Date.now() < deadline && child.exitCode === null) {
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  assert.match(stderr, /sluice: node 1 of cluster [\w-]{22} serving on 127\.0\.0\.1:\d+, metrics on http:\/\/127\.0\.0\.1:\d+\/metrics/)
  const metricsUrl = /metrics on (\S+)/.exec(stderr)?.[1] ?? ''
  const scrape = await fetch(metricsUrl, { signal: AbortSignal.timeout(5_000) })
  assert.equal(scrape.status, 200)
  assert.match(await scrape.text(), /^kafka_controller_kafkacontroller_activecontrollercount 1$/m)
  child.kill('SIGTERM')
  assert.equal(await exited, 0)
  assert.match(stdout, /The configuration 'no\.such\.key' was supplied but isn't a known config\./)
  assert.match(stdout, /"msg":"broker stopped"/)
  // A clean stop leaves Kafka's marker, so the next start skips recovery.
  assert.ok((await readdir(logDir)).includes('.kafka_cleanshutdown'))
  assert.match(await readFile(join(logDir, 'meta.properties'), 'utf8'), /node\.id=1/)
})

/**
 * Starts `sluice server` with a port taken by another socket in the overrides `withPort` builds,
 * and asserts the one-line refusal; resolves with the log dir it was given.
 */
async function assertPortInUseRefused(t: TestContext, withPort: (port: number) => readonly string[]): Promise<string> {
  const blocker = createServer()
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve))
  t.after(() => new Promise<void>((resolve) => blocker.close(() => resolve())))
  const port = (blocker.address() as AddressInfo).port
  const logDir = await mkdtemp(join(tmpdir(), 'sluice-command-'))
  t.after(() => rm(logDir, { recursive: true, force: true }))
  const overrides = [`log.dirs=${logDir}`, 'controller.quorum.voters=1@127.0.0.1:0', ...withPort(port)]
  const result = await sluice('server', '--config', 'config/server.properties', ...overrides.flatMap((override) => ['--override', override]))
  assert.equal(result.code, 1)
  assert.equal(result.stderr.trim(), `sluice: cannot listen on 127.0.0.1:${port}: the address is already in use (EADDRINUSE); see listeners (and metrics.host, metrics.port) in the configuration`)
  return logDir
}

test('a listener port already in use stops start-up with one line naming the address, not a stack trace', async (t) => {
  await assertPortInUseRefused(t, (port) => [`listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:0`, 'metrics.port=0'])
})

test('a metrics port already in use stops start-up with the same one line, before any log dir is touched', async (t) => {
  const logDir = await assertPortInUseRefused(t, (port) => ['listeners=PLAINTEXT://127.0.0.1:0,CONTROLLER://127.0.0.1:0', `metrics.port=${port}`])
  assert.deepEqual(await readdir(logDir), [], 'the log dir is not formatted')
})

test('npx sluice runs the command in the checkout, as the README says', async () => {
  const result = await runChild('npx', ['--offline', 'sluice', '--help'], { timeoutMs: 60_000, cwd: repoPath(), whenMissing: 'npx is missing: it comes with npm' })
  assert.equal(result.code, 0, result.stderr.toString('utf8'))
  const help = result.stdout.toString('utf8')
  for (const command of ['server', 'topics', 'groups', 'configs', 'produce', 'consume', 'cluster', 'offsets']) {
    assert.match(help, new RegExp(`sluice ${command}\\b`), `--help lists ${command}`)
  }
})
