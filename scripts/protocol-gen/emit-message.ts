// Emits TypeScript for one message: an interface per struct (one across all versions), a default
// value builder, and for each version a straight-line decode and encode function per struct.
// Versions whose code is identical share one function (named after the lowest of them).
import { includesVersion } from '../protocol-spec/versions.js'
import { isEverFlexible, isEverNullable, versionsOf, type FieldModel, type FieldType, type MessageModel, type PrimitiveName, type StructModel } from './model.js'

const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA'

interface VersionContext {
  readonly message: MessageModel
  readonly version: number
  readonly isFlexible: boolean
}

/** Output of one message: code, plus the names of the runtime helpers it uses. */
export interface EmittedMessage {
  readonly code: string
  readonly decodeFunction: string
  readonly encodeFunction: string
  readonly defaultFunction: string
  readonly typeName: string
}

function isFieldInVersion(field: FieldModel, ctx: VersionContext): boolean {
  return includesVersion(field.versions, ctx.version)
}

function isTagged(field: FieldModel, ctx: VersionContext): boolean {
  return ctx.isFlexible && includesVersion(field.taggedVersions, ctx.version)
}

function isNullable(field: FieldModel, ctx: VersionContext): boolean {
  return includesVersion(field.nullableVersions, ctx.version)
}

function isFieldFlexible(field: FieldModel, ctx: VersionContext): boolean {
  return field.flexibleVersions === undefined ? ctx.isFlexible : includesVersion(field.flexibleVersions, ctx.version)
}

function tsType(type: FieldType): string {
  switch (type.kind) {
    case 'primitive':
      return primitiveTsType(type.name)
    case 'struct':
      return type.struct.typeName
    case 'array':
      return `${tsType(type.element)}[]`
  }
}

function primitiveTsType(name: PrimitiveName): string {
  switch (name) {
    case 'bool':
      return 'boolean'
    case 'int8':
    case 'int16':
    case 'uint16':
    case 'int32':
    case 'float64':
      return 'number'
    case 'int64':
      return 'bigint'
    case 'uuid':
    case 'string':
      return 'string'
    case 'bytes':
      return 'Buffer'
    case 'records':
      return 'RecordBytes'
  }
}

/** The TypeScript expression of a field's default value (a fresh object for structs and arrays). */
export function defaultExpression(field: FieldModel): string {
  const raw = field.defaultValue
  if (raw === 'null') return 'null'
  const type = field.type
  if (type.kind === 'array') return '[]'
  if (type.kind === 'struct') return `default${type.struct.typeName}()`
  switch (type.name) {
    case 'bool':
      return raw === 'true' ? 'true' : 'false'
    case 'int8':
    case 'int16':
    case 'uint16':
    case 'int32':
    case 'float64':
      return raw === undefined || raw === '' ? '0' : String(Number(raw))
    case 'int64':
      return raw === undefined || raw === '' ? '0n' : `${BigInt(raw)}n`
    case 'uuid':
      return JSON.stringify(ZERO_UUID)
    case 'string':
      return JSON.stringify(raw ?? '')
    case 'bytes':
    case 'records':
      return 'Buffer.alloc(0)'
  }
}

/** Smallest encoded size of a struct in a version: bounds array counts read from the wire. */
function minStructBytes(struct: StructModel, ctx: VersionContext): number {
  let size = ctx.isFlexible ? 1 : 0
  for (const field of struct.fields) {
    if (!isFieldInVersion(field, ctx) || isTagged(field, ctx)) continue
    size += minFieldBytes(field.type, isFieldFlexible(field, ctx), isNullable(field, ctx), ctx)
  }
  return size
}

function minFieldBytes(type: FieldType, isFlexible: boolean, isNullableHere: boolean, ctx: VersionContext): number {
  switch (type.kind) {
    case 'array':
      return isFlexible ? 1 : 4
    case 'struct':
      return isNullableHere ? 1 : minStructBytes(type.struct, ctx)
    case 'primitive':
      return minPrimitiveBytes(type.name, isFlexible)
  }
}

