// Java .properties text, as java.util.Properties reads and writes it: server.properties here, and
// meta.properties in the log layer. Supported: '#' and '!' comments, "key=value",
// "key:value" and "key value", backslash continuation lines, and the escapes \t \n \r \f \uXXXX
// and \<char>. One difference from Java: unescaped trailing blanks of a value are dropped (Java
// keeps them; Kafka's config parsing trims them anyway), so "\ " is how a value ends in a blank.
import { SluiceError } from '../errors.js'

/** The text is not valid .properties (only a malformed \uXXXX escape makes it so). */
export class PropertiesSyntaxError extends SluiceError {
  constructor(
    /** Where the text came from (a path), for the message. */
    readonly source: string,
    /** 1-based line where the logical line holding the error starts. */
    readonly lineNumber: number,
    detail: string,
  ) {
    super('ERR_PROPERTIES_SYNTAX', `${source}, line ${lineNumber}: ${detail}`)
  }
}

const isBlank = (c: string | undefined): boolean => c === ' ' || c === '\t' || c === '\f'

/**
 * Keys and values in file order; a key given twice keeps its last value, as in Java. Throws
 * PropertiesSyntaxError (naming `source` and the line) for a malformed \uXXXX escape.
 */
export function parseProperties(text: string, source = 'properties text'): Map<string, string> {
  const naturalLines = text.split(/\r\n|\r|\n/)
  const properties = new Map<string, string>()
  let next = 0
  while (next < naturalLines.length) {
    const lineNumber = next + 1
    let line = stripLeadingBlanks(naturalLines[next]!)
    next++
    // Comments are whole natural lines: a comment never continues onto the next line.
    if (line === '' || line[0] === '#' || line[0] === '!') continue
    while (endsInEscape(line)) {
      line = line.slice(0, -1)
      if (next >= naturalLines.length) break
      line += stripLeadingBlanks(naturalLines[next]!)
      next++
    }
    const { key, value } = splitKeyValue(line)
    properties.set(unescape(key, source, lineNumber), unescape(stripTrailingBlanks(value), source, lineNumber))
  }
  return properties
}

/**
 * .properties text: `comment` as '#' lines, then one "key=value" line per entry in the order
 * given. Escapes what Java's Properties.store escapes ('\', '=', ':', '#', '!', control
 * characters, blanks in keys, a leading blank in values), plus trailing blanks of values (see the
 * note at the top) and every non-ASCII character as \uXXXX, so the text is ASCII and reads back the
 * same whether decoded as UTF-8 or, as Java's Properties.load(InputStream) does, ISO-8859-1.
 */
export function formatProperties(entries: Iterable<readonly [string, string]>, comment?: string): string {
  let text = ''
  if (comment !== undefined) {
    for (const line of comment.split(/\r\n|\r|\n/)) text += line === '' ? '#\n' : `# ${line.replace(/[^\x20-\x7e]/g, unicodeEscape)}\n`
  }
  for (const [key, value] of entries) text += `${escape(key, true)}=${escape(value, false)}\n`
  return text
}

function stripLeadingBlanks(line: string): string {
  let start = 0
  while (isBlank(line[start])) start++
  return line.slice(start)
}

/** True when the line ends in an odd number of backslashes: the last one escapes the line break. */
function endsInEscape(line: string): boolean {
  let count = 0
  while (line[line.length - 1 - count] === '\\') count++
  return count % 2 === 1
}

/** Java's rule: the key ends at the first unescaped '=', ':' or blank; blanks and one separator follow. */
function splitKeyValue(line: string): { key: string; value: string } {
  let keyEnd = 0
  let valueStart = line.length
  let hasSeparator = false
  let escaped = false
  while (keyEnd < line.length) {
    const c = line[keyEnd]!
    if (!escaped && (c === '=' || c === ':')) {
      valueStart = keyEnd + 1
      hasSeparator = true
      break
    }
    if (!escaped && isBlank(c)) {
      valueStart = keyEnd + 1
      break
    }
    escaped = c === '\\' ? !escaped : false
    keyEnd++
  }
  while (valueStart < line.length) {
    const c = line[valueStart]!
    if (!isBlank(c)) {
      if (hasSeparator || (c !== '=' && c !== ':')) break
      hasSeparator = true
    }
    valueStart++
  }
  return { key: line.slice(0, keyEnd), value: line.slice(valueStart) }
}

/** Drops trailing blanks that are not escaped (a blank after an odd run of backslashes is). */
function stripTrailingBlanks(value: string): string {
  let end = value.length
  while (end > 0 && isBlank(value[end - 1])) {
    let backslashes = 0
    while (value[end - 2 - backslashes] === '\\') backslashes++
    if (backslashes % 2 === 1) break
    end--
  }
  return value.slice(0, end)
}

const ESCAPED_CONTROL: Readonly<Record<string, string>> = { t: '\t', n: '\n', r: '\r', f: '\f' }

function unescape(text: string, source: string, lineNumber: number): string {
  if (!text.includes('\\')) return text
  let result = ''
  for (let index = 0; index < text.length; index++) {
    const c = text[index]!
    if (c !== '\\') {
      result += c
      continue
    }
    index++
    const escapedChar = text[index]
    // A lone backslash at the very end (left by a continuation at end of input) escapes nothing.
    if (escapedChar === undefined) break
    if (escapedChar === 'u') {
      const hex = text.slice(index + 1, index + 5)
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new PropertiesSyntaxError(source, lineNumber, `malformed \\uxxxx escape: \\u${hex}`)
      result += String.fromCharCode(Number.parseInt(hex, 16))
      index += 4
    } else {
      result += ESCAPED_CONTROL[escapedChar] ?? escapedChar
    }
  }
  return result
}

function unicodeEscape(c: string): string {
  return `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`
}

function escape(text: string, isKey: boolean): string {
  let result = ''
  for (let index = 0; index < text.length; index++) {
    const c = text[index]!
    const code = c.charCodeAt(0)
    if (c === ' ') {
      const isEdge = index === 0 || text.slice(index).trim() === ''
      result += isKey || isEdge ? '\\ ' : ' '
    } else if (c === '\\' || c === '=' || c === ':' || c === '#' || c === '!') {
      result += `\\${c}`
    } else if (c === '\t') {
      result += '\\t'
    } else if (c === '\n') {
      result += '\\n'
    } else if (c === '\r') {
      result += '\\r'
    } else if (c === '\f') {
      result += '\\f'
    } else if (code < 0x20 || code > 0x7e) {
      result += unicodeEscape(c)
    } else {
      result += c
    }
  }
  return result
}
