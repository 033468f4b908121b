// FindCoordinator (key 10), versions 0-4, as Kafka's KafkaApis.handleFindCoordinatorRequest: the
// coordinator of a group is the leader of its `__consumer_offsets` partition, answered with that
// broker's endpoint on the listener the request arrived on.
// Differs from Kafka: when `__consumer_offsets` does not exist Kafka starts creating it and answers
// COORDINATOR_NOT_AVAILABLE at once; Sluice waits for the creation (TopicServices.ensureInternalTopic)
// and answers with the coordinator, sparing the client a retry. Transactions do not exist yet, so key
// type 1 (transaction) is COORDINATOR_NOT_AVAILABLE. Group keys are COORDINATOR_NOT_AVAILABLE too
// while no group coordinator is wired in. No authorizer, so never *_AUTHORIZATION_FAILED.
// v0: group keys only. v1: keyType, throttleTimeMs, errorMessage (Kafka's Errors.message(), "NONE"
// on success). v2: same as v1. v3: flexible. v4: batched coordinatorKeys (KIP-699), one entry per
// key with its own error; the single-key fields are gone.
import { SluiceError } from '../errors.js'
import { partitionForGroup } from '../coordinator/group-partition-hash.js'
import { NO_LEADER, type MetadataImage } from '../metadata/image.js'
import { ERROR_INFO, ErrorCode, errorName } from '../protocol/error-codes.js'
import { ApiKey } from '../protocol/generated/api-registry.js'
import type { FindCoordinatorResponseCoordinator } from '../protocol/generated/apis/find-coordinator.js'
import { defineHandler, type HandlerContext } from './handler.js'
import { liveEndpoint } from './metadata.js'
import { OFFSETS_TOPIC } from '../metadata/internal-topics.js'

/** Kafka's CoordinatorType ids. */
export const CoordinatorType = { GROUP: 0, TRANSACTION: 1 } as const

const GROUP_METADATA_TOPIC_NAME = OFFSETS_TOPIC

/** The first version with batched keys (Kafka's FindCoordinatorRequest.MIN_BATCHED_VERSION). */
const MIN_BATCHED_VERSION = 4

/** A lookup's outcome; errors carry Kafka's Node.noNode() (-1, "", -1). */
interface CoordinatorAnswer {
  readonly errorCode: number
  readonly nodeId: number
  readonly host: string
  readonly port: number
}

function noNode(errorCode: number): CoordinatorAnswer {
  return { errorCode, nodeId: -1, host: '', port: -1 }
}

/** Kafka's Errors.message(): the exception's message, or the enum name for NONE. */
function errorMessage(errorCode: number): string {
  if (errorCode === ErrorCode.NONE) return 'NONE'
  return ERROR_INFO.get(errorCode)?.defaultMessage ?? ''
}

/**
 * The image holding `__consumer_offsets`, asking the controller to create the topic when it is
 * missing; undefined when it cannot be had (the caller answers COORDINATOR_NOT_AVAILABLE).
 */
async function imageWithOffsetsTopic(ctx: HandlerContext): Promise<MetadataImage | undefined> {
  const metadata = ctx.services.metadata
  if (metadata === undefined) return undefined
  const image = metadata.currentImage()
  if (image.topic(GROUP_METADATA_TOPIC_NAME) !== undefined) return image
  const topics = ctx.services.topics
  if (topics === undefined) return undefined
  const errorCode = await topics.ensureInternalTopic(GROUP_METADATA_TOPIC_NAME)
  if (errorCode !== ErrorCode.NONE) {
    ctx.logger.warn({ topic: GROUP_METADATA_TOPIC_NAME, errorCode, error: errorName(errorCode) }, 'could not create the group metadata topic')
    return undefined
  }
  const created = metadata.currentImage()
  return created.topic(GROUP_METADATA_TOPIC_NAME) === undefined ? undefined : created
}

/** The leader of the group's partition, if it is live and listens on `listenerName`. */
function groupCoordinator(image: MetadataImage | undefined, groupId: string, listenerName: string): CoordinatorAnswer {
  const topic = image?.topic(GROUP_METADATA_TOPIC_NAME)
  if (image === undefined || topic === undefined || topic.partitions.size === 0) return noNode(ErrorCode.COORDINATOR_NOT_AVAILABLE)
  const partition = topic.partitions.get(partitionForGroup(groupId, topic.partitions.size))
  if (partition === undefined || partition.leader === NO_LEADER) return noNode(ErrorCode.COORDINATOR_NOT_AVAILABLE)
  const endpoint = liveEndpoint(image, partition.leader, listenerName)
  if (endpoint === undefined) return noNode(ErrorCode.COORDINATOR_NOT_AVAILABLE)
  return { errorCode: ErrorCode.NONE, nodeId: partition.leader, host: endpoint.host, port: endpoint.port }
}

export const findCoordinatorHandler = defineHandler({
  apiKey: ApiKey.FIND_COORDINATOR, minVersion: 0, maxVersion: 4,
  async handle(ctx, request, version) {
    const keys = version >= MIN_BATCHED_VERSION ? request.coordinatorKeys : [request.key]
    let answers: CoordinatorAnswer[]
    if (request.keyType === CoordinatorType.GROUP) {
      if (ctx.listenerName === undefined) throw new SluiceError('ERR_LISTENER_NAME_MISSING', 'FindCoordinator needs the connection\'s listener name')
      const listenerName = ctx.listenerName
      // One image (and at most one topic creation) for every key of the request.
      const image = ctx.services.groupCoordinator === undefined || keys.length === 0 ? undefined : await imageWithOffsetsTopic(ctx)
      answers = keys.map((key) => groupCoordinator(image, key, listenerName))
    } else if (request.keyType === CoordinatorType.TRANSACTION) {
      answers = keys.map(() => noNode(ErrorCode.COORDINATOR_NOT_AVAILABLE))
    } else {
      // Kafka's CoordinatorType.forId throws InvalidRequestException, answered by getErrorResponse.
      ctx.logger.warn({ keyType: request.keyType }, 'FindCoordinator with an unknown key type')
      answers = keys.map(() => noNode(ErrorCode.INVALID_REQUEST))
    }
    if (version >= MIN_BATCHED_VERSION) {
      const coordinators = keys.map((key, index): FindCoordinatorResponseCoordinator => {
        const answer = answers[index] ?? noNode(ErrorCode.COORDINATOR_NOT_AVAILABLE)
        // Only the error path (getErrorResponse) sets a message in the batched form.
        const message = answer.errorCode === ErrorCode.INVALID_REQUEST ? errorMessage(answer.errorCode) : ''
        return { key, ...answer, errorMessage: message, unknownTaggedFields: undefined }
      })
      return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, nodeId: 0, host: '', port: 0, coordinators, unknownTaggedFields: undefined }
    }
    const answer = answers[0] ?? noNode(ErrorCode.COORDINATOR_NOT_AVAILABLE)
    return { throttleTimeMs: 0, ...answer, errorMessage: errorMessage(answer.errorCode), coordinators: [], unknownTaggedFields: undefined }
  },
})
