import assert from 'node:assert/strict'
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, type TestContext } from 'node:test'
import {
  CorruptCheckpointError,
  RECOVERY_POINT_OFFSET_CHECKPOINT_FILE,
  readOffsetCheckpoint,
  writeOffsetCheckpoint,
} from '../../../src/log/offset-checkpoint.js'
import { NodeStorage } from '../../../src/log/storage.js'
import { StorageError } from '../../../src/log/storage-error.js'
import { topicPartitionKey } from '../../../src/log/topic-partition.js'
import { MemoryStorage } from '../../helpers/memory-storage.js'

async function checkpointPath(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-checkpoint-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  return join(dir, RECOVERY_POINT_OFFSET_CHECKPOINT_FILE)
}

async function assertCorrupt(path: string, text: string, lineNumber: number): Promise<void> {
  await writeFile(path, text)
  await assert.rejects(readOffsetCheckpoint(new NodeStorage(), path), (error: unknown) => {
    assert.ok(error instanceof CorruptCheckpointError, String(error))
    assert.equal(error.code, 'ERR_CHECKPOINT_CORRUPT')
    assert.equal(error.path, path)
    assert.equal(error.lineNumber, lineNumber, `${JSON.stringify(text)}: ${error.message}`)
    assert.match(error.message, new RegExp(`line ${lineNumber}`))
    return true
  })
}

test('a missing checkpoint reads as no offsets', async (t) => {
  const path = await checkpointPath(t)
  assert.deepEqual(await readOffsetCheckpoint(new NodeStorage(), path), new Map())
})

test('offsets round-trip, written sorted by topic then partition in Kafka text format', async (t) => {
  const path = await checkpointPath(t)
  const storage = new NodeStorage()
  const offsets = new Map([
    [topicPartitionKey('b.c-d', 2), 9n],
    [topicPartitionKey('a', 10), 7n],
    [topicPartitionKey('a', 2), 5n],
    [topicPartitionKey('__consumer_offsets', 0), 9223372036854775807n],
  ])
  await writeOffsetCheckpoint(storage, path, offsets)
  assert.equal(await readFile(path, 'utf8'), '0\n4\n__consumer_offsets 0 9223372036854775807\na 2 5\na 10 7\nb.c-d 2 9\n')
  assert.deepEqual(await readOffsetCheckpoint(storage, path), offsets)
  assert.deepEqual(await readdir(join(path, '..')), [RECOVERY_POINT_OFFSET_CHECKPOINT_FILE], 'no temporary file is left')
})

test('an empty map writes an empty checkpoint, which reads back empty', async (t) => {
  const path = await checkpointPath(t)
  await writeOffsetCheckpoint(new NodeStorage(), path, new Map())
  assert.equal(await readFile(path, 'utf8'), '0\n0\n')
  assert.deepEqual(await readOffsetCheckpoint(new NodeStorage(), path), new Map())
})

test('files Kafka reads are read: no final newline, CRLF, repeated blanks, a signed offset', async (t) => {
  const path = await checkpointPath(t)
  const storage = new NodeStorage()
  await writeFile(path, '0\r\n2\r\norders 0 100\r\norders  1\t-1')
  assert.deepEqual(await readOffsetCheckpoint(storage, path), new Map([['orders-0', 100n], ['orders-1', -1n]]))
})

test('as in Kafka, an empty file or a lone version line reads as no offsets', async (t) => {
  const path = await checkpointPath(t)
  for (const text of ['', '0\n', '0']) {
    await writeFile(path, text)
    assert.deepEqual(await readOffsetCheckpoint(new NodeStorage(), path), new Map(), JSON.stringify(text))
  }
})

test('a partition listed twice keeps its last offset, as in Kafka', async (t) => {
  const path = await checkpointPath(t)
  await writeFile(path, '0\n2\nt 0 5\nt 0 8\n')
  assert.deepEqual(await readOffsetCheckpoint(new NodeStorage(), path), new Map([['t-0', 8n]]))
})

test('a malformed checkpoint is a CorruptCheckpointError naming the file and line', async (t) => {
  const path = await checkpointPath(t)
  await assertCorrupt(path, 'x\n0\n', 1)
  await assertCorrupt(path, '1\n0\n', 1)
  await assertCorrupt(path, '0\n-1\n', 2)
  await assertCorrupt(path, '0\ntwo\n', 2)
  await assertCorrupt(path, '0\n2\nt 0 5\n', 2)
  await assertCorrupt(path, '0\n1\nt 0 5\nt 1 6\n', 2)
  await assertCorrupt(path, '0\n2\nt 0 5\nt x 6\n', 4)
  await assertCorrupt(path, '0\n1\nt 0\n', 3)
  await assertCorrupt(path, '0\n1\nt 0 5 6\n', 3)
  await assertCorrupt(path, '0\n1\n t 0 5\n', 3)
  await assertCorrupt(path, '0\n1\nt -1 5\n', 3)
  await assertCorrupt(path, '0\n1\nt 0 9223372036854775808\n', 3)
  await assertCorrupt(path, '0\n1\nt 0 1.5\n', 3)
  await assertCorrupt(path, '0\n1\nt/x 0 5\n', 3)
  await assertCorrupt(path, '0\n2\nt 0 5\n\nt 1 6\n', 4)
})

test('a storage failure other than a missing file is not hidden', async () => {
  const storage = new MemoryStorage({ directories: ['/data'] })
  storage.failNext('read', 'EIO')
  await assert.rejects(readOffsetCheckpoint(storage, '/data/checkpoint'), (error: unknown) => error instanceof StorageError && error.errno === 'EIO')
})

test('writing rejects a key that is not "<topic>-<partition>"', async () => {
  const storage = new MemoryStorage({ directories: ['/data'] })
  await assert.rejects(writeOffsetCheckpoint(storage, '/data/checkpoint', new Map([['no partition', 1n]])), RangeError)
  assert.deepEqual(storage.files(), [])
})

test('a written checkpoint survives power loss; a failed rewrite leaves the previous one', async () => {
  const storage = new MemoryStorage({ directories: ['/data'] })
  const path = '/data/recovery-point-offset-checkpoint'
  await writeOffsetCheckpoint(storage, path, new Map([['t-0', 10n]]))
  storage.failNext('rename', 'EIO')
  await assert.rejects(writeOffsetCheckpoint(storage, path, new Map([['t-0', 20n]])), StorageError)
  assert.deepEqual(await readOffsetCheckpoint(storage, path), new Map([['t-0', 10n]]))
  storage.simulatePowerLoss({ keepUnsyncedPrefix: 'random', random: () => 0.999 })
  assert.deepEqual(await readOffsetCheckpoint(storage, path), new Map([['t-0', 10n]]))
  await writeOffsetCheckpoint(storage, path, new Map([['t-0', 30n]]))
  storage.simulatePowerLoss()
  assert.deepEqual(await readOffsetCheckpoint(storage, path), new Map([['t-0', 30n]]))
})
