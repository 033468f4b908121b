import assert from 'node:assert/strict'
import { test } from 'node:test'
import { BadInputLineError, DEFAULT_LINE_FORMAT, parseProducerLine } from '../../../src/cli/parse-producer-line.js'

const plain = (parsed: ReturnType<typeof parseProducerLine>): unknown => ({
  key: parsed.key?.toString() ?? null,
  value: parsed.value?.toString() ?? null,
  headers: parsed.headers.map((header) => [header.key, header.value?.toString() ?? null]),
})

test('without parse.key the whole line is the value, separators included', () => {
  assert.deepEqual(plain(parseProducerLine('a:b\tc', 1, DEFAULT_LINE_FORMAT)), { key: null, value: 'a:b\tc', headers: [] })
})

test('parse.key splits at the first key.separator', () => {
  const format = { ...DEFAULT_LINE_FORMAT, parseKey: true, keySeparator: ':' }
  assert.deepEqual(plain(parseProducerLine('k:v:w', 1, format)), { key: 'k', value: 'v:w', headers: [] })
  assert.deepEqual(plain(parseProducerLine(':v', 1, format)), { key: '', value: 'v', headers: [] })
  assert.throws(() => parseProducerLine('no separator', 7, format), (error: unknown) =>
    error instanceof BadInputLineError && error.message === 'line 7: no key separator ":" found')
  assert.deepEqual(plain(parseProducerLine('whole', 1, { ...format, ignoreError: true })), { key: null, value: 'whole', headers: [] })
})

test('parse.headers reads headers before headers.delimiter, then the key and the value, as Kafka\'s LineMessageReader', () => {
  const format = { ...DEFAULT_LINE_FORMAT, parseKey: true, parseHeaders: true }
  assert.deepEqual(plain(parseProducerLine('h1:v1,h2:v:2\tkey\tvalue', 1, format)), { key: 'key', value: 'value', headers: [['h1', 'v1'], ['h2', 'v:2']] })
  const custom = { ...format, headersDelimiter: '|', headersSeparator: ';', headersKeySeparator: '=', keySeparator: ' ' }
  assert.deepEqual(plain(parseProducerLine('a=1;b=|k v', 1, custom)), { key: 'k', value: 'v', headers: [['a', '1'], ['b', '']] })
  assert.throws(() => parseProducerLine('a1\tk\tv', 2, format), /line 2: no header key separator ":" in "a1"/)
  assert.throws(() => parseProducerLine('no delimiter', 3, format), /line 3: no headers delimiter "\\t" found/)
})

test('null.marker stands for a null key, value or header value', () => {
  const format = { ...DEFAULT_LINE_FORMAT, parseKey: true, parseHeaders: true, nullMarker: 'NULL' }
  assert.deepEqual(plain(parseProducerLine('h:NULL\tNULL\tNULL', 1, format)), { key: null, value: null, headers: [['h', null]] })
})
