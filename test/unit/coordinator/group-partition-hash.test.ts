// The group → partition hash agrees with Java's String.hashCode and Kafka's Utils.abs, so Sluice
// and Kafka put a group in the same `__consumer_offsets` partition.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { javaStringHashCode, kafkaAbs, partitionForGroup } from '../../../src/coordinator/group-partition-hash.js'

describe('javaStringHashCode', () => {
  it('matches values Java prints for String.hashCode', () => {
    assert.equal(javaStringHashCode(''), 0)
    assert.equal(javaStringHashCode('hello'), 99162322)
    assert.equal(javaStringHashCode('group'), 98629247)
    assert.equal(javaStringHashCode('Aa'), 2112)
    assert.equal(javaStringHashCode('BB'), 2112)
    // 'polygenelubricants' is the well-known string whose hash is Integer.MIN_VALUE.
    assert.equal(javaStringHashCode('polygenelubricants'), -2147483648)
  })

  it('hashes UTF-16 code units, so a character outside the BMP counts as its two surrogates', () => {
    // 0xD83D * 31 + 0xDE00
    assert.equal(javaStringHashCode('\u{1F600}'), 0xd83d * 31 + 0xde00)
    assert.equal(javaStringHashCode('é'), 0xe9)
  })

  it('wraps like int32 arithmetic', () => {
    assert.equal(javaStringHashCode('my-group'), -1906497762)
  })
})

describe('partitionForGroup', () => {
  it('is abs(hash) % count, with Integer.MIN_VALUE mapped to 0 as Utils.abs does', () => {
    assert.equal(kafkaAbs(-2147483648), 0)
    assert.equal(partitionForGroup('', 50), 0)
    assert.equal(partitionForGroup('group', 50), 98629247 % 50)
    assert.equal(partitionForGroup('my-group', 50), 1906497762 % 50)
    assert.equal(partitionForGroup('polygenelubricants', 50), 0)
    assert.equal(partitionForGroup('hello', 1), 0)
  })

  it('refuses a partition count below one', () => {
    assert.throws(() => partitionForGroup('group', 0), RangeError)
  })
})
