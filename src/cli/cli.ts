// The `sluice` command line: the broker (`server`) and the client commands covering what Kafka's
// shell tools do (kafka-topics, kafka-consumer-groups, kafka-configs, kafka-console-producer and
// -consumer, kafka-get-offsets, kafka-cluster). Exit codes: 0 done, 1 the operation failed (a
// Kafka error, an unreachable broker; one line on standard error naming it, no stack trace),
// 2 bad arguments (the message and a pointer to --help).
import yargs, { type CommandModule } from 'yargs'
import { SluiceError } from '../errors.js'
import { clusterCommand } from './cluster-command.js'
import { configsCommand } from './configs-command.js'
import { consumeCommand } from './consume-command.js'
import { groupsCommand } from './groups-command.js'
import { offsetsCommand } from './offsets-command.js'
import { produceCommand } from './produce-command.js'
import { serverCommand } from './server-command.js'
import { topicsCommand } from './topics-command.js'

export const EXIT_FAILED = 1
export const EXIT_USAGE = 2

/** A problem with the arguments found after parsing (yargs finds the others): exit 2. */
export class UsageError extends SluiceError {
  constructor(message: string) {
    super('ERR_USAGE', message)
  }
}

/** Every command, in the order --help lists them. */
const COMMANDS: readonly CommandModule<object, never>[] = [
  serverCommand as CommandModule<object, never>,
  topicsCommand as CommandModule<object, never>,
  configsCommand as CommandModule<object, never>,
  produceCommand as CommandModule<object, never>,
  consumeCommand as CommandModule<object, never>,
  groupsCommand as CommandModule<object, never>,
  clusterCommand as CommandModule<object, never>,
  offsetsCommand as CommandModule<object, never>,
]

/** Runs the command line `argv` (without node and the script) and resolves with the exit code. */
export async function runCli(argv: readonly string[], commands: readonly CommandModule<object, never>[] = COMMANDS): Promise<number> {
  let usageError: string | undefined
  const parser = yargs([...argv])
    .scriptName('sluice')
    .strict()
    .demandCommand(1, 'name a command')
    .recommendCommands()
    .help()
    .alias('help', 'h')
    .version(false)
    .wrap(Math.min(120, process.stdout.columns ?? 100))
    .fail((message, error) => {
      // yargs calls this for its own validation (message) and for a handler's throw (error).
      // Throwing is what stops yargs: were this to return, the command's handler would still run
      // with the arguments validation refused. recommendCommands' hint comes first, before the
      // strict check's "Unknown argument", so it is kept and added to that message.
      if (error !== undefined && error !== null) throw error
      if (message.startsWith('Did you mean')) {
        usageError = message
        return
      }
      throw new UsageError(usageError === undefined ? message : `${message}. ${usageError}`)
    })
  for (const command of commands) parser.command(command)
  try {
    await parser.parseAsync()
  } catch (error) {
    if (error instanceof UsageError) usageError = error.message
    else if (error instanceof SluiceError) {
      process.stderr.write(`sluice: ${error.message}\n`)
      return EXIT_FAILED
    } else throw error
  }
  if (usageError !== undefined) {
    process.stderr.write(`sluice: ${usageError}\nRun with --help for usage.\n`)
    return EXIT_USAGE
  }
  return typeof process.exitCode === 'number' ? process.exitCode : 0
}
