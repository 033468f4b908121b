// The committed offsets of the groups in one `__consumer_offsets` partition, as replayed from its
// records: the latest value per (group, topic, partition) wins and a tombstone deletes. A group
// exists while it has an entry here, as Kafka's coordinator creates a "simple" group for offsets
// committed without membership (OffsetMetadataManager.replay) and removes it on a GroupMetadata
// tombstone.

/** One committed offset (Kafka's OffsetAndMetadata). */
export interface CommittedOffset {
  readonly offset: bigint
  /** -1 when the committer did not know it. */
  readonly leaderEpoch: number
  readonly metadata: string
  readonly commitTimestamp: bigint
  /** -1 unless a v1 value carried one. */
  readonly expireTimestamp: bigint
}

/** A group's committed offsets by topic, then partition. */
export class GroupOffsets {
  readonly byTopic = new Map<string, Map<number, CommittedOffset>>()
  /** Per key, the sequence of the write that set it: an older write finishing late never wins. */
  private readonly writeSequences = new Map<string, number>()

  get(topic: string, partition: number): CommittedOffset | undefined {
    return this.byTopic.get(topic)?.get(partition)
  }

  /** Sets the offset unless a later write (higher `writeSequence`) already set it. */
  put(topic: string, partition: number, committed: CommittedOffset, writeSequence = 0): void {
    const key = `${partition}:${topic}`
    if ((this.writeSequences.get(key) ?? -1) > writeSequence) return
    this.writeSequences.set(key, writeSequence)
    let partitions = this.byTopic.get(topic)
    if (partitions === undefined) {
      partitions = new Map()
      this.byTopic.set(topic, partitions)
    }
    partitions.set(partition, committed)
  }

  delete(topic: string, partition: number): void {
    const partitions = this.byTopic.get(topic)
    if (partitions === undefined) return
    partitions.delete(partition)
    if (partitions.size === 0) this.byTopic.delete(topic)
  }

  get isEmpty(): boolean {
    return this.byTopic.size === 0
  }
}

/** The groups of one coordinator partition. */
export class PartitionGroups {
  private readonly groups = new Map<string, GroupOffsets>()

  group(groupId: string): GroupOffsets | undefined {
    return this.groups.get(groupId)
  }

  groupIds(): IterableIterator<string> {
    return this.groups.keys()
  }

  /** Forgets a group and its offsets (DeleteGroups, once the tombstones are written). */
  deleteGroup(groupId: string): void {
    this.groups.delete(groupId)
  }

  /** The group, created empty (a "simple" group) when it does not exist yet. */
  getOrCreateGroup(groupId: string): GroupOffsets {
    let group = this.groups.get(groupId)
    if (group === undefined) {
      group = new GroupOffsets()
      this.groups.set(groupId, group)
    }
    return group
  }

  /** Replays an OffsetCommit record; `committed` null is a tombstone. */
  replayOffsetCommit(groupId: string, topic: string, partition: number, committed: CommittedOffset | null): void {
    if (committed !== null) {
      this.getOrCreateGroup(groupId).put(topic, partition, committed)
      return
    }
    this.groups.get(groupId)?.delete(topic, partition)
  }

  /**
   * Replays a GroupMetadata record. Its value (members, generation) waits for group membership;
   * until then it only says the group exists. A tombstone removes the group, which Kafka writes
   * after the tombstones of the group's offsets, so offsets still present keep the group.
   */
  replayGroupMetadata(groupId: string, isTombstone: boolean): void {
    if (!isTombstone) {
      this.getOrCreateGroup(groupId)
      return
    }
    if (this.groups.get(groupId)?.isEmpty === true) this.groups.delete(groupId)
  }
}
