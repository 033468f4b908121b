// OffsetDelete (key 47), version 0, as Kafka's KafkaApis.handleOffsetDeleteRequest (KIP-496):
// partitions of topics the metadata image does not know are UNKNOWN_TOPIC_OR_PARTITION; the rest go
// to the coordinator, which refuses topics a live consumer group subscribes to
// (GROUP_SUBSCRIBED_TO_TOPIC). A group-level error comes without topics.
// Differs from Kafka: no authorizer; COORDINATOR_NOT_AVAILABLE while no group coordinator is wired
// in; the existence check is skipped while no metadata is wired in.
import { deleteOffsets } from '../coordinator/group/group-admin.js'
import { ErrorCode } from '../protocol/error-codes.js'
import { ApiKey } from '../protocol/generated/api-registry.js'
import type { OffsetDeleteResponseTopic } from '../protocol/generated/apis/offset-delete.js'
import { defineHandler } from './handler.js'

export const offsetDeleteHandler = defineHandler({
  apiKey: ApiKey.OFFSET_DELETE, minVersion: 0, maxVersion: 0,
  async handle(ctx, request) {
    const coordinator = ctx.services.groupCoordinator
    if (coordinator === undefined) return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, throttleTimeMs: 0, topics: [] }
    const image = ctx.services.metadata?.currentImage()
    const unknown = new Map<string, number[]>()
    const known = new Map<string, number[]>()
    for (const topic of request.topics) {
      for (const { partitionIndex } of topic.partitions) {
        const isKnown = image === undefined || image.topic(topic.name)?.partitions.has(partitionIndex) === true
        const target = isKnown ? known : unknown
        target.set(topic.name, [...(target.get(topic.name) ?? []), partitionIndex])
      }
    }
    const result = await deleteOffsets(coordinator, request.groupId, [...known].map(([name, partitionIndexes]) => ({ name, partitionIndexes })))
    if (result.errorCode !== ErrorCode.NONE) return { errorCode: result.errorCode, throttleTimeMs: 0, topics: [] }
    const topics: OffsetDeleteResponseTopic[] = [
      ...[...unknown].map(([name, partitionIndexes]) => ({
        name, partitions: partitionIndexes.map((partitionIndex) => ({ partitionIndex, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION })),
      })),
      ...result.topics,
    ]
    return { errorCode: ErrorCode.NONE, throttleTimeMs: 0, topics }
  },
})
