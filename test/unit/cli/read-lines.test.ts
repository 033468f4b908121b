import assert from 'node:assert/strict'
import { test } from 'node:test'
import { readLines } from '../../../src/cli/read-lines.js'

async function linesOf(chunks: Buffer[]): Promise<string[]> {
  const lines: string[] = []
  for await (const line of readLines(chunks)) lines.push(line)
  return lines
}

test('lines are split across chunk boundaries, CRLF ends lines too, and a last line without a newline counts', async () => {
  assert.deepEqual(await linesOf([Buffer.from('one\ntw'), Buffer.from('o\r\n\nthr'), Buffer.from('ee')]), ['one', 'two', '', 'three'])
  assert.deepEqual(await linesOf([Buffer.from('a\n')]), ['a'])
  assert.deepEqual(await linesOf([]), [])
})

test('a UTF-8 character split between chunks is decoded whole', async () => {
  const euro = Buffer.from('€\n')
  assert.deepEqual(await linesOf([euro.subarray(0, 1), euro.subarray(1)]), ['€'])
})
