// Turns a message definition from protocol/ into the model the emitter works from: resolved
// version ranges, field types and the structs (nested and common) each message defines.
import type { FieldDefinition, MessageDefinition } from '../protocol-spec/definition.js'
import { camelCase } from '../protocol-spec/names.js'
import { NO_VERSIONS, includesVersion, parseVersionRange, type VersionRange } from '../protocol-spec/versions.js'

export const PRIMITIVE_TYPES = ['bool', 'int8', 'int16', 'uint16', 'int32', 'int64', 'float64', 'uuid', 'string', 'bytes', 'records'] as const
export type PrimitiveName = (typeof PRIMITIVE_TYPES)[number]

export type FieldType =
  | { readonly kind: 'primitive'; readonly name: PrimitiveName }
  | { readonly kind: 'struct'; readonly struct: StructModel }
  | { readonly kind: 'array'; readonly element: FieldType }

export interface FieldModel {
  /** Kafka's name, e.g. "ThrottleTimeMs". */
  readonly name: string
  /** The TypeScript property, e.g. "throttleTimeMs". */
  readonly property: string
  readonly type: FieldType
  readonly versions: VersionRange
  readonly nullableVersions: VersionRange
  readonly taggedVersions: VersionRange
  readonly tag: number | undefined
  readonly defaultValue: string | undefined
  /** The field's own flexible versions where it overrides the message's (RequestHeader.ClientId). */
  readonly flexibleVersions: VersionRange | undefined
}

export interface StructModel {
  /** Name of the TypeScript interface, unique within the generated module. */
  readonly typeName: string
  readonly fields: FieldModel[]
}

export interface MessageModel {
  readonly name: string
  readonly validVersions: VersionRange
  readonly flexibleVersions: VersionRange
  readonly deprecatedVersions: VersionRange
  readonly latestVersionUnstable: boolean
  readonly root: StructModel
  /** Every struct of the message, root last, each after the structs it contains. */
  readonly structs: StructModel[]
}

export function isPrimitive(type: string): type is PrimitiveName {
  return (PRIMITIVE_TYPES as readonly string[]).includes(type)
}

/** Struct interfaces are prefixed with the message name unless Kafka already did it. */
function structTypeName(messageName: string, structName: string): string {
  return structName.startsWith(messageName) ? structName : messageName + structName
}

export function buildMessageModel(definition: MessageDefinition): MessageModel {
  const validVersions = parseVersionRange(definition.validVersions, Number.MAX_SAFE_INTEGER)
  const highest = validVersions.max
  const range = (spec: string | undefined): VersionRange => (spec === undefined ? NO_VERSIONS : parseVersionRange(spec, highest))
  const structs: StructModel[] = []
  const commonStructs = new Map<string, FieldDefinition[]>()
  for (const common of definition.commonStructs ?? []) commonStructs.set(common.name, common.fields)
  const builtCommon = new Map<string, StructModel>()

  const buildStruct = (typeName: string, fields: FieldDefinition[]): StructModel => {
    const struct: StructModel = { typeName, fields: [] }
    for (const field of fields) struct.fields.push(buildField(field))
    structs.push(struct)
    return struct
  }

  const resolveStruct = (field: FieldDefinition, structName: string): StructModel => {
    if (field.fields !== undefined) return buildStruct(structTypeName(definition.name, structName), field.fields)
    const existing = builtCommon.get(structName)
    if (existing !== undefined) return existing
    const commonFields = commonStructs.get(structName)
    if (commonFields === undefined) throw new Error(`${definition.name}.${field.name}: unknown struct ${structName}`)
    const built = buildStruct(structTypeName(definition.name, structName), commonFields)
    builtCommon.set(structName, built)
    return built
  }

  const buildField = (field: FieldDefinition): FieldModel => {
    let type: FieldType
    if (field.type.startsWith('[]')) {
      const element = field.type.slice(2)
      type = { kind: 'array', element: isPrimitive(element) ? { kind: 'primitive', name: element } : { kind: 'struct', struct: resolveStruct(field, element) } }
    } else if (isPrimitive(field.type)) {
      type = { kind: 'primitive', name: field.type }
    } else {
      type = { kind: 'struct', struct: resolveStruct(field, field.type) }
    }
    return {
      name: field.name,
      property: camelCase(field.name),
      type,
      versions: range(field.versions),
      nullableVersions: range(field.nullableVersions),
      taggedVersions: range(field.taggedVersions),
      tag: field.tag,
      defaultValue: field.default,
      flexibleVersions: field.flexibleVersions === undefined ? undefined : range(field.flexibleVersions),
    }
  }

  const root = buildStruct(definition.name, definition.fields)
  return {
    name: definition.name,
    validVersions,
    flexibleVersions: range(definition.flexibleVersions),
    deprecatedVersions: range(definition.deprecatedVersions),
    latestVersionUnstable: definition.latestVersionUnstable === true,
    root,
    structs,
  }
}

export function versionsOf(message: MessageModel): number[] {
  const versions: number[] = []
  for (let v = message.validVersions.min; v <= message.validVersions.max; v++) versions.push(v)
  return versions
}

/** True when any valid version of the field is nullable: the interface type then includes null. */
export function isEverNullable(field: FieldModel, message: MessageModel): boolean {
  return versionsOf(message).some((v) => includesVersion(field.versions, v) && includesVersion(field.nullableVersions, v))
}

export function isEverFlexible(message: MessageModel): boolean {
  return versionsOf(message).some((v) => includesVersion(message.flexibleVersions, v))
}
