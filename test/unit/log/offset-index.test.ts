import assert from 'node:assert/strict'
import { readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { OffsetIndex } from '../../../src/log/offset-index.js'
import { NodeStorage } from '../../../src/log/storage.js'
import { tempDir } from '../../helpers/log-fixtures.js'

test('lookup finds the largest entry at or below an offset, with the segment start below the first entry', async (t) => {
  const index = new OffsetIndex(new NodeStorage(), join(tempDir(t), 'a.index'), 100n, 1024)
  index.append(110n, 4200)
  index.append(125n, 8500)
  index.append(140n, 12900)
  assert.deepEqual(index.lookup(100n), { offset: 100n, position: 0 })
  assert.deepEqual(index.lookup(109n), { offset: 100n, position: 0 })
  assert.deepEqual(index.lookup(110n), { offset: 110n, position: 4200 })
  assert.deepEqual(index.lookup(124n), { offset: 110n, position: 4200 })
  assert.deepEqual(index.lookup(125n), { offset: 125n, position: 8500 })
  assert.deepEqual(index.lookup(10_000n), { offset: 140n, position: 12900 })
  assert.throws(() => index.append(140n, 13000), RangeError)
})

test('entries are written as Kafka does: relative offset and position, 8 bytes each', async (t) => {
  const path = join(tempDir(t), '00000000000000000100.index')
  const index = new OffsetIndex(new NodeStorage(), path, 100n, 1024)
  await index.preallocate()
  assert.equal(statSync(path).size, 1024, 'preallocated to segment.index.bytes')
  index.append(110n, 4200)
  index.append(125n, 8500)
  await index.persist(true)
  await index.close()
  assert.equal(readFileSync(path).toString('hex'), '0000000a00001068' + '0000001900002134')
})

test('loading stops at the preallocated zero tail and at garbage that does not increase', async (t) => {
  const dir = tempDir(t)
  const path = join(dir, 'x.index')
  const entries = Buffer.alloc(64)
  entries.writeInt32BE(10, 0)
  entries.writeInt32BE(4200, 4)
  entries.writeInt32BE(25, 8)
  entries.writeInt32BE(8500, 12)
  writeFileSync(path, entries)
  const index = new OffsetIndex(new NodeStorage(), path, 0n, 1024)
  await index.load()
  assert.equal(index.entryCount, 2)
  assert.equal(index.lastOffset, 25n)

  entries.writeInt32BE(3, 16)
  entries.writeInt32BE(100, 20)
  writeFileSync(path, entries)
  const damaged = new OffsetIndex(new NodeStorage(), path, 0n, 1024)
  await damaged.load()
  assert.equal(damaged.entryCount, 2, 'an entry going backwards ends the index')
})

test('truncateTo drops entries at and after an offset, and the file is cut on the next persist', async (t) => {
  const path = join(tempDir(t), 'y.index')
  const index = new OffsetIndex(new NodeStorage(), path, 0n, 1024)
  for (let i = 1; i <= 5; i++) index.append(BigInt(i * 10), i * 1000)
  await index.persist(false)
  index.truncateTo(30n)
  assert.equal(index.entryCount, 2)
  assert.equal(index.lastOffset, 20n)
  await index.persist(false)
  await index.close()
  assert.equal(statSync(path).size, 16)
})

test('a full index ignores further entries', async (t) => {
  const index = new OffsetIndex(new NodeStorage(), join(tempDir(t), 'z.index'), 0n, 16)
  index.append(1n, 100)
  index.append(2n, 200)
  assert.equal(index.isFull, true)
  index.append(3n, 300)
  assert.equal(index.entryCount, 2)
})
