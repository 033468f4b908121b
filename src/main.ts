#!/usr/bin/env node
// Process entry of the `sluice` command. Subcommands arrive with the issues that build them;
// until the broker exists, `sluice server` says so instead of pretending to start.
import yargs from 'yargs'
import { hideBin } from 'yargs/helpers'

await yargs(hideBin(process.argv))
  .scriptName('sluice')
  .command(
    'server',
    'run a broker node (not built yet)',
    (args) => args.option('config', { type: 'string', describe: 'server.properties file' }).option('override', { type: 'array', string: true, describe: 'key=value replacing a key of the file' }),
    () => {
      process.stderr.write('sluice: the broker server does not exist yet; this build has the protocol layer only (see README.md)\n')
      process.exitCode = 1
    },
  )
  .demandCommand(1)
  .strict()
  .help()
  .parseAsync()
