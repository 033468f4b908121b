// createBrokerLogger: the level from log.level (SLUICE_LOG_LEVEL first), JSON lines with an ISO
// time when standard output is not a terminal, pino-pretty's lines when it is.
import assert from 'node:assert/strict'
import { Writable } from 'node:stream'
import { describe, it } from 'node:test'
import { brokerLogLevel, createBrokerLogger } from '../../src/broker-logger.js'
import { ConfigError } from '../../src/config/config-error.js'

/** A destination collecting what is written, as text. */
function sink() {
  const chunks: string[] = []
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      chunks.push(chunk.toString())
      callback()
    },
  })
  return { stream, text: () => chunks.join('') }
}

describe('createBrokerLogger', () => {
  it('writes one JSON object per line with level, ISO time and msg when not a terminal', () => {
    const { stream, text } = sink()
    const logger = createBrokerLogger({ level: 'info', isTerminal: false, destination: stream })
    logger.child({ nodeId: 1 }).info({ topic: 'orders', partition: 0 }, 'topic created')
    logger.warn({ group: 'g' }, 'second line')
    const lines = text().split('\n').filter((line) => line !== '')
    assert.equal(lines.length, 2)
    const first = JSON.parse(lines[0]!) as Record<string, unknown>
    assert.deepEqual([first.level, first.msg, first.nodeId, first.topic, first.partition], [30, 'topic created', 1, 'orders', 0])
    assert.equal(typeof first.time, 'string')
    assert.match(first.time as string, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/)
    assert.equal(new Date(first.time as string).toISOString(), first.time)
    assert.equal((JSON.parse(lines[1]!) as Record<string, unknown>).level, 40)
  })

  it('drops lines below the configured level', () => {
    const { stream, text } = sink()
    const logger = createBrokerLogger({ level: 'warn', isTerminal: false, destination: stream })
    assert.equal(logger.level, 'warn')
    logger.info('not written')
    logger.debug('not written either')
    logger.error({ logDir: '/data' }, 'written')
    const lines = text().split('\n').filter((line) => line !== '')
    assert.deepEqual(lines.map((line) => (JSON.parse(line) as { msg: string }).msg), ['written'])
  })

  it('silent writes nothing', () => {
    const { stream, text } = sink()
    const logger = createBrokerLogger({ level: 'silent', isTerminal: false, destination: stream })
    logger.fatal('nothing')
    assert.equal(text(), '')
  })

  it('writes pretty, non-JSON lines with the message and fields when a person is at a terminal', () => {
    const { stream, text } = sink()
    const logger = createBrokerLogger({ level: 'debug', isTerminal: true, destination: stream })
    logger.child({ nodeId: 1 }).info({ topic: 'orders' }, 'topic created')
    logger.debug('a debug line')
    // sync: true, so the lines are there as soon as the calls return.
    const output = text()
    assert.match(output, /topic created/)
    assert.match(output, /a debug line/)
    assert.match(output, /orders/)
    assert.match(output, /INFO/)
    for (const line of output.split('\n').filter((l) => l.trim() !== '')) {
      assert.throws(() => JSON.parse(line) as unknown, SyntaxError, `not JSON: ${line}`)
    }
    assert.doesNotMatch(output, /"msg"/)
  })
})

describe('brokerLogLevel', () => {
  it('is log.level when SLUICE_LOG_LEVEL is not set or empty', () => {
    assert.equal(brokerLogLevel('info', {}), 'info')
    assert.equal(brokerLogLevel('warn', { SLUICE_LOG_LEVEL: '' }), 'warn')
  })

  it('SLUICE_LOG_LEVEL takes precedence over log.level', () => {
    assert.equal(brokerLogLevel('info', { SLUICE_LOG_LEVEL: 'debug' }), 'debug')
    assert.equal(brokerLogLevel('debug', { SLUICE_LOG_LEVEL: 'silent' }), 'silent')
  })

  it('an SLUICE_LOG_LEVEL that is not a level is a ConfigError naming the variable', () => {
    assert.throws(() => brokerLogLevel('info', { SLUICE_LOG_LEVEL: 'verbose' }), (error: unknown) => {
      assert.ok(error instanceof ConfigError)
      assert.equal(error.message, 'Invalid value verbose for configuration SLUICE_LOG_LEVEL: String must be one of: trace, debug, info, warn, error, fatal, silent')
      return true
    })
  })

  it('the level reaches the logger', () => {
    const { stream } = sink()
    const logger = createBrokerLogger({ level: brokerLogLevel('info', { SLUICE_LOG_LEVEL: 'trace' }), isTerminal: false, destination: stream })
    assert.equal(logger.isLevelEnabled('trace'), true)
  })
})
