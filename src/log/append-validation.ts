// What the log checks in a producer's batch before writing it (Kafka's LogValidator, the parts
// that need no decompression here): max.message.bytes, the batch's framing and checksums, and
// message.timestamp.before/after.max.ms. Pure but for reading the clock.
import type { Clock } from '../clock.js'
import { BASE_TIMESTAMP_OFFSET, MAX_TIMESTAMP_OFFSET, checkRecordBatch } from '../protocol/record-batch.js'
import { NO_LIMIT, type LogConfig } from './log-config.js'
import type { AppendResult } from './partition-log.js'

type Refusal = Extract<AppendResult, { readonly ok: false }>

/** Why a batch is refused (MESSAGE_TOO_LARGE, CORRUPT_MESSAGE, INVALID_RECORD, INVALID_TIMESTAMP), or undefined. */
export function batchRefusal(batch: Buffer, config: LogConfig, clock: Clock): Refusal | undefined {
  if (batch.length > config.maxMessageBytes) {
    return { ok: false, problem: 'batch-too-large', reason: `batch of ${batch.length} bytes exceeds max.message.bytes ${config.maxMessageBytes}` }
  }
  const fault = checkRecordBatch(batch)
  if (fault !== undefined) return { ok: false, problem: fault.problem, reason: fault.reason }
  return timestampRefusal(batch, config, clock)
}

/**
 * message.timestamp.before/after.max.ms for CreateTime topics (KIP-937). Kafka checks every
 * record; the batch's first timestamp and its largest bound them without decompressing (a record
 * timestamped before the first one is the one case this lets through).
 */
function timestampRefusal(batch: Buffer, config: LogConfig, clock: Clock): Refusal | undefined {
  if (config.messageTimestampType !== 'CreateTime') return undefined
  if (config.messageTimestampBeforeMaxMs >= NO_LIMIT && config.messageTimestampAfterMaxMs >= NO_LIMIT) return undefined
  // The clock is read only for topics that set a window: not on every append.
  const now = BigInt(clock.nowMs())
  const earliest = now - BigInt(config.messageTimestampBeforeMaxMs)
  const latest = now + BigInt(config.messageTimestampAfterMaxMs)
  for (const timestamp of [batch.readBigInt64BE(BASE_TIMESTAMP_OFFSET), batch.readBigInt64BE(MAX_TIMESTAMP_OFFSET)]) {
    if (timestamp >= 0n && (timestamp < earliest || timestamp > latest)) {
      return {
        ok: false, problem: 'invalid-timestamp',
        reason: `Timestamp ${timestamp} of message is out of range. The timestamp should be within [${earliest}, ${latest}]`,
      }
    }
  }
  return undefined
}
