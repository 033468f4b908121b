// The `sluice` command as a user runs it: the server subcommand checks its configuration the way
// Kafka does before anything starts.
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { test } from 'node:test'
import { promisify } from 'node:util'
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

test('the shipped server.properties is valid and an unknown key is only a warning', async () => {
  const result = await sluice('server', '--config', 'config/server.properties', '--override', 'no.such.key=1')
  assert.match(result.stderr, /The configuration 'no\.such\.key' was supplied but isn't a known config\./)
  assert.match(result.stderr, /configuration of node 1 is valid/)
})
