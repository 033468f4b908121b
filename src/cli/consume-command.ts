// `sluice consume`: kafka-console-consumer.sh. Prints the records of a topic to standard output
// as they arrive, from the latest offset (or --from-beginning, or --offset with --partition), as
// Kafka's DefaultMessageFormatter does or as JSON lines. With --group it is a group member: it
// starts from the group's committed offsets, commits what it printed before it leaves, and leaves
// the group on exit. It runs until --max-messages, --idle-timeout-ms or SIGINT/SIGTERM, then exits 0.
// Kafka's console consumer names the idle bound --timeout-ms; here --timeout-ms is every client
// command's bound on a request (client-options.ts), so the idle bound is --idle-timeout-ms.
import type { Argv, CommandModule } from 'yargs'
import { consumePartitions } from '../client/consumer.js'
import { GroupMember } from '../client/group-member.js'
import type { KafkaClient } from '../client/kafka-client.js'
import { KafkaError } from '../client/kafka-error.js'
import { EARLIEST, LATEST, listOffsets } from '../client/list-offsets.js'
import { ErrorCode } from '../protocol/error-codes.js'
import type { FetchedRecord } from '../client/fetch-records.js'
import { UsageError } from './cli.js'
import { type ClientArgs, withClient, withClientOptions } from './client-options.js'
import { booleanProperty, parseProperties, separatorProperty } from './parse-properties.js'
import { startProgress } from './progress.js'
import { type BytesEncoding, DEFAULT_TEXT_FORMAT, type TextFormat, formatRecordJson, formatRecordText } from './record-formatter.js'

interface ConsumeArgs extends ClientArgs {
  readonly topic: string
  readonly partition?: number | undefined
  readonly offset?: string | undefined
  readonly fromBeginning: boolean
  readonly group?: string | undefined
  readonly maxMessages?: number | undefined
  readonly idleTimeoutMs?: number | undefined
  readonly format: string
  readonly property: string[]
  readonly bytesEncoding: string
}

/** The longest a single Fetch waits at the broker: short enough to notice a stop or an idle timeout. */
const MAX_FETCH_WAIT_MS = 500

const TEXT_PROPERTIES = ['print.timestamp', 'print.partition', 'print.offset', 'print.headers', 'print.key', 'print.value',
  'key.separator', 'line.separator', 'headers.separator', 'headers.key.separator', 'null.literal']

function textFormatOf(properties: readonly string[]): TextFormat {
  const parsed = parseProperties(properties, TEXT_PROPERTIES)
  const defaults = DEFAULT_TEXT_FORMAT
  return {
    printTimestamp: booleanProperty(parsed, 'print.timestamp', defaults.printTimestamp),
    printPartition: booleanProperty(parsed, 'print.partition', defaults.printPartition),
    printOffset: booleanProperty(parsed, 'print.offset', defaults.printOffset),
    printHeaders: booleanProperty(parsed, 'print.headers', defaults.printHeaders),
    printKey: booleanProperty(parsed, 'print.key', defaults.printKey),
    printValue: booleanProperty(parsed, 'print.value', defaults.printValue),
    keySeparator: separatorProperty(parsed, 'key.separator', defaults.keySeparator),
    lineSeparator: separatorProperty(parsed, 'line.separator', defaults.lineSeparator),
    headersSeparator: separatorProperty(parsed, 'headers.separator', defaults.headersSeparator),
    headersKeySeparator: separatorProperty(parsed, 'headers.key.separator', defaults.headersKeySeparator),
    nullLiteral: parsed.get('null.literal') ?? defaults.nullLiteral,
  }
}

/** Where reading starts when there is no committed offset: --offset, --from-beginning or the end. */
type StartAt = { readonly offset: bigint } | 'earliest' | 'latest'

function startAtOf(args: ConsumeArgs): StartAt {
  if (args.offset === undefined) return args.fromBeginning ? 'earliest' : 'latest'
  if (args.offset === 'earliest' || args.offset === 'latest') return args.offset
  if (!/^\d+$/.test(args.offset)) throw new UsageError(`--offset ${args.offset} is not an offset, earliest or latest`)
  return { offset: BigInt(args.offset) }
}

