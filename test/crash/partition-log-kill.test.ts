// A broker process killed with SIGKILL mid-append: 30 times, a child process (append-child.ts)
// appends to the same log until the parent kills it at a random point, then the parent recovers
// the log as a restart after a crash would (hadCleanShutdown=false) and checks it. A killed process
// leaves every written byte in the page cache, so recovery may drop only the torn tail of the one
// append in flight, never an acknowledged record. Configs vary between runs (tiny segments and
// indexes, so kills land around rolls; fsync per append or none). Replay with CRASH_SEED=<seed>.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { existsSync, readFileSync, readdirSync, statSync, truncateSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { test } from 'node:test'
import { NO_LIMIT, logConfig, type LogConfig } from '../../src/log/log-config.js'
import { PartitionLog } from '../../src/log/partition-log.js'
import { NodeStorage } from '../../src/log/storage.js'
import { tempDir } from '../helpers/log-fixtures.js'
import { ManualClock } from '../helpers/manual-clock.js'
import { seededRandom } from '../helpers/seeded-random.js'
import { MAX_RECORDS_PER_BATCH, assertSequencedLog } from '../helpers/sequenced-log.js'
import type { ChildArguments } from './append-child.js'

const RUNS = 30
/** Acknowledged appends after which a run is killed, at most (0 kills as soon as the log is open). */
const MAX_ACKS_BEFORE_KILL = 40
/** A child not killed by then is stuck: the run fails. */
const CHILD_TIMEOUT_MS = 15_000
const CHILD_SCRIPT = join(fileURLToPath(import.meta.url), '..', 'append-child.js')

interface ChildOutcome {
  readonly signal: NodeJS.Signals | null
  readonly code: number | null
  readonly stderr: string
  readonly acksSeen: number
}

/**
 * Runs the child and kills it with SIGKILL once it has reported `killAfterAcks` acknowledged appends
 * (and `extraDelayMs` more, when not 0): the child keeps appending while the kill is on its way,
 * so where it lands in the append path is up to the scheduler.
 */
function runChildUntilKilled(args: ChildArguments, killAfterAcks: number, extraDelayMs: number): Promise<ChildOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD_SCRIPT, JSON.stringify(args)], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    let isReady = false
    let acksSeen = 0
    let isKillScheduled = false
    const kill = (): void => {
      child.kill('SIGKILL')
    }
    const timeout = setTimeout(kill, CHILD_TIMEOUT_MS)
    const maybeKill = (): void => {
      if (isKillScheduled || !isReady || acksSeen < killAfterAcks) return
      isKillScheduled = true
      if (extraDelayMs === 0) kill()
      else setTimeout(kill, extraDelayMs)
    }
    child.stdout.setEncoding('utf8')
    child.stdout.on('data', (chunk: string) => {
      stdout += chunk
      const lines = stdout.split('\n')
      stdout = lines.pop() ?? ''
      for (const line of lines) {
        if (line.startsWith('ready ')) isReady = true
        else if (line.startsWith('ack ')) acksSeen++
      }
      maybeKill()
    })
    child.stderr.setEncoding('utf8')
    child.stderr.on('data', (chunk: string) => {
      stderr += chunk
    })
    child.on('error', (error) => {
      clearTimeout(timeout)
      reject(error)
    })
    child.on('close', (code, signal) => {
      clearTimeout(timeout)
      resolve({ signal, code, stderr, acksSeen: isKillScheduled ? acksSeen : -1 })
    })
  })
}

interface Acks {
  /** The last acknowledged offset (undefined before the first acknowledgement). */
  readonly lastAcked: bigint | undefined
  readonly lastRecoveryPoint: bigint
  readonly count: number
  /** The kill cut the last line short: that append was acknowledged, but its offset is unreadable. */
  readonly hasCutLine: boolean
}

/**
 * The complete lines of the ack file. A line the kill cut short is ignored, which only weakens the
 * check (one more batch may then be past the last ack), and removed so that the next child's first
 * line does not continue it.
 */
function readAcks(ackPath: string): Acks {
  if (!existsSync(ackPath)) return { lastAcked: undefined, lastRecoveryPoint: 0n, count: 0, hasCutLine: false }
  const text = readFileSync(ackPath, 'latin1')
  const lines = text.split('\n')
  const cutLine = lines.pop() ?? ''
  const hasCutLine = cutLine !== ''
  if (hasCutLine) truncateSync(ackPath, text.length - cutLine.length)
  let lastAcked: bigint | undefined
  let lastRecoveryPoint = 0n
  for (const line of lines) {
    const [offset, recoveryPoint] = line.split(' ')
    const acked = BigInt(offset ?? '')
    assert.ok(lastAcked === undefined || acked > lastAcked, `acknowledged offsets increase (${acked} after ${lastAcked})`)
    lastAcked = acked
    lastRecoveryPoint = BigInt(recoveryPoint ?? '')
  }
  return { lastAcked, lastRecoveryPoint, count: lines.length, hasCutLine }
}

function segmentBytesOnDisk(directory: string): number {
  if (!existsSync(directory)) return 0
  return readdirSync(directory)
    .filter((name) => name.endsWith('.log'))
    .reduce((total, name) => total + statSync(join(directory, name)).size, 0)
}

