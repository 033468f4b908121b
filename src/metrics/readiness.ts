// What /readyz answers: a node is ready once its log dirs are loaded, its metadata is caught up
// and its listeners are open, and stops being ready when it starts shutting down. Load balancers
// and orchestrators route clients by it; /healthz only says the process is up.

export type ReadinessCheck = 'logDirsLoaded' | 'metadataCaughtUp' | 'listenersOpen'

const CHECKS: readonly ReadinessCheck[] = ['logDirsLoaded', 'metadataCaughtUp', 'listenersOpen']

export class Readiness {
  private readonly passed = new Set<ReadinessCheck>()
  private isShuttingDown = false

  pass(check: ReadinessCheck): void {
    this.passed.add(check)
  }

  shutDown(): void {
    this.isShuttingDown = true
  }

  get isReady(): boolean {
    return !this.isShuttingDown && this.passed.size === CHECKS.length
  }

  /** Each check and whether it passed, for the body of /readyz. */
  describe(): { readonly ready: boolean; readonly shuttingDown: boolean; readonly checks: Record<ReadinessCheck, boolean> } {
    const checks = Object.fromEntries(CHECKS.map((check) => [check, this.passed.has(check)])) as Record<ReadinessCheck, boolean>
    return { ready: this.isReady, shuttingDown: this.isShuttingDown, checks }
  }
}
