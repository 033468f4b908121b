// `sluice topics list|create|describe|alter|delete`: what kafka-topics.sh does, with its flags
// (--topic, --partitions, --replication-factor, --config k=v, --replica-assignment, --if-exists,
// --if-not-exists, --exclude-internal, --under-replicated-partitions, --unavailable-partitions).
// Differs from kafka-topics.sh: --topic names topics exactly (repeatable for several) instead of
// being a regular expression; alter also takes --config/--delete-config (IncrementalAlterConfigs),
// which Kafka moved to kafka-configs.sh.
import type { Argv, CommandModule } from 'yargs'
import { ConfigResourceType } from '../metadata/image.js'
import { ErrorCode } from '../protocol/error-codes.js'
import { incrementalAlterConfigs } from '../client/config-admin.js'
import type { KafkaError } from '../client/kafka-error.js'
import { createPartitions, createTopics, deleteTopics, describeTopics, listTopics, type PartitionDescription, type TopicDescription, type TopicResult } from '../client/topic-admin.js'
import { UsageError } from './cli.js'
import { withClient, withClientOptions, type ClientArgs } from './client-options.js'
import { parseConfigEntries } from './config-entries.js'
import { parseIntegerArgument } from './integer-argument.js'
import { formatTable, printResult } from './output.js'
import { reportFailures } from './report-failures.js'
import { commandGroup } from './command-group.js'

interface ListArgs extends ClientArgs {
  readonly excludeInternal: boolean
}

interface CreateArgs extends ClientArgs {
  readonly topic: string[]
  readonly partitions?: string | undefined
  readonly replicationFactor?: string | undefined
  readonly replicaAssignment?: string | undefined
  readonly config: string[]
  readonly ifNotExists: boolean
}

interface DescribeArgs extends ClientArgs {
  readonly topic?: string[] | undefined
  readonly excludeInternal: boolean
  readonly underReplicatedPartitions: boolean
  readonly unavailablePartitions: boolean
}

interface AlterArgs extends ClientArgs {
  readonly topic: string[]
  readonly partitions?: string | undefined
  readonly config: string[]
  readonly deleteConfig: string[]
  readonly ifExists: boolean
}

interface DeleteArgs extends ClientArgs {
  readonly topic: string[]
  readonly ifExists: boolean
}

const TOPIC_HELP = 'topic name (repeatable for several)'

const listCommand: CommandModule<object, ListArgs> = {
  command: 'list',
  describe: 'list the topics\' names',
  builder: (args: Argv) => withClientOptions(args)
    .option('exclude-internal', { type: 'boolean', default: false, describe: 'leave out internal topics such as __consumer_offsets' })
    .example('$0 topics list --bootstrap-server 127.0.0.1:9092', '') as unknown as Argv<ListArgs>,
  handler: async (args) => {
    const names = await withClient(args, (client) => listTopics(client, { excludeInternal: args.excludeInternal }))
    printResult(args.json, names, () => names.map((name) => `${name}\n`).join(''))
  },
}

const createCommand: CommandModule<object, CreateArgs> = {
  command: 'create',
  describe: 'create topics',
  builder: (args: Argv) => withClientOptions(args)
    .option('topic', { type: 'array', string: true, demandOption: true, describe: TOPIC_HELP })
    .option('partitions', { type: 'string', describe: 'number of partitions (default: the broker\'s num.partitions)' })
    .option('replication-factor', { type: 'string', describe: 'replicas of each partition (default: the broker\'s default.replication.factor)' })
    .option('replica-assignment', { type: 'string', describe: 'replicas per partition as broker ids, e.g. 0:1,1:2 (partitions separated by commas, replicas by colons)' })
    .option('config', { type: 'array', string: true, default: [] as string[], describe: 'topic config key=value (repeatable)' })
    .option('if-not-exists', { type: 'boolean', default: false, describe: 'do nothing for a topic that already exists' })
    .conflicts('replica-assignment', ['partitions', 'replication-factor'])
    .example('$0 topics create --bootstrap-server 127.0.0.1:9092 --topic t --partitions 3 --config retention.ms=60000', '') as unknown as Argv<CreateArgs>,
  handler: async (args) => {
    const replicaAssignment = args.replicaAssignment === undefined ? undefined : parseReplicaAssignment(args.replicaAssignment)
    const numPartitions = args.partitions === undefined ? -1 : parseIntegerArgument('--partitions', args.partitions, 1)
    const replicationFactor = args.replicationFactor === undefined ? -1 : parseIntegerArgument('--replication-factor', args.replicationFactor, 1)
    const configs = parseConfigEntries('--config', args.config)
    const names = topicNames(args.topic)
    const results = await withClient(args, (client) =>
      createTopics(client, names.map((name) => ({ name, numPartitions, replicationFactor, replicaAssignment, configs }))))
    const failures = results.flatMap((result) =>
      result.error === undefined || (args.ifNotExists && result.error.errorCode === ErrorCode.TOPIC_ALREADY_EXISTS) ? [] : [result.error])
    const created = results.flatMap((result) => result.error === undefined ? [result.value] : [])
    const existing = results.flatMap((result) => result.error?.errorCode === ErrorCode.TOPIC_ALREADY_EXISTS && args.ifNotExists ? [result.topic] : [])
    printResult(args.json, { created, existing }, () => [
      ...created.map((topic) => `Created topic ${topic.name}.\n`),
      ...existing.map((name) => `Topic ${name} already exists.\n`),
    ].join(''))
    reportFailures(failures)
  },
}

