import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, type TestContext } from 'node:test'
import { NodeStorage, type Storage } from '../../../src/log/storage.js'
import { StorageError } from '../../../src/log/storage-error.js'
import { MemoryStorage } from '../../helpers/memory-storage.js'
import { seededRandom } from '../../helpers/seeded-random.js'

const bytes = (text: string): Buffer => Buffer.from(text, 'latin1')

function isStorageError(errno: string, operation?: string): (error: unknown) => boolean {
  return (error) => {
    assert.ok(error instanceof StorageError, String(error))
    assert.equal(error.errno, errno)
    if (operation !== undefined) assert.equal(error.operation, operation)
    return true
  }
}

async function writeAndSync(storage: Storage, path: string, text: string): Promise<void> {
  const file = await storage.open(path, 'readWrite')
  await file.write([bytes(text)], 0)
  await file.sync()
  await file.close()
}

// ----- the same contract as NodeStorage -----

const implementations: [string, (t: TestContext) => Promise<{ storage: Storage; root: string }>][] = [
  [
    'NodeStorage',
    async (t) => {
      const root = await mkdtemp(join(tmpdir(), 'sluice-storage-'))
      t.after(() => rm(root, { recursive: true, force: true }))
      return { storage: new NodeStorage(), root }
    },
  ],
  ['MemoryStorage', async () => ({ storage: new MemoryStorage({ directories: ['/root'] }), root: '/root' })],
]

for (const [name, make] of implementations) {
  test(`${name}: files are written, read, sized, truncated and listed`, async (t) => {
    const { storage, root } = await make(t)
    await storage.mkdir(join(root, 'a/b'))
    await storage.mkdir(join(root, 'a/b'))
    const path = join(root, 'a/b/file')
    const file = await storage.open(path, 'readWrite')
    await file.write([bytes('hello'), bytes(''), bytes(' world')], 0)
    await file.write([bytes('!')], 14)
    assert.equal(await file.size(), 15)
    const target = Buffer.alloc(20, 0x2e)
    assert.equal(await file.read(target, 2, 18, 3), 12)
    assert.equal(target.toString('latin1'), '..lo world\0\0\0!......')
    assert.equal(await file.read(target, 0, 4, 15), 0)
    await file.truncate(5)
    assert.equal(await file.size(), 5)
    await file.close()
    assert.equal((await storage.readFile(path)).toString('latin1'), 'hello')
    assert.equal(await storage.sizeOf(path), 5)
    assert.equal(await storage.sizeOf(join(root, 'missing')), undefined)
    await storage.writeFileAtomic(join(root, 'a/c'), bytes('atomic'))
    assert.deepEqual((await storage.readdir(join(root, 'a'))).sort(), ['b', 'c'])
    assert.equal((await storage.readFile(join(root, 'a/c'))).toString('latin1'), 'atomic')
  })

  test(`${name}: rename replaces, unlink and removeDirectory remove`, async (t) => {
    const { storage, root } = await make(t)
    await writeAndSync(storage, join(root, 'x'), 'x')
    await writeAndSync(storage, join(root, 'y'), 'y')
    await storage.rename(join(root, 'x'), join(root, 'y'))
    assert.deepEqual(await storage.readdir(root), ['y'])
    assert.equal((await storage.readFile(join(root, 'y'))).toString('latin1'), 'x')
    await storage.unlink(join(root, 'y'))
    assert.deepEqual(await storage.readdir(root), [])
    await storage.mkdir(join(root, 'd/e'))
    await writeAndSync(storage, join(root, 'd/e/f'), 'f')
    await storage.removeDirectory(join(root, 'd'))
    await storage.removeDirectory(join(root, 'never-existed'))
    assert.deepEqual(await storage.readdir(root), [])
  })

  test(`${name}: missing paths reject with ENOENT`, async (t) => {
    const { storage, root } = await make(t)
    const missing = join(root, 'missing')
    await assert.rejects(storage.open(missing, 'read'), isStorageError('ENOENT', 'open'))
    await assert.rejects(storage.readFile(missing), isStorageError('ENOENT', 'read'))
    await assert.rejects(storage.unlink(missing), isStorageError('ENOENT', 'unlink'))
    await assert.rejects(storage.rename(missing, join(root, 'other')), isStorageError('ENOENT', 'rename'))
    await assert.rejects(storage.readdir(missing), isStorageError('ENOENT', 'readdir'))
    await assert.rejects(storage.open(join(missing, 'file'), 'readWrite'), isStorageError('ENOENT', 'open'))
    await assert.rejects(storage.syncDirectory(missing), isStorageError('ENOENT', 'fsync'))
  })
}

// ----- durability -----

test('power loss keeps synced bytes and drops unsynced ones', async () => {
  const storage = new MemoryStorage({ directories: ['/data'] })
  const file = await storage.open('/data/log', 'readWrite')
  await storage.syncDirectory('/data')
  await file.write([bytes('synced')], 0)
  await file.sync()
  await file.write([bytes('+lost')], 6)
  await file.write([bytes('S')], 0)
  assert.equal(storage.readSync('/data/log').toString('latin1'), 'Synced+lost')
  storage.simulatePowerLoss()
  assert.equal(storage.readSync('/data/log').toString('latin1'), 'synced')
})

