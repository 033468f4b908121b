// meta.properties at the top of every log dir: which cluster and node the directory belongs to,
// so a disk moved to the wrong node or cluster is refused at startup instead of served. Kafka's
// KRaft format, version 1 (MetaProperties), with the directory.id of Kafka 3.7+ (KIP-858):
//   version=1
//   cluster.id=<cluster id>
//   node.id=<node id>
//   directory.id=<22-character URL-safe base64 UUID>
import { randomBytes as cryptoRandomBytes } from 'node:crypto'
import { join } from 'node:path'
import { formatProperties, parseProperties, PropertiesSyntaxError } from '../config/properties-file.js'
import { SluiceError } from '../errors.js'
import { readFileIfExists } from './offset-checkpoint.js'
import { isKafkaUuid } from './partition-metadata.js'
import type { Storage } from './storage.js'

export const META_PROPERTIES_FILE = 'meta.properties'

export interface MetaProperties {
  /** 1, KRaft's format; version 0 (ZooKeeper era, broker.id) is refused, as by a KRaft Kafka. */
  readonly version: 1
  readonly clusterId: string
  readonly nodeId: number
  /** Absent in files written before Kafka 3.7; the log manager then assigns one and rewrites the file. */
  readonly directoryId?: string | undefined
}

/** meta.properties exists but cannot be used: not .properties text, a missing or malformed key, another version. */
export class InvalidMetaPropertiesError extends SluiceError {
  constructor(
    readonly path: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super('ERR_META_PROPERTIES_INVALID', `${path}: ${detail}`, options)
  }
}

/** The log dir belongs to another cluster or node; Kafka refuses to start then, and so does Sluice. */
export class MetaPropertiesMismatchError extends SluiceError {
  constructor(
    readonly path: string,
    readonly key: 'cluster.id' | 'node.id',
    readonly expected: string,
    readonly found: string,
    message: string,
  ) {
    super('ERR_META_PROPERTIES_MISMATCH', message)
  }
}

/**
 * The log dir's meta.properties, or undefined when there is none (an unformatted directory).
 * Rejects with InvalidMetaPropertiesError when the file is unusable and with StorageError when it
 * cannot be read. Unknown keys are ignored, as Kafka ignores them.
 */
export async function readMetaProperties(storage: Storage, logDir: string): Promise<MetaProperties | undefined> {
  const path = join(logDir, META_PROPERTIES_FILE)
  const data = await readFileIfExists(storage, path)
  if (data === undefined) return undefined
  let properties: Map<string, string>
  try {
    // ISO-8859-1, as Java's Properties.load(InputStream) reads Kafka's file; our writer emits ASCII only.
    properties = parseProperties(data.toString('latin1'), path)
  } catch (error) {
    if (error instanceof PropertiesSyntaxError) throw new InvalidMetaPropertiesError(path, error.message, { cause: error })
    throw error
  }
  const version = properties.get('version') ?? '0'
  if (version !== '1') throw new InvalidMetaPropertiesError(path, `version ${version} is not supported; KRaft log dirs have version=1`)
  const clusterId = properties.get('cluster.id')
  if (clusterId === undefined || clusterId === '') throw new InvalidMetaPropertiesError(path, 'cluster.id was not found')
  const nodeIdText = properties.get('node.id')
  if (nodeIdText === undefined) throw new InvalidMetaPropertiesError(path, 'node.id was not found')
  if (!/^[0-9]{1,10}$/.test(nodeIdText) || Number(nodeIdText) > 2 ** 31 - 1) {
    throw new InvalidMetaPropertiesError(path, `node.id is not a non-negative int32: ${JSON.stringify(nodeIdText)}`)
  }
  const directoryId = properties.get('directory.id')
  if (directoryId !== undefined && !isKafkaUuid(directoryId)) {
    throw new InvalidMetaPropertiesError(path, `directory.id is not a UUID: ${JSON.stringify(directoryId)}`)
  }
  if (directoryId !== undefined && isReservedDirectoryId(directoryId)) {
    throw new InvalidMetaPropertiesError(path, `directory.id ${directoryId} is one of Kafka's reserved directory ids`)
  }
  return { version: 1, clusterId, nodeId: Number(nodeIdText), directoryId }
}

