// The value of one record in the KRaft metadata log: unsigned varint frame version (always 1),
// unsigned varint record type (the record's apiKey), unsigned varint record version, then the
// record body, which is flexible in every version (Kafka's MetadataRecordSerde).
import { Reader } from '../protocol/reader.js'
import { Writer } from '../protocol/writer.js'
import { ProtocolDecodeError } from '../protocol/protocol-decode-error.js'
import { METADATA_RECORD_DESCRIPTORS, MetadataRecordType } from '../protocol/generated/metadata-registry.js'
import type { MetadataRecordDescriptor } from '../protocol/generated/metadata-registry.js'
import type { BrokerRegistrationChangeRecord } from '../protocol/generated/metadata/broker-registration-change-record.js'
import type { ConfigRecord } from '../protocol/generated/metadata/config-record.js'
import type { FeatureLevelRecord } from '../protocol/generated/metadata/feature-level-record.js'
import type { FenceBrokerRecord } from '../protocol/generated/metadata/fence-broker-record.js'
import type { NoOpRecord } from '../protocol/generated/metadata/no-op-record.js'
import type { PartitionChangeRecord } from '../protocol/generated/metadata/partition-change-record.js'
import type { PartitionRecord } from '../protocol/generated/metadata/partition-record.js'
import type { ProducerIdsRecord } from '../protocol/generated/metadata/producer-ids-record.js'
import type { RegisterBrokerRecord } from '../protocol/generated/metadata/register-broker-record.js'
import type { RemoveTopicRecord } from '../protocol/generated/metadata/remove-topic-record.js'
import type { TopicRecord } from '../protocol/generated/metadata/topic-record.js'
import type { UnfenceBrokerRecord } from '../protocol/generated/metadata/unfence-broker-record.js'
import type { UnregisterBrokerRecord } from '../protocol/generated/metadata/unregister-broker-record.js'

/** The only frame version Kafka writes (MetadataRecordSerde.DEFAULT_FRAME_VERSION). */
export const METADATA_RECORD_FRAME_VERSION = 1

/** The record types the broker's image understands, by name, with their value types. */
export interface MetadataRecordValues {
  RegisterBrokerRecord: RegisterBrokerRecord
  UnregisterBrokerRecord: UnregisterBrokerRecord
  TopicRecord: TopicRecord
  PartitionRecord: PartitionRecord
  ConfigRecord: ConfigRecord
  PartitionChangeRecord: PartitionChangeRecord
  FenceBrokerRecord: FenceBrokerRecord
  UnfenceBrokerRecord: UnfenceBrokerRecord
  RemoveTopicRecord: RemoveTopicRecord
  FeatureLevelRecord: FeatureLevelRecord
  ProducerIdsRecord: ProducerIdsRecord
  BrokerRegistrationChangeRecord: BrokerRegistrationChangeRecord
  NoOpRecord: NoOpRecord
}

export type MetadataRecordName = keyof MetadataRecordValues

/** One decoded metadata record: `type` names the record and narrows `value`. */
export type MetadataRecord = {
  [Name in MetadataRecordName]: {
    readonly type: Name
    readonly version: number
    readonly value: MetadataRecordValues[Name]
  }
}[MetadataRecordName]

const RECORD_TYPE_BY_NAME: { readonly [Name in MetadataRecordName]: number } = {
  RegisterBrokerRecord: MetadataRecordType.REGISTER_BROKER,
  UnregisterBrokerRecord: MetadataRecordType.UNREGISTER_BROKER,
  TopicRecord: MetadataRecordType.TOPIC,
  PartitionRecord: MetadataRecordType.PARTITION,
  ConfigRecord: MetadataRecordType.CONFIG,
  PartitionChangeRecord: MetadataRecordType.PARTITION_CHANGE,
  FenceBrokerRecord: MetadataRecordType.FENCE_BROKER,
  UnfenceBrokerRecord: MetadataRecordType.UNFENCE_BROKER,
  RemoveTopicRecord: MetadataRecordType.REMOVE_TOPIC,
  FeatureLevelRecord: MetadataRecordType.FEATURE_LEVEL,
  ProducerIdsRecord: MetadataRecordType.PRODUCER_IDS,
  BrokerRegistrationChangeRecord: MetadataRecordType.BROKER_REGISTRATION_CHANGE,
  NoOpRecord: MetadataRecordType.NO_OP,
}

const NAME_BY_RECORD_TYPE: ReadonlyMap<number, MetadataRecordName> = new Map(
  (Object.keys(RECORD_TYPE_BY_NAME) as MetadataRecordName[]).map((name) => [RECORD_TYPE_BY_NAME[name], name]),
)

/** The record type number (apiKey) of a record name. */
export function metadataRecordType(name: MetadataRecordName): number {
  return RECORD_TYPE_BY_NAME[name]
}

function descriptorOf(recordType: number): MetadataRecordDescriptor {
  const descriptor = METADATA_RECORD_DESCRIPTORS.get(recordType)
  if (descriptor === undefined) throw new RangeError(`no descriptor for metadata record type ${recordType}`)
  return descriptor
}

/**
 * Encodes one record as a metadata log record value (frame header, then body). A version the
 * record type does not have is a caller bug and throws RangeError.
 */
export function encodeMetadataRecord(record: MetadataRecord): Buffer {
  const recordType = RECORD_TYPE_BY_NAME[record.type]
  const descriptor = descriptorOf(recordType)
  if (record.version < descriptor.minVersion || record.version > descriptor.maxVersion) {
    throw new RangeError(`${record.type} has no version ${record.version}`)
  }
  const writer = new Writer(64)
  writer.unsignedVarint(METADATA_RECORD_FRAME_VERSION)
  writer.unsignedVarint(recordType)
  writer.unsignedVarint(record.version)
  descriptor.encode(record.version, writer, record.value)
  return writer.toBuffer()
}

/**
 * Decodes one metadata log record value. Throws ProtocolDecodeError for a frame version other than
 * 1, a record type the image does not handle (ACLs, quotas, SCRAM, delegation tokens, transactions,
 * ZK migration, controller registration, or a type Kafka has not defined), a version the type does
 * not have, a malformed body, or bytes left over after the body.
 */
export function decodeMetadataRecord(bytes: Buffer): MetadataRecord {
  const reader = new Reader(bytes)
  const frameVersion = reader.unsignedVarint()
  if (frameVersion !== METADATA_RECORD_FRAME_VERSION) {
    throw new ProtocolDecodeError(`unknown metadata record frame version ${frameVersion}`, 0)
  }
  const typeOffset = reader.offset
  const recordType = reader.unsignedVarint()
  const version = reader.unsignedVarint()
  const name = NAME_BY_RECORD_TYPE.get(recordType)
  const descriptor = METADATA_RECORD_DESCRIPTORS.get(recordType)
  if (name === undefined || descriptor === undefined) {
    throw new ProtocolDecodeError(`unknown metadata record type ${recordType}`, typeOffset).withApi(recordType, version)
  }
  if (version < descriptor.minVersion || version > descriptor.maxVersion) {
    throw new ProtocolDecodeError(`${name} has no version ${version}`, typeOffset).withApi(recordType, version)
  }
  try {
    const value = descriptor.decode(version, reader)
    reader.expectEnd(name)
    // The descriptor registered under `recordType` decodes exactly the value type named `name`.
    return { type: name, version, value } as MetadataRecord
  } catch (error) {
    if (error instanceof ProtocolDecodeError) throw error.withApi(recordType, version)
    throw error
  }
}
