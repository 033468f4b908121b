// One node's metrics: a prom-client registry of its own (several nodes may share a process), the
// counters and histograms the request path and the replica manager feed, and the gauges read from
// the node's state at each scrape (state-gauges.ts, lag-gauges.ts). Recording is a few map lookups
// per request and per partition append or read: the hot path never formats a label string.
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client'
import { errorName } from '../protocol/error-codes.js'
import type { CompletedRequest, RequestObserver } from '../handlers/request-observer.js'
import type { BrokerTopicStats } from '../replication/broker-topic-stats.js'
import { LagGauges } from './lag-gauges.js'
import type { NodeState } from './node-state.js'
import { StateGauges } from './state-gauges.js'
import { BROKER_TOPIC_METRICS, DROPPED_DEFAULT_METRICS, GROUP_METRICS, REQUEST_METRICS, REPLICA_MANAGER_METRICS, SOCKET_SERVER_METRICS, type MetricName } from './names.js'

/** Request latency buckets in seconds: from sub-millisecond loopback answers to long-polls and joins. */
const LATENCY_BUCKETS_SECONDS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]

type TopicCounterKey = keyof typeof BROKER_TOPIC_METRICS
type TopicCounters = Record<TopicCounterKey, { inc(value?: number): void }>
type StageKey = 'totalTime' | 'requestQueueTime' | 'localTime' | 'responseQueueTime' | 'responseSendTime'
type RequestHistograms = Record<StageKey, { observe(value: number): void }>

export interface BrokerMetricsOptions {
  /** metrics.partition.series.max. */
  readonly partitionSeriesMax: number
  /** Whether to add prom-client's process and Node.js metrics (event-loop lag, GC, memory). */
  readonly processMetrics?: boolean
}

export class BrokerMetrics implements RequestObserver, BrokerTopicStats {
  readonly registry = new Registry()
  private readonly topicCounters: Record<TopicCounterKey, Counter<'topic'>>
  private readonly allTopics: TopicCounters
  /** Per topic: its counters and the all-topics ones, the pair each record updates. */
  private readonly byTopic = new Map<string, readonly [TopicCounters, TopicCounters]>()
  private readonly allTopicsOnly: readonly TopicCounters[]
  private readonly requests: Counter<'request' | 'version'>
  private readonly errors: Counter<'request' | 'error'>
  private readonly stages: Record<StageKey, Histogram<'request'>>
  private readonly requestChildren = new Map<string, RequestHistograms>()
  private readonly requestCounts = new Map<string, { inc(): void }>()
  private readonly errorCounts = new Map<string, { inc(value: number): void }>()
  private readonly connectionCreations: Counter<'listener'>
  private readonly connectionCloses: Counter<'listener'>
  private readonly rebalances: Counter
  private readonly stateGauges: StateGauges
  private readonly lagGauges: LagGauges
  private state: NodeState | undefined
  private scraping: Promise<string> | undefined

  constructor(options: BrokerMetricsOptions) {
    const counter = <L extends string>(metric: MetricName, labelNames: readonly L[] = []): Counter<L> =>
      new Counter({ ...metric, labelNames, registers: [this.registry] })
    this.topicCounters = mapValues(BROKER_TOPIC_METRICS, (metric) => counter(metric, ['topic']))
    this.allTopics = startedCounters(this.topicCounters, {})
    this.allTopicsOnly = [this.allTopics]
    this.requests = counter(REQUEST_METRICS.requests, ['request', 'version'])
    this.errors = counter(REQUEST_METRICS.errors, ['request', 'error'])
    const histogram = (metric: MetricName): Histogram<'request'> =>
      new Histogram({ ...metric, labelNames: ['request'], buckets: LATENCY_BUCKETS_SECONDS, registers: [this.registry] })
    this.stages = {
      totalTime: histogram(REQUEST_METRICS.totalTime),
      requestQueueTime: histogram(REQUEST_METRICS.requestQueueTime),
      localTime: histogram(REQUEST_METRICS.localTime),
      responseQueueTime: histogram(REQUEST_METRICS.responseQueueTime),
      responseSendTime: histogram(REQUEST_METRICS.responseSendTime),
    }
    this.connectionCreations = counter(SOCKET_SERVER_METRICS.connectionCreations, ['listener'])
    this.connectionCloses = counter(SOCKET_SERVER_METRICS.connectionCloses, ['listener'])
    // Kept at zero until followers replicate (a later issue); dashboards and alerts read them now.
    counter(REPLICA_MANAGER_METRICS.isrShrinks)
    counter(REPLICA_MANAGER_METRICS.isrExpands)
    this.rebalances = counter(GROUP_METRICS.rebalances)
    this.stateGauges = new StateGauges(this.registry, options.partitionSeriesMax)
    this.lagGauges = new LagGauges(this.registry, {
      seriesMax: options.partitionSeriesMax,
      reportDropped: (kind, count) => this.stateGauges.reportDropped(kind, count),
    })
    if (options.processMetrics ?? true) {
      collectDefaultMetrics({ register: this.registry })
      for (const name of DROPPED_DEFAULT_METRICS) this.registry.removeSingleMetric(name)
    }
  }

