// A gauge exposed as `untyped`, as the JMX exporter exposes most Kafka beans. promtool reserves
// the `_count` and `_sum` suffixes for histograms and summaries on typed metrics only, and Kafka
// dashboards read a few gauges with those names (kafka_server_socketservermetrics_connection_count,
// kafka_exporter's kafka_consumergroup_lag_sum): untyped, the names stay and the scrape passes.
import { Gauge, type GaugeConfiguration } from 'prom-client'

export class UntypedGauge<L extends string> extends Gauge<L> {
  constructor(configuration: GaugeConfiguration<L>) {
    super(configuration)
    // prom-client writes `# TYPE <name> <type>` from this field; 'untyped' is valid Prometheus text.
    ;(this as unknown as { type: string }).type = 'untyped'
  }
}
