// kafka_exporter's consumer group and partition series, computed by the broker at each scrape for
// the groups it coordinates and the partitions it leads, plus what no exporter has: lag in seconds,
// now minus the timestamp of the first record after the committed offset (found through the
// offset index, PartitionLog.timestampOfRecordAtOrAfter), 0 when caught up.
import type { Gauge, Registry } from 'prom-client'
import { consumerLag } from '../coordinator/consumer-lag.js'
import { LAG_METRICS, type MetricName } from './names.js'
import type { NodeState } from './node-state.js'
import { registerGauge } from './register-gauge.js'

export interface LagGaugesOptions {
  /** metrics.partition.series.max: the most group partitions, and separately partitions, given series. */
  readonly seriesMax: number
  /** Told how many series of a kind the cap left out. */
  readonly reportDropped: (kind: string, count: number) => void
}

export class LagGauges {
  private readonly currentOffset
  private readonly currentOffsetSum
  private readonly lag
  private readonly lagSum
  private readonly lagSeconds
  private readonly members
  private readonly partitionCurrentOffset
  private readonly partitionOldestOffset
  private readonly topicPartitions
  private readonly brokers

  constructor(registry: Registry, private readonly options: LagGaugesOptions) {
    const gauge = <L extends string>(metric: MetricName, labelNames: readonly L[]): Gauge<L> => registerGauge(registry, metric, labelNames)
    const groupPartition = ['consumergroup', 'topic', 'partition'] as const
    this.currentOffset = gauge(LAG_METRICS.currentOffset, groupPartition)
    this.currentOffsetSum = gauge(LAG_METRICS.currentOffsetSum, ['consumergroup', 'topic'])
    this.lag = gauge(LAG_METRICS.lag, groupPartition)
    this.lagSum = gauge(LAG_METRICS.lagSum, ['consumergroup', 'topic'])
    this.lagSeconds = gauge(LAG_METRICS.lagSeconds, groupPartition)
    this.members = gauge(LAG_METRICS.members, ['consumergroup'])
    this.partitionCurrentOffset = gauge(LAG_METRICS.partitionCurrentOffset, ['topic', 'partition'])
    this.partitionOldestOffset = gauge(LAG_METRICS.partitionOldestOffset, ['topic', 'partition'])
    this.topicPartitions = gauge(LAG_METRICS.topicPartitions, ['topic'])
    this.brokers = gauge(LAG_METRICS.brokers, [])
  }

  async refresh(state: NodeState): Promise<void> {
    this.refreshPartitions(state)
    await this.refreshGroups(state)
  }

  private refreshPartitions(state: NodeState): void {
    const image = state.image()
    this.brokers.set(image.cluster.brokers.size)
    this.topicPartitions.reset()
    this.partitionCurrentOffset.reset()
    this.partitionOldestOffset.reset()
    let series = 0
    let dropped = 0
    for (const [name, topic] of [...image.topics.byName].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      this.topicPartitions.set({ topic: name }, topic.partitions.size)
      for (const partitionIndex of [...topic.partitions.keys()].sort((a, b) => a - b)) {
        const partition = state.replicas.partition(name, partitionIndex)
        if (partition === undefined || !partition.isLeader) continue
        if (series++ >= this.options.seriesMax) {
          dropped++
          continue
        }
        const labels = { topic: name, partition: String(partitionIndex) }
        this.partitionCurrentOffset.set(labels, Number(partition.log.highWatermark))
        this.partitionOldestOffset.set(labels, Number(partition.log.logStartOffset))
      }
    }
    this.options.reportDropped('topic_partition', dropped)
  }

  private async refreshGroups(state: NodeState): Promise<void> {
    const coordinator = state.groupCoordinator
    for (const gauge of [this.currentOffset, this.currentOffsetSum, this.lag, this.lagSum, this.lagSeconds, this.members]) gauge.reset()
    for (const [groupId, group] of coordinator.membership.groups) this.members.set({ consumergroup: groupId }, group.members.size)
    const lags = consumerLag(coordinator, (topic, partition) => state.replicas.partition(topic, partition)?.log.highWatermark)
    const nowMs = state.clock.nowMs()
    const sums = new Map<string, { group: string; topic: string; offset: number; lag: number }>()
    let dropped = 0
    for (const [index, entry] of lags.entries()) {
      if (index >= this.options.seriesMax) {
        dropped++
        continue
      }
      const labels = { consumergroup: entry.group, topic: entry.topic, partition: String(entry.partition) }
      this.currentOffset.set(labels, Number(entry.committedOffset))
      // A partition led elsewhere has no known high watermark here: its lag is not reported.
      if (entry.lag < 0n) continue
      this.lag.set(labels, Number(entry.lag))
      this.lagSeconds.set(labels, await this.lagSecondsOf(state, entry.topic, entry.partition, entry.committedOffset, entry.highWatermark, nowMs))
      const key = `${entry.group}\u0000${entry.topic}`
      const sum = sums.get(key) ?? { group: entry.group, topic: entry.topic, offset: 0, lag: 0 }
      sum.offset += Number(entry.committedOffset)
      sum.lag += Number(entry.lag)
      sums.set(key, sum)
    }
    for (const sum of sums.values()) {
      this.currentOffsetSum.set({ consumergroup: sum.group, topic: sum.topic }, sum.offset)
      this.lagSum.set({ consumergroup: sum.group, topic: sum.topic }, sum.lag)
    }
    this.options.reportDropped('consumergroup', dropped)
  }

  private async lagSecondsOf(state: NodeState, topic: string, partition: number, committedOffset: bigint, highWatermark: bigint, nowMs: number): Promise<number> {
    if (committedOffset >= highWatermark) return 0
    const log = state.replicas.partition(topic, partition)?.log
    const timestamp = await log?.timestampOfRecordAtOrAfter(committedOffset, highWatermark)
    // Nothing readable (the log went offline) or a record stamped in the future: no time behind.
    if (timestamp === undefined || timestamp < 0n) return 0
    return Math.max(nowMs - Number(timestamp), 0) / 1000
  }
}
