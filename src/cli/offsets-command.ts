// `sluice offsets`: what kafka-get-offsets.sh does, with its flags and its output lines
// (topic:partition:offset): --topic with --partitions 0,1, or --topic-partitions t1:0,t2:0-3,t3
// (a range's upper end is exclusive, as Kafka's), --time earliest|latest|max-timestamp (or
// -2|-1|-3), a time in epoch milliseconds or an ISO date-time; every topic when none is named.
// Differs from kafka-get-offsets.sh: topics are named exactly, not by regular expression, and an
// unknown topic or partition is reported as Kafka's error instead of printing nothing.
import type { Argv, CommandModule } from 'yargs'
import { ErrorCode } from '../protocol/error-codes.js'
import { KafkaError } from '../client/kafka-error.js'
import { EARLIEST, LATEST, MAX_TIMESTAMP, listOffsets } from '../client/list-offsets.js'
import { UsageError } from './cli.js'
import { withClient, withClientOptions, type ClientArgs } from './client-options.js'
import { parseIntegerArgument } from './integer-argument.js'
import { printResult } from './output.js'
import { startProgress } from './progress.js'
import { reportFailures } from './report-failures.js'

interface OffsetsArgs extends ClientArgs {
  readonly topic?: string | undefined
  readonly partitions?: string | undefined
  readonly topicPartitions?: string | undefined
  readonly time: string
  readonly excludeInternalTopics: boolean
}

/** Which partitions of one topic: listed ids (each must exist), and ranges (matching only existing ones). */
interface PartitionSelection {
  readonly topic: string
  readonly ids: readonly number[]
  /** [from, to) pairs; to is Infinity for an open end. */
  readonly ranges: readonly (readonly [number, number])[]
  /** No partition named: all of them. */
  readonly isAll: boolean
}

interface TopicPartitionOffset {
  readonly topic: string
  readonly partition: number
  readonly offset: bigint
  readonly timestamp: bigint
}

const NAMED_TIMES: ReadonlyMap<string, bigint> = new Map([
  ['earliest', EARLIEST], ['latest', LATEST], ['max-timestamp', MAX_TIMESTAMP],
  ['-2', EARLIEST], ['-1', LATEST], ['-3', MAX_TIMESTAMP],
])

/** --time as ListOffsets' timestamp: a special value, epoch milliseconds, or an ISO 8601 date-time. */
export function parseOffsetTime(text: string): bigint {
  const trimmed = text.trim().toLowerCase()
  const named = NAMED_TIMES.get(trimmed)
  if (named !== undefined) return named
  if (/^\d+$/.test(trimmed)) return BigInt(trimmed)
  const ms = /^\d{4}-\d{2}-\d{2}/.test(trimmed) ? Date.parse(text.trim()) : NaN
  if (Number.isNaN(ms)) throw new UsageError(`--time expects earliest, latest, max-timestamp, -1, -2, -3, epoch milliseconds or an ISO date-time, got "${text}"`)
  return BigInt(ms)
}

/** kafka-get-offsets' --topic-partitions: "t1:1,t2:0-3,t3,t4:5-,t5:-3". */
function parseTopicPartitions(text: string): PartitionSelection[] {
  return text.split(',').map((entry) => entry.trim()).filter((entry) => entry !== '').map((entry) => {
    const match = /^([^:]+)(?::(\d*)(-)?(\d*))?$/.exec(entry)
    if (match === null) throw new UsageError(`--topic-partitions expects topic, topic:N or topic:N-M entries, got "${entry}"`)
    const [, topic = '', from = '', dash, to = ''] = match
    if (dash === undefined) {
      return from === '' ? { topic, ids: [], ranges: [], isAll: true } : { topic, ids: [Number(from)], ranges: [], isAll: false }
    }
    return { topic, ids: [], ranges: [[from === '' ? 0 : Number(from), to === '' ? Infinity : Number(to)] as const], isAll: false }
  })
}

