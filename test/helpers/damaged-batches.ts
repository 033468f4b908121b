// Seeded valid and damaged record batches, and the verdict checkRecordBatch gives on each: used to
// hold the native and the JavaScript validation to the same answers (one process has the addon,
// a child runs with SLUICE_DISABLE_NATIVE=1).
import { buildRecordBatchSync } from '../../src/protocol/build-record-batch.js'
import { checkRecordBatch } from '../../src/protocol/record-batch.js'
import { seededRandom } from './seeded-random.js'

export function damagedBatchVerdicts(seed: number, count: number): Array<[string, number] | null> {
  const random = seededRandom(seed)
  const verdicts: Array<[string, number] | null> = []
  for (let i = 0; i < count; i++) {
    const records = Array.from({ length: 1 + Math.floor(random() * 30) }, (_, r) => ({
      key: random() < 0.3 ? null : Buffer.from(`key-${r}`),
      value: Buffer.alloc(Math.floor(random() * (random() < 0.1 ? 20_000 : 200)), r),
      headers: random() < 0.3 ? [{ key: 'h', value: Buffer.from('v') }] : [],
      timestamp: 1_700_000_000_000n + BigInt(r),
    }))
    const batch = buildRecordBatchSync({ records })
    const flips = Math.floor(random() * 4)
    for (let f = 0; f < flips; f++) {
      const at = Math.floor(random() * batch.length)
      batch.writeUInt8(Math.floor(random() * 256), at)
    }
    const cut = random() < 0.15 ? batch.subarray(0, Math.floor(random() * batch.length)) : batch
    const fault = checkRecordBatch(cut, { requireContiguousOffsets: random() < 0.8 })
    verdicts.push(fault === undefined ? null : [fault.problem, fault.offset])
  }
  return verdicts
}
