import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, type TestContext } from 'node:test'
import { CorruptCheckpointError } from '../../../src/log/offset-checkpoint.js'
import {
  PARTITION_METADATA_FILE,
  ZERO_UUID,
  isKafkaUuid,
  readPartitionMetadata,
  writePartitionMetadata,
} from '../../../src/log/partition-metadata.js'
import { NodeStorage } from '../../../src/log/storage.js'
import { MemoryStorage } from '../../helpers/memory-storage.js'

const TOPIC_ID = 'b6mXIahxRcGBl4u_JlbG3g'

async function partitionDir(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-partition-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  return dir
}

test('a partition directory without partition.metadata reads as undefined', async (t) => {
  assert.equal(await readPartitionMetadata(new NodeStorage(), await partitionDir(t)), undefined)
})

test('partition.metadata round-trips, byte for byte as Kafka writes it', async (t) => {
  const dir = await partitionDir(t)
  const storage = new NodeStorage()
  await writePartitionMetadata(storage, dir, TOPIC_ID)
  assert.equal(await readFile(join(dir, PARTITION_METADATA_FILE), 'utf8'), `version: 0\ntopic_id: ${TOPIC_ID}`)
  assert.deepEqual(await readPartitionMetadata(storage, dir), { version: 0, topicId: TOPIC_ID })
})

test('Kafka-readable variants are read: a final newline, more blanks, a higher version, extra lines', async (t) => {
  const dir = await partitionDir(t)
  const path = join(dir, PARTITION_METADATA_FILE)
  await writeFile(path, `version:  0\ntopic_id:\t${TOPIC_ID}\n`)
  assert.deepEqual(await readPartitionMetadata(new NodeStorage(), dir), { version: 0, topicId: TOPIC_ID })
  await writeFile(path, `version: 1\ntopic_id: ${TOPIC_ID}\nsomething: else\n`)
  assert.deepEqual(await readPartitionMetadata(new NodeStorage(), dir), { version: 1, topicId: TOPIC_ID })
})

test('a malformed partition.metadata is a CorruptCheckpointError naming the line', async (t) => {
  const dir = await partitionDir(t)
  const cases: [string, number][] = [
    ['', 1],
    [`version:0\ntopic_id: ${TOPIC_ID}`, 1],
    [`version: x\ntopic_id: ${TOPIC_ID}`, 1],
    [`version: -1\ntopic_id: ${TOPIC_ID}`, 1],
    [`topic_id: ${TOPIC_ID}\nversion: 0`, 1],
    ['version: 0\n', 2],
    [`version: 0\ntopicid: ${TOPIC_ID}`, 2],
    ['version: 0\ntopic_id: not-a-uuid', 2],
    ['version: 0\ntopic_id: b6mXIahxRcGBl4u_JlbG3h', 2],
    [`version: 0\ntopic_id: ${TOPIC_ID} `, 2],
    [`version: 0\ntopic_id: ${ZERO_UUID}`, 2],
  ]
  for (const [text, lineNumber] of cases) {
    await writeFile(join(dir, PARTITION_METADATA_FILE), text)
    await assert.rejects(readPartitionMetadata(new NodeStorage(), dir), (error: unknown) => {
      assert.ok(error instanceof CorruptCheckpointError, `${JSON.stringify(text)}: ${String(error)}`)
      assert.equal(error.lineNumber, lineNumber, `${JSON.stringify(text)}: ${error.message}`)
      assert.equal(error.path, join(dir, PARTITION_METADATA_FILE))
      return true
    })
  }
})

test('writing refuses a topic id that is not a non-zero UUID', async () => {
  const storage = new MemoryStorage({ directories: ['/data/t-0'] })
  await assert.rejects(writePartitionMetadata(storage, '/data/t-0', ZERO_UUID), RangeError)
  await assert.rejects(writePartitionMetadata(storage, '/data/t-0', 'short'), RangeError)
  assert.deepEqual(storage.files(), [])
})

test('partition.metadata is durable once written', async () => {
  const storage = new MemoryStorage({ directories: ['/data/t-0'] })
  await writePartitionMetadata(storage, '/data/t-0', TOPIC_ID)
  storage.simulatePowerLoss()
  assert.deepEqual(await readPartitionMetadata(storage, '/data/t-0'), { version: 0, topicId: TOPIC_ID })
})

test('Kafka UUIDs are 22 characters of canonical URL-safe base64', () => {
  assert.ok(isKafkaUuid(TOPIC_ID))
  assert.ok(isKafkaUuid(ZERO_UUID))
  assert.ok(isKafkaUuid(Buffer.alloc(16, 0xff).toString('base64url')))
  for (const value of ['', 'b6mXIahxRcGBl4u_JlbG3', 'b6mXIahxRcGBl4u_JlbG3gA', 'b6mXIahxRcGBl4u+JlbG3g', 'b6mXIahxRcGBl4u_JlbG3h', 'b6mXIahxRcGBl4u_JlbG3g==']) {
    assert.equal(isKafkaUuid(value), false, value)
  }
})
