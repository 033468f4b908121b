// Kafka's AbstractResponse.errorCounts(), for any decoded response: every `errorCode` field at any
// depth, with how often each code appears. Record bytes and other non-plain objects are not walked.
// It runs for every request while metrics are on, so it walks without allocating.

/** Counts of each error code in `response` (NONE included); empty when it has none. */
export function responseErrorCounts(response: unknown): Map<number, number> {
  const counts = new Map<number, number>()
  countIn(response, counts)
  return counts
}

function countIn(value: unknown, counts: Map<number, number>): void {
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      const item: unknown = value[index]
      if (typeof item === 'object' && item !== null) countIn(item, counts)
    }
    return
  }
  if (typeof value !== 'object' || value === null || Object.getPrototypeOf(value) !== Object.prototype) return
  const fields = value as Record<string, unknown>
  for (const key in fields) {
    const field = fields[key]
    if (key === 'errorCode' && typeof field === 'number') counts.set(field, (counts.get(field) ?? 0) + 1)
    else if (typeof field === 'object' && field !== null) countIn(field, counts)
  }
}
