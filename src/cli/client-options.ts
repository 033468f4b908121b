// What every client command shares: the options Kafka's tools use to reach a cluster
// (--bootstrap-server), --json for scripts, a bound on each request, and a client that is closed
// whatever happens.
import type { Argv } from 'yargs'
import { KafkaClient } from '../client/kafka-client.js'

export interface ClientArgs {
  readonly bootstrapServer: string
  readonly json: boolean
  readonly timeoutMs: number
}

/** Adds --bootstrap-server (required), --json and --timeout-ms to a command. */
export function withClientOptions<T>(args: Argv<T>): Argv<T & ClientArgs> {
  return args
    .option('bootstrap-server', { type: 'string', demandOption: true, describe: 'host:port of a broker (comma-separated for several)' })
    .option('json', { type: 'boolean', default: false, describe: 'print JSON for scripts instead of a table' })
    .option('timeout-ms', { type: 'number', default: 10_000, describe: 'bound on connecting and on each request' }) as unknown as Argv<T & ClientArgs>
}

/** Connects, runs `work`, and closes the client however `work` ends. */
export async function withClient<T>(args: ClientArgs, work: (client: KafkaClient) => Promise<T>): Promise<T> {
  const client = await KafkaClient.connect({ bootstrap: args.bootstrapServer, timeoutMs: args.timeoutMs, clientId: 'sluice-cli' })
  try {
    return await work(client)
  } finally {
    client.close()
  }
}
