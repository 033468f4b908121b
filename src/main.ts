#!/usr/bin/env node
// Process entry of the `sluice` command: the broker (`sluice server`) and the client commands
// that do what Kafka's shell tools do (src/cli/).
import { hideBin } from 'yargs/helpers'
import { runCli } from './cli/cli.js'

process.exitCode = await runCli(hideBin(process.argv))
