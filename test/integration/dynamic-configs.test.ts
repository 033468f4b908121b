// Config changes reach the running logs at once, as Kafka applies them live: dynamic broker
// defaults, and topic configs such as cleanup.policy.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { AlterConfigOp } from '../../src/controller/config-manager.js'
import { ConfigResourceType } from '../../src/metadata/image.js'
import { ErrorCode } from '../../src/protocol/error-codes.js'
import { buildRecordBatchSync } from '../../src/protocol/build-record-batch.js'
import { startRestartableBroker, startTestBroker, waitFor } from '../helpers/broker.js'

test('a cluster-wide or per-broker log.retention.ms reaches every topic without an override, but not one with its own, and survives a restart', async (t) => {
  const broker = await startRestartableBroker(t)
  const node = broker.current()
  const topics = node.services.topics!
  const created = await topics.createTopics([
    { name: 'plain', numPartitions: 2, replicationFactor: 1, assignments: [], configs: [] },
    { name: 'own', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [{ name: 'retention.ms', value: '5000' }] },
  ], false)
  assert.deepEqual(created.map(({ errorCode }) => errorCode), [ErrorCode.NONE, ErrorCode.NONE])
  const retentionOf = (topic: string, partition: number): number => broker.current().services.replicas!.partition(topic, partition)!.log.config.retentionMs
  assert.equal(retentionOf('plain', 0), 7 * 24 * 3600 * 1000)

  const alter = (resourceName: string, value: string) => broker.current().services.configs!.alterConfigs([{
    resourceType: ConfigResourceType.BROKER, resourceName, configs: [{ name: 'log.retention.ms', value, configOperation: AlterConfigOp.SET }],
  }], 'incremental', false)
  assert.deepEqual((await alter('', '120000')).map(({ errorCode }) => errorCode), [ErrorCode.NONE])
  assert.equal(retentionOf('plain', 0), 120_000, 'the cluster-wide default reaches the running log')
  assert.equal(retentionOf('plain', 1), 120_000)
  assert.equal(retentionOf('own', 0), 5000, 'a topic override wins')
  assert.deepEqual((await alter('1', '60000')).map(({ errorCode }) => errorCode), [ErrorCode.NONE])
  assert.equal(retentionOf('plain', 0), 60_000, 'the per-broker value wins over the cluster-wide default')

  await broker.restart()
  assert.equal(retentionOf('plain', 0), 60_000, 'dynamic configs are metadata records: a restart keeps them')
  assert.equal(retentionOf('own', 0), 5000)
})

test('cleanup.policy changed to compact on a live topic starts the cleaner on its next run', async (t) => {
  const node = await startTestBroker(t, { 'log.cleaner.backoff.ms': '100', 'log.initial.task.delay.ms': '0' })
  const topics = node.services.topics!
  await topics.createTopics([{
    name: 'table', numPartitions: 1, replicationFactor: 1, assignments: [],
    configs: [{ name: 'segment.bytes', value: '1024' }, { name: 'min.cleanable.dirty.ratio', value: '0.01' }],
  }], false)
  const replicas = node.services.replicas!
  const image = node.services.metadata!.currentImage()
  for (let i = 0; i < 40; i++) {
    const batch = buildRecordBatchSync({ records: [{ key: Buffer.from(`k${i % 4}`), value: Buffer.alloc(100, i), timestamp: BigInt(Date.now()) }] })
    assert.equal((await replicas.appendRecords(image, 'table', 0, batch, -1, 1000)).errorCode, ErrorCode.NONE)
  }
  const log = replicas.partition('table', 0)!.log
  const sizeBefore = log.sizeBytes
  assert.ok(log.segmentCount > 2)
  const results = await node.services.configs!.alterConfigs([{
    resourceType: ConfigResourceType.TOPIC, resourceName: 'table', configs: [{ name: 'cleanup.policy', value: 'compact', configOperation: AlterConfigOp.SET }],
  }], 'incremental', false)
  assert.deepEqual(results.map(({ errorCode }) => errorCode), [ErrorCode.NONE])
  assert.deepEqual(log.config.cleanupPolicy, ['compact'])
  await waitFor(() => log.sizeBytes < sizeBefore, { timeoutMs: 10_000, what: 'the cleaner to compact the topic' })
})
