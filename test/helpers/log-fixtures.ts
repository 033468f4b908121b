// Shared set-up for log tests: a temp log dir, a partition log over it, and record batches.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Clock } from '../../src/clock.js'
import { logConfig, type LogConfig } from '../../src/log/log-config.js'
import { PartitionLog, type PartitionLogOptions } from '../../src/log/partition-log.js'
import { NodeStorage, type Storage } from '../../src/log/storage.js'
import { buildRecordBatchSync } from '../../src/protocol/build-record-batch.js'
import { readRecordsSync } from '../../src/protocol/read-records.js'
import { readRecordBatchHeader, splitRecordBatches } from '../../src/protocol/record-batch.js'
import { ManualClock } from './manual-clock.js'

export interface TestContextLike {
  after(fn: () => void | Promise<void>): void
}

/** A fresh temporary directory, removed when the test ends. */
export function tempDir(t: TestContextLike, prefix = 'sluice-log-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

export interface LogFixture {
  readonly storage: Storage
  readonly clock: ManualClock
  readonly directory: string
  readonly options: PartitionLogOptions
  /** Opens the log again with changed options (after close, or to model a restart). */
  reopen(overrides?: Partial<PartitionLogOptions>): Promise<PartitionLog>
}

export async function openTestLog(
  t: TestContextLike,
  config: Partial<LogConfig> = {},
  extra: { storage?: Storage; clock?: Clock; directory?: string } = {},
): Promise<{ log: PartitionLog; fixture: LogFixture }> {
  const storage = extra.storage ?? new NodeStorage()
  const clock = (extra.clock as ManualClock | undefined) ?? new ManualClock()
  const directory = extra.directory ?? join(tempDir(t), 'topic-0')
  const options: PartitionLogOptions = { storage, directory, config: logConfig(config), clock, recoveryPoint: 0n, logStartOffset: 0n, hadCleanShutdown: false }
  const log = await PartitionLog.open(options)
  t.after(() => log.close().catch(() => undefined))
  const fixture: LogFixture = {
    storage,
    clock,
    directory,
    options,
    reopen: async (overrides = {}) => {
      const reopened = await PartitionLog.open({ ...options, ...overrides })
      t.after(() => reopened.close().catch(() => undefined))
      return reopened
    },
  }
  return { log, fixture }
}

/** A batch of `count` records with recognisable values `<label>-<i>`, timestamps from `timestamp`. */
export function testBatch(label: string, count = 1, timestamp = 1_700_000_000_000n, valueBytes = 0): Buffer {
  return buildRecordBatchSync({
    records: Array.from({ length: count }, (_, i) => ({
      key: Buffer.from(`key-${i}`),
      value: Buffer.concat([Buffer.from(`${label}-${i}`), Buffer.alloc(valueBytes, 0x61)]),
      timestamp: timestamp + BigInt(i),
    })),
  })
}

/** Reads a file slice into memory. */
export async function readSlice(slice: { file: { read(b: Buffer, o: number, l: number, p: number): Promise<number> }; position: number; sizeBytes: number }): Promise<Buffer> {
  const buffer = Buffer.alloc(slice.sizeBytes)
  let total = 0
  while (total < slice.sizeBytes) {
    const count = await slice.file.read(buffer, total, slice.sizeBytes - total, slice.position + total)
    if (count === 0) break
    total += count
  }
  return buffer.subarray(0, total)
}

/** Every record's offset and value readable from `from` to the log end, following the log across segments. */
export async function readLogValues(log: PartitionLog, from = log.logStartOffset): Promise<Array<[bigint, string]>> {
  const values: Array<[bigint, string]> = []
  let offset = from
  for (let guard = 0; offset < log.logEndOffset && guard < 10_000; guard++) {
    const result = await log.read(offset, 1 << 20)
    if (!result.ok) throw new Error(`read at ${offset} failed: ${result.reason}`)
    if (result.slice === undefined) break
    for (const batch of splitRecordBatches(await readSlice(result.slice)).batches) {
      for (const record of readRecordsSync(batch)) {
        if (record.offset >= offset) values.push([record.offset, record.value?.toString() ?? '<null>'])
      }
      offset = readRecordBatchHeader(batch).lastOffset + 1n
    }
  }
  return values
}
