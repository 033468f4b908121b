import assert from 'node:assert/strict'
import { readdirSync, statSync, truncateSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { NodeStorage } from '../../../src/log/storage.js'
import { ConfigResourceType } from '../../../src/metadata/image.js'
import { METADATA_LOG_DIRECTORY, MetadataAppendError, MetadataLog, MetadataLogCorruptError } from '../../../src/metadata/metadata-log.js'
import { METADATA_RECORD_FRAME_VERSION, decodeMetadataRecord, metadataRecordType, type MetadataRecord } from '../../../src/metadata/metadata-record-codec.js'
import { readRecordsSync } from '../../../src/protocol/read-records.js'
import { readRecordBatchHeader, splitRecordBatches } from '../../../src/protocol/record-batch.js'
import { tempDir, type TestContextLike } from '../../helpers/log-fixtures.js'
import { ManualClock } from '../../helpers/manual-clock.js'
import { MemoryStorage } from '../../helpers/memory-storage.js'
import { registerBroker, topic, partition, config } from '../../helpers/metadata-records.js'

const ORDERS_ID = Buffer.alloc(16, 1).toString('base64url')

/** Three record groups, as the controller would append them: a broker, a topic, a config. */
const GROUPS: readonly (readonly MetadataRecord[])[] = [
  [
    { type: 'FeatureLevelRecord', version: 0, value: { name: 'metadata.version', featureLevel: 21 } },
    registerBroker(1, 10n),
    { type: 'UnfenceBrokerRecord', version: 0, value: { id: 1, epoch: 10n } },
  ],
  [topic('orders', ORDERS_ID), partition(ORDERS_ID, 0, [1], 1), partition(ORDERS_ID, 1, [1], 1)],
  [config(ConfigResourceType.TOPIC, 'orders', 'retention.ms', '3600000')],
]

async function openLog(t: TestContextLike, logDir: string, hadCleanShutdown: boolean, storage = new NodeStorage()): Promise<MetadataLog> {
  const log = await MetadataLog.open({ storage, logDir, clock: new ManualClock(), hadCleanShutdown })
  t.after(() => log.close().catch(() => undefined))
  return log
}

async function appendGroups(log: MetadataLog, groups: readonly (readonly MetadataRecord[])[], epoch = 1): Promise<void> {
  for (const group of groups) await log.append(group, epoch)
}

/** The facts the three groups establish, compared as plain values. */
function summary(log: MetadataLog): unknown {
  const image = log.image
  return {
    provenance: image.provenance,
    metadataVersion: image.metadataVersion,
    broker: image.broker(1) === undefined ? undefined : { epoch: image.broker(1)?.epoch, isFenced: image.broker(1)?.isFenced },
    topic: image.topic('orders')?.topicId,
    partitions: [...(image.topic('orders')?.partitions.keys() ?? [])],
    retention: image.topicConfigs('orders').get('retention.ms'),
    highestOffset: log.highestOffset,
  }
}

const FULL_SUMMARY = {
  provenance: { offset: 6n, epoch: 1 },
  metadataVersion: 21,
  broker: { epoch: 10n, isFenced: false },
  topic: ORDERS_ID,
  partitions: [0, 1],
  retention: '3600000',
  highestOffset: 6n,
}

test('appended record groups are replayed into the image, with their offsets and changes', async (t) => {
  const log = await openLog(t, tempDir(t), false)
  assert.equal(log.image.isEmpty, true)
  assert.equal(log.highestOffset, -1n)

  const first = await log.append(GROUPS[0]!, 1)
  assert.equal(first.baseOffset, 0n)
  assert.equal(first.lastOffset, 2n)
  assert.deepEqual(first.changes.brokersChanged, [1])
  assert.equal(first.image, log.image)

  const second = await log.append(GROUPS[1]!, 1)
  assert.equal(second.baseOffset, 3n)
  assert.equal(second.lastOffset, 5n)
  assert.deepEqual(second.changes.topicsCreated.map((created) => created.name), ['orders'])
  assert.equal(second.changes.partitionsChanged.length, 2)

  const third = await log.append(GROUPS[2]!, 1)
  assert.deepEqual(third.changes.configResourcesChanged, [{ resourceType: ConfigResourceType.TOPIC, resourceName: 'orders' }])
  assert.deepEqual(summary(log), FULL_SUMMARY)
  assert.equal(log.logEndOffset, 7n)
})

test('appends started together are written and replayed in call order', async (t) => {
  const log = await openLog(t, tempDir(t), false)
  const results = await Promise.all(GROUPS.map((group, index) => log.append(group, index + 1)))
  assert.deepEqual(results.map((result) => [result.baseOffset, result.lastOffset]), [[0n, 2n], [3n, 5n], [6n, 6n]])
  assert.deepEqual(log.image.provenance, { offset: 6n, epoch: 3 })
  assert.equal(log.image.topicConfigs('orders').get('retention.ms'), '3600000')
})

test('reopening after a clean or an unclean stop rebuilds the same image from the log alone', async (t) => {
  const logDir = tempDir(t)
  const log = await openLog(t, logDir, false)
  await appendGroups(log, GROUPS)
  await log.close()

  const afterClean = await openLog(t, logDir, true)
  assert.deepEqual(summary(afterClean), FULL_SUMMARY)
  await afterClean.close()
  // Told the stop was unclean, the log scans every batch before replaying.
  const afterUnclean = await openLog(t, logDir, false)
  assert.equal(afterUnclean.recovery.recoveredSegments, 1)
  assert.deepEqual(summary(afterUnclean), FULL_SUMMARY)
  const next = await afterUnclean.append([config(ConfigResourceType.TOPIC, 'orders', 'retention.ms', null)], 2)
  assert.equal(next.baseOffset, 7n)
  assert.equal(afterUnclean.image.topicConfigs('orders').has('retention.ms'), false)
})

test('every acknowledged append survives a power loss without a close', async (t) => {
  const storage = new MemoryStorage({ directories: ['/data'] })
  const log = await openLog(t, '/data', false, storage)
  await appendGroups(log, GROUPS)
  // Only fsync'd bytes remain; the old handles are dead.
  storage.simulatePowerLoss()
  const restarted = await openLog(t, '/data', false, storage)
  assert.deepEqual(summary(restarted), FULL_SUMMARY)
})

test('a torn tail batch is cut by recovery and the image holds only the whole batches', async (t) => {
  const logDir = tempDir(t)
  const log = await openLog(t, logDir, false)
  await appendGroups(log, GROUPS)
  await log.close()

  const directory = join(logDir, METADATA_LOG_DIRECTORY)
  const segmentName = readdirSync(directory).find((name) => name.endsWith('.log'))
  assert.ok(segmentName)
  const segmentPath = join(directory, segmentName)
  truncateSync(segmentPath, statSync(segmentPath).size - 3)

  const recovered = await openLog(t, logDir, false)
  assert.ok(recovered.recovery.truncatedBytes > 0)
  assert.deepEqual(summary(recovered), { ...FULL_SUMMARY, provenance: { offset: 5n, epoch: 1 }, retention: undefined, highestOffset: 5n })
  assert.equal(recovered.logEndOffset, 6n)
  // The log continues at the cut: the lost group can be appended again at the same offset.
  const again = await recovered.append(GROUPS[2]!, 1)
  assert.equal(again.baseOffset, 6n)
  assert.deepEqual(summary(recovered), FULL_SUMMARY)
})

test('a failed write throws MetadataAppendError and leaves the image unchanged', async (t) => {
  const storage = new MemoryStorage({ directories: ['/data'] })
  const log = await openLog(t, '/data', false, storage)
  await log.append(GROUPS[0]!, 1)
  const before = log.image

  storage.failNext('write', 'EIO', (path) => path.endsWith('.log'))
  await assert.rejects(log.append(GROUPS[1]!, 1), (error: unknown) => {
    assert.ok(error instanceof MetadataAppendError)
    assert.equal(error.code, 'ERR_METADATA_APPEND')
    return true
  })
  assert.equal(log.image, before)
  assert.equal(log.highestOffset, 2n)
  assert.equal(log.image.topic('orders'), undefined)
  // The log dir is offline after a failed write, as Kafka's is: later appends fail the same way.
  await assert.rejects(log.append(GROUPS[2]!, 1), MetadataAppendError)
  assert.equal(log.image, before)
})

test('a committed record that does not replay is fatal and later appends refuse', async (t) => {
  const log = await openLog(t, tempDir(t), false)
  // A partition of a topic that does not exist: the log accepts it, the image cannot.
  await assert.rejects(log.append([partition(ORDERS_ID, 0, [1], 1)], 1), (error: unknown) => {
    assert.ok(error instanceof MetadataLogCorruptError)
    assert.equal(error.code, 'ERR_METADATA_LOG_CORRUPT')
    return true
  })
  assert.equal(log.image.isEmpty, true)
  await assert.rejects(log.append(GROUPS[0]!, 1), MetadataLogCorruptError)
})

test('an append of no records or of a version that does not exist writes nothing', async (t) => {
  const log = await openLog(t, tempDir(t), false)
  await assert.rejects(log.append([], 1), RangeError)
  await assert.rejects(log.append([{ type: 'TopicRecord', version: 99, value: { name: 'x', topicId: ORDERS_ID } }], 1), RangeError)
  assert.equal(log.logEndOffset, 0n)
  const result = await log.append(GROUPS[0]!, 1)
  assert.equal(result.baseOffset, 0n)
})

test('records are stored in Kafka framing: one batch per append, key null, frame version 1 then the record type', async (t) => {
  const clock = new ManualClock(1_750_000_000_000)
  const logDir = tempDir(t)
  const log = await MetadataLog.open({ storage: new NodeStorage(), logDir, clock, hadCleanShutdown: false })
  t.after(() => log.close().catch(() => undefined))
  await log.append(GROUPS[0]!, 4)
  await log.close()

  const directory = join(logDir, METADATA_LOG_DIRECTORY)
  const segment = await new NodeStorage().readFile(join(directory, '00000000000000000000.log'))
  const { batches, partialBytes } = splitRecordBatches(segment)
  assert.equal(partialBytes, 0)
  assert.equal(batches.length, 1)
  const header = readRecordBatchHeader(batches[0]!)
  assert.equal(header.partitionLeaderEpoch, 4)
  assert.equal(header.recordCount, 3)
  assert.equal(header.isControl, false)
  const records = readRecordsSync(batches[0]!)
  assert.deepEqual(records.map((record) => record.offset), [0n, 1n, 2n])
  const value = records[0]!.value
  assert.ok(value)
  assert.equal(records[0]!.key, null)
  assert.equal(records[0]!.timestamp, 1_750_000_000_000n)
  // Unsigned varints, each below 128 here: one byte each.
  assert.equal(value[0], METADATA_RECORD_FRAME_VERSION)
  assert.equal(value[1], metadataRecordType('FeatureLevelRecord'))
  assert.equal(records[1]!.value?.[1], metadataRecordType('RegisterBrokerRecord'))
  assert.deepEqual(decodeMetadataRecord(value), { ...GROUPS[0]![0], value: { name: 'metadata.version', featureLevel: 21, unknownTaggedFields: undefined } })
})