/** The selections the flags name; null for every topic. */
function selectionsOf(args: OffsetsArgs): PartitionSelection[] | null {
  if (args.topicPartitions !== undefined) {
    if (args.topic !== undefined || args.partitions !== undefined) throw new UsageError('--topic-partitions cannot be combined with --topic or --partitions')
    return parseTopicPartitions(args.topicPartitions)
  }
  if (args.topic === undefined) {
    if (args.partitions !== undefined) throw new UsageError('--partitions needs --topic')
    return null
  }
  const ids = args.partitions === undefined ? [] : args.partitions.split(',').map((id) => parseIntegerArgument('--partitions', id, 0))
  return [{ topic: args.topic, ids, ranges: [], isAll: ids.length === 0 }]
}

export const offsetsCommand: CommandModule<object, OffsetsArgs> = {
  command: 'offsets',
  describe: 'the offsets of partitions: earliest, latest, at the largest timestamp, or the first at or after a time (kafka-get-offsets)',
  builder: (args: Argv) => withClientOptions(args)
    .option('topic', { type: 'string', describe: 'topic name; every topic when neither this nor --topic-partitions is given' })
    .option('partitions', { type: 'string', describe: 'comma-separated partition ids of --topic; all when left out' })
    .option('topic-partitions', { type: 'string', describe: 'topic:partition entries, comma-separated: t1:0,t2:0-3 (upper end exclusive),t3 (all),t4:5- ,t5:-3' })
    .option('time', { type: 'string', default: 'latest', describe: 'earliest (-2), latest (-1), max-timestamp (-3), epoch milliseconds or an ISO date-time such as 2024-05-01T12:00:00Z' })
    .option('exclude-internal-topics', { type: 'boolean', default: false, describe: 'leave out internal topics when listing every topic' })
    .example('$0 offsets --bootstrap-server 127.0.0.1:9092 --topic t --time earliest', '')
    .example('$0 offsets --bootstrap-server 127.0.0.1:9092 --topic-partitions t:0-2 --time 2024-05-01T12:00:00Z', '') as unknown as Argv<OffsetsArgs>,
  handler: async (args) => {
    const timestamp = parseOffsetTime(args.time)
    const selections = selectionsOf(args)
    const offsets: TopicPartitionOffset[] = []
    const failures: KafkaError[] = []
    await withClient(args, async (client) => {
      const metadata = await client.metadata(selections === null ? null : [...new Set(selections.map((selection) => selection.topic))])
      const partitionsOf = new Map(metadata.topics.map((topic) => [topic.name ?? '', topic]))
      const wanted = selections ?? metadata.topics
        .filter((topic) => topic.errorCode === ErrorCode.NONE && !(args.excludeInternalTopics && topic.isInternal))
        .map((topic) => ({ topic: topic.name ?? '', ids: [], ranges: [], isAll: true }))
      const progress = startProgress()
      for (const [index, selection] of wanted.entries()) {
        progress.update(`offsets of ${index} of ${wanted.length} topics listed`)
        const topic = partitionsOf.get(selection.topic)
        if (topic === undefined || topic.errorCode !== ErrorCode.NONE) {
          failures.push(new KafkaError(topic?.errorCode ?? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `offsets of topic ${selection.topic}`))
          continue
        }
        const existing = topic.partitions.map((partition) => partition.partitionIndex)
        const partitions = selection.isAll ? existing : [...new Set([
          ...selection.ids,
          ...existing.filter((partition) => selection.ranges.some(([from, to]) => partition >= from && partition < to)),
        ])]
        if (partitions.length === 0) continue
        try {
          const found = await listOffsets(client, selection.topic, timestamp, partitions)
          offsets.push(...found.map((offset) => ({ topic: selection.topic, ...offset })))
        } catch (error) {
          if (!(error instanceof KafkaError)) throw error
          failures.push(error)
        }
      }
      progress.done()
    })
    offsets.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition)
    printResult(args.json, offsets, () => offsets.map((offset) => `${offset.topic}:${offset.partition}:${offset.offset}\n`).join(''))
    reportFailures(failures)
  },
}
