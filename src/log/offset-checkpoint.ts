// Kafka's checkpoint text files, and the per-log-dir offset checkpoints written in that format
// (Kafka's CheckpointFile and OffsetCheckpointFile):
//   0              <- format version
//   2              <- number of entries
//   orders 0 1200  <- one entry per line; here "<topic> <partition> <offset>"
//   orders 1 1187
// leader-epoch-checkpoint uses the same frame with "<epoch> <startOffset>" entries.
import { SluiceError } from '../errors.js'
import type { Storage } from './storage.js'
import { StorageError } from './storage-error.js'
import { isLegalTopicName, parseTopicPartition, topicPartitionKey } from './topic-partition.js'

/** Offset below which every partition of the log dir was flushed; recovery starts there. */
export const RECOVERY_POINT_OFFSET_CHECKPOINT_FILE = 'recovery-point-offset-checkpoint'
/** Each partition's log start offset (DeleteRecords and retention move it). */
export const LOG_START_OFFSET_CHECKPOINT_FILE = 'log-start-offset-checkpoint'
/** Each partition's high watermark. */
export const REPLICATION_OFFSET_CHECKPOINT_FILE = 'replication-offset-checkpoint'
/** Each compacted partition's first dirty offset. */
export const CLEANER_OFFSET_CHECKPOINT_FILE = 'cleaner-offset-checkpoint'

export const OFFSET_CHECKPOINT_VERSION = 0

/** A checkpoint, partition.metadata or similar small metadata file does not parse. */
export class CorruptCheckpointError extends SluiceError {
  constructor(
    readonly path: string,
    /** 1-based line of the file where the problem was found. */
    readonly lineNumber: number,
    detail: string,
  ) {
    super('ERR_CHECKPOINT_CORRUPT', `corrupt file ${path}, line ${lineNumber}: ${detail}`)
  }
}

/**
 * The offsets of a checkpoint, keyed by topicPartitionKey(topic, partition). A missing file is an
 * empty map (a new log dir). Rejects with CorruptCheckpointError when the file does not parse and
 * with StorageError when it cannot be read.
 */
export async function readOffsetCheckpoint(storage: Storage, path: string): Promise<Map<string, bigint>> {
  const data = await readFileIfExists(storage, path)
  const offsets = new Map<string, bigint>()
  if (data === undefined) return offsets
  const entries = parseCheckpoint(data.toString('utf8'), path, OFFSET_CHECKPOINT_VERSION, parseOffsetEntry)
  // A partition listed twice keeps its last offset, as Kafka's reader does.
  for (const entry of entries) offsets.set(topicPartitionKey(entry.topic, entry.partition), entry.offset)
  return offsets
}

/**
 * Replaces the checkpoint atomically and durably (Storage.writeFileAtomic). Entries are keyed by
 * topicPartitionKey and written sorted by topic, then partition, so equal maps give equal files.
 * Throws RangeError for a key that is not "<topic>-<partition>".
 */
export async function writeOffsetCheckpoint(storage: Storage, path: string, entries: ReadonlyMap<string, bigint>): Promise<void> {
  const rows = [...entries].map(([key, offset]) => {
    const topicPartition = parseTopicPartition(key)
    if (topicPartition === undefined) throw new RangeError(`not a topic-partition key: ${JSON.stringify(key)}`)
    return { ...topicPartition, offset }
  })
  rows.sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition))
  const lines = rows.map((row) => `${row.topic} ${row.partition} ${row.offset}`)
  await storage.writeFileAtomic(path, Buffer.from(formatCheckpoint(OFFSET_CHECKPOINT_VERSION, lines), 'utf8'))
}

interface OffsetEntry {
  readonly topic: string
  readonly partition: number
  readonly offset: bigint
}

function parseOffsetEntry(fields: readonly string[]): OffsetEntry | undefined {
  if (fields.length !== 3) return undefined
  const [topic, partitionText, offsetText] = fields as [string, string, string]
  const partition = parseInt32(partitionText)
  const offset = parseInt64(offsetText)
  if (!isLegalTopicName(topic) || partition === undefined || partition < 0 || offset === undefined) return undefined
  return { topic, partition, offset }
}