function checkArgs(args: ConsumeArgs): void {
  // The same combinations kafka-console-consumer.sh refuses.
  if (args.offset !== undefined && args.partition === undefined) throw new UsageError('--offset needs --partition (the partition to read from that offset)')
  if (args.offset !== undefined && args.fromBeginning) throw new UsageError('--offset and --from-beginning cannot be used together')
  if (args.group !== undefined && (args.partition !== undefined || args.offset !== undefined)) {
    throw new UsageError('--group cannot be used with --partition or --offset (the group assigns partitions and keeps offsets)')
  }
  if (args.group === '') throw new UsageError('--group cannot be empty')
  if (args.partition !== undefined && (!Number.isInteger(args.partition) || args.partition < 0)) throw new UsageError('--partition must be a partition number (0 or more)')
  if (args.maxMessages !== undefined && (!Number.isInteger(args.maxMessages) || args.maxMessages < 1)) throw new UsageError('--max-messages must be a positive number')
  if (args.idleTimeoutMs !== undefined && (!Number.isInteger(args.idleTimeoutMs) || args.idleTimeoutMs < 1)) throw new UsageError('--idle-timeout-ms must be a positive number of milliseconds')
}

/** The offset of each partition to start from, given where to start when none is known. */
async function startPositions(client: KafkaClient, topic: string, partitions: readonly number[], startAt: StartAt, known: ReadonlyMap<number, bigint> = new Map()): Promise<Map<number, bigint>> {
  const positions = new Map<number, bigint>()
  const unknown = partitions.filter((partition) => !known.has(partition))
  for (const partition of partitions) {
    const offset = known.get(partition)
    if (offset !== undefined) positions.set(partition, offset)
  }
  if (unknown.length === 0) return positions
  if (typeof startAt === 'object') {
    for (const partition of unknown) positions.set(partition, startAt.offset)
  } else {
    for (const found of await listOffsets(client, topic, startAt === 'earliest' ? EARLIEST : LATEST, unknown)) positions.set(found.partition, found.offset)
  }
  return positions
}

async function consume(args: ConsumeArgs): Promise<void> {
  checkArgs(args)
  const startAt = startAtOf(args)
  const format = args.json ? 'json' : args.format
  if (format !== 'text' && format !== 'json') throw new UsageError(`--format ${format} is not text or json`)
  if (args.bytesEncoding !== 'utf8' && args.bytesEncoding !== 'base64') throw new UsageError(`--bytes-encoding ${args.bytesEncoding} is not utf8 or base64`)
  const bytesEncoding: BytesEncoding = args.bytesEncoding
  const textFormat = textFormatOf(args.property)
  let isStopRequested = false
  const requestStop = (): void => { isStopRequested = true }
  process.on('SIGINT', requestStop)
  process.on('SIGTERM', requestStop)
  // A reader that went away (`sluice consume … | head`) ends the run like a signal: commit, leave, exit 0.
  const onOutputError = (error: NodeJS.ErrnoException): void => {
    if (error.code !== 'EPIPE') throw error
    requestStop()
  }
  process.stdout.on('error', onOutputError)
  const progress = startProgress()
  let count = 0
  let lastActivityMs = Date.now()
  const isDone = (): boolean => isStopRequested || (args.maxMessages !== undefined && count >= args.maxMessages) ||
    (args.idleTimeoutMs !== undefined && Date.now() - lastActivityMs >= args.idleTimeoutMs)
  const print = async (partition: number, record: FetchedRecord): Promise<void> => {
    const output = format === 'json' ? formatRecordJson(args.topic, partition, record, bytesEncoding) : formatRecordText(partition, record, textFormat)
    count++
    lastActivityMs = Date.now()
    progress.update(`sluice: ${count} records consumed`)
    if (!process.stdout.write(output)) await drained(process.stdout)
  }
  const maxWaitMs = Math.min(MAX_FETCH_WAIT_MS, args.idleTimeoutMs ?? MAX_FETCH_WAIT_MS)
  const resetTo = startAt === 'earliest' ? 'earliest' : 'latest'
  try {
    await withClient(args, async (client) => {
      const leaders = await client.partitionLeaders(args.topic)
      if (args.partition !== undefined && !leaders.has(args.partition)) {
        throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `partition ${args.partition} of topic ${args.topic}`)
      }
      if (args.group === undefined) {
        const partitions = args.partition === undefined ? [...leaders.keys()].sort((a, b) => a - b) : [args.partition]
        const positions = await startPositions(client, args.topic, partitions, startAt)
        await consumePartitions(client, { topic: args.topic, leaders, positions, maxWaitMs, resetTo, onRecord: print, shouldStop: isDone })
      } else {
        await consumeAsMember(client, args.group, args.topic, startAt, { leaders, maxWaitMs, resetTo, print, isDone })
      }
    })
  } finally {
    process.off('SIGINT', requestStop)
    process.off('SIGTERM', requestStop)
    process.stdout.off('error', onOutputError)
    progress.done()
  }
  process.stderr.write(`Processed a total of ${count} messages\n`)
}

