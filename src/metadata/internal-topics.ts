// Kafka's internal topics (Topic.INTERNAL_TOPICS): written by the coordinators, not by clients.

/** Committed offsets and group metadata (the group coordinator's log). */
export const OFFSETS_TOPIC = '__consumer_offsets'

/** Transaction state (the transaction coordinator's log). */
export const TRANSACTION_STATE_TOPIC = '__transaction_state'

export const INTERNAL_TOPICS: ReadonlySet<string> = new Set([OFFSETS_TOPIC, TRANSACTION_STATE_TOPIC])
