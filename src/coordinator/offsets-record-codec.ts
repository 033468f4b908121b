// Keys and values of the records in `__consumer_offsets`, byte for byte as Kafka's group
// coordinator writes them (kafka-protocol/INTERNAL-TOPICS.md), so kafka-console-consumer's offsets
// formatter, kafka-dump-log and lag exporters read Sluice's topic as they read Kafka's.
// Each key and value opens with an int16 version. OffsetCommitKey is version 0 or 1 (same fields;
// we write 1 as Kafka does); GroupMetadataKey is version 2; versions 3 and above belong to record
// types Sluice does not have (KIP-848 consumer groups, share and streams groups) and are reported as
// unknown so the loader can skip them. OffsetCommitValue and GroupMetadataValue versions 0-4,
// flexible from 4.
import { SluiceError } from '../errors.js'
import { ProtocolDecodeError } from '../protocol/protocol-decode-error.js'
import { Reader } from '../protocol/reader.js'
import { Writer } from '../protocol/writer.js'

export const OFFSET_COMMIT_KEY_VERSION = 1
export const GROUP_METADATA_KEY_VERSION = 2
/** The value version Kafka writes for an ordinary commit (no expire timestamp, no tagged field). */
export const OFFSET_COMMIT_VALUE_VERSION = 3
const MAX_OFFSET_COMMIT_VALUE_VERSION = 4
const FIRST_FLEXIBLE_VALUE_VERSION = 4

/** A decoded `__consumer_offsets` key. */
export type OffsetsRecordKey =
  | { readonly type: 'offset-commit'; readonly version: number; readonly group: string; readonly topic: string; readonly partition: number }
  | { readonly type: 'group-metadata'; readonly version: number; readonly group: string }
  /** Key version 3 or above: a record type this broker does not know. */
  | { readonly type: 'unknown'; readonly version: number }

/** OffsetCommitValue with every version's fields; a version lacking a field reads its default. */
export interface OffsetCommitValue {
  readonly offset: bigint
  /** v3+, -1 when unknown. */
  readonly leaderEpoch: number
  readonly metadata: string
  readonly commitTimestamp: bigint
  /** v1 only, -1 otherwise. */
  readonly expireTimestamp: bigint
}

function withRecordContext<T>(what: string, decode: () => T): T {
  try {
    return decode()
  } catch (error) {
    if (error instanceof ProtocolDecodeError) throw new SluiceError('ERR_COORDINATOR_RECORD', `${what}: ${error.message}`, { cause: error })
    throw error
  }
}

export function encodeOffsetCommitKey(group: string, topic: string, partition: number): Buffer {
  const writer = new Writer(64)
  writer.int16(OFFSET_COMMIT_KEY_VERSION)
  writer.string(group)
  writer.string(topic)
  writer.int32(partition)
  return Buffer.from(writer.toBuffer())
}

export function encodeGroupMetadataKey(group: string): Buffer {
  const writer = new Writer(32)
  writer.int16(GROUP_METADATA_KEY_VERSION)
  writer.string(group)
  return Buffer.from(writer.toBuffer())
}

/** Throws SluiceError ERR_COORDINATOR_RECORD when a known key version is cut short. */
export function decodeOffsetsRecordKey(key: Buffer): OffsetsRecordKey {
  return withRecordContext('__consumer_offsets key', () => {
    const reader = new Reader(key)
    const version = reader.int16()
    if (version === 0 || version === 1) {
      const group = reader.string()
      const topic = reader.string()
      const partition = reader.int32()
      return { type: 'offset-commit', version, group, topic, partition }
    }
    if (version === GROUP_METADATA_KEY_VERSION) return { type: 'group-metadata', version, group: reader.string() }
    if (version > GROUP_METADATA_KEY_VERSION) return { type: 'unknown', version }
    return reader.fail(`key version ${version} does not exist`)
  })
}

/** Encodes at `version` (3 unless a caller needs another, as tests do for the older layouts). */
export function encodeOffsetCommitValue(value: OffsetCommitValue, version: number = OFFSET_COMMIT_VALUE_VERSION): Buffer {
  if (!Number.isInteger(version) || version < 0 || version > MAX_OFFSET_COMMIT_VALUE_VERSION) {
    throw new RangeError(`OffsetCommitValue has no version ${version}`)
  }
  const isFlexible = version >= FIRST_FLEXIBLE_VALUE_VERSION
  const writer = new Writer(64)
  writer.int16(version)
  writer.int64(value.offset)
  if (version >= 3) writer.int32(value.leaderEpoch)
  if (isFlexible) writer.compactString(value.metadata)
  else writer.string(value.metadata)
  writer.int64(value.commitTimestamp)
  if (version === 1) writer.int64(value.expireTimestamp)
  if (isFlexible) writer.unsignedVarint(0) // no tagged fields
  return Buffer.from(writer.toBuffer())
}

/**
 * Reads any OffsetCommitValue version 0-4. Tagged fields of v4 (Kafka 4.1 adds the topic id as
 * tag 0) are skipped: Sluice keys offsets by topic name. Throws SluiceError ERR_COORDINATOR_RECORD on
 * a later version or truncated bytes.
 */
export function decodeOffsetCommitValue(value: Buffer): OffsetCommitValue {
  return withRecordContext('__consumer_offsets OffsetCommitValue', () => {
    const reader = new Reader(value)
    const version = reader.int16()
    if (version < 0 || version > MAX_OFFSET_COMMIT_VALUE_VERSION) reader.fail(`value version ${version} is not 0-${MAX_OFFSET_COMMIT_VALUE_VERSION}`)
    const isFlexible = version >= FIRST_FLEXIBLE_VALUE_VERSION
    const offset = reader.int64()
    const leaderEpoch = version >= 3 ? reader.int32() : -1
    const metadata = isFlexible ? reader.compactString() : reader.string()
    const commitTimestamp = reader.int64()
    const expireTimestamp = version === 1 ? reader.int64() : -1n
    if (isFlexible) skipTaggedFields(reader)
    return { offset, leaderEpoch, metadata, commitTimestamp, expireTimestamp }
  })
}