test('power loss can keep a random prefix of the unsynced tail', async () => {
  const seed = 20240611
  const random = seededRandom(seed)
  const lengths = new Set<number>()
  for (let round = 0; round < 40; round++) {
    const storage = new MemoryStorage({ directories: ['/data'] })
    await writeAndSync(storage, '/data/log', 'durable|')
    await storage.syncDirectory('/data')
    const file = await storage.open('/data/log', 'readWrite')
    await file.write([bytes('0123456789')], 8)
    storage.simulatePowerLoss({ keepUnsyncedPrefix: 'random', random })
    const after = storage.readSync('/data/log').toString('latin1')
    assert.ok('durable|0123456789'.startsWith(after) && after.startsWith('durable|'), `seed ${seed}: ${after}`)
    lengths.add(after.length)
  }
  assert.ok(lengths.size > 3, `seed ${seed}: prefixes of several lengths are kept`)
})

test('with a random cut, unsynced overwrites survive in file order up to the cut', async () => {
  const outcomes = new Set<string>()
  for (const draw of [0, 0.2, 0.5, 0.99]) {
    const storage = new MemoryStorage({ directories: ['/data'] })
    await writeAndSync(storage, '/data/f', 'ab-first')
    await storage.syncDirectory('/data')
    const file = await storage.open('/data/f', 'readWrite')
    await file.write([bytes('SECOND')], 3)
    storage.simulatePowerLoss({ keepUnsyncedPrefix: 'random', random: () => draw })
    outcomes.add(storage.readSync('/data/f').toString('latin1'))
  }
  assert.deepEqual([...outcomes], ['ab-first', 'ab-Sirst', 'ab-SECst', 'ab-SECOND'])
})

test('a truncation that was not synced is undone by power loss', async () => {
  const storage = new MemoryStorage({ directories: ['/data'] })
  await writeAndSync(storage, '/data/log', 'abcdef')
  await storage.syncDirectory('/data')
  const file = await storage.open('/data/log', 'readWrite')
  await file.truncate(2)
  storage.simulatePowerLoss()
  assert.equal(storage.readSync('/data/log').toString('latin1'), 'abcdef')
})

test('a new file exists after power loss only once its directory was synced', async () => {
  const storage = new MemoryStorage({ directories: ['/data'] })
  await writeAndSync(storage, '/data/early', 'data')
  const unsynced = await storage.open('/data/unsynced', 'readWrite')
  await unsynced.write([bytes('never synced')], 0)
  await storage.syncDirectory('/data')
  await writeAndSync(storage, '/data/late', 'synced, but its entry is not')
  storage.simulatePowerLoss()
  assert.deepEqual(storage.files(), ['/data/early', '/data/unsynced'])
  assert.equal(storage.readSync('/data/early').toString('latin1'), 'data')
  assert.equal(storage.readSync('/data/unsynced').length, 0, 'the entry survived but its bytes were never synced')
})

test('new directories, renames and unlinks are undone by power loss until their directory is synced', async () => {
  const storage = new MemoryStorage({ directories: ['/data'] })
  await writeAndSync(storage, '/data/a', 'a')
  await writeAndSync(storage, '/data/b', 'b')
  await storage.syncDirectory('/data')
  await storage.rename('/data/a', '/data/renamed')
  await storage.unlink('/data/b')
  await storage.mkdir('/data/t-0')
  await writeAndSync(storage, '/data/t-0/file', 'f')
  await storage.syncDirectory('/data/t-0')
  storage.simulatePowerLoss()
  assert.deepEqual(storage.files(), ['/data/a', '/data/b'])
  assert.deepEqual(await storage.readdir('/data'), ['a', 'b'])

  await storage.rename('/data/a', '/data/renamed')
  await storage.unlink('/data/b')
  await storage.removeDirectory('/data/gone')
  await storage.syncDirectory('/data')
  storage.simulatePowerLoss()
  assert.deepEqual(storage.files(), ['/data/renamed'])
})

test('a removed directory comes back with its durable contents when its parent was not synced', async () => {
  const storage = new MemoryStorage({ directories: ['/data/t-0'] })
  await writeAndSync(storage, '/data/t-0/00000000000000000000.log', 'batch')
  await storage.syncDirectory('/data/t-0')
  await storage.removeDirectory('/data/t-0')
  assert.deepEqual(storage.files(), [])
  storage.simulatePowerLoss()
  assert.deepEqual(storage.files(), ['/data/t-0/00000000000000000000.log'])
})

test('writeFileAtomic is durable when it resolves; an unsynced overwrite is not', async () => {
  const storage = new MemoryStorage({ directories: ['/data'] })
  await storage.writeFileAtomic('/data/checkpoint', bytes('first'))
  const file = await storage.open('/data/checkpoint', 'readWrite')
  await file.write([bytes('SECOND')], 0)
  await file.close()
  storage.simulatePowerLoss()
  assert.equal(storage.readSync('/data/checkpoint').toString('latin1'), 'first')
  assert.deepEqual(storage.files(), ['/data/checkpoint'])
})