function minPrimitiveBytes(name: PrimitiveName, isFlexible: boolean): number {
  switch (name) {
    case 'bool':
    case 'int8':
      return 1
    case 'int16':
    case 'uint16':
      return 2
    case 'int32':
      return 4
    case 'int64':
    case 'float64':
      return 8
    case 'uuid':
      return 16
    case 'string':
      return isFlexible ? 1 : 2
    case 'bytes':
    case 'records':
      return isFlexible ? 1 : 4
  }
}

const READ_PRIMITIVE: Record<PrimitiveName, string> = {
  bool: 'bool', int8: 'int8', int16: 'int16', uint16: 'uint16', int32: 'int32', int64: 'int64', float64: 'float64', uuid: 'uuid',
  string: 'string', bytes: 'bytes', records: 'bytes',
}

/**
 * Reader/Writer method for a primitive, taking flexible and nullable encodings into account.
 * `records` are read as bytes but written with the writer's records methods, which also take chunks.
 */
function primitiveMethod(name: PrimitiveName, isFlexible: boolean, isNullableHere: boolean, direction: 'read' | 'write' = 'read'): string {
  const base = direction === 'write' && name === 'records' ? 'records' : READ_PRIMITIVE[name]
  if (name !== 'string' && name !== 'bytes' && name !== 'records') return base
  const nullable = isNullableHere ? 'Nullable' : ''
  const capitalised = base.charAt(0).toUpperCase() + base.slice(1)
  if (isFlexible) return `compact${nullable}${capitalised}`
  return isNullableHere ? `nullable${capitalised}` : base
}

/** Names the per-version functions, sharing one function among versions with identical code. */
class FunctionTable {
  private readonly byKey = new Map<string, string>()
  private readonly bodies = new Map<string, string>()
  readonly code: string[] = []

  /** Returns the function name for `body`, emitting it under `preferredName` if new. */
  intern(preferredName: string, signature: (name: string) => string, body: string): string {
    // Keyed by signature too: two structs with the same fields still get functions of their own types.
    const key = signature('') + body
    const existing = this.bodies.get(key)
    if (existing !== undefined) return existing
    this.bodies.set(key, preferredName)
    this.code.push(`${signature(preferredName)} {\n${body}}\n`)
    return preferredName
  }

  remember(key: string, name: string): void {
    this.byKey.set(key, name)
  }

  lookup(key: string): string | undefined {
    return this.byKey.get(key)
  }
}

export class MessageEmitter {
  private readonly decoders = new FunctionTable()
  private readonly encoders = new FunctionTable()

  constructor(private readonly message: MessageModel) {}

  emit(): EmittedMessage {
    const message = this.message
    const out: string[] = []
    const hasTaggedSection = isEverFlexible(message)
    for (const struct of message.structs) out.push(this.emitInterface(struct, hasTaggedSection))
    for (const struct of message.structs) out.push(this.emitDefault(struct, hasTaggedSection))

    const decodeCases: Map<string, number[]> = new Map()
    const encodeCases: Map<string, number[]> = new Map()
    for (const version of versionsOf(message)) {
      const ctx: VersionContext = { message, version, isFlexible: includesVersion(message.flexibleVersions, version) }
      const decodeName = this.decoderFor(message.root, ctx)
      const encodeName = this.encoderFor(message.root, ctx)
      decodeCases.set(decodeName, [...(decodeCases.get(decodeName) ?? []), version])
      encodeCases.set(encodeName, [...(encodeCases.get(encodeName) ?? []), version])
    }
    out.push(...this.decoders.code, ...this.encoders.code)

    const typeName = message.root.typeName
    const cases = (table: Map<string, number[]>, call: (name: string) => string): string =>
      [...table.entries()].map(([name, versions]) => `    ${versions.map((v) => `case ${v}:`).join(' ')}\n      ${call(name)}\n`).join('')
    out.push(
      `/** Decodes ${typeName} of the given version; bad bytes throw ProtocolDecodeError. */\n` +
        `export function decode${typeName}(version: number, reader: Reader): ${typeName} {\n  switch (version) {\n` +
        cases(decodeCases, (name) => `return ${name}(reader)`) +
        `    default:\n      return reader.fail(\`${typeName} has no version \${version}\`)\n  }\n}\n`,
    )
    out.push(
      `/** Encodes ${typeName} in the given version (fields the version lacks are left out). */\n` +
        `export function encode${typeName}(version: number, writer: Writer, value: ${typeName}): void {\n  switch (version) {\n` +
        cases(encodeCases, (name) => `return ${name}(writer, value)`) +
        `    default:\n      throw new RangeError(\`${typeName} has no version \${version}\`)\n  }\n}\n`,
    )
    return { code: out.join('\n'), decodeFunction: `decode${typeName}`, encodeFunction: `encode${typeName}`, defaultFunction: `default${typeName}`, typeName }
  }

