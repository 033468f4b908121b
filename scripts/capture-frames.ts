// Captures golden request frames from real Kafka clients: for each client, a capture server on
// 127.0.0.1 (ephemeral port) answers well enough for the client to produce one batch per codec and
// consume them back, records every request frame, and the chosen frames are written as hex fixtures
// to test/fixtures/protocol/<client>/ with a manifest.json. Every client run is bounded.
//
//   node dist/scripts/capture-frames.js [client ...]   (kafkajs, platformatic, kcat, confluent-kafka, kafka-python)
import { join } from 'node:path'
import { apiDescriptor } from '../src/protocol/frames.js'
import { withTimeout } from './capture/bounded.js'
import { CaptureServer } from './capture/capture-server.js'
import type { ClientDriver, DriverContext } from './capture/drivers/driver.js'
import { kafkajsDriver } from './capture/drivers/kafkajs-driver.js'
import { kcatDriver } from './capture/drivers/kcat-driver.js'
import { platformaticDriver } from './capture/drivers/platformatic-driver.js'
import { confluentKafkaDriver, kafkaPythonDriver } from './capture/drivers/python-driver.js'
import { selectFrames, writeFixtures } from './capture/fixtures.js'
import { GOLDEN_TOPIC } from './capture/golden-records.js'
import { FIXTURES_DIR } from './capture/paths.js'

const DRIVERS: readonly ClientDriver[] = [kafkajsDriver, platformaticDriver, kcatDriver, confluentKafkaDriver, kafkaPythonDriver]
const CLIENT_RUN_TIMEOUT_MS = 120_000
const isVerbose = process.env['CAPTURE_VERBOSE'] === '1'

interface ClientOutcome {
  readonly name: string
  readonly isCaptured: boolean
  readonly lines: string[]
}

async function capture(driver: ClientDriver): Promise<ClientOutcome> {
  const lines: string[] = []
  const missing = await driver.checkInstalled()
  if (missing !== undefined) return { name: driver.name, isCaptured: false, lines: [`not run: ${missing}`] }

  const server = await CaptureServer.start()
  const notes: string[] = []
  const context: DriverContext = {
    server,
    bootstrap: server.bootstrap,
    topic: GOLDEN_TOPIC,
    notes,
    log: (message) => {
      if (isVerbose) console.log(`  [${driver.name}] ${message}`)
    },
  }
  let failure: string | undefined
  try {
    await withTimeout(driver.run(context), CLIENT_RUN_TIMEOUT_MS, `${driver.name} run`)
  } catch (error) {
    failure = error instanceof Error ? error.message : String(error)
  } finally {
    await server.close()
  }
  for (const event of server.events) lines.push(`server: connection ${event.connectionId}: ${event.message}`)
  for (const note of notes) lines.push(`note: ${note}`)
  for (const [codec, why] of Object.entries(driver.unsupportedCodecs)) lines.push(`codec ${codec} not produced: ${why}`)
  if (failure !== undefined) {
    lines.push(`FAILED, fixtures left unchanged: ${failure}`)
    return { name: driver.name, isCaptured: false, lines }
  }

  const problems: string[] = []
  const selected = selectFrames(server.frames, problems)
  const manifest = writeFixtures(join(FIXTURES_DIR, driver.name), driver, GOLDEN_TOPIC, selected, problems)
  const versions = new Map<string, Set<number>>()
  for (const frame of server.frames) {
    const name = apiDescriptor(frame.apiKey)?.name ?? `api ${frame.apiKey}`
    versions.set(name, (versions.get(name) ?? new Set()).add(frame.apiVersion))
  }
  lines.push(`${server.frames.length} frames received, ${manifest.frames.length} written`)
  lines.push(`APIs: ${[...versions].map(([name, set]) => `${name} v${[...set].sort((a, b) => a - b).join('/')}`).join(', ')}`)
  for (const problem of problems) lines.push(`PROBLEM: ${problem}`)
  return { name: driver.name, isCaptured: problems.length === 0, lines }
}

async function main(): Promise<void> {
  const wanted = process.argv.slice(2)
  const unknown = wanted.filter((name) => !DRIVERS.some((driver) => driver.name === name))
  if (unknown.length > 0) {
    console.error(`unknown client ${unknown.join(', ')}; known: ${DRIVERS.map((driver) => driver.name).join(', ')}`)
    process.exit(2)
  }
  const drivers = wanted.length === 0 ? DRIVERS : DRIVERS.filter((driver) => wanted.includes(driver.name))
  let isEveryClientCaptured = true
  for (const driver of drivers) {
    const started = Date.now()
    const outcome = await capture(driver)
    isEveryClientCaptured &&= outcome.isCaptured
    console.log(`${outcome.name} (${((Date.now() - started) / 1000).toFixed(1)} s)`)
    for (const line of outcome.lines) console.log(`  ${line}`)
  }
  // In-process clients may leave timers behind; the capture is complete, so leave explicitly.
  process.exit(isEveryClientCaptured ? 0 : 1)
}

await main()
