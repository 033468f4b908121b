// The generator on a small definition: generate, compile with tsc beside copies of the runtime
// (reader, writer, codec support), then check the interface and the exact bytes of each version.
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { test } from 'node:test'
import { generate } from '../../../scripts/protocol-gen/generate.js'
import type { ApiDefinition } from '../../../scripts/protocol-spec/definition.js'
import { repoPath } from '../../helpers/repo-root.js'

const SAMPLE_API: ApiDefinition = {
  apiKey: 0,
  name: 'Sample',
  listeners: ['broker'],
  request: {
    name: 'SampleRequest',
    validVersions: '0-2',
    flexibleVersions: '2+',
    fields: [
      { name: 'Name', type: 'string', versions: '0+' },
      { name: 'Label', type: 'string', versions: '1+', nullableVersions: '1+', default: 'null' },
      { name: 'Offset', type: 'int64', versions: '0+', default: '-1' },
      {
        name: 'Items',
        type: '[]Item',
        versions: '0+',
        fields: [
          { name: 'Id', type: 'int32', versions: '0+' },
          { name: 'Tags', type: '[]string', versions: '0+' },
        ],
      },
      { name: 'Extra', type: 'int32', versions: '2+', taggedVersions: '2+', tag: 1, default: '-1' },
    ],
  },
  response: { name: 'SampleResponse', validVersions: '0-2', flexibleVersions: '2+', fields: [{ name: 'ErrorCode', type: 'int16', versions: '0+' }] },
}

interface SampleModule {
  decodeSampleRequest(version: number, reader: unknown): Record<string, unknown>
  encodeSampleRequest(version: number, writer: unknown, value: unknown): void
  defaultSampleRequest(): Record<string, unknown>
}

async function buildSample(t: { after: (fn: () => void) => void }): Promise<{ sample: SampleModule; source: string; runtime: Record<string, unknown> }> {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-gen-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  mkdirSync(join(dir, 'protocol', 'apis'), { recursive: true })
  mkdirSync(join(dir, 'protocol', 'data'))
  mkdirSync(join(dir, 'protocol', 'metadata'))
  writeFileSync(join(dir, 'protocol', 'apis', 'sample.json'), JSON.stringify(SAMPLE_API))
  cpSync(repoPath('protocol', 'headers.json'), join(dir, 'protocol', 'headers.json'))
  for (const file of ['reader.ts', 'writer.ts', 'record-bytes.ts', 'codec-support.ts', 'protocol-decode-error.ts']) {
    cpSync(repoPath('src', 'protocol', file), join(dir, 'src', 'protocol', file))
  }
  cpSync(repoPath('src', 'errors.ts'), join(dir, 'src', 'errors.ts'))
  generate(join(dir, 'protocol'), join(dir, 'src', 'protocol', 'generated'))
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noUncheckedIndexedAccess: true, verbatimModuleSyntax: true, skipLibCheck: true, rootDir: 'src', outDir: 'out', types: ['node'], typeRoots: [repoPath('node_modules', '@types')] },
      include: ['src'],
    }),
  )
  writeFileSync(join(dir, 'package.json'), '{"type":"module"}')
  try {
    execFileSync(process.execPath, [repoPath('node_modules', 'typescript', 'bin', 'tsc'), '-p', dir], { stdio: 'pipe' })
  } catch (error) {
    const output = (error as { stdout?: Buffer }).stdout?.toString() ?? ''
    throw new Error(`generated code does not compile:\n${output}`, { cause: error })
  }

  const sample = (await import(pathToFileURL(join(dir, 'out', 'protocol', 'generated', 'apis', 'sample.js')).href)) as SampleModule
  const reader = (await import(pathToFileURL(join(dir, 'out', 'protocol', 'reader.js')).href)) as Record<string, unknown>
  const writer = (await import(pathToFileURL(join(dir, 'out', 'protocol', 'writer.js')).href)) as Record<string, unknown>
  const source = readFileSync(join(dir, 'src', 'protocol', 'generated', 'apis', 'sample.ts'), 'utf8')
  return { sample, source, runtime: { ...reader, ...writer } }
}

