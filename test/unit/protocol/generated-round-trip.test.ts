// decode(encode(x)) equals x for random values of every message of the specification, in every
// version: requests and responses of all APIs, the headers, the data types and the metadata records.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { buildMessageModel, versionsOf } from '../../../scripts/protocol-gen/model.js'
import { kebabCase } from '../../../scripts/protocol-spec/names.js'
import { API_DESCRIPTORS } from '../../../src/protocol/generated/api-registry.js'
import { METADATA_RECORD_DESCRIPTORS } from '../../../src/protocol/generated/metadata-registry.js'
import { Reader } from '../../../src/protocol/reader.js'
import { Writer } from '../../../src/protocol/writer.js'
import { messageArbitrary } from '../../helpers/message-arbitrary.js'
import { apiDefinitions, dataDefinitions, headerDefinitions, metadataDefinitions } from '../../helpers/protocol-definitions.js'
import type { MessageDefinition } from '../../../scripts/protocol-spec/definition.js'

type Decode = (version: number, reader: Reader) => unknown
type Encode = (version: number, writer: Writer, value: never) => void

const RUNS_PER_VERSION = 25

function assertRoundTrips(definition: MessageDefinition, decode: Decode, encode: Encode): void {
  const model = buildMessageModel(definition)
  for (const version of versionsOf(model)) {
    fc.assert(
      fc.property(messageArbitrary(model, version), (value) => {
        const writer = new Writer(64)
        encode(version, writer, value as never)
        const bytes = writer.toBuffer()
        const reader = new Reader(bytes)
        const decoded = decode(version, reader)
        assert.equal(reader.remaining(), 0, `${definition.name} v${version} left bytes unread`)
        assert.deepStrictEqual(decoded, value, `${definition.name} v${version}`)
      }),
      { numRuns: RUNS_PER_VERSION },
    )
  }
}

test('every API request and response round-trips in every version', () => {
  const definitions = apiDefinitions()
  assert.equal(definitions.length, API_DESCRIPTORS.size)
  for (const api of definitions) {
    const descriptor = API_DESCRIPTORS.get(api.apiKey)
    assert.ok(descriptor, `no descriptor for ${api.name}`)
    assertRoundTrips(api.request, descriptor.decodeRequest, descriptor.encodeRequest as Encode)
    assertRoundTrips(api.response, descriptor.decodeResponse, descriptor.encodeResponse as Encode)
  }
})

test('request and response headers round-trip in every version', async () => {
  const headers = await import('../../../src/protocol/generated/headers.js')
  const definitions = headerDefinitions()
  assertRoundTrips(definitions.RequestHeader!, headers.decodeRequestHeader, headers.encodeRequestHeader as Encode)
  assertRoundTrips(definitions.ResponseHeader!, headers.decodeResponseHeader, headers.encodeResponseHeader as Encode)
})

test('data types round-trip in every version', async () => {
  for (const definition of dataDefinitions()) {
    const module = (await import(`../../../src/protocol/generated/data/${kebabCase(definition.name)}.js`)) as Record<string, unknown>
    assertRoundTrips(definition, module[`decode${definition.name}`] as Decode, module[`encode${definition.name}`] as Encode)
  }
})

test('metadata records round-trip in every version', () => {
  for (const definition of metadataDefinitions()) {
    const descriptor = METADATA_RECORD_DESCRIPTORS.get(definition.recordType)
    assert.ok(descriptor, `no descriptor for ${definition.name}`)
    assertRoundTrips(definition, descriptor.decode, descriptor.encode as Encode)
  }
})
