import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ERROR_INFO, ErrorCode, errorName, isRetriable } from '../../../src/protocol/error-codes.js'

const entries = Object.entries(ErrorCode)

test('every error code is unique', () => {
  const codes = entries.map(([, code]) => code)
  assert.equal(new Set(codes).size, codes.length)
})

test('every name is unique and equals its key', () => {
  const names = [...ERROR_INFO.values()].map((info) => info.name)
  assert.equal(new Set(names).size, names.length)
  for (const [name, code] of entries) {
    assert.equal(ERROR_INFO.get(code)?.name, name)
    assert.equal(errorName(code), name)
  }
})

test('codes cover -1 through the highest with no gaps', () => {
  const codes = entries.map(([, code]) => code)
  const highest = Math.max(...codes)
  assert.equal(Math.min(...codes), -1)
  assert.equal(highest, ErrorCode.SHARE_SESSION_LIMIT_REACHED)
  assert.equal(ERROR_INFO.size, highest + 2)
  for (let code = -1; code <= highest; code++) {
    assert.ok(ERROR_INFO.has(code), `code ${code} is missing`)
  }
})

test('every code except NONE has a default message', () => {
  for (const [code, info] of ERROR_INFO) {
    if (code === ErrorCode.NONE) assert.equal(info.defaultMessage, '')
    else assert.ok(info.defaultMessage.length > 0, `${info.name} has no message`)
  }
})

test('well-known codes have Kafka numbers and retriability', () => {
  const expected: ReadonlyArray<readonly [number, number, boolean]> = [
    [ErrorCode.UNKNOWN_SERVER_ERROR, -1, false],
    [ErrorCode.NONE, 0, false],
    [ErrorCode.OFFSET_OUT_OF_RANGE, 1, false],
    [ErrorCode.CORRUPT_MESSAGE, 2, true],
    [ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 3, true],
    [ErrorCode.LEADER_NOT_AVAILABLE, 5, true],
    [ErrorCode.NOT_LEADER_OR_FOLLOWER, 6, true],
    [ErrorCode.REQUEST_TIMED_OUT, 7, true],
    [ErrorCode.MESSAGE_TOO_LARGE, 10, false],
    [ErrorCode.NOT_COORDINATOR, 16, true],
    [ErrorCode.INVALID_TOPIC_EXCEPTION, 17, false],
    [ErrorCode.NOT_ENOUGH_REPLICAS, 19, true],
    [ErrorCode.REBALANCE_IN_PROGRESS, 27, false],
    [ErrorCode.UNSUPPORTED_VERSION, 35, false],
    [ErrorCode.TOPIC_ALREADY_EXISTS, 36, false],
    [ErrorCode.INVALID_PRODUCER_EPOCH, 47, false],
    [ErrorCode.KAFKA_STORAGE_ERROR, 56, true],
    [ErrorCode.FENCED_LEADER_EPOCH, 74, true],
    [ErrorCode.MEMBER_ID_REQUIRED, 79, false],
    [ErrorCode.UNSTABLE_OFFSET_COMMIT, 88, true],
    [ErrorCode.PRODUCER_FENCED, 90, false],
    [ErrorCode.UNKNOWN_TOPIC_ID, 100, true],
    [ErrorCode.UNKNOWN_SUBSCRIPTION_ID, 117, false],
    [ErrorCode.INVALID_RECORD_STATE, 121, false],
    [ErrorCode.REBOOTSTRAP_REQUIRED, 129, false],
    [ErrorCode.SHARE_SESSION_LIMIT_REACHED, 133, true],
  ]
  for (const [code, number, retriable] of expected) {
    assert.equal(code, number, errorName(code))
    assert.equal(isRetriable(code), retriable, errorName(code))
  }
})

test('unknown codes are named UNKNOWN(code) and are not retriable', () => {
  assert.equal(errorName(123), 'INVALID_SHARE_SESSION_EPOCH')
  assert.equal(errorName(9999), 'UNKNOWN(9999)')
  assert.equal(errorName(-2), 'UNKNOWN(-2)')
  assert.equal(isRetriable(9999), false)
})
