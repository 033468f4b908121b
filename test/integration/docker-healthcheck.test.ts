// docker/healthcheck.mjs, the container's HEALTHCHECK, run as Docker would against a real node:
// exit 0 while /readyz answers 200, 1 with the reason on stderr when nothing listens.
import assert from 'node:assert/strict'
import { createServer, type AddressInfo } from 'node:net'
import { test } from 'node:test'
import { startTestBroker } from '../helpers/broker.js'
import { runChild } from '../helpers/child-process.js'
import { repoPath } from '../helpers/repo-root.js'

function healthcheck(port: number): ReturnType<typeof runChild> {
  return runChild(process.execPath, [repoPath('docker', 'healthcheck.mjs')], { timeoutMs: 10_000, env: { SLUICE_CFG_METRICS_PORT: String(port) } })
}

test('the health check passes against a ready node and fails, saying why, when nothing answers', async (t) => {
  const node = await startTestBroker(t)
  const ready = await healthcheck(Number(new URL(node.metricsUrl!).port))
  assert.equal(ready.code, 0, ready.stderr.toString('utf8'))

  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  await new Promise<void>((resolve) => server.close(() => resolve()))
  const down = await healthcheck(port)
  assert.equal(down.code, 1)
  assert.match(down.stderr.toString('utf8'), new RegExp(`127\\.0\\.0\\.1:${port}/readyz: fetch failed`))
})
