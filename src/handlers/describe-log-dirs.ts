// DescribeLogDirs (key 35), versions 0-4, as Kafka's ReplicaManager.describeLogDirs answers it:
// every configured log dir (absolute path) with the requested partitions it holds (null topics:
// all), their sizes and offset lag; an offline dir is KAFKA_STORAGE_ERROR with no partitions.
// Differs from Kafka: a topic whose logs in a dir were all left out by the request is omitted
// (Kafka lists it with no partitions); no authorizer, so never CLUSTER_AUTHORIZATION_FAILED.
// No future (being moved) logs exist, so isFutureKey is always false.
// v1: same as v0. v2: flexible. v3: top-level errorCode. v4: totalBytes and usableBytes (KIP-827).
import { describeLogDirs, type LogDirPartition } from '../log/log-dir-description.js'
import { topicPartitionKey } from '../log/topic-partition.js'
import { ErrorCode } from '../protocol/error-codes.js'
import { ApiKey } from '../protocol/generated/api-registry.js'
import type { DescribeLogDirsResponseDescribeLogDirsTopic } from '../protocol/generated/apis/describe-log-dirs.js'
import { defineHandler } from './handler.js'
import { requireService } from './require-service.js'

export const describeLogDirsHandler = defineHandler({
  apiKey: ApiKey.DESCRIBE_LOG_DIRS, minVersion: 0, maxVersion: 4,
  async handle(ctx, request) {
    const logManager = requireService(ctx.services.logManager, 'logManager')
    const wanted = request.topics === null ? undefined
      : new Set(request.topics.flatMap(({ topic, partitions }) => partitions.map((partition) => topicPartitionKey(topic, partition))))
    const dirs = await describeLogDirs(logManager)
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      results: dirs.map((dir) => ({
        errorCode: dir.isOnline ? ErrorCode.NONE : ErrorCode.KAFKA_STORAGE_ERROR,
        logDir: dir.path,
        topics: groupByTopic(dir.partitions.filter((p) => wanted === undefined || wanted.has(topicPartitionKey(p.topic, p.partition)))),
        totalBytes: dir.totalBytes,
        usableBytes: dir.usableBytes,
      })),
    }
  },
})

function groupByTopic(partitions: readonly LogDirPartition[]): DescribeLogDirsResponseDescribeLogDirsTopic[] {
  const topics = new Map<string, DescribeLogDirsResponseDescribeLogDirsTopic>()
  for (const { topic, partition, sizeBytes, offsetLag } of partitions) {
    let entry = topics.get(topic)
    if (entry === undefined) topics.set(topic, (entry = { name: topic, partitions: [] }))
    entry.partitions.push({ partitionIndex: partition, partitionSize: BigInt(sizeBytes), offsetLag, isFutureKey: false })
  }
  return [...topics.values()]
}
