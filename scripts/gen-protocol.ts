// Generator: protocol/ (message definitions as data) → src/protocol/generated/ (TypeScript codecs).
// Run by the build before compiling; the output is git-ignored and rebuilt every time.
//   node dist/scripts/gen-protocol.js [protocolDir] [outDir]
import { join } from 'node:path'
import { generate } from './protocol-gen/generate.js'

const protocolDir = process.argv[2] ?? 'protocol'
const outDir = process.argv[3] ?? join('src', 'protocol', 'generated')
const count = generate(protocolDir, outDir)
console.error(`gen-protocol: wrote ${count} files to ${outDir}`)
