// The broker's own logger: pino JSON, one event per line with an ISO time, or pino-pretty's colour
// output when a person runs the broker in a terminal. Pretty printing runs in this thread on a
// synchronous stream (no worker transport), so the last lines before an exit are never lost.
import { pino, type DestinationStream, type Logger } from 'pino'
import pretty from 'pino-pretty'
import { ConfigError } from './config/config-error.js'

/** The levels `log.level` accepts (pino's). */
export const BROKER_LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const

export type BrokerLogLevel = (typeof BROKER_LOG_LEVELS)[number]

export interface BrokerLoggerOptions {
  /** Lowest level written (`log.level`, or SLUICE_LOG_LEVEL; see brokerLogLevel). */
  readonly level: string
  /** Pretty, coloured lines for a person (standard output is a TTY); JSON lines otherwise. */
  readonly isTerminal: boolean
  /** Where lines go; standard output when absent. */
  readonly destination?: DestinationStream
}

/**
 * The level to log at: SLUICE_LOG_LEVEL, when set (not empty), takes precedence over `log.level`
 * so an operator can turn on debug for one run without editing server.properties. A value that is
 * not a pino level is a ConfigError naming the variable (one line at start-up, exit 1).
 */
export function brokerLogLevel(configured: string, env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.SLUICE_LOG_LEVEL
  if (fromEnv === undefined || fromEnv === '') return configured
  if (!(BROKER_LOG_LEVELS as readonly string[]).includes(fromEnv)) {
    throw ConfigError.invalidValue('SLUICE_LOG_LEVEL', fromEnv, `String must be one of: ${BROKER_LOG_LEVELS.join(', ')}`)
  }
  return fromEnv
}

export function createBrokerLogger(options: BrokerLoggerOptions): Logger {
  const pinoOptions = { level: options.level, timestamp: pino.stdTimeFunctions.isoTime }
  if (options.isTerminal) {
    return pino(pinoOptions, pretty({
      colorize: true,
      sync: true,
      translateTime: 'SYS:HH:MM:ss.l',
      // One event per line here too: a busy broker's output stays scannable.
      singleLine: true,
      ignore: 'pid,hostname',
      ...(options.destination === undefined ? {} : { destination: options.destination }),
    }))
  }
  // pino's default destination: standard output, written synchronously.
  return options.destination === undefined ? pino(pinoOptions) : pino(pinoOptions, options.destination)
}
