// Bounded concurrency for independent async work (opening many logs, hosting many partitions).

/** Runs `task` over `items` with at most `limit` in flight; the first failure rejects. */
export async function forEachBounded<T>(items: readonly T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < items.length) await task(items[next++]!)
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
}
