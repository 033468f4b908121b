// DescribeConfigs (key 32), versions 1-4, for TOPIC and BROKER resources (config/describe-configs.ts).
// Differs from Kafka: BROKER_LOGGER, CLIENT_METRICS and GROUP resources are answered with
// INVALID_REQUEST (Sluice has none); no ACLs are checked. v0 (isDefault instead of a source) is not served.
// v1: includeSynonyms, configSource and synonyms (KIP-226). v2: same as v1 (throttling, KIP-219).
// v3: includeDocumentation, configType and documentation (KIP-569). v4: flexible.
import { describeConfigs } from '../config/describe-configs.js'
import { ApiKey } from '../protocol/generated/api-registry.js'
import { defineHandler } from './handler.js'
import { requireService } from './require-service.js'

export const describeConfigsHandler = defineHandler({
  apiKey: ApiKey.DESCRIBE_CONFIGS, minVersion: 1, maxVersion: 4,
  handle(ctx, request) {
    const configs = requireService(ctx.services.configs, 'configs')
    // One image for the whole request, so every resource is described at the same point of the log.
    const source = { image: requireService(ctx.services.metadata, 'metadata').currentImage(), nodeId: ctx.services.nodeId, staticConfigs: configs.staticBrokerConfigs }
    const options = { includeSynonyms: request.includeSynonyms, includeDocumentation: request.includeDocumentation }
    const results = request.resources.map((resource) => {
      const result = describeConfigs(source, resource, options)
      return {
        errorCode: result.errorCode, errorMessage: result.errorMessage, resourceType: result.resourceType, resourceName: result.resourceName,
        configs: result.configs.map((config) => ({
          name: config.name, value: config.value, readOnly: config.readOnly, isDefault: false, configSource: config.configSource,
          isSensitive: config.isSensitive, synonyms: config.synonyms.map((synonym) => ({ ...synonym })), configType: config.configType,
          documentation: config.documentation,
        })),
      }
    })
    return { throttleTimeMs: 0, results }
  },
})
