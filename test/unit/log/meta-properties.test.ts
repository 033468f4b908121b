import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, type TestContext } from 'node:test'
import {
  InvalidMetaPropertiesError,
  META_PROPERTIES_FILE,
  MetaPropertiesMismatchError,
  checkMetaProperties,
  isReservedDirectoryId,
  newDirectoryId,
  readMetaProperties,
  writeMetaProperties,
  type MetaProperties,
} from '../../../src/log/meta-properties.js'
import { isKafkaUuid } from '../../../src/log/partition-metadata.js'
import { NodeStorage } from '../../../src/log/storage.js'
import { MemoryStorage } from '../../helpers/memory-storage.js'

async function logDir(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-meta-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  return dir
}

const CLUSTER_ID = 'MkU3OEVBNTcwNTJENDM2Qk'
const DIRECTORY_ID = 'b6mXIahxRcGBl4u_JlbG3g'

async function assertInvalid(dir: string, text: string, pattern: RegExp): Promise<void> {
  await writeFile(join(dir, META_PROPERTIES_FILE), text)
  await assert.rejects(readMetaProperties(new NodeStorage(), dir), (error: unknown) => {
    assert.ok(error instanceof InvalidMetaPropertiesError, String(error))
    assert.equal(error.code, 'ERR_META_PROPERTIES_INVALID')
    assert.equal(error.path, join(dir, META_PROPERTIES_FILE))
    assert.match(error.message, pattern)
    return true
  })
}

test('a log dir without meta.properties reads as undefined', async (t) => {
  assert.equal(await readMetaProperties(new NodeStorage(), await logDir(t)), undefined)
})

test('meta.properties round-trips with and without directory.id', async (t) => {
  const dir = await logDir(t)
  const storage = new NodeStorage()
  const written: MetaProperties = { version: 1, clusterId: CLUSTER_ID, nodeId: 3, directoryId: DIRECTORY_ID }
  await writeMetaProperties(storage, dir, written)
  assert.equal(
    await readFile(join(dir, META_PROPERTIES_FILE), 'utf8'),
    `# Kafka log directory metadata (meta.properties, KRaft version 1)\nversion=1\ncluster.id=${CLUSTER_ID}\nnode.id=3\ndirectory.id=${DIRECTORY_ID}\n`,
  )
  assert.deepEqual(await readMetaProperties(storage, dir), written)
  await writeMetaProperties(storage, dir, { version: 1, clusterId: CLUSTER_ID, nodeId: 0 })
  assert.deepEqual(await readMetaProperties(storage, dir), { version: 1, clusterId: CLUSTER_ID, nodeId: 0, directoryId: undefined })
})

test('a meta.properties written by Kafka is read: date comment, any key order, unknown keys', async (t) => {
  const dir = await logDir(t)
  await writeFile(
    join(dir, META_PROPERTIES_FILE),
    `#\n#Tue Mar 05 10:41:09 UTC 2024\nnode.id=1\ndirectory.id=${DIRECTORY_ID}\nversion=1\nfuture.key=x\ncluster.id=${CLUSTER_ID}\n`,
  )
  assert.deepEqual(await readMetaProperties(new NodeStorage(), dir), { version: 1, clusterId: CLUSTER_ID, nodeId: 1, directoryId: DIRECTORY_ID })
})

test('an unusable meta.properties is an InvalidMetaPropertiesError naming the file', async (t) => {
  const dir = await logDir(t)
  await assertInvalid(dir, `broker.id=1\ncluster.id=${CLUSTER_ID}\n`, /version 0 is not supported/)
  await assertInvalid(dir, `version=2\nnode.id=1\ncluster.id=${CLUSTER_ID}\n`, /version 2 is not supported/)
  await assertInvalid(dir, 'version=1\nnode.id=1\n', /cluster\.id was not found/)
  await assertInvalid(dir, 'version=1\nnode.id=1\ncluster.id=\n', /cluster\.id was not found/)
  await assertInvalid(dir, `version=1\ncluster.id=${CLUSTER_ID}\n`, /node\.id was not found/)
  await assertInvalid(dir, `version=1\nnode.id=one\ncluster.id=${CLUSTER_ID}\n`, /node\.id is not a non-negative int32/)
  await assertInvalid(dir, `version=1\nnode.id=2147483648\ncluster.id=${CLUSTER_ID}\n`, /node\.id is not/)
  await assertInvalid(dir, `version=1\nnode.id=1\ncluster.id=${CLUSTER_ID}\ndirectory.id=nope\n`, /directory\.id is not a UUID/)
  await assertInvalid(dir, `version=1\nnode.id=1\ncluster.id=${CLUSTER_ID}\ndirectory.id=AAAAAAAAAAAAAAAAAAAAAQ\n`, /reserved/)
  await assertInvalid(dir, 'version=1\nnode.id=\\u00\n', /line 2: malformed/)
})

