// A partition directory's partition.metadata (KIP-516): the id of the topic the directory belongs
// to, so a topic deleted and re-created under the same name is never mistaken for the old one.
// Kafka's text, byte for byte (PartitionMetadata.encode, no final newline):
//   version: 0
//   topic_id: <22-character URL-safe base64 UUID>
import { join } from 'node:path'
import { CorruptCheckpointError, parseInt32, readFileIfExists, splitLines } from './offset-checkpoint.js'
import type { Storage } from './storage.js'

export const PARTITION_METADATA_FILE = 'partition.metadata'
export const PARTITION_METADATA_VERSION = 0

/** Kafka's Uuid.ZERO_UUID: never a valid topic id. */
export const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA'

export interface PartitionMetadata {
  /** 0 as written; Kafka accepts higher versions when reading, for downgrades, and so do we. */
  readonly version: number
  readonly topicId: string
}

/**
 * The partition directory's metadata, or undefined when the file does not exist. Rejects with
 * CorruptCheckpointError when it does not parse (as Kafka: a negative version, a topic id that is
 * not a UUID or is the zero UUID, a missing line) and with StorageError when it cannot be read.
 * Lines after the second are ignored, as Kafka's reader ignores them.
 */
export async function readPartitionMetadata(storage: Storage, partitionDirectory: string): Promise<PartitionMetadata | undefined> {
  const path = join(partitionDirectory, PARTITION_METADATA_FILE)
  const data = await readFileIfExists(storage, path)
  if (data === undefined) return undefined
  const [versionLine, topicIdLine] = splitLines(data.toString('utf8'))
  const version = parseInt32(valueOf(path, 1, versionLine, 'version'))
  if (version === undefined) throw new CorruptCheckpointError(path, 1, `version is not a number: ${JSON.stringify(versionLine)}`)
  if (version < PARTITION_METADATA_VERSION) throw new CorruptCheckpointError(path, 1, `unrecognised version ${version}`)
  const topicId = valueOf(path, 2, topicIdLine, 'topic_id')
  if (!isKafkaUuid(topicId)) throw new CorruptCheckpointError(path, 2, `topic_id is not a UUID: ${JSON.stringify(topicId)}`)
  if (topicId === ZERO_UUID) throw new CorruptCheckpointError(path, 2, 'topic_id is the zero UUID')
  return { version, topicId }
}

/** Writes the file atomically and durably. Throws RangeError for a topic id that is not a non-zero UUID. */
export async function writePartitionMetadata(storage: Storage, partitionDirectory: string, topicId: string): Promise<void> {
  if (!isKafkaUuid(topicId) || topicId === ZERO_UUID) throw new RangeError(`not a topic id: ${JSON.stringify(topicId)}`)
  const text = `version: ${PARTITION_METADATA_VERSION}\ntopic_id: ${topicId}`
  await storage.writeFileAtomic(join(partitionDirectory, PARTITION_METADATA_FILE), Buffer.from(text, 'utf8'))
}

/**
 * A UUID as Kafka prints it (Uuid.toString): 16 bytes as 22 characters of URL-safe base64 without
 * padding, in canonical form (the unused low bits of the last character are zero), so that equal
 * ids are equal strings.
 */
export function isKafkaUuid(value: string): boolean {
  return /^[A-Za-z0-9_-]{21}[AQgw]$/.test(value)
}

/** "<key>: <value>" split at the first ':' followed by whitespace, as Kafka's reader splits it. */
function valueOf(path: string, lineNumber: number, line: string | undefined, key: string): string {
  const match = line === undefined ? null : /^(.*?):[ \t\v\f]+(.*)$/.exec(line)
  if (match === null || match[1] !== key) {
    throw new CorruptCheckpointError(path, lineNumber, line === undefined ? `missing "${key}" line` : `expected "${key}: …", found ${JSON.stringify(line)}`)
  }
  return match[2]!
}
