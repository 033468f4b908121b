// OffsetCommit (key 8), versions 2-8, as Kafka's KafkaApis.handleOffsetCommitRequest: partitions
// of topics the metadata image does not know are UNKNOWN_TOPIC_OR_PARTITION and never reach the
// coordinator; the rest go to the group's coordinator, which answers once the commit is in
// `__consumer_offsets`.
// Differs from Kafka: no authorizer (never GROUP_ or TOPIC_AUTHORIZATION_FAILED); the response keeps
// the request's topic order (Kafka lists the unknown topics first); COORDINATOR_NOT_AVAILABLE while
// no group coordinator is wired in; the existence check is skipped while no metadata is wired in.
// v2: retentionTimeMs, ignored as Kafka 3.x's coordinator does (offsets.retention.minutes governs).
// v3: throttleTimeMs. v4: same as v3. v5: no retentionTimeMs. v6: committedLeaderEpoch (KIP-320).
// v7: groupInstanceId (KIP-345). v8: flexible.
import type { OffsetCommitTopicInput } from '../coordinator/offset-coordinator.js'
import { ErrorCode } from '../protocol/error-codes.js'
import { ApiKey } from '../protocol/generated/api-registry.js'
import type { OffsetCommitRequestPartition, OffsetCommitResponsePartition, OffsetCommitResponseTopic } from '../protocol/generated/apis/offset-commit.js'
import { defineHandler } from './handler.js'

/** A topic the coordinator is asked about, and the response entries its answers go into. */
interface CoordinatorTopic {
  readonly input: OffsetCommitTopicInput
  readonly answers: OffsetCommitResponsePartition[]
}

export const offsetCommitHandler = defineHandler({
  apiKey: ApiKey.OFFSET_COMMIT, minVersion: 2, maxVersion: 8,
  async handle(ctx, request) {
    const image = ctx.services.metadata?.currentImage()
    const topics: OffsetCommitResponseTopic[] = []
    const toCoordinator: CoordinatorTopic[] = []
    for (const topic of request.topics) {
      const known = image?.topic(topic.name)
      const partitions: OffsetCommitResponsePartition[] = []
      const forwarded: OffsetCommitRequestPartition[] = []
      const answers: OffsetCommitResponsePartition[] = []
      for (const partition of topic.partitions) {
        const answer = { partitionIndex: partition.partitionIndex, errorCode: ErrorCode.NONE as number, unknownTaggedFields: undefined }
        partitions.push(answer)
        if (image !== undefined && known?.partitions.has(partition.partitionIndex) !== true) {
          answer.errorCode = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
        } else {
          forwarded.push(partition)
          answers.push(answer)
        }
      }
      topics.push({ name: topic.name, partitions, unknownTaggedFields: undefined })
      if (forwarded.length > 0) toCoordinator.push({ input: { name: topic.name, partitions: forwarded }, answers })
    }

    if (toCoordinator.length > 0) {
      const coordinator = ctx.services.groupCoordinator
      if (coordinator === undefined) {
        for (const answer of toCoordinator.flatMap((topic) => topic.answers)) answer.errorCode = ErrorCode.COORDINATOR_NOT_AVAILABLE
      } else {
        const results = await coordinator.commitOffsets(request.groupId, request.memberId, request.generationIdOrMemberEpoch,
          toCoordinator.map((topic) => topic.input), { groupInstanceId: request.groupInstanceId })
        // The coordinator answers in the order it was asked, partition for partition.
        results.forEach((topic, topicIndex) => topic.partitions.forEach((partition, partitionIndex) => {
          const answer = toCoordinator[topicIndex]?.answers[partitionIndex]
          if (answer !== undefined) answer.errorCode = partition.errorCode
        }))
      }
    }
    return { throttleTimeMs: 0, topics, unknownTaggedFields: undefined }
  },
})
