// A zstd codec for kafkajs, which ships only gzip: the same shape as kafkajs-snappy and kafkajs-lz4
// (a factory returning compress(encoder) and decompress(buffer)), backed by @mongodb-js/zstd.
// Register it with `CompressionCodecs[CompressionTypes.ZSTD] = kafkajsZstdCodec`.
import { compress, decompress } from '@mongodb-js/zstd'

export interface KafkajsCodec {
  compress(encoder: { buffer: Buffer }): Promise<Buffer>
  decompress(buffer: Buffer): Promise<Buffer>
}

export function kafkajsZstdCodec(): KafkajsCodec {
  return {
    async compress(encoder) {
      return compress(encoder.buffer)
    },
    async decompress(buffer) {
      return decompress(buffer)
    },
  }
}
