// QuorumController.createPartitions: valid topics are committed together in one batch, validateOnly
// commits nothing, a name given twice is refused once, and one bad topic never fails the others.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { QuorumController } from '../../../src/controller/quorum-controller.js'
import type { MetadataImage } from '../../../src/metadata/image.js'
import type { MetadataRecord } from '../../../src/metadata/metadata-record-codec.js'
import { ErrorCode } from '../../../src/protocol/error-codes.js'
import { partition, registerBroker, topic } from '../../helpers/metadata-records.js'
import { replay, topicIdOf } from '../../helpers/replicas.js'

const ORDERS = topicIdOf(1)
const CLICKS = topicIdOf(2)

function controller(): { controller: QuorumController; commits: MetadataRecord[][]; image: () => MetadataImage } {
  let image = replay([
    registerBroker(1, 1n), { type: 'UnfenceBrokerRecord', version: 0, value: { id: 1, epoch: 1n } },
    topic('orders', ORDERS), partition(ORDERS, 0, [1], 1),
    topic('clicks', CLICKS), partition(CLICKS, 0, [1], 1), partition(CLICKS, 1, [1], 1),
  ]).image
  const commits: MetadataRecord[][] = []
  const quorum = new QuorumController({
    nodeId: 1, epoch: 1, image: () => image,
    defaults: { numPartitions: 1, defaultReplicationFactor: 1, internalTopics: new Map() },
    commit: async (records) => {
      commits.push([...records])
      image = replay(records, image).image
      return image
    },
  })
  return { controller: quorum, commits, image: () => image }
}

describe('QuorumController.createPartitions', () => {
  it('commits the new partitions of every valid topic in one batch and answers per topic', async () => {
    const { controller: quorum, commits, image } = controller()
    const results = await quorum.createPartitions([
      { name: 'orders', count: 3, assignments: null },
      { name: 'clicks', count: 1, assignments: null },
      { name: 'missing', count: 2, assignments: null },
    ], false)
    assert.deepEqual(results, [
      { name: 'orders', errorCode: ErrorCode.NONE, errorMessage: null },
      { name: 'clicks', errorCode: ErrorCode.INVALID_PARTITIONS, errorMessage: 'The topic clicks currently has 2 partition(s); 1 would not be an increase.' },
      { name: 'missing', errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: null },
    ])
    assert.equal(commits.length, 1)
    assert.deepEqual(commits[0]?.map((record) => record.type), ['PartitionRecord', 'PartitionRecord'])
    assert.deepEqual([...image().topic('orders')!.partitions.keys()], [0, 1, 2])
  })

  it('validateOnly answers as a real request would and commits nothing', async () => {
    const { controller: quorum, commits, image } = controller()
    const results = await quorum.createPartitions([{ name: 'orders', count: 5, assignments: null }], true)
    assert.deepEqual(results, [{ name: 'orders', errorCode: ErrorCode.NONE, errorMessage: null }])
    assert.equal(commits.length, 0)
    assert.equal(image().topic('orders')!.partitions.size, 1)
  })

  it('refuses a name given twice once, with INVALID_REQUEST, and grows the other topics', async () => {
    const { controller: quorum, image } = controller()
    const results = await quorum.createPartitions([
      { name: 'orders', count: 2, assignments: null },
      { name: 'clicks', count: 3, assignments: [{ brokerIds: [1] }] },
      { name: 'orders', count: 4, assignments: null },
    ], false)
    assert.deepEqual(results, [
      { name: 'orders', errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Duplicate topic name.' },
      { name: 'clicks', errorCode: ErrorCode.NONE, errorMessage: null },
    ])
    assert.equal(image().topic('orders')!.partitions.size, 1)
    assert.equal(image().topic('clicks')!.partitions.size, 3)
  })
})
