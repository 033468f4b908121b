// A partition's name on disk and in the per-log-dir checkpoint maps: "<topic>-<partition>", as
// Kafka names its partition directories. Topic names may themselves contain '-' and '.', so the
// partition is whatever follows the LAST '-' (Kafka's UnifiedLog.parseTopicPartitionName does the same).

export interface TopicPartition {
  readonly topic: string
  readonly partition: number
}

// Kafka's legal topic names (Topic.validate): [a-zA-Z0-9._-], 1 to 249 characters, not "." or "..".
const LEGAL_TOPIC = /^[a-zA-Z0-9._-]{1,249}$/
// A partition index as Kafka prints it: a non-negative int32 without sign or leading zeros.
const PARTITION_DIGITS = /^(0|[1-9][0-9]{0,9})$/
const MAX_INT32 = 2 ** 31 - 1

/** The map key of a partition in checkpoint maps, also the partition directory's name. */
export function topicPartitionKey(topic: string, partition: number): string {
  return `${topic}-${partition}`
}

/** Same as topicPartitionKey: the name of the partition's directory inside a log dir. */
export function formatTopicPartitionDirectory(topicPartition: TopicPartition): string {
  return topicPartitionKey(topicPartition.topic, topicPartition.partition)
}

/**
 * Splits "<topic>-<partition>" at the last '-'. Returns undefined for anything that is not a legal
 * topic name followed by a partition index: files such as meta.properties, and the directories
 * Kafka renames away ("<topic>-<partition>.<id>-delete", "-future", "-stray"), whose text after
 * the last '-' is not a number.
 */
export function parseTopicPartition(name: string): TopicPartition | undefined {
  const dash = name.lastIndexOf('-')
  if (dash <= 0) return undefined
  const topic = name.slice(0, dash)
  const digits = name.slice(dash + 1)
  if (!isLegalTopicName(topic) || !PARTITION_DIGITS.test(digits)) return undefined
  const partition = Number(digits)
  if (partition > MAX_INT32) return undefined
  return { topic, partition }
}

/** Kafka's topic name rule: [a-zA-Z0-9._-], 1 to 249 characters, and not "." or "..". */
export function isLegalTopicName(topic: string): boolean {
  return LEGAL_TOPIC.test(topic) && topic !== '.' && topic !== '..'
}
