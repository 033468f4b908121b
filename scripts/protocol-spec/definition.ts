// The shape of the message definitions in protocol/: Kafka's message specification facts
// (versions, types, tags, defaults) without its prose. Version ranges keep Kafka's notation:
// "3+", "0-4", "5", or "none".

export interface FieldDefinition {
  name: string
  /** int8, int16, uint16, int32, int64, float64, bool, uuid, string, bytes, records, a struct name, or []T. */
  type: string
  versions: string
  nullableVersions?: string
  /** When present the field is a tagged field in these versions, identified by `tag`. */
  taggedVersions?: string
  tag?: number
  /** Kafka's default as written in the spec ("null", "-1", "true", "0x7fffffff", ""). */
  default?: string
  ignorable?: boolean
  mapKey?: boolean
  entityType?: string
  /** Overrides the message's flexible versions for this field (only RequestHeader.ClientId). */
  flexibleVersions?: string
  /** Present for struct and struct-array fields. */
  fields?: FieldDefinition[]
}

export interface StructDefinition {
  name: string
  versions: string
  fields: FieldDefinition[]
}

export interface MessageDefinition {
  name: string
  validVersions: string
  flexibleVersions: string
  deprecatedVersions?: string
  latestVersionUnstable?: boolean
  fields: FieldDefinition[]
  commonStructs?: StructDefinition[]
}

export interface ApiDefinition {
  apiKey: number
  name: string
  listeners?: string[]
  request: MessageDefinition
  response: MessageDefinition
}

export interface MetadataRecordDefinition extends MessageDefinition {
  recordType: number
}
