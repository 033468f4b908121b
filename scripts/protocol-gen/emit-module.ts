// Emits whole modules: the codecs of one or more messages with their imports, and the registries
// that list every API and every metadata record type with their versions and codecs.
import type { ApiDefinition, MessageDefinition, MetadataRecordDefinition } from '../protocol-spec/definition.js'
import { kebabCase } from '../protocol-spec/names.js'
import { buildMessageModel, isEverFlexible, type MessageModel } from './model.js'
import { MessageEmitter } from './emit-message.js'

const SUPPORT_NAMES = [
  'readInt8', 'readInt16', 'readUint16', 'readInt32', 'readInt64', 'readFloat64', 'readBool', 'readUuid', 'readString', 'readCompactString', 'readBytes', 'readCompactBytes',
  'writeInt8', 'writeInt16', 'writeUint16', 'writeInt32', 'writeInt64', 'writeFloat64', 'writeBool', 'writeUuid', 'writeString', 'writeCompactString', 'writeBytes', 'writeCompactBytes',
  'writeTaggedFields', 'nullNotAllowed',
]

/** One module holding the codecs of `messages`; `root` is the relative path to src/protocol. */
export function emitModule(messages: MessageDefinition[], root: string): string {
  const bodies = messages.map((definition) => new MessageEmitter(buildMessageModel(definition)).emit().code)
  const code = bodies.join('\n')
  const uses = (name: string): boolean => new RegExp(`\\b${name}\\b`).test(code)
  const imports: string[] = []
  imports.push(`import type { Reader${uses('TaggedField') ? ', TaggedField' : ''} } from '${root}/reader.js'`)
  imports.push(`import type { Writer } from '${root}/writer.js'`)
  if (uses('RecordBytes')) imports.push(`import type { RecordBytes } from '${root}/record-bytes.js'`)
  const support = SUPPORT_NAMES.filter(uses)
  if (support.length > 0) imports.push(`import { ${support.join(', ')} } from '${root}/codec-support.js'`)
  return `${imports.join('\n')}\n\n${code}`
}

function upperSnake(name: string): string {
  return kebabCase(name).replace(/-/g, '_').toUpperCase()
}

function rangeLiteral(model: MessageModel, which: 'deprecatedVersions'): string {
  const range = model[which]
  return range.min > range.max ? 'null' : `{ min: ${range.min}, max: ${range.max} }`
}

function firstFlexible(model: MessageModel): string {
  return isEverFlexible(model) ? String(Math.max(model.flexibleVersions.min, model.validVersions.min)) : 'null'
}

export function emitApiRegistry(apis: ApiDefinition[], modulePath: (api: ApiDefinition) => string): string {
  const imports: string[] = [`import type { Reader } from '../reader.js'`, `import type { Writer } from '../writer.js'`]
  const entries: string[] = []
  const keys: string[] = []
  for (const api of apis) {
    const request = buildMessageModel(api.request)
    const response = buildMessageModel(api.response)
    const req = request.root.typeName
    const res = response.root.typeName
    imports.push(
      `import { decode${req}, encode${req}, default${req}, decode${res}, encode${res}, default${res} } from '${modulePath(api)}'`,
      `import type { ${req}, ${res} } from '${modulePath(api)}'`,
    )
    keys.push(`  ${upperSnake(api.name)}: ${api.apiKey},`)
    entries.push(`  [${api.apiKey}, {
    apiKey: ${api.apiKey},
    name: ${JSON.stringify(api.name)},
    minVersion: ${request.validVersions.min},
    maxVersion: ${request.validVersions.max},
    firstFlexibleRequestVersion: ${firstFlexible(request)},
    firstFlexibleResponseVersion: ${firstFlexible(response)},
    deprecatedVersions: ${rangeLiteral(request, 'deprecatedVersions')},
    isLatestVersionUnstable: ${request.latestVersionUnstable},
    listeners: ${JSON.stringify(api.listeners ?? [])},
    decodeRequest: decode${req},
    encodeRequest: encode${req},
    defaultRequest: default${req},
    decodeResponse: decode${res},
    encodeResponse: encode${res},
    defaultResponse: default${res},
  } satisfies ApiDescriptor<${req}, ${res}>],`)
  }
  return `${imports.join('\n')}

/** Kafka's API keys by name. */
export const ApiKey = {
${keys.join('\n')}
} as const
export type ApiKey = (typeof ApiKey)[keyof typeof ApiKey]

/** One API's versions and codecs, as Kafka's message specification defines them. */
export interface ApiDescriptor<Request = unknown, Response = unknown> {
  readonly apiKey: number
  readonly name: string
  readonly minVersion: number
  readonly maxVersion: number
  /** Lowest version using the flexible (compact, tagged) encoding, or null if none does. */
  readonly firstFlexibleRequestVersion: number | null
  readonly firstFlexibleResponseVersion: number | null
  readonly deprecatedVersions: { readonly min: number; readonly max: number } | null
  /** The highest version is still under development in Kafka: never advertise it. */
  readonly isLatestVersionUnstable: boolean
  /** Kafka's listener kinds that accept the request (zkBroker, broker, controller). */
  readonly listeners: readonly string[]
  decodeRequest(version: number, reader: Reader): Request
  encodeRequest(version: number, writer: Writer, value: Request): void
  defaultRequest(): Request
  decodeResponse(version: number, reader: Reader): Response
  encodeResponse(version: number, writer: Writer, value: Response): void
  defaultResponse(): Response
}

/** Every API of the specification, by key. */
export const API_DESCRIPTORS: ReadonlyMap<number, ApiDescriptor> = new Map<number, ApiDescriptor>([
${entries.join('\n')}
])
`
}

export function emitMetadataRegistry(records: MetadataRecordDefinition[], modulePath: (record: MetadataRecordDefinition) => string): string {
  const imports: string[] = [`import type { Reader } from '../reader.js'`, `import type { Writer } from '../writer.js'`]
  const types: string[] = []
  const entries: string[] = []
  for (const record of records) {
    const model = buildMessageModel(record)
    const name = model.root.typeName
    imports.push(`import { decode${name}, encode${name}, default${name} } from '${modulePath(record)}'`, `import type { ${name} } from '${modulePath(record)}'`)
    types.push(`  ${upperSnake(record.name.replace(/Record$/, ''))}: ${record.recordType},`)
    entries.push(`  [${record.recordType}, {
      recordType: ${record.recordType},
      name: ${JSON.stringify(record.name)},
      minVersion: ${model.validVersions.min},
      maxVersion: ${model.validVersions.max},
      decode: decode${name},
      encode: encode${name},
      defaultValue: default${name},
    } satisfies MetadataRecordDescriptor<${name}>],`)
  }
  return `${imports.join('\n')}

/** KRaft metadata record types (the apiKey of each record in the metadata log). */
export const MetadataRecordType = {
${types.join('\n')}
} as const
export type MetadataRecordType = (typeof MetadataRecordType)[keyof typeof MetadataRecordType]

export interface MetadataRecordDescriptor<Value = unknown> {
  readonly recordType: number
  readonly name: string
  readonly minVersion: number
  readonly maxVersion: number
  decode(version: number, reader: Reader): Value
  encode(version: number, writer: Writer, value: Value): void
  defaultValue(): Value
}

export const METADATA_RECORD_DESCRIPTORS: ReadonlyMap<number, MetadataRecordDescriptor> = new Map<number, MetadataRecordDescriptor>([
${entries.join('\n')}
])
`
}
