// `sluice groups describe`, as kafka-consumer-groups.sh --describe: for each group its offsets view
// (default: each partition's committed offset, log end offset and lag, in offsets and, beyond
// Kafka's tool, in seconds, with the member that owns it), --members (who is in the group and what
// it is assigned) or --state (coordinator, assignor, state, member count). --json prints the whole
// description whichever view is chosen. A group the coordinator does not know and that has no
// committed offsets "does not exist" (GROUP_ID_NOT_FOUND, exit 1), as in Kafka's tool.
import type { Argv, CommandModule } from 'yargs'
import { consumerLag, type PartitionLag } from '../client/consumer-lag.js'
import { describeGroup, fetchCommittedOffsets, type GroupDescription, type GroupMember } from '../client/group-admin.js'
import type { KafkaClient } from '../client/kafka-client.js'
import { KafkaError } from '../client/kafka-error.js'
import { ErrorCode } from '../protocol/error-codes.js'
import { UsageError } from './cli.js'
import { withClient, withClientOptions, type ClientArgs } from './client-options.js'
import { checkGroupSelection, selectedGroups, withGroupSelection, type GroupSelectionArgs } from './group-selection.js'
import { formatTable, printResult } from './output.js'

interface DescribeArgs extends ClientArgs, GroupSelectionArgs {
  readonly members: boolean
  readonly offsets: boolean
  readonly state: boolean
}

/** One partition of the offsets view: its lag and the member assigned it, if any. */
interface OffsetRow extends PartitionLag {
  readonly member: GroupMember | undefined
}

interface DescribedGroup {
  readonly description: GroupDescription
  readonly offsets: readonly OffsetRow[]
}

/** Describes `groupId`, or undefined when it does not exist. */
async function describe(client: KafkaClient, groupId: string): Promise<DescribedGroup | undefined> {
  const description = await describeGroup(client, groupId)
  const committed = await fetchCommittedOffsets(client, groupId)
  if (description.state === 'Dead' && committed.length === 0) return undefined
  // Every partition with a commit or an owner, as Kafka's tool lists them.
  const owners = new Map<string, GroupMember>()
  const positions = new Map<string, { topic: string; partition: number; committedOffset: bigint | null }>()
  for (const member of description.members) {
    for (const { topic, partitions } of member.assignment) {
      for (const partition of partitions) {
        owners.set(`${partition}:${topic}`, member)
        positions.set(`${partition}:${topic}`, { topic, partition, committedOffset: null })
      }
    }
  }
  for (const { topic, partition, offset } of committed) positions.set(`${partition}:${topic}`, { topic, partition, committedOffset: offset })
  const sorted = [...positions.values()].sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition)
  const lags = await consumerLag(client, sorted, Date.now())
  return { description, offsets: lags.map((lag) => ({ ...lag, member: owners.get(`${lag.partition}:${lag.topic}`) })) }
}

function lagSeconds(lagMs: number | null): number | null {
  return lagMs === null ? null : lagMs / 1000
}

function assignmentText(member: GroupMember): string {
  return member.assignment.map(({ topic, partitions }) => `${topic}(${partitions.join(',')})`).join(',')
}

function asJson({ description, offsets }: DescribedGroup): unknown {
  const { coordinator } = description
  return {
    group: description.groupId,
    state: description.state,
    protocolType: description.protocolType,
    assignmentStrategy: description.protocol,
    coordinator: { id: coordinator.nodeId, host: coordinator.host, port: coordinator.port },
    members: description.members.map((member) => ({
      memberId: member.memberId, groupInstanceId: member.groupInstanceId, clientId: member.clientId, host: member.host,
      assignment: member.assignment,
    })),
    offsets: offsets.map((row) => ({
      topic: row.topic, partition: row.partition, currentOffset: row.committedOffset, logEndOffset: row.logEndOffset,
      lag: row.lag, lagSeconds: lagSeconds(row.lagMs),
      memberId: row.member?.memberId ?? null, host: row.member?.host ?? null, clientId: row.member?.clientId ?? null,
    })),
  }
}