/** Resolves once `stream` has room again, or can take nothing more (an error is onOutputError's to judge). */
function drained(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      stream.off('drain', done).off('close', done).off('error', done)
      resolve()
    }
    stream.on('drain', done).on('close', done).on('error', done)
  })
}

interface MemberLoop {
  readonly leaders: ReadonlyMap<number, number>
  readonly maxWaitMs: number
  readonly resetTo: 'earliest' | 'latest'
  readonly print: (partition: number, record: FetchedRecord) => Promise<void>
  readonly isDone: () => boolean
}

/** Consumes as a group member, rejoining on each rebalance, and commits and leaves at the end. */
async function consumeAsMember(client: KafkaClient, group: string, topic: string, startAt: StartAt, loop: MemberLoop): Promise<void> {
  const member = await GroupMember.create(client, group, topic)
  const shouldStop = (): boolean => loop.isDone() || member.needsRejoin || member.failure !== undefined
  try {
    for (;;) {
      const assigned = await member.join()
      const positions = await startPositions(client, topic, assigned, startAt, await member.committedOffsets(assigned))
      if (assigned.length === 0) {
        // Nothing assigned (more members than partitions): wait for a rebalance or the end.
        while (!shouldStop()) await new Promise((resolve) => setTimeout(resolve, 100))
      } else {
        await consumePartitions(client, { topic, leaders: loop.leaders, positions, maxWaitMs: loop.maxWaitMs, resetTo: loop.resetTo, onRecord: loop.print, shouldStop })
      }
      if (member.failure !== undefined) throw member.failure
      if (loop.isDone()) {
        await member.commit(positions)
        break
      }
      // A rebalance: commit what was printed so the partition's next owner starts after it. A
      // generation already gone refuses the commit; those records may then be printed again.
      await member.commit(positions).catch((error: unknown) => {
        const isFenced = error instanceof KafkaError && (error.errorCode === ErrorCode.ILLEGAL_GENERATION || error.errorCode === ErrorCode.UNKNOWN_MEMBER_ID || error.errorCode === ErrorCode.REBALANCE_IN_PROGRESS)
        if (!isFenced) throw error
      })
    }
  } catch (error) {
    // The first failure is the one reported; leaving is a courtesy that shortens the rebalance.
    await member.leave().catch(() => undefined)
    throw error
  }
  await member.leave()
}

export const consumeCommand: CommandModule<object, ConsumeArgs> = {
  command: 'consume',
  describe: 'print the records of a topic as they arrive (kafka-console-consumer)',
  builder: (args: Argv) => withClientOptions(args)
    .option('topic', { type: 'string', demandOption: true, describe: 'the topic to read' })
    .option('from-beginning', { type: 'boolean', default: false, describe: 'start at the earliest offset when there is no committed one (default: only new records)' })
    .option('partition', { type: 'number', describe: 'read only this partition (default: all)' })
    .option('offset', { type: 'string', describe: 'with --partition: start at this offset, earliest or latest' })
    .option('group', { type: 'string', describe: 'join this consumer group: start from its committed offsets, commit what was printed, leave on exit' })
    .option('max-messages', { type: 'number', describe: 'exit after printing this many records' })
    .option('idle-timeout-ms', { type: 'number', describe: 'exit once no record has arrived for this long (kafka-console-consumer\'s --timeout-ms; default: run until SIGINT/SIGTERM)' })
    .option('format', {
      alias: 'formatter', type: 'string', default: 'text',
      describe: 'text: the value per line, with what --property print.* adds; json: one object per line {topic, partition, offset, timestamp, key, value, headers:[{key, value}]} (--json too)',
    })
    .option('bytes-encoding', {
      type: 'string', default: 'utf8',
      describe: 'json only: keys, values and header values as utf8 text (bytes that are not UTF-8 become U+FFFD) or base64 (any bytes, exactly)',
    })
    .option('property', {
      type: 'array', string: true, default: [] as string[],
      describe: 'text format, as Kafka\'s console consumer: print.timestamp, print.partition, print.offset, print.headers, print.key, print.value (=true/false), ' +
        'key.separator (default tab), line.separator, headers.separator (default ,), headers.key.separator (default :), null.literal (repeatable)',
    })
    .example('sluice consume --bootstrap-server localhost:9092 --topic t --from-beginning --max-messages 10 --property print.key=true', 'the first ten records with their keys')
    .example('sluice consume --bootstrap-server localhost:9092 --topic t --group g --format json', 'as a member of group g, JSON lines') as unknown as Argv<ConsumeArgs>,
  handler: async (args) => {
    await consume(args)
  },
}
