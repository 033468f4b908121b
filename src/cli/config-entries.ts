// Config entries on the command line, as Kafka's tools take them: kafka-topics' repeatable
// `--config k=v` (the value may hold commas, as cleanup.policy=compact,delete does), and
// kafka-configs' `--add-config k1=v1,k2=[a,b]` (commas separate entries; square brackets keep a
// list value's commas) and `--delete-config k1,k2`.
import { UsageError } from './cli.js'

/** `k=v` entries, each from its own flag; throws UsageError naming `flag` for one without `=`. */
export function parseConfigEntries(flag: string, entries: readonly string[]): Map<string, string> {
  const configs = new Map<string, string>()
  for (const entry of entries) {
    const equals = entry.indexOf('=')
    if (equals <= 0) throw new UsageError(`${flag} expects key=value, got "${entry}"`)
    configs.set(entry.slice(0, equals).trim(), entry.slice(equals + 1).trim())
  }
  return configs
}

/** kafka-configs' `k1=v1,k2=[a,b]` (possibly given several times): brackets hold a value's commas and are dropped. */
export function parseConfigList(flag: string, lists: readonly string[]): Map<string, string> {
  const entries: string[] = []
  for (const list of lists) {
    let depth = 0
    let start = 0
    for (let index = 0; index <= list.length; index++) {
      const char = list[index]
      if (char === '[') depth++
      else if (char === ']') depth = Math.max(0, depth - 1)
      else if ((char === ',' && depth === 0) || char === undefined) {
        const entry = list.slice(start, index).trim()
        if (entry !== '') entries.push(entry)
        start = index + 1
      }
    }
  }
  const configs = parseConfigEntries(flag, entries)
  for (const [key, value] of configs) {
    if (value.startsWith('[') && value.endsWith(']')) configs.set(key, value.slice(1, -1))
  }
  return configs
}

/** `k1,k2` (possibly given several times) into the keys. */
export function parseKeyList(lists: readonly string[]): string[] {
  return lists.flatMap((list) => list.split(',')).map((key) => key.trim()).filter((key) => key !== '')
}
