// ApiVersions through the dispatcher: every version answers with the registry's ranges, the
// requests captured from real clients are answered, and v3+ client software names are checked
// against Kafka's pattern.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { ConnectionContext, FrameOutcome } from '../../../src/network/connection.js'
import { apiVersionsHandler, isValidClientSoftware } from '../../../src/handlers/api-versions.js'
import { createDispatcher } from '../../../src/handlers/dispatcher.js'
import { ADVERTISED_VERSIONS, createHandlerRegistry } from '../../../src/handlers/registry.js'
import { ErrorCode } from '../../../src/protocol/error-codes.js'
import { decodeRequestFrame, decodeResponseFrame, encodeRequestFrame } from '../../../src/protocol/frames.js'
import { ApiKey } from '../../../src/protocol/generated/api-registry.js'
import type { ApiVersionsRequest, ApiVersionsResponse } from '../../../src/protocol/generated/apis/api-versions.js'
import { GOLDEN_CLIENTS, listGoldenFiles, readGoldenFrame } from '../../helpers/golden-frames.js'

const connection: ConnectionContext = { connectionId: 'test', remoteAddress: '127.0.0.1:1', logger: undefined }

function apiVersionsFrame(version: number, correlationId: number, software = { name: 'sluice-test', version: '1.0.0' }): Buffer {
  const body: ApiVersionsRequest = { clientSoftwareName: software.name, clientSoftwareVersion: software.version }
  const header = { requestApiKey: ApiKey.API_VERSIONS, requestApiVersion: version, correlationId, clientId: 'test-client' }
  return Buffer.concat(encodeRequestFrame(header, body)).subarray(4)
}

function responseOf(outcome: FrameOutcome, version: number): { correlationId: number; body: ApiVersionsResponse } {
  assert.ok('response' in outcome, `expected a response, got ${JSON.stringify(outcome)}`)
  const frame = Buffer.concat(outcome.response)
  assert.equal(frame.readInt32BE(0), frame.length - 4, 'size prefix')
  const decoded = decodeResponseFrame(ApiKey.API_VERSIONS, version, frame.subarray(4))
  return { correlationId: decoded.correlationId, body: decoded.body as ApiVersionsResponse }
}

const dispatch = createDispatcher({ registry: createHandlerRegistry(), services: { nodeId: 1 } })

