// DeleteRecords (key 21), versions 0-2: moves each partition's log start offset forward on its
// leader (offset -1: up to the high watermark) and answers the new low watermark.
// Differs from Kafka: nothing waits for followers' log start offsets (no follower replicates yet),
// so timeoutMs never expires; no authorizer, so no TOPIC_AUTHORIZATION_FAILED.
// v1: same as v0 (throttling after the response). v2: flexible.
import { ApiKey } from '../protocol/generated/api-registry.js'
import { defineHandler } from './handler.js'
import { requireService } from './require-service.js'

export const deleteRecordsHandler = defineHandler({
  apiKey: ApiKey.DELETE_RECORDS, minVersion: 0, maxVersion: 2,
  handle(ctx, request) {
    const replicas = requireService(ctx.services.replicas, 'replicas')
    const image = requireService(ctx.services.metadata, 'metadata').currentImage()
    return {
      throttleTimeMs: 0,
      topics: request.topics.map((topic) => ({
        name: topic.name,
        partitions: topic.partitions.map(({ partitionIndex, offset }) => ({
          partitionIndex, ...replicas.deleteRecords(image, topic.name, partitionIndex, offset),
        })),
      })),
    }
  },
})
