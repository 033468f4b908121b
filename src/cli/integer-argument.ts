// Whole-number arguments (--partitions, --replication-factor, broker ids), read from the text as
// given so that a bad one is refused with that text (yargs' own number type turns "abc" into NaN).
import { UsageError } from './cli.js'

/** `text` as an integer of at least `min`; throws UsageError naming `flag` otherwise. */
export function parseIntegerArgument(flag: string, text: string | number, min: number): number {
  const value = typeof text === 'number' ? text : /^[+-]?\d+$/.test(text.trim()) ? Number(text) : NaN
  if (!Number.isSafeInteger(value) || value < min) throw new UsageError(`${flag} expects an integer of at least ${min}, got "${text}"`)
  return value
}
