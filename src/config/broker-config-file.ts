// Reading server.properties from disk: the one piece of I/O of the config layer, done once at startup.
import { readFile } from 'node:fs/promises'
import { ConfigError } from './config-error.js'
import { parseProperties } from './properties-file.js'

/** The keys and values of the file at `path`; ConfigError (with the cause) when it cannot be read or parsed. */
export async function readBrokerConfigFile(path: string): Promise<Map<string, string>> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    throw new ConfigError(undefined, `Cannot read configuration file ${path}: ${error instanceof Error ? error.message : String(error)}`, { cause: error })
  }
  try {
    return parseProperties(text, path)
  } catch (error) {
    throw new ConfigError(undefined, error instanceof Error ? error.message : String(error), { cause: error })
  }
}
