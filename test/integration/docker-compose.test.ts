// docker/docker-compose.yml as Debian's docker-compose reads it: there is no Docker engine on the
// test machines, but `docker-compose config` validates and resolves the file without one.
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { accessSync, constants } from 'node:fs'
import { test } from 'node:test'
import { promisify } from 'node:util'
import { repoPath } from '../helpers/repo-root.js'

const execFileAsync = promisify(execFile)
const DOCKER_COMPOSE = '/usr/bin/docker-compose'

function requireDockerCompose(): void {
  try {
    accessSync(DOCKER_COMPOSE, constants.X_OK)
  } catch {
    throw new Error(`${DOCKER_COMPOSE} is missing: install it with apt-get install -y docker-compose`)
  }
}

async function composeConfig(...args: string[]): Promise<string> {
  requireDockerCompose()
  const { stdout } = await execFileAsync(DOCKER_COMPOSE, ['-f', repoPath('docker', 'docker-compose.yml'), 'config', ...args], {
    cwd: repoPath(), timeout: 30_000, env: { ...process.env, SLUICE_ADVERTISED_HOST: '' },
  })
  return stdout
}

test('docker-compose config accepts docker/docker-compose.yml', async () => {
  const resolved = await composeConfig()
  assert.match(resolved, /^services:$/m)
  assert.match(resolved, /dockerfile: docker\/Dockerfile/)
  assert.match(resolved, /SLUICE_CFG_ADVERTISED_LISTENERS: PLAINTEXT:\/\/localhost:9092/, 'the advertised host defaults to localhost')
})

test('the compose file runs Sluice, Prometheus and Grafana with their volumes', async () => {
  assert.deepEqual((await composeConfig('--services')).trim().split('\n').sort(), ['grafana', 'prometheus', 'sluice'])
  assert.deepEqual((await composeConfig('--volumes')).trim().split('\n').sort(), ['grafana-data', 'prometheus-data', 'sluice-data'])
})
