// Loads protocol/ for tests that walk every message: the generator's model of each definition.
import { readdirSync, readFileSync } from 'node:fs'
import type { ApiDefinition, MessageDefinition, MetadataRecordDefinition } from '../../scripts/protocol-spec/definition.js'
import { repoPath } from './repo-root.js'

function readAll<T>(dir: string): T[] {
  return readdirSync(repoPath('protocol', dir))
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => JSON.parse(readFileSync(repoPath('protocol', dir, file), 'utf8')) as T)
}

export const apiDefinitions = (): ApiDefinition[] => readAll<ApiDefinition>('apis').sort((a, b) => a.apiKey - b.apiKey)
export const dataDefinitions = (): MessageDefinition[] => readAll<MessageDefinition>('data')
export const metadataDefinitions = (): MetadataRecordDefinition[] => readAll<MetadataRecordDefinition>('metadata')
export const headerDefinitions = (): Record<string, MessageDefinition> =>
  JSON.parse(readFileSync(repoPath('protocol', 'headers.json'), 'utf8')) as Record<string, MessageDefinition>
