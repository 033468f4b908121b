// Build: compile the generator, regenerate src/protocol/generated/ from protocol/, compile everything,
// mark the `sluice` bin executable, then the optional native addon (native/).
// The generated code is never committed, so every build regenerates it and it cannot go stale.
import { execFileSync } from 'node:child_process'
import { chmodSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { dirname, join } from 'node:path'
import { buildNative } from './build-native.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc')
const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: 'inherit' })

run(process.execPath, [tsc, '-p', 'scripts/tsconfig.json'])
run(process.execPath, ['dist/scripts/gen-protocol.js'])
run(process.execPath, [tsc, '-p', 'tsconfig.json'])
// tsc writes files without the execute bit; `npx sluice` in the checkout runs the bin directly
// (npm sets the bit only for packages it installs into node_modules).
chmodSync(join(root, 'dist', 'src', 'main.js'), 0o755)
buildNative()