test('handles opened before power loss are dead afterwards', async () => {
  const storage = new MemoryStorage({ directories: ['/data'] })
  const file = await storage.open('/data/log', 'readWrite')
  storage.simulatePowerLoss()
  await assert.rejects(file.write([bytes('x')], 0), isStorageError('EBADF', 'write'))
  await assert.rejects(file.sync(), isStorageError('EBADF', 'fsync'))
  await file.close()
  await assert.rejects(file.close(), isStorageError('EBADF', 'close'))
  assert.deepEqual(storage.files(), [])
})

test('a read-only handle cannot write or truncate', async () => {
  const storage = new MemoryStorage({ directories: ['/data'] })
  await writeAndSync(storage, '/data/log', 'abc')
  const file = await storage.open('/data/log', 'read')
  await assert.rejects(file.write([bytes('x')], 0), isStorageError('EBADF', 'write'))
  await assert.rejects(file.truncate(0), isStorageError('EBADF', 'truncate'))
  await file.close()
  assert.equal(storage.readSync('/data/log').toString('latin1'), 'abc')
})

// ----- faults -----

test('failNext fails the next matching call once, with the errno given, and changes nothing', async () => {
  const storage = new MemoryStorage({ directories: ['/data'] })
  const file = await storage.open('/data/log', 'readWrite')
  storage.failNext('write', 'ENOSPC')
  await assert.rejects(file.write([bytes('lost')], 0), isStorageError('ENOSPC', 'write'))
  assert.equal(await file.size(), 0)
  await file.write([bytes('kept')], 0)
  storage.failNext('sync')
  await assert.rejects(file.sync(), isStorageError('EIO', 'fsync'))
  await storage.syncDirectory('/data')
  storage.simulatePowerLoss()
  assert.equal(storage.readSync('/data/log').length, 0, 'a failed fsync made nothing durable')
})

test('failNext matches by operation and path', async () => {
  const storage = new MemoryStorage({ directories: ['/data'] })
  storage.failNext('open', 'EMFILE', (path) => path.endsWith('.index'))
  const log = await storage.open('/data/0.log', 'readWrite')
  await log.write([bytes('x')], 0)
  await assert.rejects(storage.open('/data/0.index', 'readWrite'), isStorageError('EMFILE', 'open'))
  assert.deepEqual(storage.files(), ['/data/0.log'])
  await storage.open('/data/0.index', 'readWrite')
  assert.deepEqual(storage.files(), ['/data/0.index', '/data/0.log'])
})

test('failAlways fails every matching call until clearFaults', async () => {
  const storage = new MemoryStorage({ directories: ['/data'] })
  storage.failAlways('any', 'EROFS')
  for (let i = 0; i < 3; i++) await assert.rejects(storage.mkdir('/data/x'), isStorageError('EROFS', 'mkdir'))
  await assert.rejects(storage.readdir('/data'), isStorageError('EROFS', 'readdir'))
  storage.clearFaults()
  await storage.mkdir('/data/x')
  assert.deepEqual(await storage.readdir('/data'), ['x'])
})

test('a fault inside writeFileAtomic leaves the previous file in place', async () => {
  const storage = new MemoryStorage({ directories: ['/data'] })
  await storage.writeFileAtomic('/data/checkpoint', bytes('old'))
  for (const operation of ['open', 'truncate', 'write', 'sync', 'close', 'rename'] as const) {
    storage.failNext(operation)
    await assert.rejects(storage.writeFileAtomic('/data/checkpoint', bytes('new')), isStorageError('EIO'), operation)
    assert.equal(storage.readSync('/data/checkpoint').toString('latin1'), 'old', operation)
  }
  storage.simulatePowerLoss()
  assert.equal(storage.readSync('/data/checkpoint').toString('latin1'), 'old')
})

test('bytesWritten counts the bytes written through files and writeFileAtomic', async () => {
  const storage = new MemoryStorage({ directories: ['/data'] })
  const file = await storage.open('/data/log', 'readWrite')
  await file.write([bytes('abc'), bytes('de')], 0)
  await storage.writeFileAtomic('/data/checkpoint', bytes('0\n0\n'))
  assert.equal(storage.bytesWritten, 9)
})

test('paths are normalised and the root always exists', async () => {
  const storage = new MemoryStorage()
  await storage.mkdir('data//x/../y/.')
  await storage.writeFileAtomic('/data/y/f', bytes('f'))
  assert.deepEqual(storage.files(), ['/data/y/f'])
  assert.deepEqual(await storage.readdir('/'), ['data'])
  assert.equal(storage.readSync('data/./y/f').toString('latin1'), 'f')
  storage.simulatePowerLoss()
  assert.deepEqual(storage.files(), [], '/data was created but the root was never synced')
})
