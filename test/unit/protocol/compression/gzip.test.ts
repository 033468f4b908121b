import assert from 'node:assert/strict'
import { test } from 'node:test'
import { gzipSync } from 'node:zlib'
import { compressGzip, decompressGzip, decompressGzipSync } from '../../../../src/protocol/compression/gzip.js'
import { DecompressError } from '../../../../src/protocol/compression/decompress-error.js'
import { runPython } from '../../../helpers/python.js'

const LIMIT = 1024 * 1024

test('gzip decompress reads several concatenated members', async () => {
  const joined = Buffer.concat([gzipSync('first member, '), gzipSync('second member')])
  assert.equal((await decompressGzip(joined, LIMIT)).toString(), 'first member, second member')
  assert.equal(decompressGzipSync(joined, LIMIT).toString(), 'first member, second member')
})

test('gzip decompress refuses empty input and garbage after a member', async () => {
  await assert.rejects(decompressGzip(Buffer.alloc(0), LIMIT), DecompressError)
  await assert.rejects(decompressGzip(Buffer.concat([gzipSync('x'), Buffer.from('garbage')]), LIMIT), DecompressError)
})

test('gzip from kafka-python decodes, and python reads ours', async () => {
  const data = Buffer.from('kafka-python gzip '.repeat(2000))
  const fromPython = await runPython(
    'import sys; from kafka.codec import gzip_encode; sys.stdout.buffer.write(gzip_encode(sys.stdin.buffer.read()))',
    data,
  )
  assert.deepEqual(await decompressGzip(fromPython, LIMIT), data)
  const ours = await compressGzip(data)
  const back = await runPython(
    'import sys, gzip; sys.stdout.buffer.write(gzip.decompress(sys.stdin.buffer.read()))',
    ours,
  )
  assert.deepEqual(back, data)
})
