// The package's public API: run a Sluice node inside the calling process (DESIGN.md, "One node,
// one process, one event loop").
export { startBroker } from './node/broker-node.js'
export type { BrokerNode, StartBrokerOptions } from './node/broker-node.js'