  /** From now on the scrape-time gauges read this node's state. */
  attach(state: NodeState): void {
    this.state = state
  }

  /**
   * The scrape, in Prometheus' text format, with the gauges read from the node now. Scrapes that
   * arrive while one is being built share it, so gauges are never reset under a running scrape.
   */
  scrape(): Promise<string> {
    this.scraping ??= this.buildScrape().finally(() => {
      this.scraping = undefined
    })
    return this.scraping
  }

  private async buildScrape(): Promise<string> {
    if (this.state !== undefined) {
      await this.stateGauges.refresh(this.state)
      await this.lagGauges.refresh(this.state)
    }
    return this.registry.metrics()
  }

  get contentType(): string {
    return this.registry.contentType
  }

  onRequestCompleted(request: CompletedRequest): void {
    const { stages } = request
    for (const name of request.metricNames) {
      const histograms = this.requestHistograms(name)
      histograms.totalTime.observe(stages.totalMs / 1000)
      histograms.requestQueueTime.observe(stages.requestQueueMs / 1000)
      histograms.localTime.observe(stages.localMs / 1000)
      histograms.responseQueueTime.observe(stages.responseQueueMs / 1000)
      histograms.responseSendTime.observe(stages.responseSendMs / 1000)
      this.requestCount(name, request.apiVersion).inc()
      for (const [errorCode, count] of request.errorCounts) this.errorCount(name, errorCode).inc(count)
    }
  }

  appended(topic: string, bytes: number, records: number): void {
    for (const counters of this.topicAndAll(topic)) {
      counters.totalProduceRequests.inc()
      counters.bytesIn.inc(bytes)
      counters.messagesIn.inc(records)
    }
  }

  appendFailed(topic: string | undefined, rejectedBytes: number): void {
    for (const counters of this.topicAndAll(topic)) {
      counters.totalProduceRequests.inc()
      counters.failedProduceRequests.inc()
      if (rejectedBytes > 0) counters.bytesRejected.inc(rejectedBytes)
    }
  }

  fetched(topic: string, bytes: number): void {
    for (const counters of this.topicAndAll(topic)) {
      counters.totalFetchRequests.inc()
      if (bytes > 0) counters.bytesOut.inc(bytes)
    }
  }

  fetchFailed(topic: string | undefined): void {
    for (const counters of this.topicAndAll(topic)) {
      counters.totalFetchRequests.inc()
      counters.failedFetchRequests.inc()
    }
  }

  /** A deleted topic's series go, as Kafka removes its BrokerTopicMetrics. */
  topicDeleted(topic: string): void {
    if (!this.byTopic.delete(topic)) return
    for (const metric of Object.values(this.topicCounters)) metric.remove({ topic })
  }

  connectionOpened(listener: string): void {
    this.connectionCreations.inc({ listener })
  }

  connectionClosed(listener: string): void {
    this.connectionCloses.inc({ listener })
  }

  rebalanceCompleted(): void {
    this.rebalances.inc()
  }

  /** The topic's counters and the all-topics ones; only the latter for an unknown topic. */
  private topicAndAll(topic: string | undefined): readonly TopicCounters[] {
    if (topic === undefined) return this.allTopicsOnly
    let pair = this.byTopic.get(topic)
    if (pair === undefined) {
      pair = [startedCounters(this.topicCounters, { topic }), this.allTopics]
      this.byTopic.set(topic, pair)
    }
    return pair
  }

  private requestHistograms(request: string): RequestHistograms {
    let histograms = this.requestChildren.get(request)
    if (histograms === undefined) {
      histograms = mapValues(this.stages, (metric) => metric.labels({ request }))
      this.requestChildren.set(request, histograms)
    }
    return histograms
  }

  private requestCount(request: string, version: number): { inc(): void } {
    const key = `${request}:${version}`
    let child = this.requestCounts.get(key)
    if (child === undefined) {
      child = this.requests.labels({ request, version: String(version) })
      this.requestCounts.set(key, child)
    }
    return child
  }

  private errorCount(request: string, errorCode: number): { inc(value: number): void } {
    const key = `${request}:${errorCode}`
    let child = this.errorCounts.get(key)
    if (child === undefined) {
      child = this.errors.labels({ request, error: errorName(errorCode) })
      this.errorCounts.set(key, child)
    }
    return child
  }
}

/** One topic's counters (or the all-topics ones), each shown from 0 as Kafka shows a topic's meters once it has traffic. */
function startedCounters(counters: Record<TopicCounterKey, Counter<'topic'>>, labels: { topic?: string }): TopicCounters {
  return mapValues(counters, (metric) => {
    const child = metric.labels(labels)
    child.inc(0)
    return child
  })
}

function mapValues<K extends string, V, W>(record: Record<K, V>, map: (value: V) => W): Record<K, W> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, map(value as V)])) as Record<K, W>
}
