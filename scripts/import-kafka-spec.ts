// One-off import: derives protocol/ from Apache Kafka's message specification (JSON with comments,
// in ../shared/kafka-protocol). It keeps the facts (keys, versions, field types, tags, defaults) and
// drops the prose. The build reads only protocol/; run this again only to take in a newer spec:
//   node dist/scripts/import-kafka-spec.js ../shared/kafka-protocol
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { kebabCase } from './protocol-spec/names.js'
import type { ApiDefinition, FieldDefinition, MessageDefinition, StructDefinition } from './protocol-spec/definition.js'

interface SpecField {
  name: string
  type: string
  versions: string
  nullableVersions?: string
  taggedVersions?: string
  tag?: number
  default?: string | number | boolean
  ignorable?: boolean
  mapKey?: boolean
  entityType?: string
  flexibleVersions?: string
  zeroCopy?: boolean
  fields?: SpecField[]
}

interface SpecMessage {
  apiKey?: number
  type: string
  name: string
  listeners?: string[]
  validVersions: string
  deprecatedVersions?: string
  flexibleVersions: string
  latestVersionUnstable?: boolean
  fields: SpecField[]
  commonStructs?: Array<{ name: string; versions: string; fields: SpecField[] }>
}

/** Strips `//` comments that are outside strings (the spec files are JSON with line comments). */
function stripComments(text: string): string {
  let out = ''
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!
    if (inString) {
      out += ch
      if (ch === '\\') out += text[++i] ?? ''
      else if (ch === '"') inString = false
    } else if (ch === '"') {
      inString = true
      out += ch
    } else if (ch === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++
      out += '\n'
    } else {
      out += ch
    }
  }
  return out
}

function convertField(field: SpecField): FieldDefinition {
  const converted: FieldDefinition = { name: field.name, type: field.type, versions: field.versions }
  if (field.nullableVersions !== undefined) converted.nullableVersions = field.nullableVersions
  if (field.taggedVersions !== undefined) converted.taggedVersions = field.taggedVersions
  if (field.tag !== undefined) converted.tag = Number(field.tag)
  if (field.default !== undefined) converted.default = String(field.default)
  if (field.ignorable === true) converted.ignorable = true
  if (field.mapKey === true) converted.mapKey = true
  if (field.entityType !== undefined) converted.entityType = field.entityType
  if (field.flexibleVersions !== undefined) converted.flexibleVersions = field.flexibleVersions
  if (field.fields !== undefined) converted.fields = field.fields.map(convertField)
  return converted
}

function convertMessage(spec: SpecMessage): MessageDefinition {
  const message: MessageDefinition = {
    name: spec.name,
    validVersions: spec.validVersions,
    flexibleVersions: spec.flexibleVersions,
    fields: spec.fields.map(convertField),
  }
  if (spec.deprecatedVersions !== undefined) message.deprecatedVersions = spec.deprecatedVersions
  if (spec.latestVersionUnstable === true) message.latestVersionUnstable = true
  if (spec.commonStructs !== undefined) {
    message.commonStructs = spec.commonStructs.map(
      (struct): StructDefinition => ({ name: struct.name, versions: struct.versions, fields: struct.fields.map(convertField) }),
    )
  }
  return message
}

/** JSON with one field per line: small enough to review, regular enough to diff. */
function formatJson(value: unknown, indent = ''): string {
  if (Array.isArray(value)) {
    if (value.every((item) => item === null || typeof item !== 'object')) return JSON.stringify(value).replace(/,/g, ', ')
    const inner = indent + '  '
    return `[\n${value.map((item) => inner + formatJson(item, inner)).join(',\n')}\n${indent}]`
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
    const isLeafField = entries.every(([, v]) => v === null || typeof v !== 'object' || (Array.isArray(v) && v.every((x) => typeof x !== 'object')))
    if (isLeafField) return JSON.stringify(value).replace(/","/g, '", "').replace(/,"/g, ', "').replace(/":/g, '": ')
    const inner = indent + '  '
    return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${formatJson(v, inner)}`).join(',\n')}\n${indent}}`
  }
  return JSON.stringify(value)
}

function main(): void {
  const specDir = process.argv[2]
  if (specDir === undefined) throw new Error('usage: import-kafka-spec <kafka-protocol dir>')
  const outDir = join(process.cwd(), 'protocol')
  const read = (path: string): SpecMessage => JSON.parse(stripComments(readFileSync(path, 'utf8'))) as SpecMessage

  const apis = new Map<number, Partial<ApiDefinition> & { name: string }>()
  const headers: Record<string, MessageDefinition> = {}
  const data: MessageDefinition[] = []
  for (const file of readdirSync(join(specDir, 'message')).sort()) {
    const spec = read(join(specDir, 'message', file))
    if (spec.type === 'request' || spec.type === 'response') {
      const name = spec.name.replace(/(Request|Response)$/, '')
      const api = apis.get(spec.apiKey!) ?? { name }
      api.apiKey = spec.apiKey!
      if (spec.type === 'request') {
        api.request = convertMessage(spec)
        if (spec.listeners !== undefined) api.listeners = spec.listeners
      } else {
        api.response = convertMessage(spec)
      }
      apis.set(spec.apiKey!, api)
    } else if (spec.type === 'header') {
      headers[spec.name] = convertMessage(spec)
    } else if (spec.type === 'data') {
      data.push(convertMessage(spec))
    } else {
      throw new Error(`${file}: unexpected type ${spec.type}`)
    }
  }
  const metadata = readdirSync(join(specDir, 'metadata')).sort().map((file) => {
    const spec = read(join(specDir, 'metadata', file))
    return { recordType: spec.apiKey!, ...convertMessage(spec) }
  })

  for (const sub of ['apis', 'data', 'metadata']) {
    rmSync(join(outDir, sub), { recursive: true, force: true })
    mkdirSync(join(outDir, sub), { recursive: true })
  }
  for (const api of apis.values()) {
    const ordered = { apiKey: api.apiKey, name: api.name, listeners: api.listeners, request: api.request, response: api.response }
    writeFileSync(join(outDir, 'apis', `${kebabCase(api.name)}.json`), formatJson(ordered) + '\n')
  }
  writeFileSync(join(outDir, 'headers.json'), formatJson(headers) + '\n')
  for (const message of data) writeFileSync(join(outDir, 'data', `${kebabCase(message.name)}.json`), formatJson(message) + '\n')
  for (const record of metadata) writeFileSync(join(outDir, 'metadata', `${kebabCase(record.name)}.json`), formatJson(record) + '\n')
  console.log(`imported ${apis.size} APIs, ${Object.keys(headers).length} headers, ${data.length} data types, ${metadata.length} metadata records`)
}

main()
