// Timers of the group coordinator, injected so that unit tests drive session, rebalance and
// initial-delay timeouts by moving a manual clock instead of sleeping.

export interface ScheduledTask {
  cancel(): void
}

export interface GroupScheduler {
  /** Runs `task` once, `delayMs` from now (0: on a later turn of the event loop, never synchronously). */
  schedule(delayMs: number, task: () => void): ScheduledTask
}

/** Real timers; unref'd so that a pending session timeout never keeps the process alive. */
export const systemGroupScheduler: GroupScheduler = {
  schedule(delayMs, task) {
    const timer = setTimeout(task, Math.max(0, delayMs))
    timer.unref()
    return { cancel: () => clearTimeout(timer) }
  },
}
