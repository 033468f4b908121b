// Build: compile the generator, regenerate src/protocol/generated/ from protocol/, compile everything,
// then the optional native addon (native/).
// The generated code is never committed, so every build regenerates it and it cannot go stale.
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { dirname, join } from 'node:path'
import { buildNative } from './build-native.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc')
const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: 'inherit' })

run(process.execPath, [tsc, '-p', 'scripts/tsconfig.json'])
run(process.execPath, ['dist/scripts/gen-protocol.js'])
run(process.execPath, [tsc, '-p', 'tsconfig.json'])
buildNative()
