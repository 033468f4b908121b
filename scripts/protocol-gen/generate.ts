// Writes src/protocol/generated/ from the definitions in protocol/.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { ApiDefinition, MessageDefinition, MetadataRecordDefinition } from '../protocol-spec/definition.js'
import { kebabCase } from '../protocol-spec/names.js'
import { emitModule, emitApiRegistry, emitMetadataRegistry } from './emit-module.js'

const GENERATED_NOTE = '// Generated from protocol/ by scripts/gen-protocol.ts: do not edit.\n'

function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T
}

function readDir<T>(dir: string): T[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => readJson<T>(join(dir, f)))
}

/** Regenerates `outDir` from scratch; returns the number of files written. */
export function generate(protocolDir: string, outDir: string): number {
  rmSync(outDir, { recursive: true, force: true })
  for (const sub of ['apis', 'data', 'metadata']) mkdirSync(join(outDir, sub), { recursive: true })
  let files = 0
  const write = (path: string, code: string): void => {
    writeFileSync(join(outDir, path), GENERATED_NOTE + code)
    files++
  }

  const apis = readDir<ApiDefinition>(join(protocolDir, 'apis')).sort((a, b) => a.apiKey - b.apiKey)
  for (const api of apis) write(`apis/${kebabCase(api.name)}.ts`, emitModule([api.request, api.response], '../..'))
  write('api-registry.ts', emitApiRegistry(apis, (api) => `./apis/${kebabCase(api.name)}.js`))

  const headers = readJson<Record<string, MessageDefinition>>(join(protocolDir, 'headers.json'))
  write('headers.ts', emitModule(Object.values(headers), '..'))

  for (const data of readDir<MessageDefinition>(join(protocolDir, 'data'))) write(`data/${kebabCase(data.name)}.ts`, emitModule([data], '../..'))

  const records = readDir<MetadataRecordDefinition>(join(protocolDir, 'metadata')).sort((a, b) => a.recordType - b.recordType)
  for (const record of records) write(`metadata/${kebabCase(record.name)}.ts`, emitModule([record], '../..'))
  write('metadata-registry.ts', emitMetadataRegistry(records, (record) => `./metadata/${kebabCase(record.name)}.js`))
  return files
}

