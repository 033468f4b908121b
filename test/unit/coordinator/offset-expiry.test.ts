// offsets.retention.minutes: offsets of groups without members expire; the group goes with them.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { pino } from 'pino'
import { OffsetCoordinator } from '../../../src/coordinator/offset-coordinator.js'
import { expireOffsets } from '../../../src/coordinator/group/offset-expiry.js'
import { ErrorCode } from '../../../src/protocol/error-codes.js'
import { ManualClock } from '../../helpers/manual-clock.js'
import { MemoryCoordinatorLog } from '../../helpers/memory-coordinator-log.js'

const RETENTION_MS = 60_000

function commit(offset: bigint) {
  return [{ name: 'orders', partitions: [{ partitionIndex: 0, committedOffset: offset, committedLeaderEpoch: -1, committedMetadata: '' }] }]
}

test('offsets of a group without members expire after the retention, tombstoned in the log, and the group goes too', async () => {
  const clock = new ManualClock()
  const coordinator = new OffsetCoordinator({ clock, logger: pino({ enabled: false }), partitionCount: 1 })
  const log = new MemoryCoordinatorLog()
  await coordinator.loadPartition(0, log)
  assert.deepEqual((await coordinator.commitOffsets('old', '', -1, commit(5n))).flatMap((t) => t.partitions.map((p) => p.errorCode)), [ErrorCode.NONE])
  clock.advance(RETENTION_MS / 2)
  assert.deepEqual((await coordinator.commitOffsets('fresh', '', -1, commit(7n))).flatMap((t) => t.partitions.map((p) => p.errorCode)), [ErrorCode.NONE])

  clock.advance(RETENTION_MS / 2)
  assert.deepEqual(await expireOffsets(coordinator, clock.nowMs(), RETENTION_MS), { expiredOffsets: 1, deletedGroups: 1 })
  assert.equal(coordinator.groupOffsets('old'), undefined)
  assert.equal(coordinator.groupOffsets('fresh')?.get('orders', 0)?.offset, 7n, 'committed later: not yet expired')

  // A reload replays the tombstones: the expired group stays gone.
  const reloaded = new OffsetCoordinator({ clock, logger: pino({ enabled: false }), partitionCount: 1 })
  await reloaded.loadPartition(0, log)
  assert.equal(reloaded.groupOffsets('old'), undefined)
  assert.equal(reloaded.groupOffsets('fresh')?.get('orders', 0)?.offset, 7n)
  assert.deepEqual(await expireOffsets(reloaded, clock.nowMs(), RETENTION_MS), { expiredOffsets: 0, deletedGroups: 0 })
})
