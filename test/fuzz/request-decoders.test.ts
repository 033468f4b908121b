// Fuzz: 100,000 truncated and mutated request frames spread over every API and version of the
// specification. Decoding returns a request or throws ProtocolDecodeError; anything else (a
// RangeError, a TypeError, a hang) is a bug. Replay a failure with FUZZ_SEED=<printed seed>.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { buildMessageModel, versionsOf } from '../../scripts/protocol-gen/model.js'
import { decodeRequestFrame, encodeRequestFrame } from '../../src/protocol/frames.js'
import { ProtocolDecodeError } from '../../src/protocol/protocol-decode-error.js'
import { messageArbitrary } from '../helpers/message-arbitrary.js'
import { apiDefinitions } from '../helpers/protocol-definitions.js'
import { seededRandom } from '../helpers/seeded-random.js'

const TOTAL_FRAMES = 100_000
const VALID_FRAMES_PER_VERSION = 3

type Mutation = (frame: Buffer, random: () => number) => Buffer

const randomIndex = (length: number, random: () => number): number => Math.floor(random() * length)

const MUTATIONS: Mutation[] = [
  // Truncate anywhere, including inside the header.
  (frame, random) => frame.subarray(0, randomIndex(frame.length, random)),
  // Flip one to four random bytes.
  (frame, random) => {
    const copy = Buffer.from(frame)
    const flips = 1 + randomIndex(4, random)
    for (let i = 0; i < flips && copy.length > 0; i++) copy[randomIndex(copy.length, random)] = randomIndex(256, random)
    return copy
  },
  // Write a huge or negative length-like value (int32, int16 or varint) somewhere past the header.
  (frame, random) => {
    const copy = Buffer.from(frame)
    if (copy.length < 8) return copy
    const at = 4 + randomIndex(copy.length - 8, random)
    const choice = randomIndex(4, random)
    if (choice === 0) copy.writeInt32BE(0x7fffffff, at)
    else if (choice === 1) copy.writeInt32BE(-2 - randomIndex(1000, random), at)
    else if (choice === 2) copy.writeInt16BE(0x7fff, at)
    else copy.fill(0xff, at, Math.min(copy.length, at + 4))
    return copy
  },
  // Append garbage after a valid body.
  (frame, random) => Buffer.concat([frame, Buffer.from(Array.from({ length: 1 + randomIndex(8, random) }, () => randomIndex(256, random)))]),
  // Cut a slice out of the middle.
  (frame, random) => {
    const start = randomIndex(frame.length, random)
    const end = start + randomIndex(frame.length - start + 1, random)
    return Buffer.concat([frame.subarray(0, start), frame.subarray(end)])
  },
]

test('mutated and truncated request frames only ever throw ProtocolDecodeError', () => {
  const seed = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : Math.floor(Math.random() * 2 ** 31)
  console.log(`fuzz seed ${seed} (replay with FUZZ_SEED=${seed})`)
  const random = seededRandom(seed)

  const validFrames: Buffer[] = []
  for (const api of apiDefinitions()) {
    const model = buildMessageModel(api.request)
    for (const version of versionsOf(model)) {
      const bodies = fc.sample(messageArbitrary(model, version), { numRuns: VALID_FRAMES_PER_VERSION, seed: seed + api.apiKey * 100 + version })
      for (const body of bodies) {
        const header = { requestApiKey: api.apiKey, requestApiVersion: version, correlationId: 7, clientId: 'fuzz', unknownTaggedFields: undefined }
        validFrames.push(Buffer.concat(encodeRequestFrame(header, body)).subarray(4))
      }
    }
  }
  for (const frame of validFrames) decodeRequestFrame(frame)

  const outcomes = { decoded: 0, rejected: 0 }
  for (let i = 0; i < TOTAL_FRAMES; i++) {
    const base = validFrames[i % validFrames.length]!
    const mutate = MUTATIONS[randomIndex(MUTATIONS.length, random)]!
    const frame = mutate(base, random)
    try {
      decodeRequestFrame(frame)
      outcomes.decoded++
    } catch (error) {
      if (!(error instanceof ProtocolDecodeError)) {
        assert.fail(`seed ${seed}, frame ${i} (${frame.toString('hex')}): unexpected ${String(error)}`)
      }
      outcomes.rejected++
    }
  }
  console.log(`fuzz: ${outcomes.decoded} mutated frames still decoded, ${outcomes.rejected} rejected with ProtocolDecodeError`)
  assert.equal(outcomes.decoded + outcomes.rejected, TOTAL_FRAMES)
  assert.ok(outcomes.rejected > TOTAL_FRAMES / 2, 'most mutations should be caught')
})