function randomConfig(random: () => number): Partial<LogConfig> {
  const pick = <T>(choices: readonly T[]): T => choices[Math.floor(random() * choices.length)]!
  return {
    segmentBytes: pick([2048, 4096, 8192, 65536]),
    indexIntervalBytes: pick([1, 64, 512, 4096]),
    // 80 bytes = 10 offset index entries: with a small interval the index fills and forces a roll.
    segmentIndexBytes: pick([80, 4096, 10 * 1024 * 1024]),
    flushMessages: pick([NO_LIMIT, NO_LIMIT, 1, 7]),
  }
}

test('a log recovers every acknowledged append after 30 SIGKILLs at random points', { timeout: 120_000 }, async (t) => {
  const seed = process.env.CRASH_SEED !== undefined ? Number(process.env.CRASH_SEED) : Math.floor(Math.random() * 2 ** 31)
  console.log(`crash seed ${seed} (replay with CRASH_SEED=${seed})`)
  const random = seededRandom(seed)
  const root = tempDir(t, 'sluice-kill-')
  const directory = join(root, 'topic-0')
  const ackPath = join(root, 'acks')
  let recoveryPointForChild = 0n
  let hadCleanShutdown = false
  let totalTruncatedBytes = 0
  let tornRecoveries = 0
  let emptyNewestSegments = 0
  let totalAcks = 0
  let lastSummary = { batchCount: 0, recordCount: 0, segmentCount: 0 }
  for (let run = 0; run < RUNS; run++) {
    const config = randomConfig(random)
    const killAfterAcks = Math.floor(random() * (MAX_ACKS_BEFORE_KILL + 1))
    const extraDelayMs = random() < 0.5 ? 0 : Math.floor(random() * 20)
    const context = `seed ${seed}, run ${run}, config ${JSON.stringify(config)}`
    const outcome = await runChildUntilKilled(
      { directory, ackPath, config, seed: seed + run, recoveryPoint: recoveryPointForChild.toString(), hadCleanShutdown },
      killAfterAcks,
      extraDelayMs,
    )
    assert.equal(outcome.signal, 'SIGKILL', `${context}: the child must die by our SIGKILL, not exit ${outcome.code}: ${outcome.stderr}`)
    assert.ok(outcome.acksSeen >= killAfterAcks, `${context}: the child was killed by the timeout, not after ${killAfterAcks} acks`)

    const acks = readAcks(ackPath)
    totalAcks = acks.count
    const bytesBefore = segmentBytesOnDisk(directory)
    // The manager recovers from its last recovery-point checkpoint; 0 (no checkpoint) must work too.
    const recoveryPoint = random() < 0.5 ? 0n : acks.lastRecoveryPoint
    const log = await PartitionLog.open({
      storage: new NodeStorage(),
      directory,
      config: logConfig(config),
      clock: new ManualClock(),
      recoveryPoint,
      logStartOffset: 0n,
      hadCleanShutdown: false,
    })
    try {
      const summary = await assertSequencedLog(log, context)
      const acknowledgedEnd = acks.lastAcked === undefined ? 0n : acks.lastAcked + 1n
      assert.ok(log.logEndOffset >= acknowledgedEnd, `${context}: log end ${log.logEndOffset} lost acknowledged offsets below ${acknowledgedEnd}`)
      // Appends run one at a time, so at most the one in flight at the kill can be there unacknowledged
      // (and one more whose acknowledgement the kill cut short).
      const batchesPastAcks = acks.hasCutLine ? 2n : 1n
      assert.ok(
        log.logEndOffset <= acknowledgedEnd + batchesPastAcks * BigInt(MAX_RECORDS_PER_BATCH),
        `${context}: log end ${log.logEndOffset} is more than one batch past the acknowledged ${acknowledgedEnd}`,
      )
      const report = log.recovery
      assert.equal(report.deletedSegments, 0, `${context}: a kill damages only the newest segment: ${report.reasons.join('; ')}`)
      assert.equal(bytesBefore - log.sizeBytes, report.truncatedBytes, `${context}: recovery dropped only what it reported`)
      assert.ok(report.truncatedBytes < 2048, `${context}: ${report.truncatedBytes} bytes dropped, more than one torn batch`)
      if (report.truncatedBytes > 0) tornRecoveries++
      // The kill landed between a roll and the first append to the new segment.
      if (log.segmentCount > 1 && log.allSegments[log.segmentCount - 1]!.sizeBytes === 0) emptyNewestSegments++
      totalTruncatedBytes += report.truncatedBytes
      lastSummary = { batchCount: summary.batchCount, recordCount: summary.recordCount, segmentCount: log.segmentCount }
    } finally {
      await log.close()
    }
    // The parent closed the log cleanly, so the next child trusts it and starts at its end.
    recoveryPointForChild = log.recoveryPoint
    hadCleanShutdown = true
  }
  console.log(
    `crash seed ${seed}: ${RUNS} kills, ${totalAcks} acknowledged appends, ${lastSummary.recordCount} records in ${lastSummary.batchCount} batches ` +
      `and ${lastSummary.segmentCount} segments; ${tornRecoveries} recoveries cut a torn tail (${totalTruncatedBytes} bytes in all), ` +
      `${emptyNewestSegments} found an empty newest segment left by a roll`,
  )
  assert.ok(lastSummary.segmentCount > 1, 'the log rolled while being killed')
})
