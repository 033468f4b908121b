import assert from 'node:assert/strict'
import { test } from 'node:test'
import { MetadataDelta, MetadataReplayError, NO_LEADER_CHANGE, localPartitionChanges } from '../../../src/metadata/delta.js'
import { ConfigResourceType, MetadataImage, NO_LEADER } from '../../../src/metadata/image.js'
import type { MetadataRecord } from '../../../src/metadata/metadata-record-codec.js'
import { decodeMetadataRecord, encodeMetadataRecord } from '../../../src/metadata/metadata-record-codec.js'
import type { PartitionChangeRecord } from '../../../src/protocol/generated/metadata/partition-change-record.js'
import { INCARNATION_ID, registerBroker, topic, partition, config } from '../../helpers/metadata-records.js'

const ORDERS_ID = Buffer.alloc(16, 1).toString('base64url')
const AUDIT_ID = Buffer.alloc(16, 2).toString('base64url')

/** Replays records at consecutive offsets from `firstOffset`, in leader epoch `epoch`. */
function replayAll(image: MetadataImage, records: readonly MetadataRecord[], firstOffset: bigint, epoch = 1): MetadataDelta {
  const delta = new MetadataDelta(image)
  records.forEach((record, index) => {
    // Every record goes through its log encoding, as the broker reads it.
    delta.replay(decodeMetadataRecord(encodeMetadataRecord(record)), firstOffset + BigInt(index), epoch)
  })
  return delta
}

function partitionChange(topicId: string, partitionId: number, change: Partial<PartitionChangeRecord>): MetadataRecord {
  return {
    type: 'PartitionChangeRecord', version: 0, value: {
      partitionId, topicId, isr: null, leader: NO_LEADER_CHANGE, replicas: null, removingReplicas: null,
      addingReplicas: null, leaderRecoveryState: -1, directories: null, eligibleLeaderReplicas: null,
      lastKnownElr: null, ...change,
    },
  }
}

const removeTopic = (topicId: string): MetadataRecord => ({ type: 'RemoveTopicRecord', version: 0, value: { topicId } })

