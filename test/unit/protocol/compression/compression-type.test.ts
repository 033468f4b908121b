import assert from 'node:assert/strict'
import { test } from 'node:test'
import {
  CompressionType,
  compressionName,
  compressionTypeFromAttributes,
  compressionTypeFromName,
  withCompressionType,
} from '../../../../src/protocol/compression/compression-type.js'

test('codec ids map to and from attribute bits 0-2 and names', () => {
  assert.equal(compressionTypeFromAttributes(0x0004), CompressionType.ZSTD)
  assert.equal(compressionTypeFromAttributes(0x0018 | 2), CompressionType.SNAPPY)
  assert.equal(compressionTypeFromAttributes(0x0005), undefined)
  assert.equal(compressionTypeFromAttributes(0x0007), undefined)
  assert.equal(withCompressionType(0x0018 | 1, CompressionType.LZ4), 0x0018 | 3)
  for (const type of [
    CompressionType.NONE,
    CompressionType.GZIP,
    CompressionType.SNAPPY,
    CompressionType.LZ4,
    CompressionType.ZSTD,
  ]) {
    assert.equal(compressionTypeFromName(compressionName(type)), type)
  }
  assert.equal(compressionName(CompressionType.LZ4), 'lz4')
  assert.equal(compressionTypeFromName('producer'), undefined)
})
