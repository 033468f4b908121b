// Benchmark of the storage engine: appends through the broker's path (validation of a built batch,
// offset patching, segment write, index maintenance) against raw fs.write of the same bytes; reads
// from an offset as file slices against raw fs.read; recovery time per GiB of unflushed log; and
// the time to open 1,000 partitions.
//   npm run bench -- log
import { mkdtempSync, rmSync } from 'node:fs'
import { close, open, read, write } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { systemClock } from '../src/clock.js'
import { logConfig, type LogConfig } from '../src/log/log-config.js'
import { LogManager } from '../src/log/log-manager.js'
import { PartitionLog } from '../src/log/partition-log.js'
import { NodeStorage } from '../src/log/storage.js'
import { buildRecordBatchSync } from '../src/protocol/build-record-batch.js'
import { printTable, round } from './support/measure.js'

const KIB = 1024
const MIB = 1024 * KIB

const storage = new NodeStorage()

function batchOf(totalBytes: number, variant = 0): Buffer {
  const records = []
  for (let i = 0, size = 0; size < totalBytes - 200; i++) {
    const value = Buffer.alloc(Math.min(1000, totalBytes - 200 - size), 0x61 + ((i + variant) % 26))
    records.push({ key: Buffer.from(`key-${i}`), value, timestamp: 1_700_000_000_000n + BigInt(i) })
    size += value.length + 20
  }
  return buildRecordBatchSync({ records })
}

const promised = <T>(run: (done: (error: NodeJS.ErrnoException | null, value: T) => void) => void): Promise<T> =>
  new Promise((resolve, reject) => run((error, value) => (error === null ? resolve(value) : reject(error))))

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!

/** Distinct batches of one size: each append carries new bytes, as each produce request does. */
function batchPool(sizeBytes: number, count: number): Buffer[] {
  return Array.from({ length: count }, (_, variant) => batchOf(sizeBytes, variant))
}

/**
 * Appends through a PartitionLog against fs.write of the same bytes to a plain file, in
 * alternating slices so both see the same machine (page cache, disk, noise); medians of the
 * slices' MB/s. Both files stay open across slices, as a broker's active segment does.
 */
async function compareAppend(dir: string, batches: Buffer[], appendsPerSlice: number, slices: number, config: LogConfig): Promise<{ raw: number; log: number; ratio: number }> {
  const batch = batches[0]!
  let next = 0
  const nextBatch = (): Buffer => batches[next++ % batches.length]!
  const path = join(dir, `raw-${batch.length}.bin`)
  const fd = await promised<number>((done) => open(path, 'w+', done))
  const directory = join(dir, `append-${batch.length}-0`)
  const log = await PartitionLog.open({ storage, directory, config, clock: systemClock, recoveryPoint: 0n, logStartOffset: 0n, hadCleanShutdown: true })
  const raw: number[] = []
  const logged: number[] = []
  let position = 0
  const rawSlice = async (): Promise<number> => {
    const start = process.hrtime.bigint()
    for (let i = 0; i < appendsPerSlice; i++) {
      const bytes = nextBatch()
      await promised<number>((done) => write(fd, bytes, 0, bytes.length, position, done))
      position += bytes.length
    }
    return (appendsPerSlice * batch.length) / (Number(process.hrtime.bigint() - start) / 1e9) / 1e6
  }
  const logSlice = async (): Promise<number> => {
    const start = process.hrtime.bigint()
    for (let i = 0; i < appendsPerSlice; i++) {
      const result = await log.append(nextBatch(), 0)
      if (!result.ok) throw new Error(`append failed: ${result.reason}`)
    }
    return (appendsPerSlice * batch.length) / (Number(process.hrtime.bigint() - start) / 1e9) / 1e6
  }
  await rawSlice()
  await logSlice()
  for (let slice = 0; slice < slices; slice++) {
    raw.push(await rawSlice())
    logged.push(await logSlice())
  }
  await promised<void>((done) => close(fd, (error) => done(error, undefined)))
  await log.close()
  rmSync(path)
  rmSync(directory, { recursive: true, force: true })
  return pairedResult(raw, logged)
}

/**
 * Medians of each side, and the median of the ratios of adjacent slice pairs: each pair ran back
 * to back, so their ratio cancels the machine's drift (page cache writeback, other load).
 */
function pairedResult(raw: number[], logged: number[]): { raw: number; log: number; ratio: number } {
  return { raw: median(raw), log: median(logged), ratio: median(logged.map((value, i) => value / raw[i]!)) }
}

/**
 * Reads a log from successive offsets through read() (a fetch of up to 1 MiB: offset lookup,
 * then the slice's bytes read as a fetch would send them) against fs.read of the same file in
 * 1 MiB chunks, in alternating slices of `bytesPerSlice`; medians of the slices' MB/s.
 */
