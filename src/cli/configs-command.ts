// `sluice configs describe|alter`: what kafka-configs.sh --describe and --alter do for topics and
// brokers, with its flags: --entity-type topics|brokers, --entity-name, --entity-default (the
// cluster-wide broker defaults), the shortcuts --topic, --broker and --broker-defaults, --all, and
// --add-config k1=v1,k2=[a,b] / --delete-config k1,k2 (IncrementalAlterConfigs SET and DELETE).
// Without --all, describe shows what kafka-configs shows: the configs set dynamically at the
// entity's own level (DYNAMIC_TOPIC_CONFIG, DYNAMIC_BROKER_CONFIG or DYNAMIC_DEFAULT_BROKER_CONFIG).
import type { Argv, CommandModule } from 'yargs'
import { ConfigResourceType } from '../metadata/image.js'
import { describeConfigs, describeResource, incrementalAlterConfigs, type ConfigResource, type DescribedConfig } from '../client/config-admin.js'
import type { KafkaClient } from '../client/kafka-client.js'
import { listTopics } from '../client/topic-admin.js'
import { UsageError } from './cli.js'
import { withClient, withClientOptions, type ClientArgs } from './client-options.js'
import { parseConfigList, parseKeyList } from './config-entries.js'
import { parseIntegerArgument } from './integer-argument.js'
import { formatTable, printResult } from './output.js'
import { reportFailures } from './report-failures.js'
import { commandGroup } from './command-group.js'

interface EntityArgs extends ClientArgs {
  readonly entityType?: string | undefined
  readonly entityName?: string | undefined
  readonly entityDefault?: boolean | undefined
  readonly topic?: string | undefined
  readonly broker?: string | undefined
  readonly brokerDefaults?: boolean | undefined
}

interface DescribeArgs extends EntityArgs {
  readonly all: boolean
}

interface AlterArgs extends EntityArgs {
  readonly addConfig: string[]
  readonly deleteConfig: string[]
}

/** The entity the flags name: a type, and a name ('' for the broker defaults) or none for every entity of the type. */
interface Entity {
  readonly type: number
  readonly name: string | undefined
}

function withEntityOptions(args: Argv): Argv<EntityArgs> {
  return withClientOptions(args)
    .option('entity-type', { type: 'string', choices: ['topics', 'brokers'], describe: 'the kind of entity' })
    .option('entity-name', { type: 'string', describe: 'a topic name or a broker id' })
    // No defaults on these two: yargs counts a defaulted option as given when checking conflicts.
    .option('entity-default', { type: 'boolean', describe: 'the cluster-wide defaults of --entity-type brokers' })
    .option('topic', { type: 'string', describe: 'shortcut for --entity-type topics --entity-name <topic>' })
    .option('broker', { type: 'string', describe: 'shortcut for --entity-type brokers --entity-name <id>' })
    .option('broker-defaults', { type: 'boolean', describe: 'shortcut for --entity-type brokers --entity-default' })
    .conflicts('topic', ['broker', 'broker-defaults', 'entity-type', 'entity-name', 'entity-default'])
    .conflicts('broker', ['broker-defaults', 'entity-type', 'entity-name', 'entity-default'])
    .conflicts('broker-defaults', ['entity-type', 'entity-name', 'entity-default'])
    .conflicts('entity-name', 'entity-default') as unknown as Argv<EntityArgs>
}

/** The entity named by the flags; UsageError when they name none or something Sluice does not have. */
function entityOf(args: EntityArgs): Entity {
  if (args.topic !== undefined) return { type: ConfigResourceType.TOPIC, name: args.topic }
  if (args.broker !== undefined) return { type: ConfigResourceType.BROKER, name: String(parseIntegerArgument('--broker', args.broker, 0)) }
  if (args.brokerDefaults === true) return { type: ConfigResourceType.BROKER, name: '' }
  if (args.entityType === undefined) throw new UsageError('name an entity: --entity-type topics|brokers, or --topic, --broker or --broker-defaults')
  if (args.entityType === 'topics') {
    if (args.entityDefault === true) throw new UsageError('--entity-default is for --entity-type brokers only')
    return { type: ConfigResourceType.TOPIC, name: args.entityName }
  }
  if (args.entityDefault === true) return { type: ConfigResourceType.BROKER, name: '' }
  return { type: ConfigResourceType.BROKER, name: args.entityName === undefined ? undefined : String(parseIntegerArgument('--entity-name', args.entityName, 0)) }
}

/** The resources an entity stands for: itself, or every topic or broker when it has no name. */
async function resourcesOf(client: KafkaClient, entity: Entity): Promise<ConfigResource[]> {
  if (entity.name !== undefined) return [{ type: entity.type, name: entity.name }]
  if (entity.type === ConfigResourceType.TOPIC) {
    return (await listTopics(client, { excludeInternal: false })).map((name) => ({ type: entity.type, name }))
  }
  await client.metadata([])
  return [...client.knownBrokers.keys()].sort((a, b) => a - b).map((id) => ({ type: entity.type, name: String(id) }))
}

