// IncrementalAlterConfigs (key 44), versions 0-1 (KIP-339), through the controller
// (QuorumController.alterConfigs): SET, DELETE, and APPEND or SUBTRACT on LIST configs.
// Differs from Kafka: only TOPIC and BROKER resources; no ACLs, no AlterConfigPolicy.
// v1: flexible.
import { ApiKey } from '../protocol/generated/api-registry.js'
import { defineHandler } from './handler.js'
import { requireService } from './require-service.js'

export const incrementalAlterConfigsHandler = defineHandler({
  apiKey: ApiKey.INCREMENTAL_ALTER_CONFIGS, minVersion: 0, maxVersion: 1,
  async handle(ctx, request) {
    const configs = requireService(ctx.services.configs, 'configs')
    const results = await configs.alterConfigs(request.resources, 'incremental', request.validateOnly)
    return { throttleTimeMs: 0, responses: results.map((result) => ({ ...result })) }
  },
})
