import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ConfigError } from '../../../src/config/config-error.js'
import { parseListeners, parseVoters } from '../../../src/config/listeners.js'

const PROTOCOLS = new Map([['PLAINTEXT', 'PLAINTEXT'], ['SSL', 'SSL'], ['INTERNAL', 'PLAINTEXT']] as const)

function rejects(fn: () => unknown, key: string, pattern: RegExp): void {
  assert.throws(fn, (error: unknown) => error instanceof ConfigError && error.key === key && pattern.test(error.message))
}

test('listeners: names upper-cased, IPv6 in brackets, an empty host, port 0', () => {
  assert.deepEqual(parseListeners('listeners', 'plaintext://[::1]:9092, SSL://:9093,INTERNAL://host-a.example:0', PROTOCOLS, false), [
    { name: 'PLAINTEXT', host: '::1', port: 9092, securityProtocol: 'PLAINTEXT' },
    { name: 'SSL', host: '', port: 9093, securityProtocol: 'SSL' },
    { name: 'INTERNAL', host: 'host-a.example', port: 0, securityProtocol: 'PLAINTEXT' },
  ])
  assert.deepEqual(parseListeners('listeners', '', PROTOCOLS, false), [])
})

test('listeners: unique names; unique ports except 0 and one IPv4 with one IPv6', () => {
  rejects(() => parseListeners('listeners', 'PLAINTEXT://:9092,plaintext://:9093', PROTOCOLS, false), 'listeners', /different name; PLAINTEXT/)
  rejects(() => parseListeners('listeners', 'PLAINTEXT://:9092,SSL://:9092', PROTOCOLS, false), 'listeners', /different port .* 9092/)
  assert.equal(parseListeners('listeners', 'PLAINTEXT://:0,SSL://:0', PROTOCOLS, false).length, 2)
  assert.equal(parseListeners('listeners', 'PLAINTEXT://127.0.0.1:9092,SSL://[::1]:9092', PROTOCOLS, false).length, 2)
  assert.equal(parseListeners('advertised.listeners', 'PLAINTEXT://a:9092,SSL://a:9092', PROTOCOLS, true).length, 2)
})

test('listeners: malformed entries, ports outside 0-65535 and unmapped names are refused', () => {
  rejects(() => parseListeners('listeners', 'PLAINTEXT:9092', PROTOCOLS, false), 'listeners', /^Invalid value PLAINTEXT:9092 for configuration listeners: Unable to parse/)
  rejects(() => parseListeners('listeners', 'PLAINTEXT://host:65536', PROTOCOLS, false), 'listeners', /Port 65536 is not in 0-65535/)
  rejects(() => parseListeners('listeners', 'PLAINTEXT://host:-1', PROTOCOLS, false), 'listeners', /Port -1/)
  rejects(() => parseListeners('listeners', 'PLAINTEXT://host:9092/x', PROTOCOLS, false), 'listeners', /Unable to parse/)
  rejects(() => parseListeners('listeners', 'EXTERNAL://:9092', PROTOCOLS, false), 'listeners', /No security protocol defined for listener EXTERNAL/)
})

test('voters: id@host:port with IPv6 hosts; malformed or repeated ids refused', () => {
  assert.deepEqual(parseVoters('controller.quorum.voters', ['1@127.0.0.1:9093', '2@[::1]:9094', '3@controller-3:9095']), [
    { nodeId: 1, host: '127.0.0.1', port: 9093 },
    { nodeId: 2, host: '::1', port: 9094 },
    { nodeId: 3, host: 'controller-3', port: 9095 },
  ])
  for (const bad of ['127.0.0.1:9093', 'x@host:9093', '-1@host:9093', '1@host', '1@host:port']) {
    rejects(() => parseVoters('controller.quorum.voters', [bad]), 'controller.quorum.voters', /\{id\}@\{host\}:\{port\}/)
  }
  rejects(() => parseVoters('controller.quorum.voters', ['1@a:1', '1@b:2']), 'controller.quorum.voters', /Voter id 1 appears more than once/)
  rejects(() => parseVoters('controller.quorum.voters', ['1@a:70000']), 'controller.quorum.voters', /Port 70000/)
})