/** The source kafka-configs shows without --all: configs set at the resource's own level. */
function ownDynamicSource(resource: ConfigResource): string {
  if (resource.type === ConfigResourceType.TOPIC) return 'DYNAMIC_TOPIC_CONFIG'
  return resource.name === '' ? 'DYNAMIC_DEFAULT_BROKER_CONFIG' : 'DYNAMIC_BROKER_CONFIG'
}

function entityTypeName(type: number): string {
  return type === ConfigResourceType.TOPIC ? 'topics' : 'brokers'
}

const describeCommand: CommandModule<object, DescribeArgs> = {
  command: 'describe',
  describe: 'show the configs set dynamically on topics or brokers (--all: every config with its source)',
  builder: (args: Argv) => withEntityOptions(args)
    .option('all', { type: 'boolean', default: false, describe: 'every config, with its source and whether it is read-only or sensitive' })
    .example('$0 configs describe --bootstrap-server 127.0.0.1:9092 --topic t', '')
    .example('$0 configs describe --bootstrap-server 127.0.0.1:9092 --entity-type brokers --entity-name 1 --all', '') as unknown as Argv<DescribeArgs>,
  handler: async (args) => {
    const entity = entityOf(args)
    const results = await withClient(args, async (client) => describeConfigs(client, await resourcesOf(client, entity)))
    const described = results.flatMap((result) => result.error === undefined
      ? [{ resource: result.resource, configs: result.value.filter((config) => args.all || config.source === ownDynamicSource(result.resource)) }]
      : [])
    const json = described.map(({ resource, configs }) => ({
      entityType: entityTypeName(resource.type),
      entityName: resource.name === '' ? null : resource.name,
      configs: configs.map((config) => ({ ...configJson(config) })),
    }))
    printResult(args.json, json, () => {
      const rows = described.flatMap(({ resource, configs }) => configs.map((config) => [
        describeResource(resource), config.name, config.isSensitive ? '(sensitive)' : config.value, config.source,
        ...(args.all ? [config.isReadOnly, config.isSensitive] : []),
      ]))
      return formatTable(['ENTITY', 'NAME', 'VALUE', 'SOURCE', ...(args.all ? ['READ-ONLY', 'SENSITIVE'] : [])], rows)
    })
    reportFailures(results.flatMap((result) => result.error === undefined ? [] : [result.error]))
  },
}

function configJson(config: DescribedConfig): Record<string, unknown> {
  return {
    name: config.name, value: config.value, source: config.source,
    isReadOnly: config.isReadOnly, isSensitive: config.isSensitive, synonyms: config.synonyms,
  }
}

const alterCommand: CommandModule<object, AlterArgs> = {
  command: 'alter',
  describe: 'set or delete configs of a topic, a broker or the cluster-wide broker defaults',
  builder: (args: Argv) => withEntityOptions(args)
    .option('add-config', { type: 'array', string: true, default: [] as string[], describe: 'k1=v1,k2=[v2,v3] to set (square brackets for a value with commas)' })
    .option('delete-config', { type: 'array', string: true, default: [] as string[], describe: 'k1,k2 to return to their defaults' })
    .example('$0 configs alter --bootstrap-server 127.0.0.1:9092 --topic t --add-config retention.ms=60000,cleanup.policy=[compact,delete]', '')
    .example('$0 configs alter --bootstrap-server 127.0.0.1:9092 --broker-defaults --delete-config log.retention.ms', '') as unknown as Argv<AlterArgs>,
  handler: async (args) => {
    const entity = entityOf(args)
    if (entity.name === undefined) throw new UsageError('alter needs one entity: --entity-name, --entity-default, --topic, --broker or --broker-defaults')
    const set = parseConfigList('--add-config', args.addConfig)
    const deleted = parseKeyList(args.deleteConfig)
    if (set.size === 0 && deleted.length === 0) throw new UsageError('name something to alter: --add-config or --delete-config')
    const both = deleted.filter((key) => set.has(key))
    if (both.length > 0) throw new UsageError(`a config cannot be both added and deleted: ${both.join(', ')}`)
    const resource = { type: entity.type, name: entity.name }
    const results = await withClient(args, (client) => incrementalAlterConfigs(client, [{ resource, set, delete: deleted }]))
    const altered = results.flatMap((result) => result.error === undefined ? [result.resource] : [])
    printResult(args.json, { altered: altered.map((done) => ({ entityType: entityTypeName(done.type), entityName: done.name === '' ? null : done.name })) },
      () => altered.map((done) => `Completed updating config for ${describeResource(done)}.\n`).join(''))
    reportFailures(results.flatMap((result) => result.error === undefined ? [] : [result.error]))
  },
}

export const configsCommand = commandGroup('configs', 'describe and alter topic and broker configs (kafka-configs)', [
  describeCommand as CommandModule<object, never>,
  alterCommand as CommandModule<object, never>,
])
