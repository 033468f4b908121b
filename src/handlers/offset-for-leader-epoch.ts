// OffsetForLeaderEpoch (key 23), versions 0-4: for each partition, where the requested leader
// epoch ends in the leader's log (KIP-101, KIP-279), as Kafka's ReplicaManager.lastOffsetForLeaderEpoch
// answers consumers checking for truncation after a leader change (KIP-320).
// Differs from Kafka: no authorizer, so a broker replicaId (v3+) is served like a client and
// TOPIC_AUTHORIZATION_FAILED never occurs. Kafka always answers from the leader, whatever replicaId.
// v1: leaderEpoch in the answer. v2: currentLeaderEpoch (FENCED_LEADER_EPOCH, UNKNOWN_LEADER_EPOCH)
// and throttleTimeMs. v3: replicaId. v4: flexible.
import { ApiKey } from '../protocol/generated/api-registry.js'
import { defineHandler } from './handler.js'
import { requireService } from './require-service.js'

export const offsetForLeaderEpochHandler = defineHandler({
  apiKey: ApiKey.OFFSET_FOR_LEADER_EPOCH, minVersion: 0, maxVersion: 4,
  handle(ctx, request) {
    const replicas = requireService(ctx.services.replicas, 'replicas')
    const image = requireService(ctx.services.metadata, 'metadata').currentImage()
    return {
      throttleTimeMs: 0,
      topics: request.topics.map(({ topic, partitions }) => ({
        topic,
        partitions: partitions.map(({ partition, currentLeaderEpoch, leaderEpoch }) => ({
          partition, ...replicas.lastOffsetForLeaderEpoch(image, topic, partition, currentLeaderEpoch, leaderEpoch),
        })),
      })),
    }
  },
})
