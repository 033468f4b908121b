import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { NodeStorage } from '../../../src/log/storage.js'
import { TimeIndex } from '../../../src/log/time-index.js'
import { tempDir } from '../../helpers/log-fixtures.js'

test('only growing timestamps are indexed, and lookup finds the largest timestamp at or below', async (t) => {
  const path = join(tempDir(t), '00000000000000000050.timeindex')
  const index = new TimeIndex(new NodeStorage(), path, 50n, 1200)
  index.maybeAppend(1000n, 55n)
  index.maybeAppend(900n, 60n)
  index.maybeAppend(2000n, 70n)
  assert.equal(index.entryCount, 2)
  assert.deepEqual(index.lookup(999n), { timestamp: -1n, offset: 50n })
  assert.deepEqual(index.lookup(1500n), { timestamp: 1000n, offset: 55n })
  assert.deepEqual(index.lookup(5000n), { timestamp: 2000n, offset: 70n })
  await index.persist(true)
  await index.close()
  assert.equal(readFileSync(path).toString('hex'), '00000000000003e8' + '00000005' + '00000000000007d0' + '00000014')
  const reloaded = new TimeIndex(new NodeStorage(), path, 50n, 1200)
  await reloaded.load()
  assert.deepEqual(reloaded.lastEntry, { timestamp: 2000n, offset: 70n })
  reloaded.truncateTo(70n)
  assert.deepEqual(reloaded.lastEntry, { timestamp: 1000n, offset: 55n })
})
