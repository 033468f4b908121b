import assert from 'node:assert/strict'
import { test } from 'node:test'
import { BROKER_CONFIG_KEYS } from '../../../src/config/broker-config-keys.js'
import { parseBrokerConfig } from '../../../src/config/broker-config.js'
import { ConfigError } from '../../../src/config/config-error.js'
import { propertiesFromEnvironment, propertyNameFromVariable, variableFromPropertyName } from '../../../src/config/env-config.js'

test('one underscore is a dot, two an underscore, three a dash, as in Apache Kafka\'s image', () => {
  assert.equal(propertyNameFromVariable('SLUICE_CFG_LOG_RETENTION_MS'), 'log.retention.ms')
  assert.equal(propertyNameFromVariable('SLUICE_CFG_ADVERTISED_LISTENERS'), 'advertised.listeners')
  assert.equal(propertyNameFromVariable('SLUICE_CFG_LISTENER_NAME_SASL__SSL_SASL_ENABLED_MECHANISMS'), 'listener.name.sasl_ssl.sasl.enabled.mechanisms')
  assert.equal(propertyNameFromVariable('SLUICE_CFG_ABC___DEF'), 'abc-def')
  assert.equal(propertyNameFromVariable('SLUICE_CFG_NODE_ID'), 'node.id')
  assert.equal(propertyNameFromVariable('SLUICE_CFG_log_dirs'), 'log.dirs', 'lower case is accepted too')
})

test('variables without the SLUICE_CFG_ prefix are not configuration', () => {
  assert.equal(propertyNameFromVariable('SLUICE_LOG_LEVEL'), undefined)
  assert.equal(propertyNameFromVariable('KAFKA_LOG_RETENTION_MS'), undefined)
  assert.equal(propertyNameFromVariable('PATH'), undefined)
  const properties = propertiesFromEnvironment({ SLUICE_LOG_LEVEL: 'debug', SLUICE_DISABLE_NATIVE: '1', HOME: '/root', KAFKA_NODE_ID: '3' })
  assert.deepEqual([...properties], [])
})

test('a malformed name is one line naming the variable and the rule', () => {
  for (const variable of ['SLUICE_CFG_', 'SLUICE_CFG__LOG_DIRS', 'SLUICE_CFG_LOG_DIRS_', 'SLUICE_CFG_LOG____DIRS', 'SLUICE_CFG_LOG.DIRS', 'SLUICE_CFG_LOG-DIRS']) {
    assert.throws(() => propertiesFromEnvironment({ [variable]: 'x' }), (error: unknown) => {
      assert.ok(error instanceof ConfigError, String(error))
      assert.equal(error.code, 'ERR_CONFIG_INVALID')
      assert.ok(error.message.startsWith(`Invalid environment variable ${variable}: `), error.message)
      assert.match(error.message, /SLUICE_CFG_LOG_RETENTION_MS for log\.retention\.ms/)
      assert.ok(!error.message.includes('\n'))
      return true
    })
  }
})

test('every broker key round-trips through its variable name', () => {
  for (const { name } of Object.values(BROKER_CONFIG_KEYS)) {
    const variable = variableFromPropertyName(name)
    assert.match(variable, /^SLUICE_CFG_[A-Z0-9_]+$/, name)
    assert.equal(propertyNameFromVariable(variable), name)
  }
  assert.equal(variableFromPropertyName('log.retention.ms'), 'SLUICE_CFG_LOG_RETENTION_MS')
  assert.equal(variableFromPropertyName('abc_def-ghi.jkl'), 'SLUICE_CFG_ABC__DEF___GHI_JKL')
})

test('values are kept as written, empty values count as unset, and the order is by variable name', () => {
  const properties = propertiesFromEnvironment({
    SLUICE_CFG_NUM_PARTITIONS: '3',
    SLUICE_CFG_ADVERTISED_LISTENERS: 'PLAINTEXT://broker.example:9092',
    SLUICE_CFG_LOG_RETENTION_MS: '',
    SLUICE_CFG_LOG_DIRS: undefined,
    SLUICE_CFG_LISTENERS: ' PLAINTEXT://0.0.0.0:9092 ',
  })
  assert.deepEqual([...properties], [
    ['advertised.listeners', 'PLAINTEXT://broker.example:9092'],
    ['listeners', ' PLAINTEXT://0.0.0.0:9092 '],
    ['num.partitions', '3'],
  ])
})

test('two variables for one key are refused rather than one winning by accident', () => {
  assert.throws(() => propertiesFromEnvironment({ SLUICE_CFG_LOG_DIRS: '/a', SLUICE_CFG_log_dirs: '/b' }), (error: unknown) => {
    assert.ok(error instanceof ConfigError)
    assert.equal(error.key, 'log.dirs')
    assert.equal(error.message, 'Environment variables SLUICE_CFG_LOG_DIRS and SLUICE_CFG_log_dirs both set log.dirs: keep one')
    return true
  })
})

test('layered as the server command does: the file, then the environment, then --override', () => {
  const fromFile = new Map([
    ['node.id', '1'], ['process.roles', 'broker,controller'], ['controller.listener.names', 'CONTROLLER'],
    ['listeners', 'PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093'], ['controller.quorum.voters', '1@127.0.0.1:9093'],
    ['log.dirs', '/from-file'], ['num.partitions', '2'], ['log.retention.ms', '1000'],
  ])
  const fromEnv = propertiesFromEnvironment({ SLUICE_CFG_LOG_DIRS: '/from-env', SLUICE_CFG_LOG_RETENTION_MS: '5000', SLUICE_CFG_NO_SUCH_KEY: 'x' })
  const { config, warnings, staticConfigs } = parseBrokerConfig(new Map([...fromFile, ...fromEnv]), ['log.retention.ms=9000'])
  assert.deepEqual(config.logDirs, ['/from-env'])
  assert.equal(config.numPartitions, 2, 'a key the environment leaves alone keeps the file\'s value')
  assert.equal(config.logRetentionMs, 9000, '--override wins over the environment')
  assert.equal(staticConfigs.get('log.dirs'), '/from-env', 'DescribeConfigs reports the value in force')
  assert.deepEqual(warnings, ["The configuration 'no.such.key' was supplied but isn't a known config."])
})