  private emitInterface(struct: StructModel, hasTaggedSection: boolean): string {
    const lines = struct.fields.map((field) => {
      const nullable = isEverNullable(field, this.message) ? ' | null' : ''
      const notes = [`versions ${rangeText(field.versions)}`]
      if (field.nullableVersions.min <= field.nullableVersions.max) notes.push(`nullable ${rangeText(field.nullableVersions)}`)
      if (field.tag !== undefined) notes.push(`tag ${field.tag}`)
      if (field.defaultValue !== undefined) notes.push(`default ${field.defaultValue === '' ? '""' : field.defaultValue}`)
      return `  /** ${notes.join(', ')} */\n  ${field.property}: ${tsType(field.type)}${nullable}`
    })
    if (hasTaggedSection) lines.push('  /** Tagged fields this version does not know, kept to re-encode them. */\n  unknownTaggedFields?: TaggedField[] | undefined')
    return `export interface ${struct.typeName} {\n${lines.join('\n')}\n}\n`
  }

  private emitDefault(struct: StructModel, hasTaggedSection: boolean): string {
    const props = struct.fields.map((field) => `    ${field.property}: ${defaultExpression(field)},`)
    if (hasTaggedSection) props.push('    unknownTaggedFields: undefined,')
    const checks = struct.fields.map((field) => isDefaultExpression(field, `value.${field.property}`, isEverNullable(field, this.message)))
    if (hasTaggedSection) checks.push('(value.unknownTaggedFields === undefined || value.unknownTaggedFields.length === 0)')
    return (
      `export function default${struct.typeName}(): ${struct.typeName} {\n  return {\n${props.join('\n')}\n  }\n}\n\n` +
      `/** True when every field holds its default: such a tagged field is not written. */\n` +
      `export function isDefault${struct.typeName}(value: ${struct.typeName}): boolean {\n  return ${checks.length === 0 ? 'true' : checks.join(' &&\n    ')}\n}\n`
    )
  }

  private decoderFor(struct: StructModel, ctx: VersionContext): string {
    const key = `${struct.typeName}@${ctx.version}`
    const known = this.decoders.lookup(key)
    if (known !== undefined) return known
    const body = this.decodeBody(struct, ctx)
    const name = this.decoders.intern(`decode${struct.typeName}V${ctx.version}`, (n) => `function ${n}(reader: Reader): ${struct.typeName}`, body)
    this.decoders.remember(key, name)
    return name
  }

  private encoderFor(struct: StructModel, ctx: VersionContext): string {
    const key = `${struct.typeName}@${ctx.version}`
    const known = this.encoders.lookup(key)
    if (known !== undefined) return known
    const body = this.encodeBody(struct, ctx)
    const name = this.encoders.intern(`encode${struct.typeName}V${ctx.version}`, (n) => `function ${n}(writer: Writer, value: ${struct.typeName}): void`, body)
    this.encoders.remember(key, name)
    return name
  }

