// The broker's own view of consumer lag (issue 6): committed offsets against high watermarks.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ErrorCode } from '../../src/protocol/error-codes.js'
import { startTestBroker, waitFor } from '../helpers/broker.js'
import { testBatch } from '../helpers/log-fixtures.js'

test('consumerLag reports each committed partition of a coordinated group against its high watermark', async (t) => {
  const node = await startTestBroker(t)
  const services = node.services
  await services.topics!.createTopics([{ name: 'lagging', numPartitions: 2, replicationFactor: 1, assignments: [], configs: [] }], false)
  assert.equal(await services.topics!.ensureInternalTopic('__consumer_offsets'), ErrorCode.NONE)
  const coordinator = services.groupCoordinator!
  await waitFor(() => coordinator.coordinatorError('g-lag') === ErrorCode.NONE, { timeoutMs: 5000, what: 'the coordinator partition to load' })
  const image = services.metadata!.currentImage()
  for (let i = 0; i < 3; i++) assert.equal((await services.replicas!.appendRecords(image, 'lagging', 0, testBatch(`r${i}`, 4), -1, 1000)).errorCode, ErrorCode.NONE)
  assert.equal((await services.replicas!.appendRecords(image, 'lagging', 1, testBatch('s', 2), -1, 1000)).errorCode, ErrorCode.NONE)

  const committed = await coordinator.commitOffsets('g-lag', '', -1, [{
    name: 'lagging',
    partitions: [
      { partitionIndex: 0, committedOffset: 5n, committedLeaderEpoch: -1, committedMetadata: '' },
      { partitionIndex: 1, committedOffset: 2n, committedLeaderEpoch: -1, committedMetadata: '' },
    ],
  }])
  assert.deepEqual(committed.flatMap((topic) => topic.partitions.map((partition) => partition.errorCode)), [ErrorCode.NONE, ErrorCode.NONE])
  assert.deepEqual(node.consumerLag().filter(({ group }) => group === 'g-lag').map(({ topic, partition, committedOffset, highWatermark, lag }) => [topic, partition, committedOffset, highWatermark, lag]), [
    ['lagging', 0, 5n, 12n, 7n],
    ['lagging', 1, 2n, 2n, 0n],
  ])
})
