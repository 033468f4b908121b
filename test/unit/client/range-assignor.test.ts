import assert from 'node:assert/strict'
import { test } from 'node:test'
import { assignRanges } from '../../../src/client/range-assignor.js'

test('range assignment gives each subscriber a contiguous range in member id order, the first ones one extra', () => {
  const assignments = assignRanges(
    [{ memberId: 'b', topics: ['t'] }, { memberId: 'a', topics: ['t', 'u'] }, { memberId: 'c', topics: ['t'] }],
    new Map([['t', 7], ['u', 2]]),
  )
  assert.deepEqual(assignments.get('a'), new Map([['t', [0, 1, 2]], ['u', [0, 1]]]))
  assert.deepEqual(assignments.get('b'), new Map([['t', [3, 4]]]))
  assert.deepEqual(assignments.get('c'), new Map([['t', [5, 6]]]))
})

test('members beyond the partition count get nothing but are still in the assignment', () => {
  const assignments = assignRanges([{ memberId: 'x', topics: ['t'] }, { memberId: 'y', topics: ['t'] }], new Map([['t', 1]]))
  assert.deepEqual(assignments.get('x'), new Map([['t', [0]]]))
  assert.deepEqual(assignments.get('y'), new Map())
})
