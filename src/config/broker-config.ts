// server.properties (plus --override key=value) → one frozen, typed BrokerConfig, with Kafka 3.9's
// precedence rules (log.retention.ms > minutes > hours, log.roll.ms > hours, log.dirs > log.dir)
// and the cross-key checks KafkaConfig makes at startup of a KRaft node. Pure: reading the file is
// readBrokerConfigFile's job.
import type { BrokerConfigProperty, BrokerConfigValues, ConfigKey } from './broker-config-keys.js'
import { BROKER_CONFIG_KEYS, findConfigKey } from './broker-config-keys.js'
import { ConfigError } from './config-error.js'
import type { ConfigValue } from './config-value.js'
import { parseConfigValue } from './config-value.js'
import type { HostPort, Listener, SecurityProtocol, Voter } from './listeners.js'
import { normaliseListenerName, parseCsvList, parseHostPorts, parseListeners, parseSecurityProtocolMap, parseVoters } from './listeners.js'

export type ProcessRole = 'broker' | 'controller'

/** The keys whose values are replaced by the structured or effective values of ResolvedKeys. */
type ResolvedProperty =
  | keyof ResolvedKeys
  | 'logDir'
  | 'logRollHours'
  | 'logRollJitterHours'
  | 'logRetentionMinutes'
  | 'logRetentionHours'

/** Values that Kafka derives from one or more keys, as KafkaConfig exposes them. */
interface ResolvedKeys {
  /** Distinct roles; never empty (Sluice runs only in KRaft mode). */
  readonly processRoles: readonly ProcessRole[]
  /** Sockets to bind, in file order. */
  readonly listeners: readonly Listener[]
  /** What brokers advertise: advertised.listeners, else the listeners that are not controller listeners. */
  readonly advertisedListeners: readonly Listener[]
  /** listener.security.protocol.map as in effect: with controller listeners mapped to PLAINTEXT when the key is not set. */
  readonly listenerSecurityProtocolMap: ReadonlyMap<string, SecurityProtocol>
  /** Upper-cased names; the first is the one brokers use to reach controllers. */
  readonly controllerListenerNames: readonly string[]
  readonly controllerQuorumVoters: readonly Voter[]
  readonly controllerQuorumBootstrapServers: readonly HostPort[]
  /** Upper-cased; PLAINTEXT when not set (security.inter.broker.protocol's default). */
  readonly interBrokerListenerName: string
  /** log.dirs, else log.dir; never empty. */
  readonly logDirs: readonly string[]
  /** log.roll.ms, else log.roll.hours. */
  readonly logRollMs: number
  /** log.roll.jitter.ms, else log.roll.jitter.hours. */
  readonly logRollJitterMs: number
  /** log.retention.ms, else minutes, else hours; -1 (any negative value) keeps segments forever. */
  readonly logRetentionMs: number
  /** log.flush.interval.ms, else log.flush.scheduler.interval.ms. */
  readonly logFlushIntervalMs: number
}

/**
 * The broker's configuration: every key of BROKER_CONFIG_KEYS under its property name, except
 * those that Kafka resolves into another value (the hours and minutes forms, log.dir), which appear
 * only as the resolved value. Numbers are exact; Kafka's Long.MAX_VALUE is Number.MAX_SAFE_INTEGER.
 */
export type BrokerConfig = Readonly<Omit<BrokerConfigValues, ResolvedProperty>> & ResolvedKeys

export interface ParsedBrokerConfig {
  readonly config: BrokerConfig
  /** One line per supplied key Sluice does not know, in Kafka's wording. */
  readonly warnings: readonly string[]
  /**
   * Every key supplied by the file or an override, with its trimmed text (unknown keys too): Kafka's
   * staticBrokerConfigs, the STATIC_BROKER_CONFIG layer of DescribeConfigs.
   */
  readonly staticConfigs: ReadonlyMap<string, string>
}

const KEY = BROKER_CONFIG_KEYS

/**
 * Parses the properties of a server.properties file with `overrides` ("key=value", from
 * --override) replacing the file's values. Throws ConfigError for the first invalid value or
 * combination, naming the key; an unknown key is a warning, not an error.
 */
