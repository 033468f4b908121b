// Which `__consumer_offsets` (or `__transaction_state`) partition holds a group's (or transactional
// id's) records. Kafka computes Utils.abs(key.hashCode()) % partitionCount (GroupCoordinator
// partitionFor), so a client that hashes itself, and every tool reading the topic, agrees with us.

/** Java's String.hashCode: s[0]*31^(n-1) + … + s[n-1] over UTF-16 code units, in int32 arithmetic. */
export function javaStringHashCode(value: string): number {
  let hash = 0
  for (let index = 0; index < value.length; index++) {
    hash = (Math.imul(hash, 31) + value.charCodeAt(index)) | 0
  }
  return hash
}

/** Kafka's Utils.abs: Math.abs, except that Integer.MIN_VALUE (which has no positive int) maps to 0. */
export function kafkaAbs(value: number): number {
  return value === -0x80000000 ? 0 : Math.abs(value)
}

/** The partition of `groupId` in a topic of `partitionCount` partitions. */
export function partitionForGroup(groupId: string, partitionCount: number): number {
  if (!Number.isInteger(partitionCount) || partitionCount < 1) throw new RangeError(`partition count ${partitionCount} is not positive`)
  return kafkaAbs(javaStringHashCode(groupId)) % partitionCount
}