test('replaying a broker, a topic, configs, a partition change and a removal gives the expected images', () => {
  // Step 1: metadata.version, then broker 1 registers (fenced) and is unfenced.
  const step1 = replayAll(MetadataImage.EMPTY, [
    { type: 'FeatureLevelRecord', version: 0, value: { name: 'metadata.version', featureLevel: 21 } },
    registerBroker(1, 10n),
    { type: 'UnfenceBrokerRecord', version: 0, value: { id: 1, epoch: 10n } },
  ], 0n)
  const image1 = step1.apply()
  assert.equal(image1.metadataVersion, 21)
  assert.deepEqual(image1.provenance, { offset: 2n, epoch: 1 })
  assert.equal(image1.isEmpty, false)
  const broker = image1.broker(1)
  assert.ok(broker)
  assert.equal(broker.epoch, 10n)
  assert.equal(broker.incarnationId, INCARNATION_ID)
  assert.equal(broker.isFenced, false)
  assert.deepEqual(broker.endpoints, [{ name: 'PLAINTEXT', host: 'localhost', port: 9092, securityProtocol: 0 }])
  assert.deepEqual(broker.supportedFeatures.get('metadata.version'), { minSupportedVersion: 7, maxSupportedVersion: 21 })
  assert.deepEqual(step1.changes().brokersChanged, [1])
  assert.deepEqual(step1.changes().featuresChanged, ['metadata.version'])

  // Step 2: topic "orders" with 3 partitions (broker 2 leads partition 2), topic and broker configs.
  const step2 = replayAll(image1, [
    topic('orders', ORDERS_ID),
    partition(ORDERS_ID, 0, [1], 1),
    partition(ORDERS_ID, 1, [1], 1),
    partition(ORDERS_ID, 2, [2, 1], 2),
    config(ConfigResourceType.TOPIC, 'orders', 'cleanup.policy', 'compact'),
    config(ConfigResourceType.TOPIC, 'orders', 'retention.ms', '1000'),
    config(ConfigResourceType.BROKER, '1', 'log.retention.ms', '5000'),
    config(ConfigResourceType.BROKER, '', 'log.segment.bytes', '1048576'),
  ], 3n, 2)
  const image2 = step2.apply()
  assert.deepEqual(image2.provenance, { offset: 10n, epoch: 2 })
  const orders = image2.topic('orders')
  assert.ok(orders)
  assert.equal(orders.topicId, ORDERS_ID)
  assert.equal(image2.topicById(ORDERS_ID), orders)
  assert.deepEqual([...orders.partitions.keys()], [0, 1, 2])
  assert.deepEqual(image2.partition('orders', 2), {
    replicas: [2, 1], isr: [2, 1], removingReplicas: [], addingReplicas: [], leader: 2, leaderRecoveryState: 0,
    leaderEpoch: 0, partitionEpoch: 0, eligibleLeaderReplicas: [], lastKnownElr: [],
  })
  assert.deepEqual(image2.topicConfigs('orders'), new Map([['cleanup.policy', 'compact'], ['retention.ms', '1000']]))
  assert.deepEqual(image2.brokerConfigs(1), new Map([['log.retention.ms', '5000']]))
  assert.deepEqual(image2.brokerConfigs(), new Map([['log.segment.bytes', '1048576']]))
  assert.equal(image2.cluster, image1.cluster, 'the unchanged cluster section is shared')
  assert.equal(image2.features, image1.features)

  const changes2 = step2.changes()
  assert.deepEqual(changes2.topicsCreated.map((created) => created.name), ['orders'])
  assert.deepEqual(changes2.topicsDeleted, [])
  assert.deepEqual(changes2.partitionsChanged.map((change) => [change.partitionId, change.previous, change.isLeaderChanged]),
    [[0, undefined, true], [1, undefined, true], [2, undefined, true]])
  const local2 = localPartitionChanges(changes2, 1)
  assert.deepEqual(local2.leaders.map((change) => change.partitionId), [0, 1])
  assert.deepEqual(local2.followers.map((change) => change.partitionId), [2])
  assert.deepEqual(local2.deletes, [])

  // Step 3: partition 1 loses its leader, partition 2 shrinks its ISR, one topic config is deleted.
  const step3 = replayAll(image2, [
    partitionChange(ORDERS_ID, 1, { leader: NO_LEADER, isr: [] }),
    partitionChange(ORDERS_ID, 2, { isr: [2] }),
    config(ConfigResourceType.TOPIC, 'orders', 'retention.ms', null),
  ], 11n, 2)
  const image3 = step3.apply()
  const p1 = image3.partition('orders', 1)
  assert.ok(p1)
  assert.deepEqual([p1.leader, p1.isr, p1.replicas, p1.leaderEpoch, p1.partitionEpoch], [NO_LEADER, [], [1], 1, 1])
  const p2 = image3.partition('orders', 2)
  assert.ok(p2)
  assert.deepEqual([p2.leader, p2.isr, p2.replicas, p2.leaderEpoch, p2.partitionEpoch], [2, [2], [2, 1], 0, 1])
  assert.equal(image3.partition('orders', 0), image2.partition('orders', 0), 'an unchanged partition is shared')
  assert.deepEqual(image3.topicConfigs('orders'), new Map([['cleanup.policy', 'compact']]))
  assert.equal(image3.resourceConfigs(ConfigResourceType.BROKER, '1'), image2.resourceConfigs(ConfigResourceType.BROKER, '1'))

  const changes3 = step3.changes()
  assert.deepEqual(changes3.topicsCreated, [])
  assert.deepEqual(changes3.partitionsChanged.map((change) =>
    [change.partitionId, change.isLeaderChanged, change.isLeaderEpochChanged, change.areReplicasChanged]),
  [[1, true, true, false], [2, false, false, false]])
  assert.deepEqual(changes3.configResourcesChanged, [{ resourceType: ConfigResourceType.TOPIC, resourceName: 'orders' }])

  // Step 4: the topic is removed, with its configs.
  const step4 = replayAll(image3, [removeTopic(ORDERS_ID)], 14n, 3)
  const image4 = step4.apply()
  assert.equal(image4.topic('orders'), undefined)
  assert.equal(image4.topicById(ORDERS_ID), undefined)
  assert.equal(image4.topicConfigs('orders').size, 0)
  assert.equal(image4.configs.resources.size, 2, 'broker configs stay')
  const changes4 = step4.changes()
  assert.deepEqual(changes4.topicsDeleted.map((deleted) => deleted.name), ['orders'])
  assert.equal(changes4.topicsDeleted[0], image3.topic('orders'))
  assert.deepEqual(changes4.partitionsChanged, [])
  assert.deepEqual(localPartitionChanges(changes4, 1).deletes.map((deletion) => deletion.partitionId), [0, 1, 2])
  assert.deepEqual(localPartitionChanges(changes4, 2).deletes.map((deletion) => deletion.partitionId), [2])

  // Earlier images are untouched by every later delta.
  assert.equal(MetadataImage.EMPTY.topics.byName.size, 0)
  assert.equal(MetadataImage.EMPTY.cluster.brokers.size, 0)
  assert.equal(image1.topics.byName.size, 0)
  assert.deepEqual(image2.partition('orders', 1)?.leader, 1)
  assert.deepEqual(image2.partition('orders', 2)?.isr, [2, 1])
  assert.deepEqual(image2.topicConfigs('orders').get('retention.ms'), '1000')
  assert.ok(image3.topic('orders'))
  assert.deepEqual(image3.provenance, { offset: 13n, epoch: 2 })
})