describe('ApiVersions', () => {
  it('advertises the minimum broker set of kafka-protocol/CLIENTS.md for every API served', () => {
    assert.deepEqual(ADVERTISED_VERSIONS, [
      { apiKey: ApiKey.PRODUCE, minVersion: 0, maxVersion: 7 },
      { apiKey: ApiKey.FETCH, minVersion: 4, maxVersion: 12 },
      { apiKey: ApiKey.LIST_OFFSETS, minVersion: 1, maxVersion: 5 },
      // Max 12, never exactly 9 (@platformatic/kafka's zero-UUID trap).
      { apiKey: ApiKey.METADATA, minVersion: 0, maxVersion: 12 },
      { apiKey: ApiKey.OFFSET_COMMIT, minVersion: 2, maxVersion: 8 },
      { apiKey: ApiKey.OFFSET_FETCH, minVersion: 1, maxVersion: 8 },
      { apiKey: ApiKey.FIND_COORDINATOR, minVersion: 0, maxVersion: 4 },
      { apiKey: ApiKey.JOIN_GROUP, minVersion: 0, maxVersion: 6 },
      { apiKey: ApiKey.HEARTBEAT, minVersion: 0, maxVersion: 4 },
      { apiKey: ApiKey.LEAVE_GROUP, minVersion: 0, maxVersion: 5 },
      { apiKey: ApiKey.SYNC_GROUP, minVersion: 0, maxVersion: 5 },
      { apiKey: ApiKey.DESCRIBE_GROUPS, minVersion: 0, maxVersion: 5 },
      { apiKey: ApiKey.LIST_GROUPS, minVersion: 0, maxVersion: 4 },
      { apiKey: ApiKey.API_VERSIONS, minVersion: 0, maxVersion: 3 },
      { apiKey: ApiKey.CREATE_TOPICS, minVersion: 2, maxVersion: 7 },
      { apiKey: ApiKey.DELETE_TOPICS, minVersion: 1, maxVersion: 6 },
      { apiKey: ApiKey.DELETE_RECORDS, minVersion: 0, maxVersion: 2 },
      { apiKey: ApiKey.OFFSET_FOR_LEADER_EPOCH, minVersion: 0, maxVersion: 4 },
      { apiKey: ApiKey.DESCRIBE_CONFIGS, minVersion: 1, maxVersion: 4 },
      { apiKey: ApiKey.ALTER_CONFIGS, minVersion: 0, maxVersion: 2 },
      { apiKey: ApiKey.DESCRIBE_LOG_DIRS, minVersion: 0, maxVersion: 4 },
      { apiKey: ApiKey.CREATE_PARTITIONS, minVersion: 0, maxVersion: 3 },
      { apiKey: ApiKey.DELETE_GROUPS, minVersion: 0, maxVersion: 2 },
      { apiKey: ApiKey.INCREMENTAL_ALTER_CONFIGS, minVersion: 0, maxVersion: 1 },
      { apiKey: ApiKey.OFFSET_DELETE, minVersion: 0, maxVersion: 0 },
      { apiKey: ApiKey.DESCRIBE_CLUSTER, minVersion: 0, maxVersion: 1 },
    ])
    assert.equal(apiVersionsHandler.minVersion, 0)
    assert.equal(apiVersionsHandler.maxVersion, 3)
  })

  for (const version of [0, 1, 2, 3]) {
    it(`answers v${version} with the registry's ranges and no error`, async () => {
      const { correlationId, body } = responseOf(await dispatch(apiVersionsFrame(version, 100 + version), connection), version)
      assert.equal(correlationId, 100 + version)
      assert.equal(body.errorCode, ErrorCode.NONE)
      assert.equal(body.throttleTimeMs, 0)
      assert.deepEqual(body.apiKeys.map(({ apiKey, minVersion, maxVersion }) => ({ apiKey, minVersion, maxVersion })), ADVERTISED_VERSIONS)
      assert.deepEqual(body.supportedFeatures, [])
      assert.deepEqual(body.finalizedFeatures, [])
      assert.equal(body.finalizedFeaturesEpoch, -1n)
    })
  }

  for (const client of GOLDEN_CLIENTS) {
    for (const file of listGoldenFiles(client).filter((name) => name.includes('api-versions'))) {
      it(`answers ${client}'s captured ${file} without error`, async () => {
        const frame = readGoldenFrame(client, file)
        const request = decodeRequestFrame(frame)
        const version = request.header.requestApiVersion
        const { correlationId, body } = responseOf(await dispatch(frame, connection), version)
        assert.equal(correlationId, request.header.correlationId)
        assert.equal(body.errorCode, ErrorCode.NONE, `software ${JSON.stringify(request.body)}`)
        assert.deepEqual(body.apiKeys.map(({ apiKey, minVersion, maxVersion }) => ({ apiKey, minVersion, maxVersion })), ADVERTISED_VERSIONS)
      })
    }
  }

  it('finds ApiVersions fixtures of every client', () => {
    for (const client of GOLDEN_CLIENTS) {
      assert.ok(listGoldenFiles(client).some((name) => name.includes('api-versions')), `${client} has an ApiVersions fixture`)
    }
  })

  it('answers INVALID_REQUEST with no APIs to a v3 software name that fails the pattern', async () => {
    for (const software of [{ name: '-bad', version: '1.0' }, { name: 'ok', version: '1.0 beta' }, { name: '', version: '1' }]) {
      const { body } = responseOf(await dispatch(apiVersionsFrame(3, 7, software), connection), 3)
      assert.equal(body.errorCode, ErrorCode.INVALID_REQUEST, JSON.stringify(software))
      assert.deepEqual(body.apiKeys, [])
    }
  })

  it('ignores the software pattern below v3, where the request carries none', async () => {
    const { body } = responseOf(await dispatch(apiVersionsFrame(2, 8, { name: '-bad', version: '' }), connection), 2)
    assert.equal(body.errorCode, ErrorCode.NONE)
  })

  it('matches client software names and versions as Kafka does', () => {
    for (const good of ['librdkafka', '2.0.2', 'confluent-kafka-python', 'apache-kafka-java', '3.9.0-SNAPSHOT', 'a', '7', 'kafka.python']) {
      assert.equal(isValidClientSoftware(good), true, good)
    }
    for (const bad of ['', '-bad', 'bad-', '.x', 'x.', 'a b', 'a_b', 'né', 'v1\n']) {
      assert.equal(isValidClientSoftware(bad), false, JSON.stringify(bad))
    }
  })
})
