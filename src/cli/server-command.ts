// `sluice server`: reads server.properties, SLUICE_CFG_ environment variables (env-config.ts) and
// --override keys, each replacing the one before (file < environment < --override), and checks them
// as Kafka does (an invalid value is one line naming the key, then exit 1); runs the node, and shuts it down gracefully on SIGTERM or
// SIGINT (stop accepting, finish requests in flight, flush, checkpoint, exit 0).
import type { Logger } from 'pino'
import type { Argv, CommandModule } from 'yargs'
import { brokerLogLevel, createBrokerLogger } from '../broker-logger.js'
import { readBrokerConfigFile } from '../config/broker-config-file.js'
import { parseBrokerConfig } from '../config/broker-config.js'
import { ConfigError } from '../config/config-error.js'
import { propertiesFromEnvironment } from '../config/env-config.js'
import { MetaPropertiesMismatchError } from '../log/meta-properties.js'
import { StorageError } from '../log/storage-error.js'
import { startBroker } from '../node/broker-node.js'

/** How long shutdown lets requests in flight finish before their connections are dropped. */
const SHUTDOWN_TIMEOUT_MS = 30_000

/** One line for a start-up failure the operator can fix; undefined for anything else (a bug). */
function startFailure(error: unknown): string | undefined {
  if (error instanceof ConfigError || error instanceof MetaPropertiesMismatchError) return error.message
  if (error instanceof StorageError) return `log dir problem: ${error.message}`
  const listen = error as { code?: unknown; syscall?: unknown; address?: unknown; port?: unknown }
  if (listen.syscall === 'listen' && (listen.code === 'EADDRINUSE' || listen.code === 'EACCES' || listen.code === 'EADDRNOTAVAIL')) {
    const what = listen.code === 'EADDRINUSE' ? 'the address is already in use' : listen.code === 'EACCES' ? 'permission denied' : 'no such address on this machine'
    return `cannot listen on ${String(listen.address)}:${String(listen.port)}: ${what} (${String(listen.code)}); see listeners (and metrics.host, metrics.port) in the configuration`
  }
  return undefined
}

async function server(configPath: string | undefined, overrides: readonly string[]): Promise<number> {
  let logger: Logger
  let node: Awaited<ReturnType<typeof startBroker>>
  try {
    const fromFile = configPath === undefined ? new Map<string, string>() : await readBrokerConfigFile(configPath)
    // Environment variables replace the file's keys, as in Kafka's container images; --override
    // arguments are applied last by parseBrokerConfig, so they win over both.
    const properties = new Map([...fromFile, ...propertiesFromEnvironment(process.env)])
    const { config, warnings, staticConfigs } = parseBrokerConfig(properties, overrides)
    // The logger comes from the parsed config (log.level), so it exists only once parsing succeeded;
    // a parse error is one line on stderr below. SLUICE_LOG_LEVEL, when set, takes precedence over
    // log.level (one run at debug without editing server.properties). A person at a terminal gets
    // pino-pretty's colour lines; anything else (a pipe, a file, a log shipper) gets JSON lines.
    logger = createBrokerLogger({ level: brokerLogLevel(config.logLevel), isTerminal: process.stdout.isTTY === true })
    for (const warning of warnings) logger.warn({ warning }, 'configuration warning')
    node = await startBroker({ config, staticConfigs, logger })
  } catch (error) {
    const reason = startFailure(error)
    if (reason === undefined) throw error
    process.stderr.write(`sluice: ${reason}\n`)
    return 1
  }
  const metrics = node.metricsUrl === undefined ? '' : `, metrics on ${node.metricsUrl}/metrics`
  process.stderr.write(`sluice: node ${node.nodeId} of cluster ${node.clusterId} serving on ${node.bootstrap}${metrics}\n`)
  return new Promise((resolve) => {
    let isStopping = false
    const stop = (signal: NodeJS.Signals): void => {
      if (isStopping) return
      isStopping = true
      logger.info({ signal }, 'shutting down')
      node.close({ timeoutMs: SHUTDOWN_TIMEOUT_MS }).then(() => resolve(0), (error: unknown) => {
        logger.fatal({ err: error }, 'shutdown failed')
        resolve(1)
      })
    }
    process.on('SIGTERM', stop)
    process.on('SIGINT', stop)
  })
}

interface ServerArgs {
  readonly config?: string | undefined
  readonly override: string[]
}

export const serverCommand: CommandModule<object, ServerArgs> = {
  command: 'server',
  describe: 'run a broker node',
  builder: (args: Argv) => args
    .option('config', { type: 'string', describe: 'server.properties file' })
    .option('override', { type: 'array', string: true, default: [] as string[], describe: 'key=value replacing a key of the file or of a SLUICE_CFG_ environment variable (repeatable)' }) as unknown as Argv<ServerArgs>,
  handler: async (args) => {
    process.exitCode = await server(args.config, args.override)
  },
}
