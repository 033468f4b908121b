/**
 * Time as domain code sees it: injected, so tests move it by hand instead of sleeping. Timers
 * live with the components that schedule them; they read the time from here.
 */
export interface Clock {
  /** Milliseconds since the epoch, like Date.now(). */
  nowMs(): number
}

export const systemClock: Clock = { nowMs: () => Date.now() }
