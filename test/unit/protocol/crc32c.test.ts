import assert from 'node:assert/strict'
import { test } from 'node:test'
import { crc32, crc32c } from '../../../src/protocol/crc32c.js'

test('crc32c and crc32 match the standard check values', () => {
  const check = Buffer.from('123456789')
  assert.equal(crc32c(check), 0xe3069283)
  assert.equal(crc32(check), 0xcbf43926)
})

test('checksums continue over pieces', () => {
  const whole = Buffer.from('record batches are checksummed from the attributes on')
  const a = whole.subarray(0, 17)
  const b = whole.subarray(17)
  assert.equal(crc32c(b, crc32c(a)), crc32c(whole))
  assert.equal(crc32(b, crc32(a)), crc32(whole))
})
