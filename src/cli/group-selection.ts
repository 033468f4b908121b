// The groups a `sluice groups` command acts on, chosen as kafka-consumer-groups.sh chooses them:
// --group (repeatable) or --all-groups (every group the cluster lists).
import type { Argv } from 'yargs'
import { listGroups } from '../client/group-admin.js'
import type { KafkaClient } from '../client/kafka-client.js'
import { UsageError } from './cli.js'

export interface GroupSelectionArgs {
  readonly group: string[]
  readonly allGroups: boolean
}

/** Adds --group (repeatable) and --all-groups to a command. */
export function withGroupSelection<T>(args: Argv<T>): Argv<T & GroupSelectionArgs> {
  return args
    .option('group', { type: 'string', array: true, default: [] as string[], describe: 'the consumer group (repeatable)' })
    .option('all-groups', { type: 'boolean', default: false, describe: 'every group of the cluster' }) as unknown as Argv<T & GroupSelectionArgs>
}

/** Throws UsageError unless the arguments name at least one group or --all-groups; call before connecting. */
export function checkGroupSelection(args: GroupSelectionArgs): void {
  if (!args.allGroups && args.group.length === 0) throw new UsageError('name a group with --group, or use --all-groups')
  if (args.allGroups && args.group.length > 0) throw new UsageError('--group and --all-groups cannot be used together')
  if (args.group.some((group) => group === '')) throw new UsageError('--group needs a group id')
}

/** The group ids chosen, each once, in the order given (sorted for --all-groups). */
export async function selectedGroups(client: KafkaClient, args: GroupSelectionArgs): Promise<string[]> {
  if (args.allGroups) return (await listGroups(client)).map((group) => group.groupId)
  return [...new Set(args.group)]
}