export function parseBrokerConfig(properties: ReadonlyMap<string, string>, overrides: readonly string[] = []): ParsedBrokerConfig {
  const supplied = new Map(properties)
  for (const override of overrides) {
    const equals = override.indexOf('=')
    if (equals <= 0) throw new ConfigError(undefined, `Invalid override ${override}: expected key=value`)
    supplied.set(override.slice(0, equals).trim(), override.slice(equals + 1))
  }

  const warnings: string[] = []
  const values = new Map<BrokerConfigProperty, ConfigValue | undefined>()
  for (const [name, text] of supplied) {
    const found = findConfigKey(name)
    if (found === undefined) warnings.push(`The configuration '${name}' was supplied but isn't a known config.`)
    else values.set(found[0], parseConfigValue(found[1], text))
  }
  for (const [property, key] of Object.entries(BROKER_CONFIG_KEYS) as [BrokerConfigProperty, ConfigKey][]) {
    if (!values.has(property)) values.set(property, key.defaultValue ?? undefined)
  }
  // Every property is set above, to a value parsed by its key's type: the shape of BrokerConfigValues.
  const raw = Object.fromEntries(values) as unknown as BrokerConfigValues
  const resolved = resolve(raw, supplied.has(KEY.listenerSecurityProtocolMap.name))
  const config: BrokerConfig = Object.freeze({ ...withoutResolved(raw), ...resolved })
  const staticConfigs = new Map([...supplied].map(([name, text]) => [name, text.trim()] as const))
  return { config, warnings, staticConfigs }
}

/** Drops the keys that exist only as a source of a resolved value (the spread of ResolvedKeys replaces the rest). */
function withoutResolved(raw: BrokerConfigValues): Omit<BrokerConfigValues, 'logDir' | 'logRollHours' | 'logRollJitterHours' | 'logRetentionMinutes' | 'logRetentionHours'> {
  const { logDir: _logDir, logRollHours: _rollHours, logRollJitterHours: _jitterHours, logRetentionMinutes: _minutes, logRetentionHours: _hours, ...rest } = raw
  return rest
}

const MINUTE_MS = 60 * 1000
const HOUR_MS = 60 * MINUTE_MS

