// DescribeCluster through the handler: the live brokers on the request's listener, the cluster and
// controller ids, and the endpoint-type refusals of v1, at every served version.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { describeClusterHandler, EndpointType } from '../../../src/handlers/describe-cluster.js'
import { AUTHORIZED_OPERATIONS_OMITTED } from '../../../src/handlers/metadata.js'
import type { MetadataRecord } from '../../../src/metadata/metadata-record-codec.js'
import { ErrorCode } from '../../../src/protocol/error-codes.js'
import type { DescribeClusterResponse } from '../../../src/protocol/generated/apis/describe-cluster.js'
import { advertised, handleAndDecode, handlerContext } from '../../helpers/handler-context.js'
import { INCARNATION_ID } from '../../helpers/metadata-records.js'
import { NODE_ID, replay } from '../../helpers/replicas.js'

/** Brokers 1 and 2 live on PLAINTEXT, 3 fenced, 4 live on INTERNAL only. */
function image() {
  const register = (brokerId: number, listener: string, rack: string | null): MetadataRecord => ({
    type: 'RegisterBrokerRecord', version: 3, value: {
      brokerId, isMigratingZkBroker: false, incarnationId: INCARNATION_ID, brokerEpoch: 5n,
      endPoints: [{ name: listener, host: `broker-${brokerId}.test`, port: 9090 + brokerId, securityProtocol: 0 }],
      features: [], rack, fenced: true, inControlledShutdown: false, logDirs: [],
    },
  })
  const unfence = (id: number): MetadataRecord => ({ type: 'UnfenceBrokerRecord', version: 0, value: { id, epoch: 5n } })
  return replay([
    register(2, 'PLAINTEXT', null), unfence(2), register(1, 'PLAINTEXT', 'rack-a'), unfence(1),
    register(3, 'PLAINTEXT', null), register(4, 'INTERNAL', null), unfence(4),
  ]).image
}

describe('DescribeCluster', () => {
  it('advertises v0-1', () => {
    assert.deepEqual(advertised(describeClusterHandler), [0, 1])
  })

  it('lists live brokers on the request\'s listener with the cluster and controller ids at every version', async () => {
    const fixed = image()
    const ctx = handlerContext(() => fixed)
    for (const version of advertised(describeClusterHandler)) {
      const response = await handleAndDecode<DescribeClusterResponse>(describeClusterHandler, ctx, { includeClusterAuthorizedOperations: true, endpointType: EndpointType.BROKER }, version)
      assert.equal(response.errorCode, ErrorCode.NONE)
      assert.equal(response.errorMessage, null)
      assert.equal(response.clusterId, 'sluice-test-cluster')
      assert.equal(response.controllerId, NODE_ID)
      assert.equal(response.clusterAuthorizedOperations, AUTHORIZED_OPERATIONS_OMITTED)
      assert.equal(response.endpointType, EndpointType.BROKER)
      assert.deepEqual(response.brokers.map(({ brokerId, host, port, rack }) => ({ brokerId, host, port, rack })), [
        { brokerId: 1, host: 'broker-1.test', port: 9091, rack: 'rack-a' },
        { brokerId: 2, host: 'broker-2.test', port: 9092, rack: null },
      ], `v${version}`)
    }
  })

  it('refuses controllers with MISMATCHED_ENDPOINT_TYPE and unknown types with UNSUPPORTED_ENDPOINT_TYPE (v1), INVALID_REQUEST at v0', async () => {
    const fixed = image()
    const ctx = handlerContext(() => fixed)
    const controllers = await handleAndDecode<DescribeClusterResponse>(describeClusterHandler, ctx, { includeClusterAuthorizedOperations: false, endpointType: EndpointType.CONTROLLER }, 1)
    assert.equal(controllers.errorCode, ErrorCode.MISMATCHED_ENDPOINT_TYPE)
    assert.equal(controllers.errorMessage, 'The request was sent to an endpoint of type BROKER, but we wanted an endpoint of type CONTROLLER')
    assert.deepEqual(controllers.brokers, [])
    const unknown = await handleAndDecode<DescribeClusterResponse>(describeClusterHandler, ctx, { includeClusterAuthorizedOperations: false, endpointType: 7 }, 1)
    assert.equal(unknown.errorCode, ErrorCode.UNSUPPORTED_ENDPOINT_TYPE)
    assert.equal(unknown.errorMessage, 'Unsupported endpoint type 7')
    const atV0 = await describeClusterHandler.handle(ctx, { includeClusterAuthorizedOperations: false, endpointType: EndpointType.CONTROLLER }, 0) as DescribeClusterResponse
    assert.equal(atV0.errorCode, ErrorCode.INVALID_REQUEST)
  })
})
