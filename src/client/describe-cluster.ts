// The cluster as a client sees it: its id, the controller clients are told about, and the brokers
// (DescribeCluster, KIP-700; Metadata when the broker does not serve it, as Kafka's Admin falls back).
import { ApiKey } from '../protocol/generated/api-registry.js'
import type { DescribeClusterResponse } from '../protocol/generated/apis/describe-cluster.js'
import { UnsupportedApiError, type BrokerAddress, type KafkaClient } from './kafka-client.js'
import { throwIfKafkaError } from './kafka-error.js'

export interface ClusterDescription {
  readonly clusterId: string | null
  /** -1 when no controller is known. */
  readonly controllerId: number
  /** Sorted by node id. */
  readonly brokers: readonly BrokerAddress[]
}

/** Kafka's EndpointType.BROKER: the brokers' listeners, not the controllers'. */
const BROKER_ENDPOINTS = 1

export async function describeCluster(client: KafkaClient): Promise<ClusterDescription> {
  let response: DescribeClusterResponse
  try {
    response = await client.request<DescribeClusterResponse>(undefined, ApiKey.DESCRIBE_CLUSTER, () => ({
      includeClusterAuthorizedOperations: false, endpointType: BROKER_ENDPOINTS,
    }), 'DescribeCluster')
  } catch (error) {
    if (!(error instanceof UnsupportedApiError)) throw error
    const metadata = await client.metadata([])
    return {
      clusterId: metadata.clusterId,
      controllerId: metadata.controllerId,
      brokers: [...client.knownBrokers.values()].sort((a, b) => a.nodeId - b.nodeId),
    }
  }
  throwIfKafkaError(response.errorCode, 'describing the cluster', response.errorMessage)
  return {
    clusterId: response.clusterId,
    controllerId: response.controllerId,
    brokers: response.brokers
      .map((broker) => ({ nodeId: broker.brokerId, host: broker.host, port: broker.port, rack: broker.rack }))
      .sort((a, b) => a.nodeId - b.nodeId),
  }
}