  /** A decode expression for one value of `type` read from `reader`. */
  private decodeExpression(field: FieldModel, type: FieldType, ctx: VersionContext, reader: string): string {
    const isFlexible = isFieldFlexible(field, ctx)
    const isNullableHere = isNullable(field, ctx)
    switch (type.kind) {
      case 'primitive':
        return `${reader}.${primitiveMethod(type.name, isFlexible, isNullableHere)}()`
      case 'struct': {
        const decoder = this.decoderFor(type.struct, ctx)
        return isNullableHere ? `(${reader}.int8() < 0 ? null : ${decoder}(${reader}))` : `${decoder}(${reader})`
      }
      case 'array': {
        const element = type.element
        const elementReader =
          element.kind === 'struct' ? this.decoderFor(element.struct, ctx) : element.kind === 'primitive' ? `read${capitalise(primitiveMethod(element.name, isFlexible, false))}` : 'never'
        const minBytes = Math.max(1, element.kind === 'struct' ? minStructBytes(element.struct, ctx) : element.kind === 'primitive' ? minPrimitiveBytes(element.name, isFlexible) : 1)
        const method = `${isFlexible ? 'compact' : ''}${isFlexible ? (isNullableHere ? 'NullableArray' : 'Array') : isNullableHere ? 'nullableArray' : 'array'}`
        return `${reader}.${method}(${minBytes}, ${elementReader})`
      }
    }
  }

  private decodeBody(struct: StructModel, ctx: VersionContext): string {
    const lines: string[] = []
    const locals = new Map<FieldModel, string>()
    const tagged: FieldModel[] = []
    for (const field of struct.fields) {
      if (!isFieldInVersion(field, ctx)) continue
      const local = `f_${field.property}`
      locals.set(field, local)
      if (isTagged(field, ctx)) {
        tagged.push(field)
        const nullable = isEverNullable(field, this.message) ? ' | null' : ''
        lines.push(`  let ${local}: ${tsType(field.type)}${nullable} = ${defaultExpression(field)}`)
      } else {
        lines.push(`  const ${local} = ${this.decodeExpression(field, field.type, ctx, 'reader')}`)
      }
    }
    if (ctx.isFlexible) {
      lines.push('  let unknownTaggedFields: TaggedField[] | undefined')
      lines.push('  const tagCount = reader.unsignedVarint()')
      lines.push('  for (let i = 0; i < tagCount; i++) {')
      lines.push('    const tag = reader.unsignedVarint()')
      lines.push('    const tagReader = reader.taggedFieldReader()')
      if (tagged.length === 0) {
        lines.push('    ;(unknownTaggedFields ??= []).push({ tag, data: tagReader.raw(tagReader.remaining()) })')
      } else {
        lines.push('    switch (tag) {')
        for (const field of tagged) {
          lines.push(`      case ${field.tag}:`)
          lines.push(`        ${locals.get(field)} = ${this.decodeExpression(field, field.type, ctx, 'tagReader')}`)
          lines.push(`        tagReader.expectEnd('tagged field ${field.name}')`)
          lines.push('        break')
        }
        lines.push('      default:')
        lines.push('        ;(unknownTaggedFields ??= []).push({ tag, data: tagReader.raw(tagReader.remaining()) })')
        lines.push('    }')
      }
      lines.push('  }')
    }
    const props = struct.fields.map((field) => {
      const local = locals.get(field)
      return `    ${field.property}: ${local ?? defaultExpression(field)},`
    })
    if (isEverFlexible(this.message)) props.push(`    unknownTaggedFields: ${ctx.isFlexible ? 'unknownTaggedFields' : 'undefined'},`)
    lines.push(`  return {\n${props.join('\n')}\n  }`)
    return lines.join('\n') + '\n'
  }

