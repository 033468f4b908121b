// The container's HEALTHCHECK: exit 0 when the node's /readyz answers 200 (logs loaded, metadata
// caught up, listeners open), else 1. Node's own fetch, since the slim image has no curl or wget.
// The port follows SLUICE_CFG_METRICS_PORT, as the server does (9404 when unset).
const port = process.env.SLUICE_CFG_METRICS_PORT || '9404'
const url = `http://127.0.0.1:${port}/readyz`
try {
  const response = await fetch(url, { signal: AbortSignal.timeout(4000) })
  const body = await response.text()
  if (!response.ok) process.stderr.write(`${url}: HTTP ${response.status} ${body}\n`)
  process.exit(response.ok ? 0 : 1)
} catch (error) {
  process.stderr.write(`${url}: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
}
