// `sluice produce`: kafka-console-producer.sh. Each line of standard input is one record, read as
// it arrives and sent in batches (large inputs are streamed, never held whole); keys and headers
// are parsed from the line as Kafka's LineMessageReader does (--property parse.key=true …).
// It does not create topics: an unknown topic is UNKNOWN_TOPIC_OR_PARTITION and exit 1 (Kafka's
// console producer would have the broker auto-create it; a typo should not make a topic).
// Exit 0 only when every record was acknowledged (acks=0: written to the broker).
import type { Argv, CommandModule } from 'yargs'
import { Producer, type Acks } from '../client/producer.js'
import { compressionTypeFromName } from '../protocol/compression/compression-type.js'
import type { RecordHeader } from '../protocol/read-records.js'
import { UsageError } from './cli.js'
import { type ClientArgs, withClient, withClientOptions } from './client-options.js'
import { booleanProperty, parseProperties, separatorProperty, unescapeSeparator } from './parse-properties.js'
import { formatJson } from './output.js'
import { DEFAULT_LINE_FORMAT, type LineFormat, parseProducerLine } from './parse-producer-line.js'
import { startProgress } from './progress.js'
import { readLines } from './read-lines.js'

interface ProduceArgs extends ClientArgs {
  readonly topic: string
  readonly property: string[]
  readonly keySeparator?: string | undefined
  readonly header: string[]
  readonly compressionType: string
  readonly acks: string
  readonly partition?: number | undefined
  readonly batchSize: number
  readonly lingerMs: number
}

const LINE_PROPERTIES = ['parse.key', 'key.separator', 'parse.headers', 'headers.delimiter', 'headers.separator', 'headers.key.separator', 'null.marker', 'ignore.error']

/** The line format from --property and the --key-separator shorthand. */
export function lineFormatOf(properties: readonly string[], keySeparator: string | undefined): LineFormat {
  const parsed = parseProperties(properties, LINE_PROPERTIES)
  const format: LineFormat = {
    parseKey: booleanProperty(parsed, 'parse.key', DEFAULT_LINE_FORMAT.parseKey),
    keySeparator: separatorProperty(parsed, 'key.separator', DEFAULT_LINE_FORMAT.keySeparator),
    parseHeaders: booleanProperty(parsed, 'parse.headers', DEFAULT_LINE_FORMAT.parseHeaders),
    headersDelimiter: separatorProperty(parsed, 'headers.delimiter', DEFAULT_LINE_FORMAT.headersDelimiter),
    headersSeparator: separatorProperty(parsed, 'headers.separator', DEFAULT_LINE_FORMAT.headersSeparator),
    headersKeySeparator: separatorProperty(parsed, 'headers.key.separator', DEFAULT_LINE_FORMAT.headersKeySeparator),
    nullMarker: parsed.get('null.marker'),
    ignoreError: booleanProperty(parsed, 'ignore.error', DEFAULT_LINE_FORMAT.ignoreError),
  }
  if (keySeparator === undefined) return format
  if (keySeparator === '') throw new UsageError('--key-separator cannot be empty')
  return { ...format, parseKey: true, keySeparator: unescapeSeparator(keySeparator) }
}

/** --header k=v options as record headers (the value may be empty; a header without = is refused). */
export function fixedHeadersOf(headers: readonly string[]): RecordHeader[] {
  return headers.map((header) => {
    const equals = header.indexOf('=')
    if (equals <= 0) throw new UsageError(`--header ${JSON.stringify(header)} is not key=value`)
    return { key: header.slice(0, equals), value: Buffer.from(header.slice(equals + 1), 'utf8') }
  })
}

function acksOf(text: string): Acks {
  if (text === 'all' || text === '-1') return -1
  if (text === '0') return 0
  if (text === '1') return 1
  throw new UsageError(`--acks ${text} is not one of -1 (all), 0, 1`)
}