test('an applied image does not change when the delta replays more records', () => {
  const delta = replayAll(MetadataImage.EMPTY, [topic('orders', ORDERS_ID), partition(ORDERS_ID, 0, [1], 1)], 0n)
  const first = delta.apply()
  delta.replay(partitionChange(ORDERS_ID, 0, { leader: 2, replicas: [2], isr: [2] }), 2n, 1)
  delta.replay(config(ConfigResourceType.TOPIC, 'orders', 'retention.ms', '1'), 3n, 1)
  const second = delta.apply()
  assert.equal(first.partition('orders', 0)?.leader, 1)
  assert.equal(first.topicConfigs('orders').size, 0)
  assert.deepEqual(first.provenance, { offset: 1n, epoch: 1 })
  assert.equal(second.partition('orders', 0)?.leader, 2)
  assert.equal(second.partition('orders', 0)?.leaderEpoch, 1)
  assert.ok(Object.isFrozen(second.partition('orders', 0)))
  assert.ok(Object.isFrozen(second.partition('orders', 0)?.replicas))
})

test('a leader change bumps the leader epoch; NO_LEADER_CHANGE keeps it; each change bumps the partition epoch', () => {
  const delta = replayAll(MetadataImage.EMPTY, [
    topic('orders', ORDERS_ID),
    partition(ORDERS_ID, 0, [1, 2], 1),
    partitionChange(ORDERS_ID, 0, { leader: 2 }),
    partitionChange(ORDERS_ID, 0, { isr: [2] }),
    partitionChange(ORDERS_ID, 0, { leader: NO_LEADER }),
    partitionChange(ORDERS_ID, 0, { replicas: [2, 3], leaderRecoveryState: 1 }),
  ], 0n)
  const partition0 = delta.apply().partition('orders', 0)
  assert.ok(partition0)
  assert.deepEqual(
    [partition0.leader, partition0.leaderEpoch, partition0.partitionEpoch, partition0.isr, partition0.replicas, partition0.leaderRecoveryState],
    [NO_LEADER, 2, 4, [2], [2, 3], 1])
})

test('a topic created and removed in one delta leaves no trace in the image or the changes', () => {
  const delta = replayAll(MetadataImage.EMPTY, [
    topic('orders', ORDERS_ID),
    partition(ORDERS_ID, 0, [1], 1),
    config(ConfigResourceType.TOPIC, 'orders', 'retention.ms', '1'),
    removeTopic(ORDERS_ID),
  ], 0n)
  const image = delta.apply()
  assert.equal(image.topics.byId.size, 0)
  assert.equal(image.configs.resources.size, 0)
  const changes = delta.changes()
  assert.deepEqual([changes.topicsCreated, changes.topicsDeleted, changes.partitionsChanged], [[], [], []])
})

