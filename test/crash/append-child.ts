// The process that partition-log-kill.test.ts kills: opens a partition log on a real directory and
// appends sequenced batches (test/helpers/sequenced-log.ts) one after another until it is killed.
// After each append() resolves, and only then, the acknowledged last offset and the log's recovery
// point go to the ack file with a synchronous write, so the parent knows exactly what was
// acknowledged when SIGKILL landed; a progress line then goes to stdout.
//
// argv[2] is a JSON ChildArguments. Exits 2 on any unexpected outcome (the parent shows stderr),
// 3 if nobody killed it within MAX_LIFETIME_MS.
import { closeSync, openSync, writeSync } from 'node:fs'
import { logConfig, type LogConfig } from '../../src/log/log-config.js'
import { PartitionLog } from '../../src/log/partition-log.js'
import { NodeStorage } from '../../src/log/storage.js'
import { ManualClock } from '../helpers/manual-clock.js'
import { seededRandom } from '../helpers/seeded-random.js'
import { MAX_RECORDS_PER_BATCH, sequencedBatch } from '../helpers/sequenced-log.js'

export interface ChildArguments {
  readonly directory: string
  readonly ackPath: string
  readonly config: Partial<LogConfig>
  readonly seed: number
  readonly recoveryPoint: string
  readonly hadCleanShutdown: boolean
}

const MAX_APPENDS = 200_000
const MAX_LIFETIME_MS = 20_000

function fail(message: string): never {
  process.stderr.write(`append-child: ${message}\n`)
  process.exit(2)
}

async function main(): Promise<void> {
  const args = JSON.parse(process.argv[2] ?? 'null') as ChildArguments | null
  if (args === null) fail('missing arguments')
  const random = seededRandom(args.seed)
  const log = await PartitionLog.open({
    storage: new NodeStorage(),
    directory: args.directory,
    config: logConfig(args.config),
    clock: new ManualClock(),
    recoveryPoint: BigInt(args.recoveryPoint),
    logStartOffset: 0n,
    hadCleanShutdown: args.hadCleanShutdown,
  })
  const ackFd = openSync(args.ackPath, 'a')
  const startedMs = Date.now()
  process.stdout.write(`ready ${log.logEndOffset}\n`)
  let next = log.logEndOffset
  for (let appends = 0; appends < MAX_APPENDS && Date.now() - startedMs < MAX_LIFETIME_MS; appends++) {
    const count = 1 + Math.floor(random() * MAX_RECORDS_PER_BATCH)
    const result = await log.append(sequencedBatch(next, count), 1)
    if (!result.ok) fail(`append at ${next} failed: ${result.problem}: ${result.reason}`)
    if (result.baseOffset !== next) fail(`append got base offset ${result.baseOffset}, expected ${next}`)
    next = result.lastOffset + 1n
    // The acknowledgement: written only now that append() has resolved.
    writeSync(ackFd, `${result.lastOffset} ${log.recoveryPoint}\n`)
    process.stdout.write(`ack ${result.lastOffset}\n`)
  }
  closeSync(ackFd)
  process.exit(3)
}

main().catch((error: unknown) => fail(error instanceof Error ? (error.stack ?? error.message) : String(error)))
