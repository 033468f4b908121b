// Reads a node's /metrics the way Prometheus does and looks up samples by name and labels.
import assert from 'node:assert/strict'
import type { BrokerNode } from '../../src/index.js'

export interface Sample {
  readonly name: string
  readonly labels: Readonly<Record<string, string>>
  readonly value: number
}

export interface Scrape {
  readonly text: string
  readonly samples: readonly Sample[]
  /** The value of the series with exactly these labels; undefined when there is none. */
  value(name: string, labels?: Readonly<Record<string, string>>): number | undefined
  /** Every series of a metric. */
  series(name: string): readonly Sample[]
}

const SAMPLE_LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)(?: \d+)?$/
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g

/** Parses Prometheus' text format (the sample lines; comments are skipped). */
export function parseExposition(text: string): Scrape {
  const samples: Sample[] = []
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue
    const match = SAMPLE_LINE.exec(line)
    assert.ok(match !== null, `not a sample line: ${line}`)
    const labels: Record<string, string> = {}
    for (const [, name, value] of (match[2] ?? '').matchAll(LABEL)) labels[name!] = value!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c))
    samples.push({ name: match[1]!, labels, value: Number(match[3]) })
  }
  const sameLabels = (a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean =>
    Object.keys(a).length === Object.keys(b).length && Object.entries(a).every(([key, value]) => b[key] === value)
  return {
    text,
    samples,
    value: (name, labels = {}) => samples.find((sample) => sample.name === name && sameLabels(sample.labels, labels))?.value,
    series: (name) => samples.filter((sample) => sample.name === name),
  }
}

/** GET `path` of the node's metrics endpoint. */
export async function getMetricsPath(node: BrokerNode, path: string): Promise<Response> {
  assert.ok(node.metricsUrl !== undefined, 'the node has no metrics endpoint')
  return fetch(`${node.metricsUrl}${path}`, { signal: AbortSignal.timeout(10_000) })
}

/** Scrapes /metrics over HTTP, as Prometheus would. */
export async function scrapeMetrics(node: BrokerNode): Promise<Scrape> {
  const response = await getMetricsPath(node, '/metrics')
  assert.equal(response.status, 200)
  assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/)
  return parseExposition(await response.text())
}
