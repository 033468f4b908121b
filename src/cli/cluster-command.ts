// `sluice cluster describe`: the cluster id, the controller clients are told about, and each broker
// with its address and rack (DescribeCluster, else Metadata), as kafka-cluster.sh cluster-id and
// kafka-broker-api-versions.sh show them between them.
import type { Argv, CommandModule } from 'yargs'
import { describeCluster } from '../client/describe-cluster.js'
import { withClient, withClientOptions, type ClientArgs } from './client-options.js'
import { formatTable, printResult } from './output.js'
import { commandGroup } from './command-group.js'

const describeCommand: CommandModule<object, ClientArgs> = {
  command: 'describe',
  describe: 'show the cluster id, the controller and the brokers',
  builder: (args: Argv) => withClientOptions(args)
    .example('$0 cluster describe --bootstrap-server 127.0.0.1:9092', ''),
  handler: async (args) => {
    const cluster = await withClient(args, describeCluster)
    const json = {
      clusterId: cluster.clusterId,
      controllerId: cluster.controllerId,
      brokers: cluster.brokers.map((broker) => ({ id: broker.nodeId, host: broker.host, port: broker.port, rack: broker.rack })),
    }
    printResult(args.json, json, () =>
      `Cluster ID: ${cluster.clusterId ?? '-'}\nController ID: ${cluster.controllerId < 0 ? 'none' : cluster.controllerId}\n\n` +
      formatTable(['ID', 'HOST:PORT', 'RACK'], cluster.brokers.map((broker) => [broker.nodeId, `${broker.host}:${broker.port}`, broker.rack])))
  },
}

export const clusterCommand = commandGroup('cluster', 'describe the cluster (id, controller, brokers)', [
  describeCommand as CommandModule<object, never>,
])
