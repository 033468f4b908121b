// Prints damagedBatchVerdicts(seed, count) as JSON: run with SLUICE_DISABLE_NATIVE=1 by the native
// addon test to get the JavaScript implementation's answers.
import { damagedBatchVerdicts } from './damaged-batches.js'

const [seed, count] = process.argv.slice(2).map(Number)
process.stdout.write(JSON.stringify(damagedBatchVerdicts(seed ?? 1, count ?? 100)))
