// AlterConfigs (key 33), versions 0-2, through the controller (QuorumController.alterConfigs): the
// given set replaces every dynamic config of the resource, so a key left out is deleted.
// Differs from Kafka: only TOPIC and BROKER resources; no ACLs, no AlterConfigPolicy.
// v1: same as v0 (throttling, KIP-219). v2: flexible.
import { ApiKey } from '../protocol/generated/api-registry.js'
import { defineHandler } from './handler.js'
import { requireService } from './require-service.js'

export const alterConfigsHandler = defineHandler({
  apiKey: ApiKey.ALTER_CONFIGS, minVersion: 0, maxVersion: 2,
  async handle(ctx, request) {
    const configs = requireService(ctx.services.configs, 'configs')
    const results = await configs.alterConfigs(request.resources, 'legacy', request.validateOnly)
    return { throttleTimeMs: 0, responses: results.map((result) => ({ ...result })) }
  },
})
