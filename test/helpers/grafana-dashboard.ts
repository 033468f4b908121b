// Reads the Grafana dashboards in docker/grafana/dashboards/ for the tests: their panels, each
// panel's PromQL, and the expansion of Grafana's variables so Prometheus can evaluate a query as
// Grafana would send it. Only the fields the tests look at are typed; the rest stays unknown.
import { readFile } from 'node:fs/promises'
import { repoPath } from './repo-root.js'

export const DASHBOARD_FILE = repoPath('docker', 'grafana', 'dashboards', 'sluice.json')
export const DATASOURCE_FILE = repoPath('docker', 'grafana', 'provisioning', 'datasources', 'prometheus.yml')

export interface DashboardDatasource {
  readonly type?: unknown
  readonly uid?: unknown
}

export interface DashboardTarget {
  readonly refId?: unknown
  readonly expr?: unknown
  readonly datasource?: DashboardDatasource
}

export interface DashboardPanel {
  readonly id?: unknown
  readonly type?: unknown
  readonly title?: unknown
  readonly datasource?: DashboardDatasource
  readonly gridPos?: { readonly x?: unknown; readonly y?: unknown; readonly w?: unknown; readonly h?: unknown }
  readonly targets?: readonly DashboardTarget[]
  readonly panels?: readonly DashboardPanel[]
}

export interface DashboardVariable {
  readonly name?: unknown
  readonly type?: unknown
  readonly datasource?: DashboardDatasource
  readonly definition?: unknown
}

export interface Dashboard {
  readonly uid?: unknown
  readonly title?: unknown
  readonly schemaVersion?: unknown
  readonly panels?: readonly DashboardPanel[]
  readonly templating?: { readonly list?: readonly DashboardVariable[] }
}

export interface PanelQuery {
  readonly panel: string
  readonly refId: string
  readonly expr: string
}

export async function loadDashboard(file = DASHBOARD_FILE): Promise<Dashboard> {
  return JSON.parse(await readFile(file, 'utf8')) as Dashboard
}

/** Every panel that shows data, rows' nested panels included (rows themselves are left out). */
export function dataPanels(dashboard: Dashboard): DashboardPanel[] {
  const found: DashboardPanel[] = []
  const visit = (panels: readonly DashboardPanel[] | undefined): void => {
    for (const panel of panels ?? []) {
      if (panel.type === 'row') visit(panel.panels)
      else found.push(panel)
    }
  }
  visit(dashboard.panels)
  return found
}

export function panelQueries(dashboard: Dashboard): PanelQuery[] {
  return dataPanels(dashboard).flatMap((panel) => (panel.targets ?? []).map((target) => ({
    panel: String(panel.title),
    refId: String(target.refId),
    expr: typeof target.expr === 'string' ? target.expr : '',
  })))
}

/** The uid of the provisioned data source (the `uid:` line of the provisioning file). */
export async function provisionedDatasourceUid(file = DATASOURCE_FILE): Promise<string | undefined> {
  return /^\s*uid:\s*(\S+)\s*$/m.exec(await readFile(file, 'utf8'))?.[1]
}

/**
 * `expr` with Grafana's variables ($name, ${name}, [[name]]) replaced from `values`; throws naming
 * a variable that has no value, so a new variable in the dashboard cannot slip past the tests.
 */
export function expandGrafanaVariables(expr: string, values: Readonly<Record<string, string>>): string {
  return expr.replace(/\$\{(\w+)(?::\w+)?\}|\$(\w+)|\[\[(\w+)\]\]/g, (whole, braced: string | undefined, bare: string | undefined, bracketed: string | undefined) => {
    const name = braced ?? bare ?? bracketed ?? ''
    const value = values[name]
    if (value === undefined) throw new Error(`no value for the Grafana variable ${whole} in ${expr}`)
    return value
  })
}
