// What the dispatcher reports about each request once its response has left: Kafka's request
// metrics (RequestChannel.Metrics) in the shape the metrics need, without the dispatcher knowing
// about Prometheus.

/** Kafka's request stages (RequestChannel.Request.updateRequestMetrics), in milliseconds. */
export interface RequestStageTimes {
  /** Frame taken from the socket until the handler started (includes waiting for start-up). */
  readonly requestQueueMs: number
  /**
   * The handler's own time, response encoding included. Kafka splits out "remote" time spent in
   * purgatory; here a parked fetch, an acks=all wait or a join's wait counts as local time.
   */
  readonly localMs: number
  /** Response ready until its turn came (responses leave in request order). */
  readonly responseQueueMs: number
  /** Written to the socket until the kernel took the last byte. */
  readonly responseSendMs: number
  readonly totalMs: number
}

export interface CompletedRequest {
  readonly apiKey: number
  readonly apiVersion: number
  /**
   * Kafka's names for the request in its metrics: the API's name, and for Fetch also FetchConsumer
   * or FetchFollower, as Kafka records both.
   */
  readonly metricNames: readonly string[]
  /** Every error code in the response (NONE included) with how often it appears, as Kafka's errorCounts(). */
  readonly errorCounts: ReadonlyMap<number, number>
  readonly stages: RequestStageTimes
}

export interface RequestObserver {
  /** Once per request that reached a handler, after its response was sent (or its turn came). */
  onRequestCompleted(request: CompletedRequest): void
}
