// Fetch (key 1), versions 4-12, for consumers. Reads below the high watermark (below the last
// stable offset for read_committed) and parks until minBytes are there or maxWaitMs passes.
// Differs from Kafka: incremental fetch sessions (KIP-227) are always declined by answering
// session id 0, which every client handles by sending full requests (kafka-protocol/CLIENTS.md); an
// incremental request (epoch above 0) names a session never granted: FETCH_SESSION_ID_NOT_FOUND. No
// follower fetching (replica id >= 0) yet: such a request is served like a consumer's.
// v4: isolationLevel, lastStableOffset, abortedTransactions. v5: logStartOffset. v7: sessions and
// a top-level errorCode. v9: currentLeaderEpoch (KIP-320). v11: rackId, preferredReadReplica.
// v12: flexible, lastFetchedEpoch and diverging epochs (tagged, for followers).
import { ErrorCode } from '../protocol/error-codes.js'
import { ApiKey } from '../protocol/generated/api-registry.js'
import type { FetchResponsePartitionData } from '../protocol/generated/apis/fetch.js'
import { IsolationLevel, type FetchPartitionResult } from '../replication/replica-manager.js'
import { defineHandler } from './handler.js'
import { requireService } from './require-service.js'

/** FetchMetadata.INITIAL_EPOCH and FINAL_EPOCH: the epochs of a request that is not inside a session. */
const INITIAL_SESSION_EPOCH = 0
const FINAL_SESSION_EPOCH = -1

function partitionData(result: FetchPartitionResult, isReadCommitted: boolean): FetchResponsePartitionData {
  return {
    partitionIndex: result.partition,
    errorCode: result.errorCode,
    highWatermark: result.highWatermark,
    lastStableOffset: result.lastStableOffset,
    logStartOffset: result.logStartOffset,
    divergingEpoch: { epoch: -1, endOffset: -1n },
    currentLeader: { leaderId: -1, leaderEpoch: -1 },
    snapshotId: { endOffset: -1n, epoch: -1 },
    // Kafka sends an empty list for read_committed (no aborted transactions yet) and null otherwise.
    abortedTransactions: isReadCommitted ? [] : null,
    preferredReadReplica: -1,
    records: result.records,
  }
}

export const fetchHandler = defineHandler({
  apiKey: ApiKey.FETCH, minVersion: 4, maxVersion: 12,
  async handle(ctx, request) {
    const replicas = requireService(ctx.services.replicas, 'replicas')
    const metadata = requireService(ctx.services.metadata, 'metadata')
    // Kafka's FetchManager: epoch 0 or -1 is a full request (any named session is closed, and the
    // answer's session id 0 grants none); a higher epoch is an incremental request in a session.
    const isInsideSession = request.sessionEpoch !== INITIAL_SESSION_EPOCH && request.sessionEpoch !== FINAL_SESSION_EPOCH
    if (isInsideSession) {
      return { throttleTimeMs: 0, errorCode: ErrorCode.FETCH_SESSION_ID_NOT_FOUND, sessionId: 0, responses: [], nodeEndpoints: [] }
    }
    const isReadCommitted = request.isolationLevel === IsolationLevel.READ_COMMITTED
    const partitions = request.topics.flatMap((topic) => topic.partitions.map((partition) => ({
      topic: topic.topic,
      partition: partition.partition,
      fetchOffset: partition.fetchOffset,
      partitionMaxBytes: partition.partitionMaxBytes,
      currentLeaderEpoch: partition.currentLeaderEpoch,
    })))
    const results = await replicas.fetch(() => metadata.currentImage(), {
      maxWaitMs: request.maxWaitMs,
      minBytes: request.minBytes,
      maxBytes: request.maxBytes,
      isolationLevel: request.isolationLevel,
      partitions,
    })
    let next = 0
    const responses = request.topics.map((topic) => ({
      topic: topic.topic,
      topicId: topic.topicId,
      partitions: topic.partitions.map(() => partitionData(results[next++]!, isReadCommitted)),
    }))
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, sessionId: 0, responses, nodeEndpoints: [] }
  },
  requestMetricName: (request) => request.replicaId >= 0 ? 'FetchFollower' : 'FetchConsumer',
  designedWaitMs: (request) => Math.max(request.maxWaitMs, 0),
})
