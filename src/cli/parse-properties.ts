// Kafka's console tools take formatting settings as repeated `--property key=value`; this reads
// them into a map and refuses a malformed one (exit 2) or, given the known keys, an unknown one.
import { UsageError } from './cli.js'

export function parseProperties(properties: readonly string[], knownKeys: readonly string[]): Map<string, string> {
  const parsed = new Map<string, string>()
  for (const property of properties) {
    const equals = property.indexOf('=')
    if (equals <= 0) throw new UsageError(`--property ${JSON.stringify(property)} is not key=value`)
    const key = property.slice(0, equals)
    if (!knownKeys.includes(key)) throw new UsageError(`unknown --property ${key}; known: ${knownKeys.join(', ')}`)
    parsed.set(key, property.slice(equals + 1))
  }
  return parsed
}

/** A boolean property ("true"/"false", any case, as Java's Boolean.parseBoolean). */
export function booleanProperty(properties: ReadonlyMap<string, string>, key: string, defaultValue: boolean): boolean {
  const value = properties.get(key)
  return value === undefined ? defaultValue : value.trim().toLowerCase() === 'true'
}

/** A separator property: Kafka's console tools take `\t` and `\n` written out as escapes too. */
export function separatorProperty(properties: ReadonlyMap<string, string>, key: string, defaultValue: string): string {
  const value = properties.get(key)
  if (value === undefined) return defaultValue
  if (value === '') throw new UsageError(`--property ${key} cannot be empty`)
  return unescapeSeparator(value)
}

/** `\t`, `\n`, `\r` and `\\` written as two characters become the character itself. */
export function unescapeSeparator(value: string): string {
  return value.replace(/\\([tnr\\])/g, (_match, letter: string) => ({ t: '\t', n: '\n', r: '\r' } as Record<string, string>)[letter] ?? '\\')
}