/**
 * Writes the log dir's meta.properties atomically and durably. Throws RangeError for values that
 * readMetaProperties would refuse.
 */
export async function writeMetaProperties(storage: Storage, logDir: string, properties: MetaProperties): Promise<void> {
  const { clusterId, nodeId, directoryId } = properties
  if (clusterId === '' || !Number.isInteger(nodeId) || nodeId < 0 || nodeId > 2 ** 31 - 1) {
    throw new RangeError(`invalid meta.properties: cluster.id ${JSON.stringify(clusterId)}, node.id ${nodeId}`)
  }
  if (directoryId !== undefined && (!isKafkaUuid(directoryId) || isReservedDirectoryId(directoryId))) {
    throw new RangeError(`invalid directory.id: ${JSON.stringify(directoryId)}`)
  }
  const entries: [string, string][] = [
    ['version', '1'],
    ['cluster.id', clusterId],
    ['node.id', String(nodeId)],
  ]
  if (directoryId !== undefined) entries.push(['directory.id', directoryId])
  const text = formatProperties(entries, 'Kafka log directory metadata (meta.properties, KRaft version 1)')
  await storage.writeFileAtomic(join(logDir, META_PROPERTIES_FILE), Buffer.from(text, 'latin1'))
}

/**
 * Compares a log dir's meta.properties with what this node expects, with Kafka's messages
 * (MetaPropertiesEnsemble.verify). `expected.clusterId` is omitted while no directory has
 * supplied one yet. Returns the first mismatch, or undefined when the directory is this node's.
 */
export function checkMetaProperties(
  found: MetaProperties,
  expected: { readonly clusterId?: string | undefined; readonly nodeId: number },
  logDir: string,
): MetaPropertiesMismatchError | undefined {
  const path = join(logDir, META_PROPERTIES_FILE)
  if (expected.clusterId !== undefined && found.clusterId !== expected.clusterId) {
    return new MetaPropertiesMismatchError(
      path, 'cluster.id', expected.clusterId, found.clusterId,
      `Invalid cluster.id in: ${path}. Expected ${expected.clusterId}, but read ${found.clusterId}`,
    )
  }
  if (found.nodeId !== expected.nodeId) {
    return new MetaPropertiesMismatchError(
      path, 'node.id', String(expected.nodeId), String(found.nodeId),
      `Stored node id ${found.nodeId} doesn't match previous node id ${expected.nodeId} in ${path}. ` +
        'If you moved your data, make sure your configured node id matches. ' +
        'If you intend to create a new node, you should remove all data in your data directories.',
    )
  }
  return undefined
}

/**
 * A fresh directory id: a random (version 4) UUID, drawn again while it is one of Kafka's reserved
 * ids or would print with a leading '-' (as Kafka's Uuid.randomUuid and DirectoryId.random avoid).
 */
export function newDirectoryId(randomBytes: (size: number) => Buffer = cryptoRandomBytes): string {
  for (;;) {
    const bytes = Buffer.from(randomBytes(16))
    bytes[6] = (bytes[6]! & 0x0f) | 0x40
    bytes[8] = (bytes[8]! & 0x3f) | 0x80
    const id = bytes.toString('base64url')
    if (!id.startsWith('-') && !isReservedDirectoryId(id)) return id
  }
}

/**
 * Kafka's DirectoryId.reserved: the most significant 64 bits are zero and the least significant,
 * read as a signed long, are below 100 (UNASSIGNED, LOST, MIGRATING and room for more).
 */
export function isReservedDirectoryId(directoryId: string): boolean {
  const bytes = Buffer.from(directoryId, 'base64url')
  return bytes.length === 16 && bytes.readBigUInt64BE(0) === 0n && bytes.readBigInt64BE(8) < 100n
}
