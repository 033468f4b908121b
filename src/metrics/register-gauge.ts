// A scrape-time gauge of `metric` in `registry`: untyped when its name needs it (untyped-gauge.ts).
import { Gauge, type Registry } from 'prom-client'
import type { MetricName } from './names.js'
import { UntypedGauge } from './untyped-gauge.js'

export function registerGauge<L extends string>(registry: Registry, metric: MetricName, labelNames: readonly L[] = []): Gauge<L> {
  const configuration = { name: metric.name, help: metric.help, labelNames, registers: [registry] }
  return metric.isUntyped === true ? new UntypedGauge(configuration) : new Gauge(configuration)
}
