// Produce (key 0), versions 0-7 advertised, 3-7 served. Each partition's records (one magic 2
// batch) go to its leader's log; partitions are appended concurrently and answered in request
// order. acks=0 gets no response at all, unless a partition failed: then, as Kafka does, the
// connection is closed so the producer notices (KafkaApis.handleProduceRequest).
// Differs from Kafka: no idempotent or transactional state yet (InitProducerId is not served, so
// clients send producer id -1); message.timestamp.before/after.max.ms are not checked.
// v0-2 stay advertised only for librdkafka's compression check (kafka-protocol/CLIENTS.md); one
// that arrives gets UNSUPPORTED_VERSION in every partition, as Kafka 4.x answers (KIP-896).
// v1: throttleTimeMs. v2: logAppendTimeMs. v3: transactionalId, magic 2 only. v5: logStartOffset.
// v7: same as v6 (ZStandard allowed from v7, KIP-110).
import { ErrorCode, errorName } from '../protocol/error-codes.js'
import { ApiKey } from '../protocol/generated/api-registry.js'
import type { ProduceResponsePartitionProduceResponse } from '../protocol/generated/apis/produce.js'
import { defineHandler } from './handler.js'
import { requireService } from './require-service.js'
import { recordBytesAsBuffer } from '../protocol/record-bytes.js'

/** The oldest Produce version whose records are magic 2 batches. */
const FIRST_MAGIC_2_VERSION = 3

const VALID_ACKS: ReadonlySet<number> = new Set([-1, 0, 1])

/**
 * Refusals that mean the producer sent something wrong (a broken or oversized batch, a bad
 * timestamp): logged at warn. The others (NOT_LEADER_OR_FOLLOWER, UNKNOWN_TOPIC_OR_PARTITION, …)
 * are routine during leader moves and topic deletion and clients retry them: debug.
 */
const CLIENT_FAULTS: ReadonlySet<number> = new Set([
  ErrorCode.CORRUPT_MESSAGE, ErrorCode.INVALID_RECORD, ErrorCode.MESSAGE_TOO_LARGE, ErrorCode.RECORD_LIST_TOO_LARGE,
  ErrorCode.INVALID_TIMESTAMP, ErrorCode.UNSUPPORTED_COMPRESSION_TYPE,
])

function partitionResponse(index: number, errorCode: number, fields: Partial<ProduceResponsePartitionProduceResponse> = {}): ProduceResponsePartitionProduceResponse {
  return {
    index, errorCode, baseOffset: -1n, logAppendTimeMs: -1n, logStartOffset: -1n, recordErrors: [], errorMessage: null,
    currentLeader: { leaderId: -1, leaderEpoch: -1 }, ...fields,
  }
}

export const produceHandler = defineHandler({
  apiKey: ApiKey.PRODUCE, minVersion: 0, maxVersion: 7,
  async handle(ctx, request, version) {
    const replicas = requireService(ctx.services.replicas, 'replicas')
    const metadata = requireService(ctx.services.metadata, 'metadata')
    const image = metadata.currentImage()
    const refusal = version < FIRST_MAGIC_2_VERSION ? ErrorCode.UNSUPPORTED_VERSION
      : !VALID_ACKS.has(request.acks) ? ErrorCode.INVALID_REQUIRED_ACKS
        : request.transactionalId !== null ? ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED
          : ErrorCode.NONE
    const responses = await Promise.all(request.topicData.map(async (topic) => ({
      name: topic.name,
      partitionResponses: await Promise.all(topic.partitionData.map(async ({ index, records }) => {
        if (refusal !== ErrorCode.NONE) return partitionResponse(index, refusal)
        const result = await replicas.appendRecords(image, topic.name, index, records === null ? null : recordBytesAsBuffer(records), request.acks, request.timeoutMs)
        if (!('baseOffset' in result)) {
          const level = CLIENT_FAULTS.has(result.errorCode) ? 'warn' : 'debug'
          ctx.logger[level]({ topic: topic.name, partition: index, errorCode: result.errorCode, error: errorName(result.errorCode), reason: result.errorMessage },
            'produce refused')
          return partitionResponse(index, result.errorCode, { logStartOffset: result.logStartOffset, errorMessage: result.errorMessage })
        }
        return partitionResponse(index, ErrorCode.NONE, {
          baseOffset: result.baseOffset, logAppendTimeMs: result.logAppendTime, logStartOffset: result.logStartOffset,
        })
      })),
    })))
    return { responses, throttleTimeMs: 0, nodeEndpoints: [] }
  },
  responseDisposition(request, response) {
    if (request.acks !== 0) return 'send'
    const hasError = response.responses.some((topic) => topic.partitionResponses.some((partition) => partition.errorCode !== ErrorCode.NONE))
    return hasError ? 'close' : 'skip'
  },
})
