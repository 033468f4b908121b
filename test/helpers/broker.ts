// Starts a real Sluice node in the test's process (startBroker: ephemeral 127.0.0.1 ports, a temp
// log dir) and closes it when the test ends. Integration tests drive it with real clients.
import type { TestContext } from 'node:test'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startBroker, type BrokerNode } from '../../src/index.js'
import { readRecordBatchHeader, splitRecordBatches } from '../../src/protocol/record-batch.js'
import { readFully } from '../../src/log/batch-scanner.js'

/** Settings that keep tests fast: few internal partitions, no waiting out Kafka's defaults. */
export const FAST_TEST_PROPERTIES: Readonly<Record<string, string>> = {
  'offsets.topic.num.partitions': '3',
  'group.initial.rebalance.delay.ms': '0',
  'group.min.session.timeout.ms': '500',
}

/** A broker for one test, closed (and its temp dir removed) after it. */
export async function startTestBroker(t: TestContext, properties: Readonly<Record<string, string>> = {}): Promise<BrokerNode> {
  const node = await startBroker({ properties: { ...FAST_TEST_PROPERTIES, ...properties } })
  t.after(() => node.close({ timeoutMs: 2_000 }))
  return node
}

/**
 * A broker over a log dir the test owns, so the test can stop it and start it again on the same
 * data and the same port (clients keep their bootstrap address across the restart).
 */
export async function startRestartableBroker(t: TestContext, properties: Readonly<Record<string, string>> = {}): Promise<{
  readonly current: () => BrokerNode
  restart(): Promise<BrokerNode>
}> {
  const logDir = await mkdtemp(join(tmpdir(), 'sluice-restart-'))
  let node = await startBroker({ properties: { ...FAST_TEST_PROPERTIES, ...properties, 'log.dirs': logDir } })
  t.after(async () => {
    await node.close({ timeoutMs: 2_000 })
    await rm(logDir, { recursive: true, force: true })
  })
  return {
    current: () => node,
    async restart() {
      const port = node.listeners.get('PLAINTEXT')!.port
      const controllerPort = node.listeners.get('CONTROLLER')!.port
      await node.close({ timeoutMs: 2_000 })
      node = await startBroker({
        properties: {
          ...FAST_TEST_PROPERTIES, ...properties, 'log.dirs': logDir,
          'listeners': `PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
          'controller.quorum.voters': `1@127.0.0.1:${controllerPort}`,
        },
      })
      return node
    },
  }
}

/** Every batch stored for a partition, read from its log files: what the broker really keeps. */
export async function storedBatchBuffers(node: BrokerNode, topic: string, partition: number): Promise<Buffer[]> {
  const log = node.logManager.getLog(topic, partition)
  if (log === undefined) throw new Error(`no log for ${topic}-${partition}`)
  const batches: Buffer[] = []
  for (const segment of log.allSegments) {
    const buffer = Buffer.allocUnsafe(segment.sizeBytes)
    const length = await readFully(segment.file, buffer, segment.sizeBytes, 0)
    batches.push(...splitRecordBatches(buffer.subarray(0, length)).batches)
  }
  return batches
}

/** The header of every batch stored for a partition. */
export async function storedBatchHeaders(node: BrokerNode, topic: string, partition: number): Promise<ReturnType<typeof readRecordBatchHeader>[]> {
  return (await storedBatchBuffers(node, topic, partition)).map((batch) => readRecordBatchHeader(batch))
}

/** Polls `condition` every 20 ms until it holds; fails after `timeoutMs`. */
export async function waitFor(condition: () => boolean | Promise<boolean>, options: { readonly timeoutMs: number; readonly what?: string }): Promise<void> {
  const deadline = Date.now() + options.timeoutMs
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${options.timeoutMs} ms waiting for ${options.what ?? 'a condition'}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}
