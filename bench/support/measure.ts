// Throughput measurement for benchmarks: run an operation in timed rounds and report the median
// MB/s, so one descheduled round on a noisy machine does not decide the figure.

export interface MeasureOptions {
  /** Rounds to run; the median is reported. */
  readonly rounds?: number
  /** Minimum wall time of one round. */
  readonly roundMs?: number
}

/** MB/s (10^6 bytes per second) of `operation`, which processes `bytesPerOperation` bytes per call. */
export function measureMbps(operation: () => void, bytesPerOperation: number, options: MeasureOptions = {}): number {
  for (let i = 0; i < 3; i++) operation()
  const results: number[] = []
  for (let round = 0; round < (options.rounds ?? 5); round++) {
    const timer = new RoundTimer(options.roundMs ?? 200, 10_000_000)
    do operation()
    while (timer.next())
    results.push(timer.mbps(bytesPerOperation))
  }
  return median(results)
}

/** The same for an asynchronous operation (awaited one at a time). */
export async function measureMbpsAsync(operation: () => Promise<unknown>, bytesPerOperation: number, options: MeasureOptions = {}): Promise<number> {
  for (let i = 0; i < 3; i++) await operation()
  const results: number[] = []
  for (let round = 0; round < (options.rounds ?? 5); round++) {
    const timer = new RoundTimer(options.roundMs ?? 200, 1_000_000)
    do await operation()
    while (timer.next())
    results.push(timer.mbps(bytesPerOperation))
  }
  return median(results)
}

/** Counts operations of one round until its time or its operation limit runs out. */
class RoundTimer {
  private operations = 0
  private readonly start = process.hrtime.bigint()
  private elapsedNs = 0n

  constructor(
    private readonly roundMs: number,
    private readonly maxOperations: number,
  ) {}

  /** Records one operation; true while the round goes on. */
  next(): boolean {
    this.operations++
    this.elapsedNs = process.hrtime.bigint() - this.start
    return this.elapsedNs < BigInt(this.roundMs) * 1_000_000n && this.operations < this.maxOperations
  }

  mbps(bytesPerOperation: number): number {
    return (this.operations * bytesPerOperation) / (Number(this.elapsedNs) / 1e9) / 1e6
  }
}

/**
 * Measures `operation` against `baseline` (both over `bytesPerOperation` bytes) in alternating
 * rounds, so both see the same machine; returns each side's median MB/s and the median of the
 * paired ratios, which cancels drift between rounds.
 */
export function measurePaired(
  baseline: () => void,
  operation: () => void,
  bytesPerOperation: number,
  rounds = 11,
): { baselineMbps: number; operationMbps: number; ratio: number } {
  const baselineResults: number[] = []
  const operationResults: number[] = []
  for (let round = 0; round < rounds; round++) {
    baselineResults.push(measureMbps(baseline, bytesPerOperation, { rounds: 1, roundMs: 100 }))
    operationResults.push(measureMbps(operation, bytesPerOperation, { rounds: 1, roundMs: 100 }))
  }
  return {
    baselineMbps: median(baselineResults),
    operationMbps: median(operationResults),
    ratio: median(operationResults.map((value, i) => value / baselineResults[i]!)),
  }
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}

/** The value below which the fraction `p` of `values` lies (nearest rank). */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!
}

/** Prints rows as an aligned table on standard output. */
export function printTable(headers: string[], rows: Array<Array<string | number>>): void {
  const cells = [headers, ...rows.map((row) => row.map((cell) => (typeof cell === 'number' ? formatNumber(cell) : cell)))]
  const widths = headers.map((_, i) => Math.max(...cells.map((row) => String(row[i] ?? '').length)))
  for (const [index, row] of cells.entries()) {
    console.log(row.map((cell, i) => (i === 0 ? String(cell).padEnd(widths[i]!) : String(cell).padStart(widths[i]!))).join('  '))
    if (index === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '))
  }
}

export function formatNumber(value: number): string {
  return value >= 100 ? value.toFixed(0) : value >= 1 ? value.toFixed(2) : value.toFixed(3)
}

/** Rounds for the JSON line: enough digits to compare, few enough to read. */
export function round(value: number): number {
  return Number(value >= 100 ? value.toFixed(0) : value.toFixed(3))
}
