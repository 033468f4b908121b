import { fileURLToPath } from 'node:url'
import { join } from 'node:path'

/** The repository root: tests run compiled from dist/test/, but fixtures and protocol/ stay in the source tree. */
export const REPO_ROOT = join(fileURLToPath(import.meta.url), '..', '..', '..', '..')

export function repoPath(...parts: string[]): string {
  return join(REPO_ROOT, ...parts)
}
