// AlterConfigs and IncrementalAlterConfigs through the handlers: the resources reach the controller
// with the right mode and validateOnly, and every served version encodes the results.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { AlterConfigsMode, AlterConfigsResourceRequest } from '../../../src/controller/config-manager.js'
import { alterConfigsHandler } from '../../../src/handlers/alter-configs.js'
import type { ConfigServices } from '../../../src/handlers/handler.js'
import { incrementalAlterConfigsHandler } from '../../../src/handlers/incremental-alter-configs.js'
import { ConfigResourceType, MetadataImage } from '../../../src/metadata/image.js'
import { ErrorCode } from '../../../src/protocol/error-codes.js'
import type { AlterConfigsResponse } from '../../../src/protocol/generated/apis/alter-configs.js'
import type { IncrementalAlterConfigsResponse } from '../../../src/protocol/generated/apis/incremental-alter-configs.js'
import { advertised, handleAndDecode, handlerContext } from '../../helpers/handler-context.js'

interface Call { readonly resources: readonly AlterConfigsResourceRequest[]; readonly mode: AlterConfigsMode; readonly validateOnly: boolean }

function recordingConfigs(calls: Call[]): ConfigServices {
  return {
    staticBrokerConfigs: new Map(),
    alterConfigs: async (resources, mode, validateOnly) => {
      calls.push({ resources, mode, validateOnly })
      return [
        { resourceType: ConfigResourceType.TOPIC, resourceName: 'orders', errorCode: ErrorCode.NONE, errorMessage: null },
        { resourceType: ConfigResourceType.TOPIC, resourceName: 'missing', errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: 'The topic \'missing\' does not exist.' },
      ]
    },
  }
}

const answers = (responses: AlterConfigsResponse['responses']): unknown =>
  responses.map(({ resourceType, resourceName, errorCode, errorMessage }) => ({ resourceType, resourceName, errorCode, errorMessage }))

const EXPECTED = [
  { resourceType: ConfigResourceType.TOPIC, resourceName: 'orders', errorCode: ErrorCode.NONE, errorMessage: null },
  { resourceType: ConfigResourceType.TOPIC, resourceName: 'missing', errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: 'The topic \'missing\' does not exist.' },
]

describe('AlterConfigs', () => {
  it('advertises v0-2', () => {
    assert.deepEqual(advertised(alterConfigsHandler), [0, 1, 2])
  })

  it('passes the resources as a legacy change and answers the results at every version', async () => {
    const calls: Call[] = []
    const ctx = handlerContext(() => MetadataImage.EMPTY, { configs: recordingConfigs(calls) })
    for (const version of advertised(alterConfigsHandler)) {
      const request = {
        validateOnly: version === 1,
        resources: [{ resourceType: ConfigResourceType.TOPIC, resourceName: 'orders', configs: [{ name: 'retention.ms', value: '1000' }] }],
      }
      const response = await handleAndDecode<AlterConfigsResponse>(alterConfigsHandler, ctx, request, version)
      assert.deepEqual(answers(response.responses), EXPECTED, `v${version}`)
    }
    assert.deepEqual(calls.map(({ mode, validateOnly }) => [mode, validateOnly]), [['legacy', false], ['legacy', true], ['legacy', false]])
    assert.deepEqual(calls[0]?.resources[0]?.configs.map(({ name, value }) => [name, value]), [['retention.ms', '1000']])
  })
})

describe('IncrementalAlterConfigs', () => {
  it('advertises v0-1', () => {
    assert.deepEqual(advertised(incrementalAlterConfigsHandler), [0, 1])
  })

  it('passes the operations as an incremental change and answers the results at every version', async () => {
    const calls: Call[] = []
    const ctx = handlerContext(() => MetadataImage.EMPTY, { configs: recordingConfigs(calls) })
    for (const version of advertised(incrementalAlterConfigsHandler)) {
      const request = {
        validateOnly: version === 0,
        resources: [{ resourceType: ConfigResourceType.TOPIC, resourceName: 'orders', configs: [{ name: 'cleanup.policy', configOperation: 2, value: 'compact' }] }],
      }
      const response = await handleAndDecode<IncrementalAlterConfigsResponse>(incrementalAlterConfigsHandler, ctx, request, version)
      assert.deepEqual(answers(response.responses), EXPECTED, `v${version}`)
    }
    assert.deepEqual(calls.map(({ mode, validateOnly }) => [mode, validateOnly]), [['incremental', true], ['incremental', false]])
    assert.deepEqual(calls[0]?.resources[0]?.configs.map(({ name, value, configOperation }) => [name, value, configOperation]), [['cleanup.policy', 'compact', 2]])
  })
})
