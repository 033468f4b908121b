// A command that only groups subcommands (`sluice topics create`, `sluice groups describe`, …),
// as Kafka's tools group actions under one script: naming none is a usage error listing them.
import type { Argv, CommandModule } from 'yargs'

export function commandGroup(name: string, describe: string, subcommands: readonly CommandModule<object, never>[]): CommandModule<object, object> {
  const names = subcommands.map((subcommand) => String(subcommand.command).split(' ')[0])
  const list = names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`
  return {
    command: name,
    describe,
    builder: (args: Argv) => {
      for (const subcommand of subcommands) args.command(subcommand)
      return args.demandCommand(1, `name a ${name} command: ${list}`)
    },
    // Never reached: demandCommand refuses the group without a subcommand.
    handler: () => {},
  }
}
