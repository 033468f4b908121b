// Commands acting on several topics or resources report each failure on its own line and still
// finish the others, as Kafka's tools do; the command then exits 1 if any failed.
import type { SluiceError } from '../errors.js'
import { EXIT_FAILED } from './cli.js'

/** Writes each failure to standard error and sets exit code 1 when there is one; true when there was none. */
export function reportFailures(failures: readonly SluiceError[]): boolean {
  for (const failure of failures) process.stderr.write(`sluice: ${failure.message}\n`)
  if (failures.length > 0) process.exitCode = EXIT_FAILED
  return failures.length === 0
}
