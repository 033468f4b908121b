// `sluice groups reset-offsets`, as kafka-consumer-groups.sh --reset-offsets: a scope (--topic t,
// --topic t:0,1 or --all-topics: the topics the group has committed), one way to choose the new
// offsets, and --dry-run (the default: print the plan, change nothing) or --execute (commit it, as
// an administrator: generation -1, no member id). Only a group without members may be reset.
import type { Argv, CommandModule } from 'yargs'
import { commitOffsets, describeGroup, fetchCommittedOffsets } from '../client/group-admin.js'
import { assertGroupInactive, planOffsetReset, type PlannedOffset, type ResetMode, type TopicScope } from '../client/offset-reset.js'
import { UsageError } from './cli.js'
import { withClient, withClientOptions, type ClientArgs } from './client-options.js'
import { checkGroupSelection, selectedGroups, withGroupSelection, type GroupSelectionArgs } from './group-selection.js'
import { formatTable, printResult } from './output.js'

export interface ResetModeArgs {
  readonly toEarliest: boolean
  readonly toLatest: boolean
  readonly toCurrent: boolean
  readonly toOffset?: string | undefined
  readonly toDatetime?: string | undefined
  readonly byDuration?: string | undefined
  readonly shiftBy?: string | undefined
}

interface ResetArgs extends ClientArgs, GroupSelectionArgs, ResetModeArgs {
  readonly topic: string[]
  readonly allTopics: boolean
  readonly dryRun: boolean
  readonly execute: boolean
}

const MODE_FLAGS = ['--to-earliest', '--to-latest', '--to-current', '--to-offset', '--to-datetime', '--by-duration', '--shift-by'] as const

function parseInteger(flag: string, text: string): bigint {
  if (!/^[+-]?\d+$/.test(text.trim())) throw new UsageError(`${flag} needs an integer, not "${text}"`)
  return BigInt(text.trim())
}

/**
 * Kafka's --to-datetime format, YYYY-MM-DDTHH:mm:SS.sss, seconds and milliseconds optional, with
 * an optional zone (Z or ±HH:mm); without one it is local time, as in Kafka's tool.
 */
export function parseDatetime(text: string): bigint {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(text.trim())
  const ms = match === null ? NaN : Date.parse(normalizeZone(text.trim()))
  if (match === null || Number.isNaN(ms)) throw new UsageError(`--to-datetime needs YYYY-MM-DDTHH:mm:SS.sss (optionally with Z or +HH:mm), not "${text}"`)
  return BigInt(ms)
}

/** Date.parse wants ±HH:mm; Kafka also takes ±HHmm. */
function normalizeZone(text: string): string {
  return text.replace(/([+-]\d{2})(\d{2})$/, '$1:$2')
}

/** Kafka's --by-duration, an ISO-8601 duration (PnDTnHnMnS) before now, in milliseconds. */
export function parseDuration(text: string): bigint {
  const match = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d{1,3})?)S)?)?$/i.exec(text.trim())
  if (match === null || text.trim().toUpperCase() === 'P' || /T$/i.test(text.trim())) {
    throw new UsageError(`--by-duration needs an ISO-8601 duration such as PT1H30M or P1DT2H, not "${text}"`)
  }
  const [, days, hours, minutes, seconds] = match
  const totalMs = (Number(days ?? 0) * 86_400 + Number(hours ?? 0) * 3_600 + Number(minutes ?? 0) * 60 + Number(seconds ?? 0)) * 1000
  return BigInt(Math.round(totalMs))
}

/** The one reset mode the arguments name; UsageError for none or several. */
export function resetModeOf(args: ResetModeArgs, nowMs: number): ResetMode {
  const given = [args.toEarliest, args.toLatest, args.toCurrent, args.toOffset, args.toDatetime, args.byDuration, args.shiftBy]
    .map((value, index) => (value === undefined || value === false ? undefined : MODE_FLAGS[index]))
    .filter((flag) => flag !== undefined)
  if (given.length === 0) throw new UsageError(`reset-offsets needs one of ${MODE_FLAGS.join(', ')}`)
  if (given.length > 1) throw new UsageError(`choose one of ${given.join(' and ')}`)
  if (args.toEarliest) return { kind: 'earliest' }
  if (args.toLatest) return { kind: 'latest' }
  if (args.toCurrent) return { kind: 'current' }
  if (args.toOffset !== undefined) return { kind: 'offset', offset: parseInteger('--to-offset', args.toOffset) }
  if (args.toDatetime !== undefined) return { kind: 'datetime', timestampMs: parseDatetime(args.toDatetime) }
  if (args.byDuration !== undefined) return { kind: 'datetime', timestampMs: BigInt(nowMs) - parseDuration(args.byDuration) }
  return { kind: 'shift', shiftBy: parseInteger('--shift-by', args.shiftBy!) }
}

