// Name conversions shared by the importer and the generator.

/** "DescribeConfigs" → "describe-configs"; "ZkMigrationStateRecord" → "zk-migration-state-record". */
export function kebabCase(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').replace(/([A-Z])([A-Z][a-z])/g, '$1-$2').toLowerCase()
}

/** Kafka's field names are PascalCase; TypeScript properties are camelCase ("ThrottleTimeMs" → "throttleTimeMs"). */
export function camelCase(name: string): string {
  const leadingCaps = /^[A-Z]+(?=[A-Z][a-z]|$)/.exec(name)
  if (leadingCaps !== null && leadingCaps[0].length > 1) return leadingCaps[0].toLowerCase() + name.slice(leadingCaps[0].length)
  return name.charAt(0).toLowerCase() + name.slice(1)
}
