// Kafka's default partitioner for keyed records: murmur2 of the key bytes, made positive, modulo
// the partition count (Java's Utils.murmur2 / Utils.toPositive, BuiltInPartitioner.partitionForKey),
// so a key lands where the Java client, librdkafka's murmur2_random and kafkajs's DefaultPartitioner
// put it. Records without a key use a sticky partition (KIP-480), changed per batch by the producer.

/** Java's Utils.murmur2: a signed 32-bit hash, byte for byte the same as Kafka's. */
export function murmur2(data: Uint8Array): number {
  const length = data.length
  const m = 0x5bd1e995
  const r = 24
  let h = (0x9747b28c ^ length) | 0
  const length4 = length >>> 2
  for (let i = 0; i < length4; i++) {
    const i4 = i * 4
    let k = (data[i4]! | (data[i4 + 1]! << 8) | (data[i4 + 2]! << 16) | (data[i4 + 3]! << 24)) | 0
    k = Math.imul(k, m)
    k ^= k >>> r
    k = Math.imul(k, m)
    h = Math.imul(h, m)
    h ^= k
  }
  // Java's switch falls through from 3 to 1: the remaining bytes, then one multiply.
  const tail = length & ~3
  const remaining = length % 4
  if (remaining >= 3) h ^= data[tail + 2]! << 16
  if (remaining >= 2) h ^= data[tail + 1]! << 8
  if (remaining >= 1) {
    h ^= data[tail]!
    h = Math.imul(h, m)
  }
  h ^= h >>> 13
  h = Math.imul(h, m)
  h ^= h >>> 15
  return h | 0
}

/** Java's Utils.toPositive: clears the sign bit (not Math.abs, which fails for MIN_VALUE). */
export function toPositive(value: number): number {
  return value & 0x7fffffff
}

/** The partition of a keyed record among `partitionCount` partitions, as Kafka's default partitioner picks it. */
export function partitionForKey(key: Uint8Array, partitionCount: number): number {
  return toPositive(murmur2(key)) % partitionCount
}
