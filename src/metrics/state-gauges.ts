// Gauges read from the node's state at each scrape: partitions and leaders, the controller's view
// of the cluster, every hosted log and log dir, connections and queued requests, and groups.
// Per-partition series stop at metrics.partition.series.max partitions (in topic and partition
// order) so that a broker with very many partitions keeps a bounded scrape.
import { statfs } from 'node:fs/promises'
import type { Gauge, Registry } from 'prom-client'
import { NO_LEADER } from '../metadata/image.js'
import type { Partition } from '../replication/partition.js'
import { CONTROLLER_METRICS, GROUP_METRICS, LOG_METRICS, REPLICA_MANAGER_METRICS, SLUICE_METRICS, SOCKET_SERVER_METRICS, type MetricName } from './names.js'
import type { NodeState } from './node-state.js'
import { registerGauge } from './register-gauge.js'

/** Kafka's group states plus the series for all groups; groups with only committed offsets count as Empty. */
const GROUP_STATES = ['Empty', 'PreparingRebalance', 'CompletingRebalance', 'Stable', 'Dead'] as const

export class StateGauges {
  private readonly replicaManager
  private readonly controller
  private readonly log
  private readonly sockets
  private readonly groups
  private readonly seriesDropped: Gauge<'kind'>

  constructor(registry: Registry, private readonly partitionSeriesMax: number) {
    const gauge = <L extends string>(metric: MetricName, labelNames: readonly L[] = []): Gauge<L> => registerGauge(registry, metric, labelNames)
    this.replicaManager = {
      underReplicated: gauge(REPLICA_MANAGER_METRICS.underReplicatedPartitions),
      partitionCount: gauge(REPLICA_MANAGER_METRICS.partitionCount),
      leaderCount: gauge(REPLICA_MANAGER_METRICS.leaderCount),
      offlineReplicas: gauge(REPLICA_MANAGER_METRICS.offlineReplicaCount),
    }
    this.controller = {
      active: gauge(CONTROLLER_METRICS.activeControllerCount),
      offlinePartitions: gauge(CONTROLLER_METRICS.offlinePartitionsCount),
      topics: gauge(CONTROLLER_METRICS.globalTopicCount),
      partitions: gauge(CONTROLLER_METRICS.globalPartitionCount),
    }
    const partitionLabels = ['topic', 'partition'] as const
    this.log = {
      size: gauge(LOG_METRICS.size, partitionLabels),
      segments: gauge(LOG_METRICS.numLogSegments, partitionLabels),
      startOffset: gauge(LOG_METRICS.logStartOffset, partitionLabels),
      endOffset: gauge(LOG_METRICS.logEndOffset, partitionLabels),
      dirUsed: gauge(LOG_METRICS.logDirUsed, ['logdir']),
      dirFree: gauge(LOG_METRICS.logDirFree, ['logdir']),
      dirTotal: gauge(LOG_METRICS.logDirTotal, ['logdir']),
      offlineDirs: gauge(LOG_METRICS.offlineLogDirectoryCount),
    }
    this.sockets = {
      connections: gauge(SOCKET_SERVER_METRICS.connectionCount, ['listener']),
      queueSize: gauge(SOCKET_SERVER_METRICS.requestQueueSize),
      queueBytes: gauge(SOCKET_SERVER_METRICS.requestQueueBytes),
    }
    this.groups = {
      count: gauge(GROUP_METRICS.numGroups, ['state']),
      offsets: gauge(GROUP_METRICS.numOffsets),
    }
    this.seriesDropped = gauge(SLUICE_METRICS.seriesDropped, ['kind'])
  }

  /** Sets every gauge from the node's state now. */
  async refresh(state: NodeState): Promise<void> {
    this.refreshPartitions(state)
    this.refreshController(state)
    this.refreshSockets(state)
    this.refreshGroups(state)
    await this.refreshLogDirs(state)
  }

  /** Records how many series of `kind` the cap left out of this scrape. */
  reportDropped(kind: string, count: number): void {
    this.seriesDropped.set({ kind }, count)
  }

