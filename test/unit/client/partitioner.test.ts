import assert from 'node:assert/strict'
import { test } from 'node:test'
import { murmur2, partitionForKey, toPositive } from '../../../src/client/partitioner.js'

test('murmur2 gives the hashes of Kafka\'s UtilsTest.testMurmur2', () => {
  // The vectors of org.apache.kafka.common.utils.UtilsTest: Java's Utils.murmur2, signed.
  const cases: [string, number][] = [
    ['21', -973932308],
    ['foobar', -790332482],
    ['a-little-bit-long-string', -985981536],
    ['a-little-bit-longer-string', -1486304829],
    ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
    ['abc', 479470107],
  ]
  for (const [key, hash] of cases) assert.equal(murmur2(Buffer.from(key)), hash, key)
})

test('a key\'s partition is the positive hash modulo the partition count, as Java\'s BuiltInPartitioner', () => {
  assert.equal(toPositive(-1), 0x7fffffff)
  assert.equal(toPositive(-0x80000000), 0)
  assert.equal(partitionForKey(Buffer.from('foobar'), 3), (-790332482 & 0x7fffffff) % 3)
  assert.equal(partitionForKey(Buffer.from('abc'), 7), 479470107 % 7)
  assert.equal(partitionForKey(Buffer.from('any'), 1), 0)
})
