// One line of the console producer's input into a record, as Kafka's LineMessageReader reads it
// (kafka-console-producer.sh --property …): with parse.headers, the headers come first and end at
// headers.delimiter; with parse.key, the key ends at key.separator; null.marker stands for null.
import { SluiceError } from '../errors.js'
import type { RecordHeader } from '../protocol/read-records.js'

export interface LineFormat {
  readonly parseKey: boolean
  /** Kafka's key.separator; default a tab. */
  readonly keySeparator: string
  readonly parseHeaders: boolean
  /** Kafka's headers.delimiter: between the headers and the rest of the line; default a tab. */
  readonly headersDelimiter: string
  /** Kafka's headers.separator: between two headers; default ','. */
  readonly headersSeparator: string
  /** Kafka's headers.key.separator: between a header's key and value; default ':'. */
  readonly headersKeySeparator: string
  /** Kafka's null.marker: a key, value or header value equal to it is null. */
  readonly nullMarker: string | undefined
  /** Kafka's ignore.error: a line without a separator is taken whole rather than refused. */
  readonly ignoreError: boolean
}

export const DEFAULT_LINE_FORMAT: LineFormat = {
  parseKey: false, keySeparator: '\t', parseHeaders: false, headersDelimiter: '\t', headersSeparator: ',',
  headersKeySeparator: ':', nullMarker: undefined, ignoreError: false,
}

export interface ParsedLine {
  readonly key: Buffer | null
  readonly value: Buffer | null
  readonly headers: readonly RecordHeader[]
}

/** A line that does not match the format (and ignore.error is off): exit 1 naming the line. */
export class BadInputLineError extends SluiceError {
  constructor(lineNumber: number, problem: string) {
    super('ERR_BAD_INPUT', `line ${lineNumber}: ${problem}`)
  }
}

/** The record a line stands for; throws BadInputLineError when a separator is missing. */
export function parseProducerLine(line: string, lineNumber: number, format: LineFormat): ParsedLine {
  let rest = line
  let headers: RecordHeader[] = []
  if (format.parseHeaders) {
    const end = rest.indexOf(format.headersDelimiter)
    if (end === -1) {
      if (!format.ignoreError) throw new BadInputLineError(lineNumber, `no headers delimiter ${JSON.stringify(format.headersDelimiter)} found`)
    } else {
      headers = parseHeaders(rest.slice(0, end), lineNumber, format)
      rest = rest.slice(end + format.headersDelimiter.length)
    }
  }
  let key: Buffer | null = null
  if (format.parseKey) {
    const end = rest.indexOf(format.keySeparator)
    if (end === -1) {
      if (!format.ignoreError) throw new BadInputLineError(lineNumber, `no key separator ${JSON.stringify(format.keySeparator)} found`)
    } else {
      key = nullable(rest.slice(0, end), format)
      rest = rest.slice(end + format.keySeparator.length)
    }
  }
  return { key, value: nullable(rest, format), headers }
}

function parseHeaders(text: string, lineNumber: number, format: LineFormat): RecordHeader[] {
  if (text === '') return []
  return text.split(format.headersSeparator).map((pair) => {
    const end = pair.indexOf(format.headersKeySeparator)
    if (end === -1) {
      if (format.ignoreError) return { key: pair, value: null }
      throw new BadInputLineError(lineNumber, `no header key separator ${JSON.stringify(format.headersKeySeparator)} in ${JSON.stringify(pair)}`)
    }
    const key = pair.slice(0, end)
    if (key === format.nullMarker) throw new BadInputLineError(lineNumber, 'a header key cannot be the null marker')
    return { key, value: nullable(pair.slice(end + format.headersKeySeparator.length), format) }
  })
}

function nullable(text: string, format: LineFormat): Buffer | null {
  return text === format.nullMarker ? null : Buffer.from(text, 'utf8')
}