  private refreshPartitions(state: NodeState): void {
    const hosted = [...state.replicas.hostedPartitions()].sort(byTopicAndPartition)
    const { underReplicated, partitionCount, leaderCount, offlineReplicas } = this.replicaManager
    let leaders = 0
    let underReplicatedLeaders = 0
    let offline = 0
    for (const partition of hosted) {
      if (partition.isLeader) {
        leaders++
        if (partition.registration.isr.length < partition.registration.replicas.length) underReplicatedLeaders++
      }
      if (partition.log.isOffline) offline++
    }
    partitionCount.set(hosted.length)
    leaderCount.set(leaders)
    underReplicated.set(underReplicatedLeaders)
    offlineReplicas.set(offline)
    const { size, segments, startOffset, endOffset } = this.log
    for (const gauge of [size, segments, startOffset, endOffset]) gauge.reset()
    for (const partition of hosted.slice(0, this.partitionSeriesMax)) {
      const labels = { topic: partition.topic, partition: String(partition.partitionIndex) }
      const { log } = partition
      size.set(labels, log.sizeBytes)
      segments.set(labels, log.segmentCount)
      startOffset.set(labels, Number(log.logStartOffset))
      endOffset.set(labels, Number(log.logEndOffset))
    }
    this.reportDropped('log', Math.max(hosted.length - this.partitionSeriesMax, 0))
  }

  private refreshController(state: NodeState): void {
    const isActive = state.isActiveController()
    const { active, offlinePartitions, topics, partitions } = this.controller
    active.set(isActive ? 1 : 0)
    // As in Kafka, only the active controller reports the cluster-wide counts; the others report 0.
    let topicCount = 0
    let partitionCount = 0
    let offline = 0
    if (isActive) {
      const image = state.image()
      for (const topic of image.topics.byName.values()) {
        topicCount++
        for (const registration of topic.partitions.values()) {
          partitionCount++
          if (registration.leader === NO_LEADER) offline++
        }
      }
    }
    topics.set(topicCount)
    partitions.set(partitionCount)
    offlinePartitions.set(offline)
  }

  private refreshSockets(state: NodeState): void {
    const { connections, queueSize, queueBytes } = this.sockets
    let inFlight = 0
    let bytes = 0
    for (const listener of state.listeners()) {
      connections.set({ listener: listener.name }, listener.connections)
      inFlight += listener.requestsInFlight
      bytes += listener.queuedBytes
    }
    queueSize.set(inFlight)
    queueBytes.set(bytes)
  }

  private refreshGroups(state: NodeState): void {
    const coordinator = state.groupCoordinator
    const byState = new Map<string, number>(GROUP_STATES.map((name) => [name, 0]))
    const { groupIds } = coordinator.offsetGroupIds()
    const groupIdSet = new Set([...groupIds, ...coordinator.membership.groups.keys()])
    let offsetCount = 0
    for (const groupId of groupIdSet) {
      const groupState = coordinator.membership.groups.get(groupId)?.state ?? 'Empty'
      byState.set(groupState, (byState.get(groupState) ?? 0) + 1)
      for (const partitions of coordinator.groupOffsets(groupId)?.byTopic.values() ?? []) offsetCount += partitions.size
    }
    for (const [name, count] of byState) this.groups.count.set({ state: name }, count)
    this.groups.count.set({}, groupIdSet.size)
    this.groups.offsets.set(offsetCount)
  }

  private async refreshLogDirs(state: NodeState): Promise<void> {
    const { dirUsed, dirFree, dirTotal, offlineDirs } = this.log
    let offline = 0
    for (const dir of state.logManager.logDirs) {
      if (!dir.isOnline) offline++
      try {
        const stats = await statfs(dir.path)
        dirTotal.set({ logdir: dir.path }, stats.blocks * stats.bsize)
        dirFree.set({ logdir: dir.path }, stats.bavail * stats.bsize)
        dirUsed.set({ logdir: dir.path }, (stats.blocks - stats.bfree) * stats.bsize)
      } catch {
        // A dir that cannot be examined has no disk figures in this scrape; it is counted offline by the log manager.
        for (const gauge of [dirUsed, dirFree, dirTotal]) gauge.remove({ logdir: dir.path })
      }
    }
    offlineDirs.set(offline)
  }
}

function byTopicAndPartition(a: Partition, b: Partition): number {
  return a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partitionIndex - b.partitionIndex
}
