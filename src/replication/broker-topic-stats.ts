// What the replica manager reports about client traffic per topic (Kafka's BrokerTopicStats):
// appends for producers and reads for consumers, each per partition. The metrics implement it;
// the broker's own appends to internal topics are not client traffic and are not reported. A
// topic that does not exist is reported as undefined (counted for all topics only), so a client
// naming random topics cannot grow the per-topic series.

export interface BrokerTopicStats {
  /** A producer's batch appended to a partition of `topic`. */
  appended(topic: string, bytes: number, records: number): void
  /**
   * A producer's append refused; `rejectedBytes` is the batch's size when it was refused for its
   * content (too large, corrupt, invalid), else 0.
   */
  appendFailed(topic: string | undefined, rejectedBytes: number): void
  /** A consumer's read of one partition answered, with the bytes of record batches it carried. */
  fetched(topic: string, bytes: number): void
  /** A consumer's read of one partition answered with an error. */
  fetchFailed(topic: string | undefined): void
}