/** The GroupMetadataValue version written when no tagged field is needed (v3 carries groupInstanceId). */
export const GROUP_METADATA_VALUE_VERSION = 3
const MAX_GROUP_METADATA_VALUE_VERSION = 4

/** One member in a GroupMetadataValue (Kafka's MemberMetadata). */
export interface GroupMetadataMember {
  readonly memberId: string
  /** v3+, null for a dynamic member. */
  readonly groupInstanceId: string | null
  readonly clientId: string
  readonly clientHost: string
  /** v1+; a v0 record reads the session timeout here, as Kafka's loader does. */
  readonly rebalanceTimeout: number
  readonly sessionTimeout: number
  /** The chosen protocol's metadata, as the member sent it. */
  readonly subscription: Buffer
  readonly assignment: Buffer
}

/** GroupMetadataValue with every version's fields; a version lacking a field reads its default. */
export interface GroupMetadataValue {
  readonly protocolType: string
  readonly generation: number
  readonly protocol: string | null
  readonly leader: string | null
  /** v2+, -1 otherwise. */
  readonly currentStateTimestamp: bigint
  readonly members: readonly GroupMetadataMember[]
}

/** Encodes at `version` (3 unless a caller needs another, as tests do for the older layouts). */
export function encodeGroupMetadataValue(value: GroupMetadataValue, version: number = GROUP_METADATA_VALUE_VERSION): Buffer {
  if (!Number.isInteger(version) || version < 0 || version > MAX_GROUP_METADATA_VALUE_VERSION) {
    throw new RangeError(`GroupMetadataValue has no version ${version}`)
  }
  const isFlexible = version >= FIRST_FLEXIBLE_VALUE_VERSION
  const writer = new Writer(256)
  const string = (text: string): void => (isFlexible ? writer.compactString(text) : writer.string(text))
  const nullableString = (text: string | null): void => (isFlexible ? writer.compactNullableString(text) : writer.nullableString(text))
  const bytes = (data: Buffer): void => (isFlexible ? writer.compactBytes(data) : writer.bytes(data))
  writer.int16(version)
  string(value.protocolType)
  writer.int32(value.generation)
  nullableString(value.protocol)
  nullableString(value.leader)
  if (version >= 2) writer.int64(value.currentStateTimestamp)
  const writeMember = (_: Writer, member: GroupMetadataMember): void => {
    string(member.memberId)
    if (version >= 3) nullableString(member.groupInstanceId)
    string(member.clientId)
    string(member.clientHost)
    if (version >= 1) writer.int32(member.rebalanceTimeout)
    writer.int32(member.sessionTimeout)
    bytes(member.subscription)
    bytes(member.assignment)
    if (isFlexible) writer.unsignedVarint(0)
  }
  if (isFlexible) writer.compactArray(value.members, writeMember)
  else writer.array(value.members, writeMember)
  if (isFlexible) writer.unsignedVarint(0)
  return Buffer.from(writer.toBuffer())
}

function skipTaggedFields(reader: Reader): void {
  const taggedFieldCount = reader.unsignedVarint()
  for (let index = 0; index < taggedFieldCount; index++) {
    reader.unsignedVarint() // tag
    reader.taggedFieldReader()
  }
}

/**
 * Reads any GroupMetadataValue version 0-4 (tagged fields skipped). Throws SluiceError
 * ERR_COORDINATOR_RECORD on a later version or truncated bytes.
 */
export function decodeGroupMetadataValue(value: Buffer): GroupMetadataValue {
  return withRecordContext('__consumer_offsets GroupMetadataValue', () => {
    const reader = new Reader(value)
    const version = reader.int16()
    if (version < 0 || version > MAX_GROUP_METADATA_VALUE_VERSION) reader.fail(`value version ${version} is not 0-${MAX_GROUP_METADATA_VALUE_VERSION}`)
    const isFlexible = version >= FIRST_FLEXIBLE_VALUE_VERSION
    const string = (): string => (isFlexible ? reader.compactString() : reader.string())
    const nullableString = (): string | null => (isFlexible ? reader.compactNullableString() : reader.nullableString())
    const bytes = (): Buffer => (isFlexible ? reader.compactBytes() : reader.bytes())
    const protocolType = string()
    const generation = reader.int32()
    const protocol = nullableString()
    const leader = nullableString()
    const currentStateTimestamp = version >= 2 ? reader.int64() : -1n
    const readMember = (): GroupMetadataMember => {
      const memberId = string()
      const groupInstanceId = version >= 3 ? nullableString() : null
      const clientId = string()
      const clientHost = string()
      const rebalanceTimeoutField = version >= 1 ? reader.int32() : undefined
      const sessionTimeout = reader.int32()
      const subscription = Buffer.from(bytes())
      const assignment = Buffer.from(bytes())
      if (isFlexible) skipTaggedFields(reader)
      return { memberId, groupInstanceId, clientId, clientHost, rebalanceTimeout: rebalanceTimeoutField ?? sessionTimeout, sessionTimeout, subscription, assignment }
    }
    // A member takes at least its two int32 timeouts and four length prefixes.
    const members = isFlexible ? reader.compactArray(8, readMember) : reader.array(8, readMember)
    if (isFlexible) skipTaggedFields(reader)
    return { protocolType, generation, protocol, leader, currentStateTimestamp, members }
  })
}