test('generated code compiles under strict settings and types fields across versions', async (t) => {
  const { source } = await buildSample(t)
  assert.match(source, /^\/\/ Generated from protocol\//)
  assert.match(source, /  name: string\n/)
  assert.match(source, /  label: string \| null\n/)
  assert.match(source, /  offset: bigint\n/)
  assert.match(source, /  items: SampleRequestItem\[\]\n/)
  assert.match(source, /  tags: string\[\]\n/)
  assert.match(source, /  extra: number\n/)
  assert.match(source, /unknownTaggedFields\?: TaggedField\[\] \| undefined/)
  // One straight-line function per version and struct (no field list interpreted at run time).
  for (const name of ['decodeSampleRequestV0', 'decodeSampleRequestV1', 'decodeSampleRequestV2', 'encodeSampleRequestItemV2']) {
    assert.match(source, new RegExp(`function ${name}\\(`))
  }
})

test('generated codecs write and read the exact bytes of each version', async (t) => {
  const { sample, runtime } = await buildSample(t)
  const Reader = runtime.Reader as new (buffer: Buffer) => { remaining(): number }
  const Writer = runtime.Writer as new () => { toBuffer(): Buffer }
  const value = { ...sample.defaultSampleRequest(), name: 'ab', label: 'L', offset: 5n, items: [{ id: 7, tags: ['x'], unknownTaggedFields: undefined }], extra: 9 }
  const encode = (version: number, v: unknown): Buffer => {
    const writer = new Writer()
    sample.encodeSampleRequest(version, writer, v)
    return writer.toBuffer()
  }

  // v0: int16 string, int64, int32 array count, struct (int32, array of int16 strings). No label, no tags.
  const v0 = '0002' + '6162' + '0000000000000005' + '00000001' + '00000007' + '00000001' + '0001' + '78'
  assert.equal(encode(0, value).toString('hex'), v0)
  // v1 adds the nullable label.
  const v1 = '0002' + '6162' + '0001' + '4c' + '0000000000000005' + '00000001' + '00000007' + '00000001' + '0001' + '78'
  assert.equal(encode(1, value).toString('hex'), v1)
  assert.equal(encode(1, { ...value, label: null }).toString('hex'), '0002' + '6162' + 'ffff' + v1.slice(14))
  // v2 is flexible: compact strings and arrays, tagged-field sections; Extra (tag 1) differs from its default.
  const v2 = '03' + '6162' + '02' + '4c' + '0000000000000005' + '02' + '00000007' + '02' + '02' + '78' + '00' + '01' + '01' + '04' + '00000009'
  assert.equal(encode(2, value).toString('hex'), v2)
  // At its default, the tagged field is left out.
  assert.equal(encode(2, { ...value, extra: -1 }).toString('hex'), v2.slice(0, -14) + '00')

  const decoded = sample.decodeSampleRequest(2, new Reader(Buffer.from(v2, 'hex')))
  assert.deepEqual({ ...decoded }, { ...value, unknownTaggedFields: undefined })
  assert.deepEqual(sample.decodeSampleRequest(0, new Reader(Buffer.from(v0, 'hex'))), { ...value, label: null, extra: -1, unknownTaggedFields: undefined })

  // An unknown tag (5) is kept and written back in tag order after the known tag 1.
  const withUnknown = Buffer.from(v2.slice(0, -14) + '02' + '01' + '04' + '00000009' + '05' + '01' + 'aa', 'hex')
  const kept = sample.decodeSampleRequest(2, new Reader(withUnknown))
  assert.deepEqual(kept.unknownTaggedFields, [{ tag: 5, data: Buffer.from('aa', 'hex') }])
  assert.equal(encode(2, kept).toString('hex'), withUnknown.toString('hex'))
})

test('generated decoders reject truncated input with ProtocolDecodeError', async (t) => {
  const { sample, runtime } = await buildSample(t)
  const Reader = runtime.Reader as new (buffer: Buffer) => unknown
  const bytes = Buffer.from('0002' + '6162' + '0000000000000005' + '7fffffff', 'hex')
  assert.throws(() => sample.decodeSampleRequest(0, new Reader(bytes)), (error: Error) => error.name === 'ProtocolDecodeError' && /array of 2147483647 elements/.test(error.message))
  assert.throws(() => sample.decodeSampleRequest(0, new Reader(bytes.subarray(0, 5))), { name: 'ProtocolDecodeError' })
  assert.throws(() => sample.decodeSampleRequest(9, new Reader(bytes)), /has no version 9/)
})
