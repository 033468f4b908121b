import type { Clock } from '../../src/clock.js'

/** A clock that moves only when the test says so. */
export class ManualClock implements Clock {
  constructor(private currentMs = 1_700_000_000_000) {}

  nowMs(): number {
    return this.currentMs
  }

  advance(ms: number): void {
    this.currentMs += ms
  }
}
