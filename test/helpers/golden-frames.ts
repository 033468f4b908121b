// Golden request frames captured from real clients by scripts/capture-frames.ts, read from
// test/fixtures/protocol/<client>/: one lowercase-hex file per frame (without the size prefix) and
// a manifest.json naming each file's API, version, client id and, for Produce, codec and records.
// Also usable as a seed corpus (fuzzing, handler tests).
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import type { Manifest, ManifestFrame } from '../../scripts/capture/fixtures.js'
import { repoPath } from './repo-root.js'

export type { Manifest, ManifestFrame }

/** Every client the capture drives, by fixture directory name. */
export const GOLDEN_CLIENTS = ['kafkajs', 'platformatic', 'kcat', 'confluent-kafka', 'kafka-python'] as const
export type GoldenClient = (typeof GOLDEN_CLIENTS)[number]

export function goldenDirectory(client: string): string {
  return repoPath('test', 'fixtures', 'protocol', client)
}

/** The client's manifest, or undefined when the directory or manifest is missing. */
export function readGoldenManifest(client: string): Manifest | undefined {
  const path = `${goldenDirectory(client)}/manifest.json`
  if (!existsSync(path)) return undefined
  const manifest = JSON.parse(readFileSync(path, 'utf8')) as Manifest
  if (!Array.isArray(manifest.frames)) throw new Error(`${path} has no frames array`)
  return manifest
}

/** The .hex files actually present in the client's directory, sorted. */
export function listGoldenFiles(client: string): string[] {
  const directory = goldenDirectory(client)
  if (!existsSync(directory)) return []
  return readdirSync(directory).filter((name) => name.endsWith('.hex')).sort()
}

/** One frame's bytes (header and body, no size prefix). */
export function readGoldenFrame(client: string, file: string): Buffer {
  const text = readFileSync(`${goldenDirectory(client)}/${file}`, 'utf8').trim()
  if (!/^(?:[0-9a-f]{2})+$/.test(text)) throw new Error(`${client}/${file} is not lowercase hex`)
  return Buffer.from(text, 'hex')
}