test('writing refuses values the reader would refuse', async () => {
  const storage = new MemoryStorage({ directories: ['/data'] })
  await assert.rejects(writeMetaProperties(storage, '/data', { version: 1, clusterId: '', nodeId: 1 }), RangeError)
  await assert.rejects(writeMetaProperties(storage, '/data', { version: 1, clusterId: CLUSTER_ID, nodeId: -1 }), RangeError)
  await assert.rejects(writeMetaProperties(storage, '/data', { version: 1, clusterId: CLUSTER_ID, nodeId: 1, directoryId: 'AAAAAAAAAAAAAAAAAAAAAA' }), RangeError)
  assert.deepEqual(storage.files(), [])
})

test('meta.properties is durable once written', async () => {
  const storage = new MemoryStorage({ directories: ['/data'] })
  const written: MetaProperties = { version: 1, clusterId: CLUSTER_ID, nodeId: 2, directoryId: DIRECTORY_ID }
  await writeMetaProperties(storage, '/data', written)
  storage.simulatePowerLoss()
  assert.deepEqual(await readMetaProperties(storage, '/data'), written)
})

test('checkMetaProperties accepts this node’s directory and explains a mismatch as Kafka does', () => {
  const found: MetaProperties = { version: 1, clusterId: CLUSTER_ID, nodeId: 1, directoryId: DIRECTORY_ID }
  assert.equal(checkMetaProperties(found, { clusterId: CLUSTER_ID, nodeId: 1 }, '/data'), undefined)
  assert.equal(checkMetaProperties(found, { nodeId: 1 }, '/data'), undefined)

  const otherCluster = checkMetaProperties(found, { clusterId: 'OtherClusterIdAAAAAAAAA', nodeId: 1 }, '/data')
  assert.ok(otherCluster instanceof MetaPropertiesMismatchError)
  assert.equal(otherCluster.code, 'ERR_META_PROPERTIES_MISMATCH')
  assert.equal(otherCluster.key, 'cluster.id')
  assert.equal(otherCluster.message, `Invalid cluster.id in: /data/meta.properties. Expected OtherClusterIdAAAAAAAAA, but read ${CLUSTER_ID}`)

  const otherNode = checkMetaProperties(found, { clusterId: CLUSTER_ID, nodeId: 2 }, '/data')
  assert.ok(otherNode instanceof MetaPropertiesMismatchError)
  assert.equal(otherNode.key, 'node.id')
  assert.deepEqual([otherNode.expected, otherNode.found], ['2', '1'])
  assert.match(otherNode.message, /^Stored node id 1 doesn't match previous node id 2 in \/data\/meta\.properties\. If you moved your data/)
})

test('a new directory id is a canonical, unreserved UUID that does not start with "-"', () => {
  for (let i = 0; i < 100; i++) {
    const id = newDirectoryId()
    assert.ok(isKafkaUuid(id), id)
    assert.ok(!id.startsWith('-') && !isReservedDirectoryId(id), id)
  }
  const draws = [Buffer.alloc(16, 0xf8), Buffer.alloc(16, 0x11)]
  const id = newDirectoryId(() => draws.shift()!)
  assert.equal(draws.length, 0, 'an id printing with a leading "-" is drawn again')
  assert.ok(id.startsWith('E'), id)
})

test('reserved directory ids are those with zero high bits and signed low bits below 100', () => {
  const uuid = (high: bigint, low: bigint): string => {
    const bytes = Buffer.alloc(16)
    bytes.writeBigUInt64BE(high, 0)
    bytes.writeBigInt64BE(low, 8)
    return bytes.toString('base64url')
  }
  assert.ok(isReservedDirectoryId(uuid(0n, 0n)))
  assert.ok(isReservedDirectoryId(uuid(0n, 2n)))
  assert.ok(isReservedDirectoryId(uuid(0n, 99n)))
  assert.ok(isReservedDirectoryId(uuid(0n, -5n)))
  assert.ok(!isReservedDirectoryId(uuid(0n, 100n)))
  assert.ok(!isReservedDirectoryId(uuid(1n, 0n)))
})