function offsetsTable(groups: readonly DescribedGroup[]): string {
  return formatTable(['GROUP', 'TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'LOG-END-OFFSET', 'LAG', 'LAG-SECONDS', 'CONSUMER-ID', 'HOST', 'CLIENT-ID'],
    groups.flatMap(({ description, offsets }) => offsets.map((row) => [
      description.groupId, row.topic, row.partition, row.committedOffset, row.logEndOffset, row.lag,
      row.lagMs === null ? null : Math.round(row.lagMs / 1000), row.member?.memberId, row.member?.host, row.member?.clientId,
    ])))
}

function membersTable(groups: readonly DescribedGroup[]): string {
  return formatTable(['GROUP', 'CONSUMER-ID', 'GROUP-INSTANCE-ID', 'HOST', 'CLIENT-ID', '#PARTITIONS', 'ASSIGNMENT'],
    groups.flatMap(({ description }) => description.members.map((member) => [
      description.groupId, member.memberId, member.groupInstanceId, member.host, member.clientId,
      member.assignment.reduce((count, { partitions }) => count + partitions.length, 0), assignmentText(member),
    ])))
}

function stateTable(groups: readonly DescribedGroup[]): string {
  return formatTable(['GROUP', 'COORDINATOR (ID)', 'ASSIGNMENT-STRATEGY', 'STATE', '#MEMBERS'],
    groups.map(({ description: { groupId, coordinator, protocol, state, members } }) => [
      groupId, `${coordinator.host}:${coordinator.port} (${coordinator.nodeId})`, protocol, state, members.length,
    ]))
}

/** Kafka's tool says so before the table of a group without members. */
function noMembersNotes(groups: readonly DescribedGroup[]): string {
  return groups.filter(({ description }) => description.members.length === 0)
    .map(({ description }) => `Consumer group '${description.groupId}' has no active members.\n`).join('')
}

export const groupsDescribeCommand: CommandModule<object, DescribeArgs> = {
  command: 'describe',
  describe: 'describe groups: offsets and lag (default), --members or --state',
  builder: (args: Argv) => withGroupSelection(withClientOptions(args))
    .option('offsets', { type: 'boolean', default: false, describe: 'per partition: committed offset, log end offset, lag in offsets and seconds, owner (the default view)' })
    .option('members', { type: 'boolean', default: false, describe: 'per member: id, instance id, host, client id, assigned partitions' })
    .option('state', { type: 'boolean', default: false, describe: 'per group: coordinator, assignment strategy, state, member count' })
    .example('$0 groups describe --bootstrap-server localhost:9092 --group orders', 'offsets and lag of one group')
    .example('$0 groups describe --bootstrap-server localhost:9092 --all-groups --members', 'who consumes what') as unknown as Argv<DescribeArgs>,
  handler: async (args) => {
    checkGroupSelection(args)
    if ([args.offsets, args.members, args.state].filter(Boolean).length > 1) throw new UsageError('choose one of --offsets, --members and --state')
    await withClient(args, async (client) => {
      const described: DescribedGroup[] = []
      const missing: string[] = []
      for (const groupId of await selectedGroups(client, args)) {
        const group = await describe(client, groupId)
        if (group === undefined) missing.push(groupId)
        else described.push(group)
      }
      if (described.length > 0 || missing.length === 0) {
        printResult(args.json, described.map(asJson), () => {
          if (args.state) return stateTable(described)
          if (args.members) return noMembersNotes(described) + membersTable(described)
          return noMembersNotes(described) + offsetsTable(described)
        })
      }
      const [firstMissing] = missing
      if (firstMissing !== undefined) {
        throw new KafkaError(ErrorCode.GROUP_ID_NOT_FOUND, `describing group ${firstMissing}`,
          missing.map((groupId) => `Consumer group '${groupId}' does not exist.`).join(' '))
      }
    })
  },
}