  /** Statements writing `value` (an expression) of `type` to `writer`. */
  private encodeStatements(field: FieldModel, type: FieldType, ctx: VersionContext, writer: string, value: string): string[] {
    const isFlexible = isFieldFlexible(field, ctx)
    const isNullableHere = isNullable(field, ctx)
    const typeAllowsNull = isEverNullable(field, this.message)
    const checked = typeAllowsNull && !isNullableHere ? `(${value} ?? nullNotAllowed('${this.message.name}.${field.name}', ${ctx.version}))` : value
    switch (type.kind) {
      case 'primitive':
        return [`${writer}.${primitiveMethod(type.name, isFlexible, isNullableHere, 'write')}(${checked})`]
      case 'struct': {
        const encoder = this.encoderFor(type.struct, ctx)
        if (!isNullableHere) return [`${encoder}(${writer}, ${checked})`]
        return [`if (${value} === null) ${writer}.int8(-1)`, `else {`, `  ${writer}.int8(1)`, `  ${encoder}(${writer}, ${value})`, `}`]
      }
      case 'array': {
        const element = type.element
        const elementWriter =
          element.kind === 'struct' ? this.encoderFor(element.struct, ctx) : element.kind === 'primitive' ? `write${capitalise(primitiveMethod(element.name, isFlexible, false))}` : 'never'
        const method = `${isFlexible ? 'compact' : ''}${isFlexible ? (isNullableHere ? 'NullableArray' : 'Array') : isNullableHere ? 'nullableArray' : 'array'}`
        return [`${writer}.${method}(${checked}, ${elementWriter})`]
      }
    }
  }

  /** An expression that is true when a tagged field differs from its default, so must be written. */
  private isNonDefault(field: FieldModel, value: string): string {
    return `!(${isDefaultExpression(field, value, isEverNullable(field, this.message))})`
  }

  private encodeBody(struct: StructModel, ctx: VersionContext): string {
    const lines: string[] = []
    const tagged: FieldModel[] = []
    for (const field of struct.fields) {
      if (!isFieldInVersion(field, ctx)) continue
      if (isTagged(field, ctx)) {
        tagged.push(field)
        continue
      }
      for (const statement of this.encodeStatements(field, field.type, ctx, 'writer', `value.${field.property}`)) lines.push(`  ${statement}`)
    }
    if (ctx.isFlexible) {
      if (tagged.length === 0) {
        lines.push('  writeTaggedFields(writer, value.unknownTaggedFields)')
      } else {
        // The common case (every tagged field at its default) writes one byte and allocates nothing.
        const sorted = [...tagged].sort((a, b) => (a.tag ?? 0) - (b.tag ?? 0))
        for (const field of sorted) lines.push(`  const has_${field.property} = ${this.isNonDefault(field, `value.${field.property}`)}`)
        lines.push(`  if (${sorted.map((f) => `!has_${f.property}`).join(' && ')} && (value.unknownTaggedFields === undefined || value.unknownTaggedFields.length === 0)) writer.unsignedVarint(0)`)
        lines.push('  else writeTaggedFields(writer, value.unknownTaggedFields, [')
        for (const field of sorted) {
          const statements = this.encodeStatements(field, field.type, ctx, 'tagWriter', `value.${field.property}`)
          lines.push(`    has_${field.property} ? { tag: ${field.tag}, write: (tagWriter: Writer) => {`)
          for (const statement of statements) lines.push(`      ${statement}`)
          lines.push('    } } : undefined,')
        }
        lines.push('  ])')
      }
    }
    if (lines.length === 0) lines.push('  void writer', '  void value')
    return lines.join('\n') + '\n'
  }
}

/** An expression that is true when `value` holds the field's default. */
function isDefaultExpression(field: FieldModel, value: string, isNullableType: boolean): string {
  const def = defaultExpression(field)
  if (def === 'null') return `${value} === null`
  const type = field.type
  const orNull = (check: string): string => (isNullableType ? `(${value} !== null && ${check})` : check)
  switch (type.kind) {
    case 'array':
      return orNull(`${value}.length === 0`)
    case 'struct':
      return orNull(`isDefault${type.struct.typeName}(${value})`)
    case 'primitive':
      if (type.name === 'bytes' || type.name === 'records') return orNull(`${value}.length === 0`)
      return `${value} === ${def}`
  }
}

function capitalise(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1)
}

function rangeText(range: { min: number; max: number }): string {
  if (range.min > range.max) return 'none'
  if (range.max >= Number.MAX_SAFE_INTEGER || range.max > 1000) return `${range.min}+`
  return range.min === range.max ? `${range.min}` : `${range.min}-${range.max}`
}
