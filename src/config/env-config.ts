// server.properties keys from environment variables, for containers: SLUICE_CFG_LOG_RETENTION_MS=…
// sets log.retention.ms. The spelling is the one Apache Kafka's own image documents (apache/kafka,
// KIP-975) and the one Confluent's cp-kafka implements (env_to_props in confluentinc/docker-utils):
// take the name after the prefix, lower-case it, then read each run of underscores as
//   _   → .    (log.retention.ms        SLUICE_CFG_LOG_RETENTION_MS)
//   __  → _    (listener.name.sasl_ssl… SLUICE_CFG_LISTENER_NAME_SASL__SSL_…)
//   ___ → -    (a key with a dash       SLUICE_CFG_ABC___DEF)
// Confluent's documentation page states the dash and underscore rules the other way round, but its
// code and Apache Kafka's image both do the above, so images configured for either work here too.
//
// Precedence, lowest first: the --config file, then these variables, then --override arguments.
// Other SLUICE_ variables (SLUICE_LOG_LEVEL, SLUICE_DISABLE_NATIVE) are not configuration keys and
// are left alone. A variable with an empty value counts as unset, so `-e SLUICE_CFG_X=` undoes a
// default baked into an image. A key that maps to no known config gets the same start-up warning as
// an unknown key in the file.
import { ConfigError } from './config-error.js'

export const ENV_CONFIG_PREFIX = 'SLUICE_CFG_'

/** Words of letters and digits joined by runs of one to three underscores. */
const VARIABLE_BODY = /^[A-Za-z0-9]+(?:_{1,3}[A-Za-z0-9]+)*$/

const UNDERSCORE_RUNS: Readonly<Record<number, string>> = { 1: '.', 2: '_', 3: '-' }

/**
 * The server.properties key a SLUICE_CFG_ variable sets; undefined for a variable without the
 * prefix. Throws a ConfigError naming the variable when the rest of its name cannot be a key (empty,
 * a leading or trailing underscore, four or more underscores in a row, other characters).
 */
export function propertyNameFromVariable(variable: string): string | undefined {
  if (!variable.startsWith(ENV_CONFIG_PREFIX)) return undefined
  const body = variable.slice(ENV_CONFIG_PREFIX.length)
  if (!VARIABLE_BODY.test(body)) {
    throw new ConfigError(undefined, `Invalid environment variable ${variable}: after ${ENV_CONFIG_PREFIX}, expected a server.properties key with . written as _, _ as __ and - as ___ (for example ${ENV_CONFIG_PREFIX}LOG_RETENTION_MS for log.retention.ms)`)
  }
  return body.toLowerCase().replace(/_+/g, (run) => UNDERSCORE_RUNS[run.length] ?? run)
}

/** The SLUICE_CFG_ variable that sets `key`: the inverse of propertyNameFromVariable. */
export function variableFromPropertyName(key: string): string {
  return ENV_CONFIG_PREFIX + key.replace(/[._-]/g, (character) => (character === '.' ? '_' : character === '_' ? '__' : '___')).toUpperCase()
}

/**
 * The server.properties keys and values set by SLUICE_CFG_ variables in `env`, in variable-name
 * order (so the result does not depend on the environment's order). Variables with an empty value
 * are left out. Two variables naming the same key (SLUICE_CFG_LOG_DIRS and SLUICE_CFG_log_dirs) are
 * refused, since which one wins would be an accident. Throws ConfigError for a malformed name.
 */
export function propertiesFromEnvironment(env: Readonly<Record<string, string | undefined>>): Map<string, string> {
  const properties = new Map<string, string>()
  const sourceOf = new Map<string, string>()
  const variables = Object.keys(env).filter((name) => name.startsWith(ENV_CONFIG_PREFIX)).sort()
  for (const variable of variables) {
    const value = env[variable]
    if (value === undefined || value === '') continue
    const key = propertyNameFromVariable(variable)
    if (key === undefined) continue
    const earlier = sourceOf.get(key)
    if (earlier !== undefined) {
      throw new ConfigError(key, `Environment variables ${earlier} and ${variable} both set ${key}: keep one`)
    }
    sourceOf.set(key, variable)
    properties.set(key, value)
  }
  return properties
}
