// DescribeCluster (key 60), versions 0-1, as Kafka's KafkaApis.handleDescribeCluster answers on a
// broker listener: the live brokers with an endpoint on the request's listener, the cluster id and
// the controller id clients are told (as in Metadata).
// Differs from Kafka: no authorizer, so clusterAuthorizedOperations stays omitted (-2147483648)
// even when requested. v1: endpointType (KIP-919): a broker listener serves only BROKER (1); asking
// it for CONTROLLER (2) is MISMATCHED_ENDPOINT_TYPE and any other type UNSUPPORTED_ENDPOINT_TYPE
// (both INVALID_REQUEST at v0, which cannot carry them).
import { SluiceError } from '../errors.js'
import { ErrorCode } from '../protocol/error-codes.js'
import { ApiKey } from '../protocol/generated/api-registry.js'
import type { DescribeClusterResponse } from '../protocol/generated/apis/describe-cluster.js'
import { defineHandler } from './handler.js'
import { AUTHORIZED_OPERATIONS_OMITTED, liveBrokers } from './metadata.js'
import { requireService } from './require-service.js'

/** Kafka's EndpointType ids. */
export const EndpointType = { BROKER: 1, CONTROLLER: 2 } as const

const ENDPOINT_TYPE_NAMES: ReadonlyMap<number, string> = new Map([[EndpointType.BROKER, 'BROKER'], [EndpointType.CONTROLLER, 'CONTROLLER']])

export const describeClusterHandler = defineHandler({
  apiKey: ApiKey.DESCRIBE_CLUSTER, minVersion: 0, maxVersion: 1,
  handle(ctx, request, version) {
    const metadata = requireService(ctx.services.metadata, 'metadata')
    if (ctx.listenerName === undefined) throw new SluiceError('ERR_LISTENER_NAME_MISSING', 'DescribeCluster needs the connection\'s listener name')
    const refuse = (errorCode: number, errorMessage: string): DescribeClusterResponse => ({
      throttleTimeMs: 0, errorCode: version === 0 ? ErrorCode.INVALID_REQUEST : errorCode, errorMessage,
      endpointType: EndpointType.BROKER, clusterId: '', controllerId: -1, brokers: [], clusterAuthorizedOperations: AUTHORIZED_OPERATIONS_OMITTED,
    })
    const requested = ENDPOINT_TYPE_NAMES.get(request.endpointType)
    if (requested === undefined) return refuse(ErrorCode.UNSUPPORTED_ENDPOINT_TYPE, `Unsupported endpoint type ${request.endpointType}`)
    if (request.endpointType !== EndpointType.BROKER) {
      return refuse(ErrorCode.MISMATCHED_ENDPOINT_TYPE, `The request was sent to an endpoint of type BROKER, but we wanted an endpoint of type ${requested}`)
    }
    const image = metadata.currentImage()
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      endpointType: EndpointType.BROKER,
      clusterId: metadata.clusterId ?? '',
      controllerId: metadata.controllerId(),
      brokers: liveBrokers(image, ctx.listenerName).map(({ nodeId, host, port, rack }) => ({ brokerId: nodeId, host, port, rack })),
      clusterAuthorizedOperations: AUTHORIZED_OPERATIONS_OMITTED,
    }
  },
})
