// A GroupScheduler driven by a ManualClock: tasks run only when the test advances time.
import type { GroupScheduler, ScheduledTask } from '../../src/coordinator/group/group-scheduler.js'
import type { ManualClock } from './manual-clock.js'

interface Entry {
  readonly dueMs: number
  readonly sequence: number
  readonly task: () => void
  isCancelled: boolean
}

export class ManualScheduler implements GroupScheduler {
  private readonly entries: Entry[] = []
  private sequence = 0

  constructor(private readonly clock: ManualClock) {}

  schedule(delayMs: number, task: () => void): ScheduledTask {
    const entry: Entry = { dueMs: this.clock.nowMs() + Math.max(0, delayMs), sequence: this.sequence++, task, isCancelled: false }
    this.entries.push(entry)
    return { cancel: () => { entry.isCancelled = true } }
  }

  /** Moves the clock forward by `ms`, running due tasks in time order (each at its due time). */
  async advance(ms: number): Promise<void> {
    const targetMs = this.clock.nowMs() + ms
    for (;;) {
      await flush()
      const due = this.entries.filter((e) => !e.isCancelled && e.dueMs <= targetMs).sort((a, b) => a.dueMs - b.dueMs || a.sequence - b.sequence)[0]
      if (due === undefined) break
      this.entries.splice(this.entries.indexOf(due), 1)
      this.clock.advance(due.dueMs - this.clock.nowMs())
      due.task()
    }
    this.clock.advance(targetMs - this.clock.nowMs())
    await flush()
  }

  get pendingCount(): number {
    return this.entries.filter((e) => !e.isCancelled).length
  }
}

/** Lets settled promises run their continuations (several turns, for chained awaits). */
export async function flush(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise<void>((resolve) => setImmediate(resolve))
}