function resolve(raw: BrokerConfigValues, isProtocolMapSet: boolean): ResolvedKeys {
  const processRoles = resolveProcessRoles(raw.processRoles)
  const isBroker = processRoles.includes('broker')
  const isController = processRoles.includes('controller')
  if (raw.nodeId < 0) {
    throw new ConfigError(KEY.nodeId.name, `Missing configuration \`${KEY.nodeId.name}\` which is required when \`${KEY.processRoles.name}\` is defined (i.e. when running in KRaft mode).`)
  }

  const controllerListenerNames = parseCsvList(raw.controllerListenerNames ?? '').map(normaliseListenerName)
  if (controllerListenerNames.length === 0) {
    // Checked before the listeners are parsed: the controller listener's protocol depends on it.
    const name = KEY.controllerListenerNames.name
    throw ConfigError.invalidValue(name, '', `${name} must contain at least one value${isController ? ` appearing in the '${KEY.listeners.name}' configuration` : ''}`)
  }
  const listenerSecurityProtocolMap = effectiveProtocolMap(raw, controllerListenerNames, isProtocolMapSet)
  const listeners = parseListeners(KEY.listeners.name, raw.listeners, listenerSecurityProtocolMap, false)
  const isControllerListener = (listener: Listener): boolean => controllerListenerNames.includes(listener.name)
  const advertisedListeners = raw.advertisedListeners === undefined
    ? listeners.filter((listener) => !isControllerListener(listener))
    : parseListeners(KEY.advertisedListeners.name, raw.advertisedListeners, listenerSecurityProtocolMap, true)
  checkControllerListeners(controllerListenerNames, listeners, isBroker, isController)
  const interBrokerListenerName = normaliseListenerName(raw.interBrokerListenerName ?? 'PLAINTEXT')
  if (isBroker) checkBrokerListeners(advertisedListeners, controllerListenerNames, interBrokerListenerName)

  const controllerQuorumVoters = parseVoters(KEY.controllerQuorumVoters.name, raw.controllerQuorumVoters)
  const controllerQuorumBootstrapServers = parseHostPorts(KEY.controllerQuorumBootstrapServers.name, raw.controllerQuorumBootstrapServers)
  checkQuorum(raw.nodeId, controllerQuorumVoters, controllerQuorumBootstrapServers, isBroker, isController)

  const logDirs = parseCsvList(raw.logDirs ?? raw.logDir)
  if (logDirs.length === 0) throw new ConfigError(KEY.logDirs.name, `At least one log directory must be defined via ${KEY.logDirs.name} or ${KEY.logDir.name}.`)

  const logRollMs = raw.logRollMs ?? raw.logRollHours * HOUR_MS
  if (logRollMs < 1) throw ConfigError.invalidValue(KEY.logRollMs.name, String(logRollMs), 'Value must be at least 1')
  const logRollJitterMs = raw.logRollJitterMs ?? raw.logRollJitterHours * HOUR_MS
  if (logRollJitterMs < 0) throw ConfigError.invalidValue(KEY.logRollJitterMs.name, String(logRollJitterMs), 'Value must be at least 0')
  const retentionMs = raw.logRetentionMs ?? (raw.logRetentionMinutes !== undefined ? raw.logRetentionMinutes * MINUTE_MS : raw.logRetentionHours * HOUR_MS)
  const logRetentionMs = retentionMs < 0 ? -1 : retentionMs
  if (logRetentionMs === 0) throw ConfigError.invalidValue(KEY.logRetentionMs.name, '0', 'log.retention.ms must be unlimited (-1) or, greater than or equal to 1')

  return {
    processRoles,
    listeners: Object.freeze(listeners),
    advertisedListeners: Object.freeze(advertisedListeners),
    listenerSecurityProtocolMap,
    controllerListenerNames: Object.freeze(controllerListenerNames),
    controllerQuorumVoters: Object.freeze(controllerQuorumVoters),
    controllerQuorumBootstrapServers: Object.freeze(controllerQuorumBootstrapServers),
    interBrokerListenerName,
    logDirs: Object.freeze(logDirs),
    logRollMs,
    logRollJitterMs,
    logRetentionMs,
    logFlushIntervalMs: raw.logFlushIntervalMs ?? raw.logFlushSchedulerIntervalMs,
  }
}

function resolveProcessRoles(values: readonly string[]): readonly ProcessRole[] {
  const name = KEY.processRoles.name
  if (values.length === 0) {
    throw ConfigError.invalidValue(name, '', 'Sluice runs only in KRaft mode: set broker, controller or broker,controller')
  }
  if (new Set(values).size !== values.length) throw ConfigError.invalidValue(name, values.join(','), `Duplicate role names found in \`${name}\``)
  // The key's validator has already allowed only broker and controller.
  return Object.freeze(values as ProcessRole[])
}

/**
 * Kafka's effectiveListenerSecurityProtocolMap: when the map is not set in KRaft mode and no listener
 * is named after SSL or SASL_*, every controller listener name maps to PLAINTEXT.
 */
function effectiveProtocolMap(raw: BrokerConfigValues, controllerListenerNames: readonly string[], isSet: boolean): ReadonlyMap<string, SecurityProtocol> {
  const map = parseSecurityProtocolMap(KEY.listenerSecurityProtocolMap.name, raw.listenerSecurityProtocolMap)
  if (isSet) return map
  const isSslOrSasl = (name: string): boolean => name === 'SSL' || name.startsWith('SASL_')
  const listenerNames = parseCsvList(raw.listeners).map((entry) => normaliseListenerName(entry.split('://')[0] ?? ''))
  if (controllerListenerNames.some(isSslOrSasl) || listenerNames.some(isSslOrSasl)) return map
  for (const name of controllerListenerNames) if (!map.has(name)) map.set(name, 'PLAINTEXT')
  return map
}

