// ListOffsets (key 2), versions 1-5: the earliest, latest or max-timestamp offset of a partition,
// or the first offset at or after a timestamp. Latest is the high watermark (the last stable
// offset for read_committed), as consumers may read nothing beyond it.
// Differs from Kafka: none known. v0 (several old-style offsets) is not served: no client sends it.
// v1: one offset with its timestamp. v2: isolationLevel. v4: currentLeaderEpoch and the answer's
// leaderEpoch (KIP-320). v5: same as v4 (OFFSET_NOT_AVAILABLE handling on leader change).
import { ApiKey } from '../protocol/generated/api-registry.js'
import { defineHandler } from './handler.js'
import { requireService } from './require-service.js'

export const listOffsetsHandler = defineHandler({
  apiKey: ApiKey.LIST_OFFSETS, minVersion: 1, maxVersion: 5,
  async handle(ctx, request) {
    const replicas = requireService(ctx.services.replicas, 'replicas')
    const image = requireService(ctx.services.metadata, 'metadata').currentImage()
    const topics = await Promise.all(request.topics.map(async (topic) => ({
      name: topic.name,
      partitions: await Promise.all(topic.partitions.map(async (partition) => {
        const result = await replicas.listOffset(image, topic.name, partition.partitionIndex, partition.timestamp, request.isolationLevel, partition.currentLeaderEpoch)
        return {
          partitionIndex: partition.partitionIndex,
          errorCode: result.errorCode,
          oldStyleOffsets: [],
          timestamp: result.timestamp,
          offset: result.offset,
          leaderEpoch: result.leaderEpoch,
        }
      })),
    })))
    return { throttleTimeMs: 0, topics }
  },
})
