// Kafka's RangeAssignor, as the group leader runs it: for each topic, the members subscribed to it
// in member id order each take a contiguous range of its partitions, the first (count % members)
// taking one extra. Members that see the same subscriptions compute the same answer.

export interface SubscribedMember {
  readonly memberId: string
  readonly topics: readonly string[]
}

/** Partitions per topic for each member (every member present, possibly with nothing). */
export function assignRanges(members: readonly SubscribedMember[], partitionCounts: ReadonlyMap<string, number>): Map<string, Map<string, number[]>> {
  const assignments = new Map(members.map((member) => [member.memberId, new Map<string, number[]>()]))
  for (const [topic, partitionCount] of partitionCounts) {
    const subscribers = members.filter((member) => member.topics.includes(topic)).map((member) => member.memberId).sort()
    if (subscribers.length === 0) continue
    const perMember = Math.floor(partitionCount / subscribers.length)
    const withExtra = partitionCount % subscribers.length
    subscribers.forEach((memberId, index) => {
      const start = perMember * index + Math.min(index, withExtra)
      const length = perMember + (index < withExtra ? 1 : 0)
      if (length > 0) assignments.get(memberId)!.set(topic, Array.from({ length }, (_, offset) => start + offset))
    })
  }
  return assignments
}
