// One value of server.properties, read as Kafka's ConfigDef reads it: the text is trimmed, then
// parsed by the key's type and checked by its validator. Failures are ConfigErrors in ConfigDef's
// wording ("Invalid value abc for configuration num.partitions: Not a number of type INT").
import type { ConfigKey, Validator } from './broker-config-keys.js'
import { LONG_MAX_VALUE } from './broker-config-keys.js'
import { ConfigError } from './config-error.js'

export type ConfigValue = number | boolean | string | readonly string[]

const INTEGER_RANGES = {
  short: [-(2n ** 15n), 2n ** 15n - 1n],
  int: [-(2n ** 31n), 2n ** 31n - 1n],
  long: [-(2n ** 63n), 2n ** 63n - 1n],
} as const

// Java's Integer.parseInt / Long.parseLong: an optional sign and decimal digits, nothing else.
const JAVA_INTEGER = /^[+-]?\d+$/
// Double.parseDouble's decimal forms (hexadecimal floats left out), with its optional d/f suffix.
const JAVA_DOUBLE = /^[+-]?(NaN|Infinity|(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?[dDfF]?)$/

/** Parses and validates the text of `key`; throws ConfigError naming the key and the value. */
export function parseConfigValue(key: ConfigKey, text: string): ConfigValue {
  const trimmed = text.trim()
  const value = parseByType(key, trimmed)
  if (key.validator !== undefined) validate(key, value, key.validator)
  return value
}

function parseByType(key: ConfigKey, trimmed: string): ConfigValue {
  switch (key.type) {
    case 'short':
    case 'int':
    case 'long':
      return parseInteger(key, trimmed, key.type)
    case 'double':
      if (!JAVA_DOUBLE.test(trimmed)) throw ConfigError.invalidValue(key.name, trimmed, 'Not a number of type DOUBLE')
      return trimmed.endsWith('NaN') ? Number.NaN : Number.parseFloat(trimmed.replace(/[dDfF]$/, ''))
    case 'boolean': {
      const lower = trimmed.toLowerCase()
      if (lower !== 'true' && lower !== 'false') throw ConfigError.invalidValue(key.name, trimmed, 'Expected value to be either true or false')
      return lower === 'true'
    }
    case 'list':
      // ConfigDef splits on commas and the blanks around them; an empty text is the empty list.
      return trimmed === '' ? [] : trimmed.split(/\s*,\s*/)
    case 'string':
    case 'password':
    case 'class':
      return trimmed
    default:
      return assertNever(key.type)
  }
}

function parseInteger(key: ConfigKey, trimmed: string, type: 'short' | 'int' | 'long'): number {
  const [min, max] = INTEGER_RANGES[type]
  const big = JAVA_INTEGER.test(trimmed) ? BigInt(trimmed) : undefined
  if (big === undefined || big < min || big > max) throw ConfigError.invalidValue(key.name, trimmed, `Not a number of type ${type.toUpperCase()}`)
  // Longs beyond 2^53 - 1 (Kafka's Long.MAX_VALUE "no limit" among them) are read as the largest exact number.
  if (big > BigInt(LONG_MAX_VALUE)) return LONG_MAX_VALUE
  if (big < -BigInt(LONG_MAX_VALUE)) return -LONG_MAX_VALUE
  return Number(big)
}

function validate(key: ConfigKey, value: ConfigValue, validator: Validator): void {
  const shown = key.type === 'password' ? '[hidden]' : Array.isArray(value) ? value.join(',') : String(value)
  switch (validator.kind) {
    case 'atLeast':
      if (typeof value === 'number' && !(value >= validator.min)) throw ConfigError.invalidValue(key.name, shown, `Value must be at least ${validator.min}`)
      return
    case 'between':
      if (typeof value === 'number' && !(value >= validator.min)) throw ConfigError.invalidValue(key.name, shown, `Value must be at least ${validator.min}`)
      if (typeof value === 'number' && !(value <= validator.max)) throw ConfigError.invalidValue(key.name, shown, `Value must be no more than ${validator.max}`)
      return
    case 'oneOf':
      if (typeof value === 'string' && !validator.values.includes(value)) {
        throw ConfigError.invalidValue(key.name, shown, `String must be one of: ${validator.values.join(', ')}`)
      }
      return
    case 'eachOneOf':
      if (Array.isArray(value)) {
        for (const element of value as readonly string[]) {
          if (!validator.values.includes(element)) {
            throw ConfigError.invalidValue(key.name, element, `String must be one of: ${validator.values.join(', ')}`)
          }
        }
      }
      return
    default:
      assertNever(validator)
  }
}

function assertNever(value: never): never {
  throw new Error(`unexpected ${JSON.stringify(value)}`)
}