const describeCommand: CommandModule<object, DescribeArgs> = {
  command: 'describe',
  describe: 'describe topics: id, partitions, replication factor, configs that are not defaults, and each partition\'s leader, replicas and ISR',
  builder: (args: Argv) => withClientOptions(args)
    .option('topic', { type: 'array', string: true, describe: `${TOPIC_HELP}; every topic when left out` })
    .option('exclude-internal', { type: 'boolean', default: false, describe: 'leave out internal topics when describing every topic' })
    .option('under-replicated-partitions', { type: 'boolean', default: false, describe: 'only partitions whose ISR is smaller than their replicas' })
    .option('unavailable-partitions', { type: 'boolean', default: false, describe: 'only partitions without a leader' })
    .example('$0 topics describe --bootstrap-server 127.0.0.1:9092 --topic t', '') as unknown as Argv<DescribeArgs>,
  handler: async (args) => {
    const names = args.topic === undefined ? null : topicNames(args.topic)
    const results = await withClient(args, (client) => describeTopics(client, names))
    const topics = results.flatMap((result) => result.error === undefined && !(names === null && args.excludeInternal && result.value.isInternal) ? [result.value] : [])
    const isFiltered = args.underReplicatedPartitions || args.unavailablePartitions
    const wanted = (partition: PartitionDescription): boolean =>
      (!args.underReplicatedPartitions || partition.isr.length < partition.replicas.length) &&
      (!args.unavailablePartitions || partition.leader < 0)
    const json = topics.map((topic) => ({
      name: topic.name, topicId: topic.topicId, isInternal: topic.isInternal,
      partitionCount: topic.partitionCount, replicationFactor: topic.replicationFactor,
      configs: Object.fromEntries(topic.configs.map((config) => [config.name, config.value])),
      partitions: topic.partitions.filter(wanted),
    }))
    printResult(args.json, json, () => describeTables(topics, isFiltered, wanted))
    reportFailures(results.flatMap((result) => result.error === undefined ? [] : [result.error]))
  },
}

const alterCommand: CommandModule<object, AlterArgs> = {
  command: 'alter',
  describe: 'add partitions (CreatePartitions) or change topic configs (IncrementalAlterConfigs)',
  builder: (args: Argv) => withClientOptions(args)
    .option('topic', { type: 'array', string: true, demandOption: true, describe: TOPIC_HELP })
    .option('partitions', { type: 'string', describe: 'the new partition count (partitions can only be added)' })
    .option('config', { type: 'array', string: true, default: [] as string[], describe: 'topic config key=value to set (repeatable)' })
    .option('delete-config', { type: 'array', string: true, default: [] as string[], describe: 'topic config key to return to its default (repeatable)' })
    .option('if-exists', { type: 'boolean', default: false, describe: 'do nothing for a topic that does not exist' })
    .example('$0 topics alter --bootstrap-server 127.0.0.1:9092 --topic t --partitions 6', '')
    .example('$0 topics alter --bootstrap-server 127.0.0.1:9092 --topic t --config retention.ms=60000 --delete-config cleanup.policy', '') as unknown as Argv<AlterArgs>,
  handler: async (args) => {
    const count = args.partitions === undefined ? undefined : parseIntegerArgument('--partitions', args.partitions, 1)
    const set = parseConfigEntries('--config', args.config)
    const deleted = args.deleteConfig.map((key) => key.trim()).filter((key) => key !== '')
    if (count === undefined && set.size === 0 && deleted.length === 0) throw new UsageError('name something to alter: --partitions, --config or --delete-config')
    const names = topicNames(args.topic)
    const isIgnored = (error: KafkaError): boolean => args.ifExists && error.errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
    const hasConfigs = set.size > 0 || deleted.length > 0
    const lines: string[] = []
    const failures: KafkaError[] = []
    let altered: string[] = []
    await withClient(args, async (client) => {
      const addPartitions = (topics: readonly string[], validateOnly: boolean): Promise<TopicResult<number>[]> =>
        count === undefined ? Promise.resolve([]) : createPartitions(client, topics.map((name) => ({ name, count })), validateOnly)
      const alterConfigs = (topics: readonly string[], validateOnly: boolean): Promise<TopicResult<true>[]> => !hasConfigs
        ? Promise.resolve([])
        : incrementalAlterConfigs(client, topics.map((name) => ({ resource: { type: ConfigResourceType.TOPIC, name }, set, delete: deleted })), validateOnly)
          .then((results) => results.map((result) => result.error === undefined ? { topic: result.resource.name, value: true } : { topic: result.resource.name, error: result.error }))
      // Partitions and configs are two requests; both are validated first so that a topic is
      // altered whole or not at all (barring a change between the two steps).
      let valid = names
      if (count !== undefined && hasConfigs) {
        const checks = [...await addPartitions(names, true), ...await alterConfigs(names, true)]
        const invalid = new Set<string>()
        for (const check of checks) {
          if (check.error === undefined || invalid.has(check.topic)) continue
          invalid.add(check.topic)
          if (!isIgnored(check.error)) failures.push(check.error)
        }
        valid = names.filter((name) => !invalid.has(name))
      }
      const done = new Set(valid)
      for (const result of [...await addPartitions(valid, false), ...await alterConfigs(valid, false)]) {
        if (result.error === undefined) continue
        done.delete(result.topic)
        if (!isIgnored(result.error)) failures.push(result.error)
      }
      altered = valid.filter((name) => done.has(name))
      for (const name of altered) {
        if (count !== undefined) lines.push(`Topic ${name} now has ${count} partitions.\n`)
        if (hasConfigs) lines.push(`Updated the configs of topic ${name}.\n`)
      }
    })
    printResult(args.json, { altered }, () => lines.join(''))
    reportFailures(failures)
  },
}

