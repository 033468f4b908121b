// Shared set-up for replication and data-plane handler tests: a temp log dir with a LogManager and
// a ReplicaManager over it, metadata images built by replaying records, and clean-up that closes
// everything before the directory is removed.
import type { BrokerTopicStats } from '../../src/replication/broker-topic-stats.js'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Clock } from '../../src/clock.js'
import { logConfig, type LogConfig } from '../../src/log/log-config.js'
import { LogManager } from '../../src/log/log-manager.js'
import { NodeStorage } from '../../src/log/storage.js'
import { MetadataDelta, type MetadataChanges } from '../../src/metadata/delta.js'
import { MetadataImage } from '../../src/metadata/image.js'
import type { MetadataRecord } from '../../src/metadata/metadata-record-codec.js'
import { ReplicaManager } from '../../src/replication/replica-manager.js'
import type { TestContextLike } from './log-fixtures.js'
import { ManualClock } from './manual-clock.js'

/** The broker id of the ReplicaManager under test. */
export const NODE_ID = 1

/** A recognisable 22-character topic id. */
export function topicIdOf(seed: number): string {
  return Buffer.alloc(16, seed).toString('base64url')
}

/** The image after replaying `records` on `base`, and what changed. */
export function replay(records: readonly MetadataRecord[], base: MetadataImage = MetadataImage.EMPTY): { image: MetadataImage; changes: MetadataChanges } {
  const delta = new MetadataDelta(base)
  records.forEach((record, index) => { delta.replay(record, base.provenance.offset + 1n + BigInt(index), 1) })
  return { image: delta.apply(), changes: delta.changes() }
}

/** A temp dir and a stack of clean-ups, run newest first before the dir is removed. */
export interface Scope {
  readonly dir: string
  defer(cleanup: () => unknown): void
}

export function scope(t: TestContextLike): Scope {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-repl-'))
  const cleanups: Array<() => unknown> = []
  t.after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup()
    rmSync(dir, { recursive: true, force: true })
  })
  return { dir, defer: (cleanup) => cleanups.push(cleanup) }
}

export interface ReplicaFixture {
  readonly storage: NodeStorage
  readonly logDir: string
  readonly logManager: LogManager
  readonly replicas: ReplicaManager
}

export interface ReplicaFixtureOptions {
  /** Defaults to `<scope dir>/logs`. */
  readonly logDir?: string
  readonly config?: Partial<LogConfig>
  readonly minInsyncReplicas?: number
  readonly clock?: Clock
  /** ReplicaManagerOptions.recentBatchesBytes (its default when absent). */
  readonly recentBatchesBytes?: number
  /** ReplicaManagerOptions.topicStats. */
  readonly topicStats?: BrokerTopicStats
}

/** A LogManager and a ReplicaManager (node NODE_ID) over a log dir, closed when the test ends. */
export async function startReplicas(within: Scope, options: ReplicaFixtureOptions = {}): Promise<ReplicaFixture> {
  const storage = new NodeStorage()
  const logDir = options.logDir ?? join(within.dir, 'logs')
  const clock = options.clock ?? new ManualClock()
  const logManager = await LogManager.start({ storage, logDirs: [logDir], clock, defaultConfig: logConfig(options.config) })
  const replicas = new ReplicaManager({
    nodeId: NODE_ID, clock, logManager, storage, minInsyncReplicas: () => options.minInsyncReplicas ?? 1,
    ...(options.recentBatchesBytes === undefined ? {} : { recentBatchesBytes: options.recentBatchesBytes }),
    ...(options.topicStats === undefined ? {} : { topicStats: options.topicStats }),
  })
  within.defer(async () => {
    replicas.close()
    await logManager.close()
  })
  return { storage, logDir, logManager, replicas }
}

/** startReplicas, then the partitions of the image replayed from `records` hosted as a committed delta. */
export async function startReplicasWith(within: Scope, records: readonly MetadataRecord[], options: ReplicaFixtureOptions = {}): Promise<ReplicaFixture & { image: MetadataImage }> {
  const fixture = await startReplicas(within, options)
  const { image, changes } = replay(records)
  await fixture.replicas.applyChanges(changes, image)
  return { ...fixture, image }
}
