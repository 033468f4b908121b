// The native addon (native/sluice-native.c) against the JavaScript it stands in for: the same
// CRC-32C on every code path (table, CRC instruction, 128- and 512-bit folding, each tail), and the
// same verdict, problem and offset for the record framing of valid and damaged batches.
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { test } from 'node:test'
import { crc32c as referenceCrc32c } from '@node-rs/crc32'
import { buildRecordBatchSync, type RecordInput } from '../../../src/protocol/build-record-batch.js'
import { nativeAddon } from '../../../src/protocol/native-addon.js'
import { RECORDS_OFFSET, checkRecordFraming, checkRecordFramingInJavaScript, readRecordBatchHeader } from '../../../src/protocol/record-batch.js'
import { damagedBatchVerdicts } from '../../helpers/damaged-batches.js'
import { seededRandom } from '../../helpers/seeded-random.js'

const execFileAsync = promisify(execFile)

function requireAddon(): NonNullable<typeof nativeAddon> {
  assert.ok(nativeAddon, 'the native addon is not built: npm run build compiles native/sluice-native.c (needs a C compiler)')
  return nativeAddon
}

function randomBuffer(random: () => number, length: number): Buffer {
  const bytes = Buffer.allocUnsafe(length)
  for (let i = 0; i < length; i++) bytes[i] = Math.floor(random() * 256)
  return bytes
}

test('the native addon is built and loaded on Linux', () => {
  if (process.platform !== 'linux') return
  const addon = requireAddon()
  assert.equal(typeof addon.crc32cUsesHardware(), 'boolean')
})

test('native CRC-32C equals the reference for every length, alignment and starting value', () => {
  const addon = requireAddon()
  const random = seededRandom(20261126)
  const lengths = [...Array.from({ length: 1100 }, (_, i) => i), 2047, 2048, 4095, 4096, 65_535, 65_536, 65_537, 1_048_576, 1_048_576 + 13]
  for (const length of lengths) {
    const backing = randomBuffer(random, length + 8)
    const shift = length % 8
    const bytes = backing.subarray(shift, shift + length)
    const initial = length % 3 === 0 ? 0 : Math.floor(random() * 2 ** 32)
    assert.equal(addon.crc32c(bytes, initial, 0, length), referenceCrc32c(bytes, initial), `length ${length}`)
  }
  assert.equal(addon.crc32c(Buffer.from('123456789'), 0, 0, 9), 0xe3069283, 'the CRC-32C check value')
})

test('native CRC-32C checks its arguments', () => {
  const addon = requireAddon()
  assert.throws(() => addon.crc32c(Buffer.alloc(4), 0, 2, 9), RangeError)
  assert.throws(() => addon.crc32c('text' as unknown as Buffer, 0, 0, 1), TypeError)
})

function randomRecords(random: () => number, count: number): RecordInput[] {
  return Array.from({ length: count }, (_, i) => {
    const valueSize = random() < 0.1 ? Math.floor(random() * 20_000) : Math.floor(random() * 300)
    const headerCount = random() < 0.5 ? 0 : Math.floor(random() * 4)
    return {
      key: random() < 0.3 ? null : randomBuffer(random, Math.floor(random() * 40)),
      value: random() < 0.05 ? null : randomBuffer(random, valueSize),
      headers: Array.from({ length: headerCount }, (_, h) => ({ key: `h${h}`, value: random() < 0.2 ? null : randomBuffer(random, 10) })),
      timestamp: 1_700_000_000_000n + BigInt(Math.floor(random() * 10_000_000)) - 5_000_000n,
      offsetDelta: i,
    }
  })
}

test('native and JavaScript record walks agree on valid and damaged batches', () => {
  requireAddon()
  const random = seededRandom(77)
  let faults = 0
  for (let round = 0; round < 60; round++) {
    const batch = buildRecordBatchSync({ records: randomRecords(random, 1 + Math.floor(random() * 60)) })
    const header = readRecordBatchHeader(batch)
    const requireContiguous = random() < 0.8
    assert.equal(checkRecordFraming(batch, RECORDS_OFFSET, batch.length, header, requireContiguous), undefined)
    for (let mutation = 0; mutation < 40; mutation++) {
      const damaged = Buffer.from(batch)
      const flips = 1 + Math.floor(random() * 3)
      for (let i = 0; i < flips; i++) damaged[RECORDS_OFFSET + Math.floor(random() * (damaged.length - RECORDS_OFFSET))] = Math.floor(random() * 256)
      const end = random() < 0.2 ? RECORDS_OFFSET + Math.floor(random() * (damaged.length - RECORDS_OFFSET)) : damaged.length
      const expected = checkRecordFramingInJavaScript(damaged, RECORDS_OFFSET, end, header, requireContiguous)
      const actual = checkRecordFraming(damaged, RECORDS_OFFSET, end, header, requireContiguous)
      assert.equal(actual?.problem, expected?.problem, `round ${round} mutation ${mutation}: ${expected?.reason} / ${actual?.reason}`)
      assert.equal(actual?.offset, expected?.offset, `round ${round} mutation ${mutation}: ${expected?.reason} / ${actual?.reason}`)
      if (expected !== undefined) faults++
    }
  }
  assert.ok(faults > 300, `only ${faults} damaged batches were caught`)
})

test('checkRecordBatch gives the same verdicts with and without the native addon', async () => {
  requireAddon()
  const seed = 4242
  const count = 400
  const withNative = damagedBatchVerdicts(seed, count)
  const child = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'helpers', 'damaged-batches-child.js')
  const { stdout } = await execFileAsync(process.execPath, [child, String(seed), String(count)], { env: { ...process.env, SLUICE_DISABLE_NATIVE: '1' }, timeout: 30_000 })
  const withoutNative = JSON.parse(stdout) as typeof withNative
  assert.deepEqual(withNative, withoutNative)
  assert.ok(withNative.filter((verdict) => verdict !== null).length > 100, 'the damage is mostly caught')
  assert.ok(withNative.some((verdict) => verdict === null), 'some batches are sound')
})