/** --topic t (every partition) or t:0,1 (those partitions). */
export function parseTopicScope(text: string): TopicScope {
  const colon = text.lastIndexOf(':')
  const topic = colon < 0 ? text : text.slice(0, colon)
  if (topic === '') throw new UsageError(`--topic needs a topic name, not "${text}"`)
  if (colon < 0) return { topic, partitions: null }
  const partitions = text.slice(colon + 1).split(',').map((part) => part.trim())
  if (partitions.some((part) => !/^\d+$/.test(part))) throw new UsageError(`--topic ${text}: partitions are numbers separated by commas (topic:0,1)`)
  return { topic, partitions: partitions.map(Number) }
}

function planTable(plans: readonly { groupId: string; plan: readonly PlannedOffset[] }[]): string {
  return formatTable(['GROUP', 'TOPIC', 'PARTITION', 'NEW-OFFSET'],
    plans.flatMap(({ groupId, plan }) => plan.map((row) => [groupId, row.topic, row.partition, row.newOffset])))
}

export const groupsResetOffsetsCommand: CommandModule<object, ResetArgs> = {
  command: 'reset-offsets',
  describe: 'reset the committed offsets of groups without members (a dry run unless --execute)',
  builder: (args: Argv) => withGroupSelection(withClientOptions(args))
    .option('topic', { type: 'string', array: true, default: [] as string[], describe: 'a topic, or topic:0,1 for some partitions (repeatable)' })
    .option('all-topics', { type: 'boolean', default: false, describe: 'every topic the group has committed offsets for' })
    .option('to-earliest', { type: 'boolean', default: false, describe: 'reset to the log start offset' })
    .option('to-latest', { type: 'boolean', default: false, describe: 'reset to the log end offset' })
    .option('to-current', { type: 'boolean', default: false, describe: 'keep the committed offset (the log end where there is none)' })
    .option('to-offset', { type: 'string', describe: 'reset to this offset (kept within the log start and end)' })
    .option('to-datetime', { type: 'string', describe: 'reset to the first offset at or after this time, YYYY-MM-DDTHH:mm:SS.sss (local time unless Z or ±HH:mm)' })
    .option('by-duration', { type: 'string', describe: 'reset to the first offset at or after this long ago, an ISO-8601 duration (PT1H, P1DT2H30M)' })
    .option('shift-by', { type: 'string', describe: 'move the committed offset by this many (negative: back), kept within the log start and end' })
    .option('dry-run', { type: 'boolean', default: false, describe: 'print the new offsets without committing them (the default)' })
    .option('execute', { type: 'boolean', default: false, describe: 'commit the new offsets' })
    .example('$0 groups reset-offsets --bootstrap-server localhost:9092 --group orders --topic orders --to-earliest --execute', 'replay a topic')
    .example('$0 groups reset-offsets --bootstrap-server localhost:9092 --group orders --all-topics --shift-by -100', 'preview going back 100 records') as unknown as Argv<ResetArgs>,
  handler: async (args) => {
    checkGroupSelection(args)
    const mode = resetModeOf(args, Date.now())
    if (args.dryRun && args.execute) throw new UsageError('choose one of --dry-run and --execute')
    if (args.allTopics === (args.topic.length > 0)) throw new UsageError('reset-offsets needs --topic (repeatable) or --all-topics, not both')
    const scope = args.allTopics ? 'all-topics' : args.topic.map(parseTopicScope)
    await withClient(args, async (client) => {
      const plans: { groupId: string; plan: PlannedOffset[] }[] = []
      for (const groupId of await selectedGroups(client, args)) {
        assertGroupInactive(groupId, (await describeGroup(client, groupId)).state)
        plans.push({ groupId, plan: await planOffsetReset(client, groupId, await fetchCommittedOffsets(client, groupId), scope, mode) })
      }
      // Every group planned (and found inactive) before any is changed.
      if (args.execute) {
        for (const { groupId, plan } of plans) await commitOffsets(client, groupId, plan.map(({ topic, partition, newOffset }) => ({ topic, partition, offset: newOffset })))
      }
      printResult(args.json, plans.flatMap(({ groupId, plan }) => plan.map((row) => ({
        group: groupId, topic: row.topic, partition: row.partition, currentOffset: row.currentOffset, newOffset: row.newOffset,
      }))), () => planTable(plans))
      // As Kafka's tool warns: without either flag nothing changes, which a user may not expect.
      if (!args.execute && !args.dryRun) process.stderr.write('sluice: no offsets changed: this is a dry run; add --execute to commit the new offsets\n')
    })
  },
}
