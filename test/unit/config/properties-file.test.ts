import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { PropertiesSyntaxError, formatProperties, parseProperties } from '../../../src/config/properties-file.js'

test('properties: comments, blank lines, the three separators and surrounding blanks', () => {
  const text = [
    '# a comment',
    '! another comment',
    '',
    '   ',
    'plain=value',
    '  indented.key = spaced value  ',
    'colon:value',
    'blank value',
    'empty=',
    'bare',
    'twice=first',
    'twice=second',
    'blank.then.equals   =  x',
  ].join('\n')
  assert.deepEqual(
    [...parseProperties(text)],
    [
      ['plain', 'value'],
      ['indented.key', 'spaced value'],
      ['colon', 'value'],
      ['blank', 'value'],
      ['empty', ''],
      ['bare', ''],
      ['twice', 'second'],
      ['blank.then.equals', 'x'],
    ],
  )
})

test('properties: escapes, continuation lines and line endings as Java reads them', () => {
  const text = 'a\\=b=c\\:d\r\ntab=x\\ty\\u0041\\\\\rlong=one, \\\n    two, \\\r\n  three\nend=escaped blank\\ \n# comment ending in a backslash \\\nnot.continued=yes'
  assert.deepEqual(
    [...parseProperties(text)],
    [
      ['a=b', 'c:d'],
      ['tab', 'x\tyA\\'],
      ['long', 'one, two, three'],
      ['end', 'escaped blank '],
      ['not.continued', 'yes'],
    ],
  )
})

test('properties: a malformed \\u escape is a PropertiesSyntaxError naming the line', () => {
  assert.throws(
    () => parseProperties('ok=1\n\nbad=\\u12G4\n', 'server.properties'),
    (error: unknown) => {
      assert.ok(error instanceof PropertiesSyntaxError)
      assert.equal(error.code, 'ERR_PROPERTIES_SYNTAX')
      assert.equal(error.lineNumber, 3)
      assert.match(error.message, /^server\.properties, line 3: /)
      return true
    },
  )
})

test('properties: formatted text parses back to the same entries', () => {
  // Any UTF-16 code unit (lone surrogates included), with the characters the format gives meaning to made frequent.
  const unit = fc.oneof(
    fc.constantFrom(' ', '\t', '\f', '\n', '\r', '\\', '=', ':', '#', '!', 'u', 'a'),
    fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)),
  )
  const text = fc.string({ unit, maxLength: 16 })
  fc.assert(
    fc.property(fc.uniqueArray(fc.tuple(text, text), { selector: ([key]) => key, maxLength: 6 }), (entries) => {
      const text = formatProperties(entries, 'a comment\nof two lines')
      assert.match(text, /^[\x00-\x7f]*$/, 'ASCII only')
      assert.deepEqual([...parseProperties(text)], entries)
    }),
  )
})

test('properties: formatting escapes as Java does and prefixes comment lines with #', () => {
  assert.equal(
    formatProperties([['key with blank', ' lead#!=:\\ trail '], ['é', 'ü\n']], 'one\n\ntwo'),
    '# one\n#\n# two\nkey\\ with\\ blank=\\ lead\\#\\!\\=\\:\\\\ trail\\ \n\\u00E9=\\u00FC\\n\n',
  )
})