function checkControllerListeners(controllerNames: readonly string[], listeners: readonly Listener[], isBroker: boolean, isController: boolean): void {
  const name = KEY.controllerListenerNames.name
  const listenerNames = listeners.map((listener) => listener.name)
  const shown = controllerNames.join(',')
  if (isController) {
    const missing = controllerNames.filter((controllerName) => !listenerNames.includes(controllerName))
    if (missing.length > 0) {
      throw ConfigError.invalidValue(name, shown, `${name} must only contain values appearing in the '${KEY.listeners.name}' configuration when running the KRaft controller role; not found: ${missing.join(', ')}`)
    }
  }
  if (isBroker && !isController) {
    const present = controllerNames.filter((controllerName) => listenerNames.includes(controllerName))
    if (present.length > 0) {
      throw ConfigError.invalidValue(KEY.listeners.name, listenerNames.join(','), `${name} must not contain a value appearing in the '${KEY.listeners.name}' configuration when running KRaft with just the broker role: ${present.join(', ')}`)
    }
  }
  if (isController && !isBroker) {
    const others = listenerNames.filter((listenerName) => !controllerNames.includes(listenerName))
    if (others.length > 0) {
      throw ConfigError.invalidValue(KEY.listeners.name, listenerNames.join(','), `The ${KEY.listeners.name} config must only contain KRaft controller listeners from ${name} when ${KEY.processRoles.name}=controller; not a controller listener: ${others.join(', ')}`)
    }
  }
}

function checkBrokerListeners(advertised: readonly Listener[], controllerNames: readonly string[], interBrokerListenerName: string): void {
  const name = KEY.advertisedListeners.name
  const shown = advertised.map((listener) => `${listener.name}://${listener.host}:${listener.port}`).join(',')
  const controllerListener = advertised.find((listener) => controllerNames.includes(listener.name))
  if (controllerListener !== undefined) {
    throw ConfigError.invalidValue(name, shown, `The ${name} config must not contain KRaft controller listeners from ${KEY.controllerListenerNames.name} when ${KEY.processRoles.name} contains the broker role: clients never send requests to controllers; found ${controllerListener.name}`)
  }
  if (advertised.some((listener) => listener.host === '0.0.0.0')) {
    throw ConfigError.invalidValue(name, shown, `${name} cannot use the nonroutable meta-address 0.0.0.0. Use a routable IP address.`)
  }
  if (controllerNames.includes(interBrokerListenerName)) {
    throw ConfigError.invalidValue(KEY.interBrokerListenerName.name, interBrokerListenerName, `The inter-broker listener must not be a controller listener (${KEY.controllerListenerNames.name})`)
  }
  if (!advertised.some((listener) => listener.name === interBrokerListenerName)) {
    throw ConfigError.invalidValue(
      KEY.interBrokerListenerName.name,
      interBrokerListenerName,
      `${KEY.interBrokerListenerName.name} must be a listener name defined in ${name}. The valid options based on currently configured listeners are ${advertised.map((listener) => listener.name).join(',')}`,
    )
  }
}

function checkQuorum(nodeId: number, voters: readonly Voter[], bootstrapServers: readonly HostPort[], isBroker: boolean, isController: boolean): void {
  const name = KEY.controllerQuorumVoters.name
  const shown = voters.map((voter) => `${voter.nodeId}@${voter.host}:${voter.port}`).join(',')
  if (voters.length === 0 && bootstrapServers.length === 0) {
    throw ConfigError.invalidValue(name, '', `If using ${KEY.processRoles.name}, either ${KEY.controllerQuorumBootstrapServers.name} must contain the set of bootstrap controllers or ${name} must contain a parseable set of controllers.`)
  }
  if (voters.length === 0) return
  const isVoter = voters.some((voter) => voter.nodeId === nodeId)
  if (isController && !isVoter) {
    throw ConfigError.invalidValue(name, shown, `If ${KEY.processRoles.name} contains the 'controller' role, the node id ${nodeId} must be included in the set of voters`)
  }
  if (isBroker && !isController && isVoter) {
    throw ConfigError.invalidValue(name, shown, `If ${KEY.processRoles.name} contains just the 'broker' role, the node id ${nodeId} must not be included in the set of voters`)
  }
}
