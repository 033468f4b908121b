// Control records: the single record of a control batch (attribute bit 5). Its key is
// version int16 (0) + type int16. Transaction markers (COMMIT, ABORT; KIP-98) carry the value
// version int16 (0) + coordinatorEpoch int32 and are written by the broker, never by producers,
// with the transactional bit and the producer's id and epoch. The other types belong to the KRaft
// metadata log; their values are described in kafka-protocol/message/ and decoded elsewhere.
import { buildRecordBatchSync } from './build-record-batch.js'
import { ProtocolDecodeError } from './protocol-decode-error.js'
import { NO_PARTITION_LEADER_EPOCH, NO_SEQUENCE } from './record-batch.js'

export enum ControlRecordType {
  ABORT = 0,
  COMMIT = 1,
  LEADER_CHANGE = 2,
  SNAPSHOT_HEADER = 3,
  SNAPSHOT_FOOTER = 4,
  KRAFT_VERSION = 5,
  KRAFT_VOTERS = 6,
}

const CONTROL_KEY_VERSION = 0
const END_TRANSACTION_MARKER_VERSION = 0
const CONTROL_KEY_SIZE = 4
const END_TRANSACTION_MARKER_VALUE_SIZE = 6

export function encodeControlRecordKey(type: ControlRecordType): Buffer {
  const key = Buffer.allocUnsafe(CONTROL_KEY_SIZE)
  key.writeInt16BE(CONTROL_KEY_VERSION, 0)
  key.writeInt16BE(type, 2)
  return key
}

/**
 * The type in a control record's key, or undefined for a type this broker does not know (Kafka
 * treats those as UNKNOWN and skips them). Throws ProtocolDecodeError for a missing or short key
 * or a negative version; a newer version is read as version 0, as Kafka does.
 */
export function readControlRecordType(key: Buffer | null): ControlRecordType | undefined {
  if (key === null || key.length < CONTROL_KEY_SIZE) {
    throw new ProtocolDecodeError('control record key is missing or short', 0)
  }
  const version = key.readInt16BE(0)
  if (version < 0) throw new ProtocolDecodeError(`negative control record key version ${version}`, 0)
  const type = key.readInt16BE(2)
  return type >= ControlRecordType.ABORT && type <= ControlRecordType.KRAFT_VOTERS
    ? (type as ControlRecordType)
    : undefined
}

export function encodeEndTransactionMarkerValue(coordinatorEpoch: number): Buffer {
  const value = Buffer.allocUnsafe(END_TRANSACTION_MARKER_VALUE_SIZE)
  value.writeInt16BE(END_TRANSACTION_MARKER_VERSION, 0)
  value.writeInt32BE(coordinatorEpoch, 2)
  return value
}

/** Reads a COMMIT/ABORT marker's value. Throws ProtocolDecodeError if it is missing or short. */
export function readEndTransactionMarkerValue(value: Buffer | null): { readonly coordinatorEpoch: number } {
  if (value === null || value.length < END_TRANSACTION_MARKER_VALUE_SIZE) {
    throw new ProtocolDecodeError('end transaction marker value is missing or short', 0)
  }
  const version = value.readInt16BE(0)
  if (version < 0) throw new ProtocolDecodeError(`negative end transaction marker version ${version}`, 0)
  return { coordinatorEpoch: value.readInt32BE(2) }
}

export interface EndTransactionMarkerInput {
  readonly type: ControlRecordType.COMMIT | ControlRecordType.ABORT
  readonly producerId: bigint
  readonly producerEpoch: number
  readonly coordinatorEpoch: number
  readonly timestamp: bigint
  readonly baseOffset?: bigint
  readonly partitionLeaderEpoch?: number
}

/** A COMMIT or ABORT marker batch, as the broker appends it on WriteTxnMarkers. Uncompressed. */
export function buildEndTransactionMarker(input: EndTransactionMarkerInput): Buffer {
  return buildRecordBatchSync({
    baseOffset: input.baseOffset ?? 0n,
    partitionLeaderEpoch: input.partitionLeaderEpoch ?? NO_PARTITION_LEADER_EPOCH,
    isTransactional: true,
    isControl: true,
    producerId: input.producerId,
    producerEpoch: input.producerEpoch,
    baseSequence: NO_SEQUENCE,
    records: [
      {
        key: encodeControlRecordKey(input.type),
        value: encodeEndTransactionMarkerValue(input.coordinatorEpoch),
        timestamp: input.timestamp,
      },
    ],
  })
}
