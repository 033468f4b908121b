// Compiles native/sluice-native.c into dist/native/sluice_native.node with the system C compiler
// against Node's own headers. Optional: without a compiler (or on an unusual platform) the build
// goes on and Sluice uses its JavaScript implementations of the same functions, only slower.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, rmSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const source = join(root, 'native', 'sluice-native.c')
const output = join(root, 'dist', 'native', 'sluice_native.node')

function nodeIncludeDir() {
  const candidates = [
    process.env.npm_config_nodedir && join(process.env.npm_config_nodedir, 'include', 'node'),
    join(dirname(process.execPath), '..', 'include', 'node'),
    '/usr/include/node',
  ].filter(Boolean)
  return candidates.find((dir) => existsSync(join(dir, 'node_api.h')))
}

export function buildNative() {
  const includeDir = nodeIncludeDir()
  if (includeDir === undefined) {
    console.warn('build-native: node_api.h not found; using the JavaScript CRC-32C and record walk')
    return false
  }
  mkdirSync(dirname(output), { recursive: true })
  rmSync(output, { force: true })
  const compiler = process.env.CC ?? 'cc'
  const args = ['-O3', '-std=c11', '-shared', '-fPIC', '-Wall', '-Wextra', '-Werror', '-I', includeDir, source, '-o', output]
  if (process.platform === 'darwin') args.push('-undefined', 'dynamic_lookup')
  if (process.arch === 'arm64') args.unshift('-march=armv8-a+crc')
  try {
    execFileSync(compiler, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] })
    return true
  } catch (error) {
    console.warn(`build-native: ${compiler} failed (${error.message}); using the JavaScript CRC-32C and record walk`)
    return false
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) buildNative()
