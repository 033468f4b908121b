// What the scrape-time gauges read from a running node. The node hands this over once its parts
// exist; until then the gauges report nothing (the endpoint is up before the logs are loaded).
import type { Clock } from '../clock.js'
import type { OffsetCoordinator } from '../coordinator/offset-coordinator.js'
import type { LogManager } from '../log/log-manager.js'
import type { MetadataImage } from '../metadata/image.js'
import type { ReplicaManager } from '../replication/replica-manager.js'

export interface ListenerState {
  readonly name: string
  readonly connections: number
  readonly requestsInFlight: number
  readonly queuedBytes: number
}

export interface NodeState {
  readonly nodeId: number
  readonly clock: Clock
  image(): MetadataImage
  isActiveController(): boolean
  readonly replicas: ReplicaManager
  readonly logManager: LogManager
  readonly groupCoordinator: OffsetCoordinator
  listeners(): Iterable<ListenerState>
}
