// The address-valued keys: listeners and advertised.listeners (NAME://host:port), the
// listener.security.protocol.map (NAME:PROTOCOL), controller.quorum.voters (id@host:port) and
// controller.quorum.bootstrap.servers (host:port), parsed as Kafka 3.9 parses them.
import { ConfigError } from './config-error.js'

export type SecurityProtocol = 'PLAINTEXT' | 'SSL' | 'SASL_PLAINTEXT' | 'SASL_SSL'
export const SECURITY_PROTOCOLS: readonly SecurityProtocol[] = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL']

export interface HostPort {
  /** Host name or address; IPv6 without brackets. Empty in a listener means every interface. */
  readonly host: string
  /** 0-65535; 0 in a listener means a free port chosen at bind time. */
  readonly port: number
}

export interface Listener extends HostPort {
  /** The listener name, upper-cased as Kafka normalises it (ListenerName.normalised). */
  readonly name: string
  readonly securityProtocol: SecurityProtocol
}

export interface Voter extends HostPort {
  readonly nodeId: number
}

// Kafka's EndPoint pattern: NAME://host:port, the host optionally in brackets (IPv6), possibly empty.
const LISTENER = /^(.*):\/\/\[?([0-9a-zA-Z\-%._:]*)\]?:(-?[0-9]+)$/
// Kafka's Utils host:port pattern, the host optionally in brackets.
const HOST_PORT = /^\[?([0-9a-zA-Z\-%._:]*)\]?:([0-9]+)$/

/** Listener names are case-insensitive in Sluice: every name is compared upper-cased. */
export function normaliseListenerName(name: string): string {
  return name.toUpperCase()
}

/** Kafka's comma-separated list reading: blanks around entries trimmed, empty entries dropped. */
export function parseCsvList(text: string): string[] {
  return text.split(',').map((entry) => entry.trim()).filter((entry) => entry !== '')
}

/**
 * NAME:PROTOCOL entries; names upper-cased, protocols case-insensitive. Throws ConfigError for an
 * entry without a colon, an unknown protocol or a name given twice.
 */
export function parseSecurityProtocolMap(key: string, text: string): Map<string, SecurityProtocol> {
  const map = new Map<string, SecurityProtocol>()
  for (const entry of parseCsvList(text)) {
    const colon = entry.lastIndexOf(':')
    const name = normaliseListenerName(entry.slice(0, colon).trim())
    const protocol = entry.slice(colon + 1).trim().toUpperCase()
    if (colon <= 0 || name === '') throw ConfigError.invalidValue(key, text, `Entry ${entry} is not of the form NAME:PROTOCOL`)
    if (!isSecurityProtocol(protocol)) throw ConfigError.invalidValue(key, text, `Unknown security protocol ${protocol}; allowed: ${SECURITY_PROTOCOLS.join(', ')}`)
    if (map.has(name)) throw ConfigError.invalidValue(key, text, `Listener name ${name} appears more than once`)
    map.set(name, protocol)
  }
  return map
}

/**
 * NAME://host:port entries. Names must be unique; ports too (except 0, and except the same port on
 * one IPv4 and one IPv6 address) unless `allowDuplicatePorts` (advertised.listeners may repeat a
 * port). A name missing from `protocols` is an error, as in Kafka.
 */
export function parseListeners(
  key: string,
  text: string,
  protocols: ReadonlyMap<string, SecurityProtocol>,
  allowDuplicatePorts: boolean,
): Listener[] {
  const listeners: Listener[] = []
  for (const entry of parseCsvList(text)) {
    const match = LISTENER.exec(entry)
    if (match === null) throw ConfigError.invalidValue(key, text, `Unable to parse ${entry} to a broker endpoint; expected NAME://host:port`)
    const name = normaliseListenerName(match[1]!)
    const host = match[2]!
    const port = parsePort(key, text, match[3]!)
    const securityProtocol = protocols.get(name)
    if (securityProtocol === undefined) throw ConfigError.invalidValue(key, text, `No security protocol defined for listener ${name}`)
    if (listeners.some((listener) => listener.name === name)) throw ConfigError.invalidValue(key, text, `Each listener must have a different name; ${name} appears twice`)
    if (!allowDuplicatePorts && port !== 0) {
      for (const other of listeners) {
        if (other.port === port && !isOneIpv4AndOneIpv6(other.host, host)) {
          throw ConfigError.invalidValue(key, text, `Each listener must have a different port unless exactly one listener has an IPv4 address and the other IPv6 address; port ${port} appears twice`)
        }
      }
    }
    listeners.push(Object.freeze({ name, host, port, securityProtocol }))
  }
  return listeners
}

/** id@host:port entries with unique ids. */
export function parseVoters(key: string, values: readonly string[]): Voter[] {
  const voters: Voter[] = []
  for (const entry of values) {
    const at = entry.indexOf('@')
    const idText = entry.slice(0, at)
    const address = HOST_PORT.exec(entry.slice(at + 1))
    if (at <= 0 || address === null || !/^\d+$/.test(idText)) {
      throw ConfigError.invalidValue(key, values.join(','), `Entry ${entry} is not of the form {id}@{host}:{port}`)
    }
    const nodeId = Number(idText)
    if (nodeId > 2 ** 31 - 1) throw ConfigError.invalidValue(key, values.join(','), `Voter id ${idText} is not a non-negative INT`)
    if (voters.some((voter) => voter.nodeId === nodeId)) throw ConfigError.invalidValue(key, values.join(','), `Voter id ${nodeId} appears more than once`)
    voters.push(Object.freeze({ nodeId, host: address[1]!, port: parsePort(key, values.join(','), address[2]!) }))
  }
  return voters
}

/** host:port entries. */
export function parseHostPorts(key: string, values: readonly string[]): HostPort[] {
  return values.map((entry) => {
    const address = HOST_PORT.exec(entry)
    if (address === null || address[1] === '') throw ConfigError.invalidValue(key, values.join(','), `Entry ${entry} is not of the form {host}:{port}`)
    return Object.freeze({ host: address[1]!, port: parsePort(key, values.join(','), address[2]!) })
  })
}

function parsePort(key: string, text: string, portText: string): number {
  const port = Number(portText)
  if (!/^\d{1,5}$/.test(portText) || port > 65535) throw ConfigError.invalidValue(key, text, `Port ${portText} is not in 0-65535`)
  return port
}

function isSecurityProtocol(name: string): name is SecurityProtocol {
  return (SECURITY_PROTOCOLS as readonly string[]).includes(name)
}

function isOneIpv4AndOneIpv6(first: string, second: string): boolean {
  const isIpv4 = (host: string): boolean => /^\d{1,3}(\.\d{1,3}){3}$/.test(host)
  const isIpv6 = (host: string): boolean => host.includes(':')
  return (isIpv4(first) && isIpv6(second)) || (isIpv6(first) && isIpv4(second))
}
