// What DescribeLogDirs reports about each log dir (Kafka's ReplicaManager.describeLogDirs): its
// partitions with their sizes and lag, and the file system's total and usable bytes. This is the
// log layer's edge, so the statfs call lives here rather than in the handler.
import { statfs } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import type { LogManager } from './log-manager.js'

export interface LogDirPartition {
  readonly topic: string
  readonly partition: number
  readonly sizeBytes: number
  /**
   * max(high watermark - log end offset, 0), as Kafka's getLogEndOffsetLag computes it for a
   * current (non-future) log: 0 whenever the log end is at or past the high watermark.
   */
  readonly offsetLag: bigint
}

export interface LogDirDescription {
  /** The log dir as an absolute path (Kafka reports the absolute path). */
  readonly path: string
  readonly isOnline: boolean
  /** Bytes of the file system holding the log dir; -1 when unknown (offline, or statfs failed). */
  readonly totalBytes: bigint
  /** Bytes an unprivileged writer may still use there; -1 when unknown. */
  readonly usableBytes: bigint
  /** Every open log in the dir, by topic then partition; empty when offline. */
  readonly partitions: readonly LogDirPartition[]
}

/** Reads the file systems' usage; an offline dir or a failing statfs reports -1 rather than failing the request. */
export async function describeLogDirs(logManager: LogManager): Promise<LogDirDescription[]> {
  const byDir = new Map<string, LogDirPartition[]>()
  for (const { topicPartition, log } of logManager.allLogs()) {
    const dir = resolve(dirname(log.directory))
    const lag = log.highWatermark - log.logEndOffset
    const entry = { topic: topicPartition.topic, partition: topicPartition.partition, sizeBytes: log.sizeBytes, offsetLag: lag > 0n ? lag : 0n }
    const list = byDir.get(dir)
    if (list === undefined) byDir.set(dir, [entry])
    else list.push(entry)
  }
  return Promise.all(logManager.logDirs.map(async ({ path, isOnline }): Promise<LogDirDescription> => {
    const absolute = resolve(path)
    if (!isOnline) return { path: absolute, isOnline, totalBytes: -1n, usableBytes: -1n, partitions: [] }
    const partitions = (byDir.get(absolute) ?? []).sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition)
    const usage = await fileSystemUsage(absolute)
    return { path: absolute, isOnline, ...usage, partitions }
  }))
}

async function fileSystemUsage(path: string): Promise<{ totalBytes: bigint; usableBytes: bigint }> {
  try {
    const stats = await statfs(path, { bigint: true })
    // bavail, not bfree: Java's FileStore.getUsableSpace excludes the blocks reserved for root.
    return { totalBytes: stats.blocks * stats.bsize, usableBytes: stats.bavail * stats.bsize }
  } catch {
    // A failing statfs only hides the sizes; the dir's partitions are still described.
    return { totalBytes: -1n, usableBytes: -1n }
  }
}