const deleteCommand: CommandModule<object, DeleteArgs> = {
  command: 'delete',
  describe: 'delete topics',
  builder: (args: Argv) => withClientOptions(args)
    .option('topic', { type: 'array', string: true, demandOption: true, describe: TOPIC_HELP })
    .option('if-exists', { type: 'boolean', default: false, describe: 'do nothing for a topic that does not exist' })
    .example('$0 topics delete --bootstrap-server 127.0.0.1:9092 --topic t', '') as unknown as Argv<DeleteArgs>,
  handler: async (args) => {
    const results = await withClient(args, (client) => deleteTopics(client, topicNames(args.topic)))
    const deleted = results.flatMap((result) => result.error === undefined ? [result.topic] : [])
    const failures = results.flatMap((result) =>
      result.error === undefined || (args.ifExists && result.error.errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION) ? [] : [result.error])
    printResult(args.json, { deleted }, () => deleted.map((name) => `Deleted topic ${name}.\n`).join(''))
    reportFailures(failures)
  },
}

export const topicsCommand = commandGroup('topics', 'list, create, describe, alter and delete topics (kafka-topics)', [
  listCommand as CommandModule<object, never>,
  createCommand as CommandModule<object, never>,
  describeCommand as CommandModule<object, never>,
  alterCommand as CommandModule<object, never>,
  deleteCommand as CommandModule<object, never>,
])

/** The --topic values, without empty ones or repeats; UsageError when none is left. */
function topicNames(given: readonly string[]): string[] {
  const names = [...new Set(given.map((name) => name.trim()).filter((name) => name !== ''))]
  if (names.length === 0) throw new UsageError('--topic needs a topic name')
  return names
}

/** Kafka's --replica-assignment: "0:1,1:2" is partition 0 on brokers 0 and 1, partition 1 on 1 and 2. */
function parseReplicaAssignment(text: string): number[][] {
  const partitions = text.split(',').map((replicas) => replicas.split(':').map((id) => parseIntegerArgument('--replica-assignment', id, 0)))
  const factor = partitions[0]?.length ?? 0
  if (partitions.some((replicas) => replicas.length !== factor || new Set(replicas).size !== replicas.length)) {
    throw new UsageError(`--replica-assignment needs the same number of distinct brokers for every partition, got "${text}"`)
  }
  return partitions
}

/** A table of topics, then one of their partitions (only the partitions when a filter is on, as Kafka prints). */
function describeTables(topics: readonly TopicDescription[], isFiltered: boolean, wanted: (partition: PartitionDescription) => boolean): string {
  const ids = (nodes: readonly number[]): string => nodes.join(',')
  const partitionRows = topics.flatMap((topic) => topic.partitions.filter(wanted).map((partition) => [
    topic.name, partition.partition, partition.leader < 0 ? 'none' : partition.leader, ids(partition.replicas), ids(partition.isr),
  ]))
  const partitions = formatTable(['TOPIC', 'PARTITION', 'LEADER', 'REPLICAS', 'ISR'], partitionRows)
  if (isFiltered) return partitionRows.length === 0 ? '' : partitions
  if (topics.length === 0) return ''
  const topicRows = topics.map((topic) => [
    topic.name, topic.topicId, topic.partitionCount, topic.replicationFactor,
    topic.configs.map((config) => `${config.name}=${config.value ?? '(sensitive)'}`).join(','),
  ])
  return `${formatTable(['TOPIC', 'TOPIC-ID', 'PARTITIONS', 'REPLICATION-FACTOR', 'CONFIGS'], topicRows)}\n${partitions}`
}
