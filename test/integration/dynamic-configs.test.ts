// Dynamic broker configs reach the running logs at once, as Kafka applies log.* defaults live.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { AlterConfigOp } from '../../src/controller/config-manager.js'
import { ConfigResourceType } from '../../src/metadata/image.js'
import { ErrorCode } from '../../src/protocol/error-codes.js'
import { startRestartableBroker } from '../helpers/broker.js'

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