test('a topic removed and recreated under the same name in one delta is reported as both', () => {
  const base = replayAll(MetadataImage.EMPTY, [topic('orders', ORDERS_ID), partition(ORDERS_ID, 0, [1], 1)], 0n).apply()
  const delta = replayAll(base, [removeTopic(ORDERS_ID), topic('orders', AUDIT_ID), partition(AUDIT_ID, 0, [1], 1)], 2n)
  const image = delta.apply()
  assert.equal(image.topic('orders')?.topicId, AUDIT_ID)
  assert.equal(image.topicById(ORDERS_ID), undefined)
  const changes = delta.changes()
  assert.deepEqual(changes.topicsDeleted.map((deleted) => deleted.topicId), [ORDERS_ID])
  assert.deepEqual(changes.topicsCreated.map((created) => created.topicId), [AUDIT_ID])
})

test('fencing, controlled shutdown and unregistration follow the broker epoch', () => {
  const image = replayAll(MetadataImage.EMPTY, [registerBroker(1, 10n)], 0n).apply()
  assert.equal(image.broker(1)?.isFenced, true)
  const changed = replayAll(image, [
    { type: 'BrokerRegistrationChangeRecord', version: 1, value: { brokerId: 1, brokerEpoch: 10n, fenced: -1, inControlledShutdown: 1, logDirs: [] } },
  ], 1n).apply()
  assert.deepEqual([changed.broker(1)?.isFenced, changed.broker(1)?.isInControlledShutdown], [false, true])
  const fenced = replayAll(changed, [{ type: 'FenceBrokerRecord', version: 0, value: { id: 1, epoch: 10n } }], 2n).apply()
  assert.equal(fenced.broker(1)?.isFenced, true)
  assert.throws(() => replayAll(fenced, [{ type: 'UnregisterBrokerRecord', version: 0, value: { brokerId: 1, brokerEpoch: 9n } }], 3n),
    MetadataReplayError)
  const gone = replayAll(fenced, [{ type: 'UnregisterBrokerRecord', version: 0, value: { brokerId: 1, brokerEpoch: 10n } }], 3n).apply()
  assert.equal(gone.broker(1), undefined)
  assert.equal(fenced.broker(1)?.isFenced, true)
})

test('feature level 0 removes a feature, and ProducerIdsRecord and NoOpRecord move the image forward', () => {
  const image = replayAll(MetadataImage.EMPTY, [
    { type: 'FeatureLevelRecord', version: 0, value: { name: 'metadata.version', featureLevel: 21 } },
    { type: 'FeatureLevelRecord', version: 0, value: { name: 'group.version', featureLevel: 1 } },
    { type: 'ProducerIdsRecord', version: 0, value: { brokerId: 1, brokerEpoch: 10n, nextProducerId: 1000n } },
  ], 0n).apply()
  assert.equal(MetadataImage.EMPTY.producerIds.nextProducerId, -1n)
  assert.equal(image.producerIds.nextProducerId, 1000n)
  const next = replayAll(image, [
    { type: 'FeatureLevelRecord', version: 0, value: { name: 'group.version', featureLevel: 0 } },
    { type: 'NoOpRecord', version: 0, value: {} },
  ], 3n, 4).apply()
  assert.deepEqual(next.features.levels, new Map([['metadata.version', 21]]))
  assert.equal(next.producerIds, image.producerIds)
  assert.deepEqual(next.provenance, { offset: 4n, epoch: 4 })
})

test('records that contradict the image are MetadataReplayErrors', () => {
  const base = replayAll(MetadataImage.EMPTY, [topic('orders', ORDERS_ID)], 0n).apply()
  const cases: readonly MetadataRecord[] = [
    partition(AUDIT_ID, 0, [1], 1),
    partitionChange(ORDERS_ID, 7, { leader: 1 }),
    removeTopic(AUDIT_ID),
    topic('orders', AUDIT_ID),
    topic('audit', ORDERS_ID),
    { type: 'FenceBrokerRecord', version: 0, value: { id: 5, epoch: 1n } },
  ]
  for (const record of cases) {
    assert.throws(() => new MetadataDelta(base).replay(record, 1n, 1), (error: unknown) =>
      error instanceof MetadataReplayError && error.code === 'ERR_METADATA_REPLAY', record.type)
  }
})
