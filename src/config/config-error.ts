// The one error of the config layer. Startup prints its message (one line naming the key, the value
// and what is allowed) and exits 1, so the message is written for an operator, in Kafka's wording
// where Kafka has one.
import { SluiceError } from '../errors.js'

/** A configuration value, or a combination of values, that the broker cannot start with. */
export class ConfigError extends SluiceError {
  constructor(
    /** The key at fault (for a cross-key rule, the key to change); undefined when no key is (an unreadable file). */
    readonly key: string | undefined,
    message: string,
    options?: { cause?: unknown },
  ) {
    super('ERR_CONFIG_INVALID', message, options)
  }

  /** Kafka's ConfigException wording: "Invalid value <value> for configuration <key>: <what is allowed>". */
  static invalidValue(key: string, value: string, allowed: string): ConfigError {
    return new ConfigError(key, `Invalid value ${value} for configuration ${key}: ${allowed}`)
  }
}
