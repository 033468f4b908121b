// How `sluice consume` prints a record. text is Kafka's DefaultMessageFormatter: the value, preceded
// by what --property print.timestamp / print.partition / print.offset / print.headers / print.key
// ask for, each followed by key.separator, then line.separator; keys and values as their raw bytes.
// json is one object per line for scripts: {topic, partition, offset, timestamp, key, value,
// headers: [{key, value}]}, bytes as UTF-8 text (invalid sequences become U+FFFD) or, with
// bytesEncoding base64, as base64 so that any bytes survive; null stays null.
import type { FetchedRecord } from '../client/fetch-records.js'

export interface TextFormat {
  readonly printTimestamp: boolean
  readonly printPartition: boolean
  readonly printOffset: boolean
  readonly printHeaders: boolean
  readonly printKey: boolean
  readonly printValue: boolean
  readonly keySeparator: string
  readonly lineSeparator: string
  readonly headersSeparator: string
  readonly headersKeySeparator: string
  /** Printed for a null key, value or header value (Kafka's null.literal). */
  readonly nullLiteral: string
}

export const DEFAULT_TEXT_FORMAT: TextFormat = {
  printTimestamp: false, printPartition: false, printOffset: false, printHeaders: false, printKey: false, printValue: true,
  keySeparator: '\t', lineSeparator: '\n', headersSeparator: ',', headersKeySeparator: ':', nullLiteral: 'null',
}

export type BytesEncoding = 'utf8' | 'base64'

/** The text line(s) for one record, as bytes (keys and values are written as they are stored). */
export function formatRecordText(partition: number, record: FetchedRecord, format: TextFormat): Buffer {
  const parts: (string | Buffer)[] = []
  const bytesOrNull = (bytes: Buffer | null): string | Buffer => bytes ?? format.nullLiteral
  if (format.printTimestamp) parts.push(record.timestamp < 0n ? 'NO_TIMESTAMP' : `${record.isLogAppendTime ? 'LogAppendTime' : 'CreateTime'}:${record.timestamp}`)
  if (format.printPartition) parts.push(`Partition:${partition}`)
  if (format.printOffset) parts.push(`Offset:${record.offset}`)
  if (format.printHeaders) {
    if (record.headers.length === 0) parts.push('NO_HEADERS')
    else {
      const headers: (string | Buffer)[] = []
      record.headers.forEach((header, index) => {
        if (index > 0) headers.push(format.headersSeparator)
        headers.push(header.key, format.headersKeySeparator, bytesOrNull(header.value))
      })
      parts.push(Buffer.concat(headers.map(asBuffer)))
    }
  }
  if (format.printKey) parts.push(bytesOrNull(record.key))
  if (format.printValue) parts.push(bytesOrNull(record.value))
  const line: Buffer[] = []
  parts.forEach((part, index) => {
    if (index > 0) line.push(asBuffer(format.keySeparator))
    line.push(asBuffer(part))
  })
  line.push(asBuffer(format.lineSeparator))
  return Buffer.concat(line)
}

/** One JSON line for a record. */
export function formatRecordJson(topic: string, partition: number, record: FetchedRecord, encoding: BytesEncoding): string {
  const text = (bytes: Buffer | null): string | null => bytes === null ? null : bytes.toString(encoding)
  return JSON.stringify({
    topic, partition, offset: safeNumber(record.offset), timestamp: safeNumber(record.timestamp),
    key: text(record.key), value: text(record.value),
    headers: record.headers.map((header) => ({ key: header.key, value: text(header.value) })),
  }) + '\n'
}

function asBuffer(part: string | Buffer): Buffer {
  return typeof part === 'string' ? Buffer.from(part, 'utf8') : part
}

/** An int64 as a JSON number while a double holds it exactly, else a string (as output.ts does). */
function safeNumber(value: bigint): number | string {
  return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(value) : value.toString()
}