/**
 * Parses the checkpoint frame: version line, entry count, one entry per line, fields separated by
 * whitespace. `parseEntry` returns undefined for a malformed entry. As in Kafka's reader, an empty
 * file, or one holding only the version line, reads as no entries (Kafka creates the file empty
 * before its first write); every other deviation is a CorruptCheckpointError naming the line.
 */
export function parseCheckpoint<T>(text: string, path: string, version: number, parseEntry: (fields: readonly string[]) => T | undefined): T[] {
  const lines = splitLines(text)
  const [versionLine, countLine] = lines
  if (versionLine === undefined) return []
  const readVersion = parseInt32(versionLine)
  if (readVersion === undefined) throw new CorruptCheckpointError(path, 1, `version is not a number: ${quote(versionLine)}`)
  if (readVersion !== version) throw new CorruptCheckpointError(path, 1, `unrecognised version ${readVersion}, expected ${version}`)
  if (countLine === undefined) return []
  const expectedCount = parseInt32(countLine)
  if (expectedCount === undefined || expectedCount < 0) throw new CorruptCheckpointError(path, 2, `entry count is not a count: ${quote(countLine)}`)
  const entries: T[] = []
  for (let index = 2; index < lines.length; index++) {
    const line = lines[index]!
    const entry = parseEntry(splitFields(line))
    if (entry === undefined) throw new CorruptCheckpointError(path, index + 1, `malformed entry ${quote(line)}`)
    entries.push(entry)
  }
  if (entries.length !== expectedCount) {
    throw new CorruptCheckpointError(path, 2, `expected ${expectedCount} entries, found ${entries.length}`)
  }
  return entries
}

/** The checkpoint frame around already formatted entry lines, newline-terminated like Kafka's. */
export function formatCheckpoint(version: number, lines: readonly string[]): string {
  return `${version}\n${lines.length}\n${lines.map((line) => `${line}\n`).join('')}`
}

/** The file's bytes, or undefined when it does not exist; other failures reject with StorageError. */
export async function readFileIfExists(storage: Storage, path: string): Promise<Buffer | undefined> {
  try {
    return await storage.readFile(path)
  } catch (error) {
    if (error instanceof StorageError && error.errno === 'ENOENT') return undefined
    throw error
  }
}

/** Lines as Java's readLine sees them: \n, \r or \r\n end a line; a final terminator adds no empty line. */
export function splitLines(text: string): string[] {
  const lines = text.split(/\r\n|\r|\n/)
  if (lines[lines.length - 1] === '') lines.pop()
  return lines
}

/** Fields as Java's line.split("\\s+") gives them: a leading blank makes an empty first field, trailing blanks none. */
function splitFields(line: string): string[] {
  const fields = line.split(/[ \t\n\v\f\r]+/)
  while (fields.length > 0 && fields[fields.length - 1] === '') fields.pop()
  return fields
}

const MIN_INT64 = -(2n ** 63n)
const MAX_INT64 = 2n ** 63n - 1n

/** A decimal int32 as Java's Integer.parseInt reads it (optional sign), or undefined. */
export function parseInt32(text: string): number | undefined {
  if (!/^[+-]?[0-9]{1,10}$/.test(text)) return undefined
  const value = Number(text)
  return value >= -(2 ** 31) && value <= 2 ** 31 - 1 ? value : undefined
}

/** A decimal int64 as Java's Long.parseLong reads it (optional sign), or undefined. */
export function parseInt64(text: string): bigint | undefined {
  if (!/^[+-]?[0-9]{1,19}$/.test(text)) return undefined
  const value = BigInt(text)
  return value >= MIN_INT64 && value <= MAX_INT64 ? value : undefined
}

function quote(line: string): string {
  return JSON.stringify(line.length > 80 ? `${line.slice(0, 80)}…` : line)
}
