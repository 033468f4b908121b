// fast-check arbitraries for any message version, built from the definitions in protocol/ through
// the generator's own model: a value holds every field of the interface, with random values for the
// fields the version carries and defaults for the rest (what the decoder fills in).
import fc from 'fast-check'
import { defaultExpression } from '../../scripts/protocol-gen/emit-message.js'
import { isEverFlexible, type FieldModel, type FieldType, type MessageModel, type PrimitiveName, type StructModel } from '../../scripts/protocol-gen/model.js'
import { includesVersion } from '../../scripts/protocol-spec/versions.js'

const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n

function primitiveArbitrary(name: PrimitiveName): fc.Arbitrary<unknown> {
  switch (name) {
    case 'bool':
      return fc.boolean()
    case 'int8':
      return fc.integer({ min: -128, max: 127 })
    case 'int16':
      return fc.integer({ min: -32768, max: 32767 })
    case 'uint16':
      return fc.integer({ min: 0, max: 65535 })
    case 'int32':
      return fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 })
    case 'int64':
      return fc.bigInt(INT64_MIN, INT64_MAX)
    case 'float64':
      return fc.double({ noNaN: true })
    case 'uuid':
      return fc.uint8Array({ minLength: 16, maxLength: 16 }).map((bytes) => Buffer.from(bytes).toString('base64url'))
    case 'string':
      return fc.string({ unit: 'grapheme', maxLength: 12 })
    case 'bytes':
    case 'records':
      return fc.uint8Array({ maxLength: 24 }).map((bytes) => Buffer.from(bytes))
  }
}

/** Evaluates the generator's default expression for a field (a literal, or a default struct). */
function defaultValue(field: FieldModel, message: MessageModel): unknown {
  const expression = defaultExpression(field)
  if (expression === 'null') return null
  if (expression === '[]') return []
  if (expression === 'Buffer.alloc(0)') return Buffer.alloc(0)
  if (expression.endsWith('n')) return BigInt(expression.slice(0, -1))
  if (field.type.kind === 'struct') return defaultStruct(field.type.struct, message)
  return JSON.parse(expression)
}

function defaultStruct(struct: StructModel, message: MessageModel): Record<string, unknown> {
  const value: Record<string, unknown> = {}
  for (const field of struct.fields) value[field.property] = defaultValue(field, message)
  if (isEverFlexible(message)) value.unknownTaggedFields = undefined
  return value
}

function typeArbitrary(type: FieldType, message: MessageModel, version: number, depth: number): fc.Arbitrary<unknown> {
  switch (type.kind) {
    case 'primitive':
      return primitiveArbitrary(type.name)
    case 'struct':
      return structArbitrary(type.struct, message, version, depth + 1)
    case 'array':
      return fc.array(typeArbitrary(type.element, message, version, depth + 1), { maxLength: depth > 2 ? 1 : 3 })
  }
}

function structArbitrary(struct: StructModel, message: MessageModel, version: number, depth: number): fc.Arbitrary<Record<string, unknown>> {
  const isFlexible = includesVersion(message.flexibleVersions, version)
  const knownTags = new Set(struct.fields.filter((f) => f.tag !== undefined).map((f) => f.tag))
  const shape: Record<string, fc.Arbitrary<unknown>> = {}
  for (const field of struct.fields) {
    if (!includesVersion(field.versions, version)) {
      shape[field.property] = fc.constant(null).map(() => defaultValue(field, message))
      continue
    }
    let arbitrary = typeArbitrary(field.type, message, version, depth)
    if (includesVersion(field.nullableVersions, version)) arbitrary = fc.option(arbitrary, { nil: null, freq: 4 })
    // A tagged field equal to its default is not written, so it decodes to the default: fine either way.
    shape[field.property] = arbitrary
  }
  if (isEverFlexible(message)) {
    shape.unknownTaggedFields = isFlexible
      ? fc.option(
          fc.uniqueArray(fc.integer({ min: 0, max: 200 }).filter((tag) => !knownTags.has(tag)), { minLength: 1, maxLength: 3 }).chain((tags) =>
            fc.tuple(...tags.sort((a, b) => a - b).map((tag) => fc.uint8Array({ maxLength: 6 }).map((data) => ({ tag, data: Buffer.from(data) })))),
          ),
          { nil: undefined, freq: 3 },
        )
      : fc.constant(undefined)
  }
  return fc.record(shape, { noNullPrototype: true }) as fc.Arbitrary<Record<string, unknown>>
}

/** Random values of `message` that version `version` can carry. */
export function messageArbitrary(message: MessageModel, version: number): fc.Arbitrary<Record<string, unknown>> {
  return structArbitrary(message.root, message, version, 0)
}

