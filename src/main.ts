#!/usr/bin/env node
// Process entry of the `sluice` command. Subcommands arrive with the issues that build them.
// `sluice server` already reads and checks its configuration as Kafka does (an invalid value is
// one line naming the key, then exit 1), then says that the broker itself is not built yet.
import yargs from 'yargs'
import { hideBin } from 'yargs/helpers'
import { readBrokerConfigFile } from './config/broker-config-file.js'
import { parseBrokerConfig } from './config/broker-config.js'
import { ConfigError } from './config/config-error.js'

async function server(configPath: string | undefined, overrides: readonly string[]): Promise<number> {
  try {
    const properties = configPath === undefined ? new Map<string, string>() : await readBrokerConfigFile(configPath)
    const { config, warnings } = parseBrokerConfig(properties, overrides)
    for (const warning of warnings) process.stderr.write(`sluice: ${warning}\n`)
    process.stderr.write(`sluice: configuration of node ${config.nodeId} is valid, but the broker server does not exist yet (see README.md)\n`)
    return 1
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    process.stderr.write(`sluice: ${error.message}\n`)
    return 1
  }
}

await yargs(hideBin(process.argv))
  .scriptName('sluice')
  .command(
    'server',
    'run a broker node (the configuration is checked; the server itself is not built yet)',
    (args) =>
      args
        .option('config', { type: 'string', describe: 'server.properties file' })
        .option('override', { type: 'array', string: true, default: [], describe: 'key=value replacing a key of the file (repeatable)' }),
    async (args) => {
      process.exitCode = await server(args.config, args.override)
    },
  )
  .demandCommand(1)
  .strict()
  .help()
  .parseAsync()
