// Kafka's version-range notation: "3+", "0-4", "5", "none".

export interface VersionRange {
  readonly min: number
  readonly max: number
}

export const NO_VERSIONS: VersionRange = { min: 1, max: 0 }

/** Parses a range; "N+" is open-ended, capped at `highest` (the message's highest valid version). */
export function parseVersionRange(spec: string, highest: number): VersionRange {
  const text = spec.trim()
  if (text === 'none' || text === '') return NO_VERSIONS
  const plus = /^(\d+)\+$/.exec(text)
  if (plus !== null) return { min: Number(plus[1]), max: highest }
  const range = /^(\d+)-(\d+)$/.exec(text)
  if (range !== null) return { min: Number(range[1]), max: Number(range[2]) }
  if (/^\d+$/.test(text)) return { min: Number(text), max: Number(text) }
  throw new Error(`bad version range: ${spec}`)
}

export function includesVersion(range: VersionRange, version: number): boolean {
  return version >= range.min && version <= range.max
}

export function isEmptyRange(range: VersionRange): boolean {
  return range.min > range.max
}
