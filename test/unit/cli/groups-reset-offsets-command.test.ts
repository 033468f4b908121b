import assert from 'node:assert/strict'
import { test } from 'node:test'
import { UsageError } from '../../../src/cli/cli.js'
import { parseDatetime, parseDuration, parseTopicScope, resetModeOf } from '../../../src/cli/groups-reset-offsets-command.js'

const NO_MODE = { toEarliest: false, toLatest: false, toCurrent: false }

test('--to-datetime takes Kafka\'s format, with or without seconds, milliseconds and a zone', () => {
  assert.equal(parseDatetime('2024-01-01T00:00:00.000Z'), BigInt(Date.UTC(2024, 0, 1)))
  assert.equal(parseDatetime('2024-01-01T01:30+0100'), BigInt(Date.UTC(2024, 0, 1, 0, 30)))
  assert.equal(parseDatetime('2024-01-01T00:00:00.000'), BigInt(new Date(2024, 0, 1).getTime()), 'no zone: local time')
  for (const bad of ['2024-01-01', 'yesterday', '2024-13-01T00:00:00']) assert.throws(() => parseDatetime(bad), UsageError)
})

test('--by-duration takes ISO-8601 durations of days, hours, minutes and seconds', () => {
  assert.equal(parseDuration('PT1H30M'), 5_400_000n)
  assert.equal(parseDuration('P1DT2.5S'), 86_402_500n)
  for (const bad of ['P', 'PT', '1h', 'P1W']) assert.throws(() => parseDuration(bad), UsageError)
})

test('--topic is a topic or topic:partitions', () => {
  assert.deepEqual(parseTopicScope('t'), { topic: 't', partitions: null })
  assert.deepEqual(parseTopicScope('t:0, 2'), { topic: 't', partitions: [0, 2] })
  assert.throws(() => parseTopicScope('t:x'), UsageError)
  assert.throws(() => parseTopicScope(':1'), UsageError)
})

test('exactly one reset mode is taken', () => {
  assert.deepEqual(resetModeOf({ ...NO_MODE, shiftBy: '-3' }, 0), { kind: 'shift', shiftBy: -3n })
  assert.deepEqual(resetModeOf({ ...NO_MODE, byDuration: 'PT1S' }, 5000), { kind: 'datetime', timestampMs: 4000n })
  assert.deepEqual(resetModeOf({ ...NO_MODE, toEarliest: true }, 0), { kind: 'earliest' })
  assert.throws(() => resetModeOf(NO_MODE, 0), /needs one of/)
  assert.throws(() => resetModeOf({ ...NO_MODE, toLatest: true, toOffset: '1' }, 0), /choose one of --to-latest and --to-offset/)
})