async function produce(args: ProduceArgs): Promise<void> {
  const format = lineFormatOf(args.property, args.keySeparator)
  const fixedHeaders = fixedHeadersOf(args.header)
  const compression = compressionTypeFromName(args.compressionType)
  if (compression === undefined) throw new UsageError(`--compression-type ${args.compressionType} is not one of none, gzip, snappy, lz4, zstd`)
  const acks = acksOf(args.acks)
  if (args.partition !== undefined && (!Number.isInteger(args.partition) || args.partition < 0)) throw new UsageError('--partition must be a partition number (0 or more)')
  if (!Number.isInteger(args.batchSize) || args.batchSize < 1) throw new UsageError('--batch-size must be a positive number of bytes')
  if (!Number.isInteger(args.lingerMs) || args.lingerMs < 0) throw new UsageError('--linger-ms must be 0 or more')
  await withClient(args, async (client) => {
    const producer = await Producer.create(client, {
      topic: args.topic, acks, compression, batchSizeBytes: args.batchSize, lingerMs: args.lingerMs, partition: args.partition,
    })
    const progress = startProgress()
    const startedMs = Date.now()
    let lineNumber = 0
    // SIGINT/SIGTERM (Ctrl-C at a terminal) ends the input: what was read is still sent and
    // waited for, as Kafka's console producer closes (and so flushes) its producer on the way out.
    let isStopRequested = false
    const requestStop = (): void => {
      isStopRequested = true
      process.stdin.destroy()
    }
    process.on('SIGINT', requestStop)
    process.on('SIGTERM', requestStop)
    try {
      for await (const line of readLines(process.stdin)) {
        lineNumber++
        const parsed = parseProducerLine(line, lineNumber, format)
        await producer.send({ ...parsed, headers: fixedHeaders.length === 0 ? parsed.headers : [...parsed.headers, ...fixedHeaders] })
        progress.update(`sluice: ${lineNumber} records read, ${producer.recordsAcknowledged} acknowledged (${megabytes(producer.bytesAcknowledged)} MB)`)
      }
    } catch (error) {
      // Destroying standard input ends its iteration with a premature close: the stop asked for.
      if (!isStopRequested || (error as NodeJS.ErrnoException).code !== 'ERR_STREAM_PREMATURE_CLOSE') {
        producer.close()
        throw error
      }
    } finally {
      process.off('SIGINT', requestStop)
      process.off('SIGTERM', requestStop)
      progress.done()
    }
    try {
      await producer.flush()
    } finally {
      producer.close()
    }
    const seconds = (Date.now() - startedMs) / 1000
    const verb = acks === 0 ? 'written' : 'acknowledged'
    process.stderr.write(`sluice: ${producer.recordsAcknowledged} records ${verb} to ${args.topic} (${megabytes(producer.bytesAcknowledged)} MB in ${seconds.toFixed(1)} s)\n`)
    if (args.json) process.stdout.write(formatJson({ topic: args.topic, records: producer.recordsAcknowledged, bytes: producer.bytesAcknowledged, acks }))
  })
}

function megabytes(bytes: number): string {
  return (bytes / (1024 * 1024)).toFixed(1)
}

export const produceCommand: CommandModule<object, ProduceArgs> = {
  command: 'produce',
  describe: 'send the lines of standard input to a topic, one record per line (kafka-console-producer)',
  builder: (args: Argv) => withClientOptions(args)
    .option('topic', { type: 'string', demandOption: true, describe: 'the topic to send to (it must exist: produce does not create topics)' })
    .option('key-separator', { type: 'string', describe: 'read a key from each line, ending at this separator (same as --property parse.key=true --property key.separator=…)' })
    .option('header', { type: 'array', string: true, default: [] as string[], describe: 'key=value header added to every record (repeatable)' })
    .option('property', {
      type: 'array', string: true, default: [] as string[],
      describe: 'line format, as Kafka\'s console producer: parse.key=true, key.separator (default tab), parse.headers=true, ' +
        'headers.delimiter (default tab), headers.separator (default ,), headers.key.separator (default :), null.marker, ignore.error=true (repeatable)',
    })
    .option('compression-type', { alias: 'compression-codec', type: 'string', default: 'none', describe: 'codec for the batches: none, gzip, snappy, lz4 or zstd' })
    .option('acks', { alias: 'request-required-acks', type: 'string', default: '-1', describe: 'acknowledgements to wait for: -1 (all in-sync replicas), 1 (leader), 0 (none: a record counts once the broker has read it)' })
    .option('partition', { type: 'number', describe: 'send every record to this partition (default: by key with Kafka\'s murmur2 partitioner, unkeyed records sticky per batch)' })
    .option('batch-size', { type: 'number', default: 16_384, describe: 'bytes of records per partition batch (Kafka\'s batch.size)' })
    .option('linger-ms', { type: 'number', default: 5, describe: 'how long a batch that is not full waits for more lines (Kafka\'s linger.ms)' })
    .example('printf "k1:v1\\nk2:v2\\n" | sluice produce --bootstrap-server localhost:9092 --topic t --key-separator :', 'keyed records') as unknown as Argv<ProduceArgs>,
  handler: async (args) => {
    await produce(args)
  },
}
