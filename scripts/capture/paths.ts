// Where the capture script finds its source-tree neighbours: it runs compiled from
// dist/scripts/capture/, while the Python drivers and the fixtures stay in the source tree.
import { fileURLToPath } from 'node:url'
import { join } from 'node:path'

export const REPO_ROOT = join(fileURLToPath(import.meta.url), '..', '..', '..', '..')
export const SCRIPTS_SOURCE_DIR = join(REPO_ROOT, 'scripts')
export const FIXTURES_DIR = join(REPO_ROOT, 'test', 'fixtures', 'protocol')
