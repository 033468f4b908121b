// `npm run bench -- <name>` runs bench/<name>.ts (compiled to dist/bench/<name>.js).
// The benchmark prints a table, then one JSON object as the last line of standard output.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(fileURLToPath(import.meta.url), '..', '..')
const name = process.argv[2]
const available = readdirSync(join(root, 'bench')).filter((f) => f.endsWith('.ts')).map((f) => f.slice(0, -3))
if (!name || !available.includes(name)) {
  console.error(`usage: npm run bench -- <name>   (one of: ${available.join(', ')})`)
  process.exit(2)
}
const script = join(root, 'dist', 'bench', `${name}.js`)
if (!existsSync(script)) {
  console.error(`${script} is missing: run npm run build`)
  process.exit(1)
}
const result = spawnSync(process.execPath, ['--expose-gc', script, ...process.argv.slice(3)], { cwd: root, stdio: 'inherit' })
process.exit(result.status ?? 1)