async function compareRead(dir: string, batch: Buffer, totalBytes: number, bytesPerSlice: number, slices: number): Promise<{ raw: number; log: number; ratio: number }> {
  const directory = join(dir, 'read-0')
  const log = await PartitionLog.open({ storage, directory, config: logConfig({ segmentBytes: 2 * 1024 * MIB }), clock: systemClock, recoveryPoint: 0n, logStartOffset: 0n, hadCleanShutdown: true })
  for (let written = 0; written < totalBytes; written += batch.length) await log.append(batch, 0)
  await log.flush()
  const target = Buffer.allocUnsafe(MIB + batch.length)
  const size = log.sizeBytes
  const recordsPerBatch = BigInt(batch.readInt32BE(57))
  let logOffset = 0n
  const logSlice = async (): Promise<number> => {
    const start = process.hrtime.bigint()
    let total = 0
    while (total < bytesPerSlice) {
      if (logOffset >= log.logEndOffset) logOffset = 0n
      const result = await log.read(logOffset, MIB)
      if (!result.ok || result.slice === undefined) throw new Error('read failed')
      const { file, position, sizeBytes } = result.slice
      // Whole batches, as a consumer keeps them; a partial last batch is fetched again next time.
      const whole = Math.floor(sizeBytes / batch.length) * batch.length
      await file.read(target, 0, whole, position)
      total += whole
      logOffset += BigInt(whole / batch.length) * recordsPerBatch
    }
    return total / (Number(process.hrtime.bigint() - start) / 1e9) / 1e6
  }
  const fd = await promised<number>((done) => open(join(directory, '00000000000000000000.log'), 'r', done))
  const chunk = Math.floor(MIB / batch.length) * batch.length
  let rawPosition = 0
  const rawSlice = async (): Promise<number> => {
    const start = process.hrtime.bigint()
    let total = 0
    while (total < bytesPerSlice) {
      if (rawPosition + chunk > size) rawPosition = 0
      total += await promised<number>((done) => read(fd, target, 0, chunk, rawPosition, done))
      rawPosition += chunk
    }
    return total / (Number(process.hrtime.bigint() - start) / 1e9) / 1e6
  }
  const raw: number[] = []
  const logged: number[] = []
  await rawSlice()
  await logSlice()
  for (let slice = 0; slice < slices; slice++) {
    raw.push(await rawSlice())
    logged.push(await logSlice())
  }
  await promised<void>((done) => close(fd, (error) => done(error, undefined)))
  await log.close()
  return pairedResult(raw, logged)
}

/** Writes `totalBytes` without a flush, then times a reopen that must scan and check all of it. */
async function recoverySecondsPerGib(dir: string, totalBytes: number): Promise<number> {
  const directory = join(dir, 'recover-0')
  const config = logConfig()
  const log = await PartitionLog.open({ storage, directory, config, clock: systemClock, recoveryPoint: 0n, logStartOffset: 0n, hadCleanShutdown: true })
  const batch = batchOf(64 * KIB)
  for (let written = 0; written < totalBytes; written += batch.length) await log.append(batch, 0)
  await log.close()
  const start = process.hrtime.bigint()
  const recovered = await PartitionLog.open({ storage, directory, config, clock: systemClock, recoveryPoint: 0n, logStartOffset: 0n, hadCleanShutdown: false })
  const seconds = Number(process.hrtime.bigint() - start) / 1e9
  if (recovered.recovery.recoveredSegments === 0) throw new Error('recovery did not run')
  const bytes = recovered.sizeBytes
  await recovered.close()
  rmSync(directory, { recursive: true, force: true })
  return seconds / (bytes / (1024 * MIB))
}

/** Creates `count` partitions with a few batches each, shuts down, and times the next start. */
async function openPartitionsSeconds(dir: string, count: number, isClean: boolean): Promise<number> {
  const logDir = join(dir, `open-${isClean ? 'clean' : 'unclean'}`)
  const options = { storage, logDirs: [logDir], clock: systemClock, defaultConfig: logConfig() }
  const manager = await LogManager.start(options)
  const batch = batchOf(4 * KIB)
  for (let partition = 0; partition < count; partition++) {
    const log = await manager.getOrCreateLog('bench-topic', partition)
    for (let i = 0; i < 4; i++) await log.append(Buffer.from(batch), 0)
  }
  await manager.close()
  if (!isClean) rmSync(join(logDir, '.kafka_cleanshutdown'))
  const start = process.hrtime.bigint()
  const reopened = await LogManager.start(options)
  const seconds = Number(process.hrtime.bigint() - start) / 1e9
  const opened = reopened.logDirs[0]!.partitionCount
  await reopened.close()
  if (opened !== count) throw new Error(`opened ${opened} of ${count} partitions`)
  return seconds
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-bench-log-'))
  try {
    const config = logConfig()
    const append16k = await compareAppend(dir, batchPool(16 * KIB, 64), 400, 30, config)
    const append1m = await compareAppend(dir, batchPool(MIB, 8), 12, 30, config)
    const reads = await compareRead(dir, batchOf(16 * KIB), 256 * MIB, 32 * MIB, 20)
    const recovery = await recoverySecondsPerGib(dir, 1024 * MIB)
    const openClean = await openPartitionsSeconds(dir, 1000, true)
    const openUnclean = await openPartitionsSeconds(dir, 1000, false)

    printTable(
      ['measure', 'log', 'baseline', 'ratio'],
      [
        ['append 16 KiB batches, MB/s (vs fs.write)', append16k.log, append16k.raw, append16k.ratio],
        ['append 1 MiB batches, MB/s (vs fs.write)', append1m.log, append1m.raw, append1m.ratio],
        ['read from an offset, MB/s (vs fs.read)', reads.log, reads.raw, reads.ratio],
        ['recovery, s per GiB of unflushed log', recovery, '', ''],
        ['open 1,000 partitions after a clean stop, s', openClean, '', ''],
        ['open 1,000 partitions after a crash, s', openUnclean, '', ''],
      ],
    )
    console.log(
      JSON.stringify({
        bench: 'log',
        append_16kib_mbps: round(append16k.log),
        append_16kib_raw_mbps: round(append16k.raw),
        append_16kib_ratio: round(append16k.ratio),
        append_1mib_mbps: round(append1m.log),
        append_1mib_raw_mbps: round(append1m.raw),
        append_1mib_ratio: round(append1m.ratio),
        read_mbps: round(reads.log),
        read_raw_mbps: round(reads.raw),
        read_ratio: round(reads.ratio),
        recovery_s_per_gib: round(recovery),
        open_1000_partitions_s: round(openClean),
        open_1000_partitions_unclean_s: round(openUnclean),
      }),
    )
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

await main()
