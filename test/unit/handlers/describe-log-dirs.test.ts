// DescribeLogDirs through the handler and a real LogManager: every log dir with the requested
// partitions, their sizes and lag, the v3 error code and the v4 file-system sizes.
import assert from 'node:assert/strict'
import { resolve } from 'node:path'
import { describe, it } from 'node:test'
import { describeLogDirsHandler } from '../../../src/handlers/describe-log-dirs.js'
import { ErrorCode } from '../../../src/protocol/error-codes.js'
import type { DescribeLogDirsRequest, DescribeLogDirsResponse } from '../../../src/protocol/generated/apis/describe-log-dirs.js'
import { advertised, handleAndDecode, handlerContext } from '../../helpers/handler-context.js'
import { testBatch } from '../../helpers/log-fixtures.js'
import { partition, topic } from '../../helpers/metadata-records.js'
import { NODE_ID, scope, startReplicasWith, topicIdOf } from '../../helpers/replicas.js'

const ORDERS = topicIdOf(1)
const CLICKS = topicIdOf(2)

describe('DescribeLogDirs', () => {
  it('advertises v0-4', () => {
    assert.deepEqual(advertised(describeLogDirsHandler), [0, 1, 2, 3, 4])
  })

  it('describes every partition for null topics, only the asked ones otherwise, at every version', async (t) => {
    const { replicas, image, logManager, logDir } = await startReplicasWith(scope(t), [
      topic('orders', ORDERS), partition(ORDERS, 0, [NODE_ID], NODE_ID), partition(ORDERS, 1, [NODE_ID], NODE_ID),
      topic('clicks', CLICKS), partition(CLICKS, 0, [NODE_ID], NODE_ID),
    ])
    await replicas.appendRecords(image, 'orders', 0, testBatch('a', 3), 1, 1000)
    const size = BigInt(logManager.getLog('orders', 0)!.sizeBytes)
    assert.ok(size > 0n)
    const ctx = handlerContext(() => image, { replicas, logManager })
    const some: DescribeLogDirsRequest = { topics: [{ topic: 'orders', partitions: [0, 7] }, { topic: 'unknown', partitions: [0] }] }
    for (const version of advertised(describeLogDirsHandler)) {
      const all = await handleAndDecode<DescribeLogDirsResponse>(describeLogDirsHandler, ctx, { topics: null }, version)
      assert.equal(all.errorCode, ErrorCode.NONE)
      assert.equal(all.results.length, 1)
      const dir = all.results[0]!
      assert.equal(dir.errorCode, ErrorCode.NONE)
      assert.equal(dir.logDir, resolve(logDir))
      assert.deepEqual(dir.topics.map(({ name, partitions }) => ({ name, partitions: partitions.map(({ partitionIndex, partitionSize, offsetLag, isFutureKey }) => ({ partitionIndex, partitionSize, offsetLag, isFutureKey })) })), [
        { name: 'clicks', partitions: [{ partitionIndex: 0, partitionSize: 0n, offsetLag: 0n, isFutureKey: false }] },
        { name: 'orders', partitions: [
          { partitionIndex: 0, partitionSize: size, offsetLag: 0n, isFutureKey: false },
          { partitionIndex: 1, partitionSize: 0n, offsetLag: 0n, isFutureKey: false },
        ] },
      ], `v${version}`)
      if (version >= 4) {
        assert.ok(dir.totalBytes > 0n && dir.usableBytes >= 0n && dir.usableBytes <= dir.totalBytes, `${dir.totalBytes} ${dir.usableBytes}`)
      } else {
        assert.deepEqual([dir.totalBytes, dir.usableBytes], [-1n, -1n], 'v0-3 carry no sizes')
      }
      const asked = await handleAndDecode<DescribeLogDirsResponse>(describeLogDirsHandler, ctx, some, version)
      assert.deepEqual(asked.results[0]?.topics.map(({ name, partitions }) => [name, partitions.map((p) => p.partitionIndex)]), [['orders', [0]]], `v${version}`)
    }
  })
})
