// `sluice groups`, as kafka-consumer-groups.sh: list, describe, delete and reset-offsets (the last
// two in their own files). Kafka's tool takes --list, --describe, … as flags; here they are
// subcommands, with the tool's other flags (--group, --all-groups, --topic, --state, …) unchanged.
import type { Argv, CommandModule } from 'yargs'
import { deleteGroups, listGroups } from '../client/group-admin.js'
import { KafkaError } from '../client/kafka-error.js'
import { ErrorCode, errorName } from '../protocol/error-codes.js'
import { UsageError } from './cli.js'
import { withClient, withClientOptions, type ClientArgs } from './client-options.js'
import { checkGroupSelection, selectedGroups, withGroupSelection, type GroupSelectionArgs } from './group-selection.js'
import { groupsDescribeCommand } from './groups-describe-command.js'
import { groupsResetOffsetsCommand } from './groups-reset-offsets-command.js'
import { formatTable, printResult } from './output.js'
import { commandGroup } from './command-group.js'

/** The classic group states (Kafka's ConsumerGroupState), as --state takes them. */
const GROUP_STATES = ['PreparingRebalance', 'CompletingRebalance', 'Stable', 'Empty', 'Dead'] as const

interface ListArgs extends ClientArgs {
  readonly state: string[]
}

/** --state Stable,Empty (or repeated) into Kafka's spelling of each state; UsageError for another word. */
export function parseStates(values: readonly string[]): string[] {
  return values.flatMap((value) => value.split(',')).map((value) => value.trim()).filter((value) => value !== '').map((value) => {
    const state = GROUP_STATES.find((known) => known.toLowerCase() === value.toLowerCase())
    if (state === undefined) throw new UsageError(`--state ${value} is not a group state; the states are ${GROUP_STATES.join(', ')}`)
    return state
  })
}

const listCommand: CommandModule<object, ListArgs> = {
  command: 'list',
  describe: 'list the groups of the cluster with their state and protocol type',
  builder: (args: Argv) => withClientOptions(args)
    .option('state', { type: 'string', array: true, default: [] as string[], describe: `only groups in these states (comma-separated or repeated): ${GROUP_STATES.join(', ')}` })
    .example('$0 groups list --bootstrap-server localhost:9092 --state Stable', 'groups that are consuming') as unknown as Argv<ListArgs>,
  handler: async (args) => {
    const states = parseStates(args.state)
    const groups = await withClient(args, (client) => listGroups(client, states))
    printResult(args.json, groups.map((group) => ({ group: group.groupId, state: group.state, protocolType: group.protocolType })),
      () => formatTable(['GROUP', 'STATE', 'PROTOCOL-TYPE'], groups.map((group) => [group.groupId, group.state, group.protocolType])))
  },
}

type DeleteArgs = ClientArgs & GroupSelectionArgs

const deleteCommand: CommandModule<object, DeleteArgs> = {
  command: 'delete',
  describe: 'delete groups without members, with their committed offsets',
  builder: (args: Argv) => withGroupSelection(withClientOptions(args))
    .example('$0 groups delete --bootstrap-server localhost:9092 --group old-app', 'forget a group') as unknown as Argv<DeleteArgs>,
  handler: async (args) => {
    checkGroupSelection(args)
    const results = await withClient(args, async (client) => deleteGroups(client, await selectedGroups(client, args)))
    printResult(args.json, results.map(({ groupId, errorCode }) => ({ group: groupId, error: errorCode === ErrorCode.NONE ? null : errorName(errorCode) })),
      () => formatTable(['GROUP', 'RESULT'], results.map(({ groupId, errorCode }) => [groupId, errorCode === ErrorCode.NONE ? 'Deleted' : errorName(errorCode)])))
    // Exit 1 naming the first failure, after every group's result is printed.
    const failed = results.find(({ errorCode }) => errorCode !== ErrorCode.NONE)
    if (failed !== undefined) throw new KafkaError(failed.errorCode, `deleting group ${failed.groupId}`)
  },
}

export const groupsCommand = commandGroup('groups', 'list, describe, delete consumer groups and reset their offsets (kafka-consumer-groups)', [
  listCommand as CommandModule<object, never>,
  groupsDescribeCommand as CommandModule<object, never>,
  deleteCommand as CommandModule<object, never>,
  groupsResetOffsetsCommand as CommandModule<object, never>,
])
