// Preload for a broker child (`node --import <dist/bench/support/fs-trace.js> ...`): times the
// node:fs calls the process makes (callback style from the call to its callback, and the few
// synchronous ones the log layer uses around the call) and, at exit,
// writes them as JSON to the file named by SLUICE_FS_TRACE_OUT. Timestamps are wall-clock ms
// (performance.timeOrigin + performance.now()), so another process can line them up with its own.
// The log layer (src/log/storage.ts) imports node:fs by name; syncBuiltinESMExports() makes those
// named imports see the wrapped functions, as long as this runs before the broker's modules load.
import fs from 'node:fs'
import { syncBuiltinESMExports } from 'node:module'

/** One fs call: operation, path (for fd calls, the path the fd was opened with), start and end ms. */
export type FsTraceEvent = readonly [op: string, path: string, startMs: number, endMs: number]

const TRACED = ['open', 'close', 'fdatasync', 'fsync', 'ftruncate', 'write', 'writev', 'read', 'mkdir', 'rename', 'unlink', 'rm', 'readdir', 'stat', 'fstat', 'readFile', 'writeFile'] as const
/** Synchronous calls block the event loop for as long as they take; timed around the call. */
const TRACED_SYNC = ['openSync', 'closeSync', 'fdatasyncSync', 'fsyncSync', 'mkdirSync', 'writeSync', 'readSync', 'renameSync', 'ftruncateSync'] as const
const FD_CALLS = new Set(['close', 'fdatasync', 'fsync', 'ftruncate', 'write', 'writev', 'read', 'fstat', 'closeSync', 'fdatasyncSync', 'fsyncSync', 'writeSync', 'readSync', 'ftruncateSync'])

const out = process.env['SLUICE_FS_TRACE_OUT']
if (out !== undefined && out !== '') {
  const events: FsTraceEvent[] = []
  const fdPaths = new Map<number, string>()
  const now = (): number => performance.timeOrigin + performance.now()
  const target = fs as unknown as Record<string, (...args: unknown[]) => unknown>
  for (const name of TRACED) {
    const original = target[name]
    if (typeof original !== 'function') continue
    target[name] = function traced(this: unknown, ...args: unknown[]): unknown {
      const callback = args[args.length - 1]
      if (typeof callback !== 'function') return original.apply(this, args)
      const first = args[0]
      const path = FD_CALLS.has(name) ? (fdPaths.get(first as number) ?? `fd ${String(first)}`) : String(first)
      const start = now()
      args[args.length - 1] = (error: unknown, ...results: unknown[]): unknown => {
        events.push([name, path, start, now()])
        if (name === 'open' && error === null && typeof results[0] === 'number') fdPaths.set(results[0], path)
        return (callback as (...a: unknown[]) => unknown)(error, ...results)
      }
      return original.apply(this, args)
    }
  }
  for (const name of TRACED_SYNC) {
    const original = target[name]
    if (typeof original !== 'function') continue
    target[name] = function traced(this: unknown, ...args: unknown[]): unknown {
      const first = args[0]
      const path = FD_CALLS.has(name) ? (fdPaths.get(first as number) ?? `fd ${String(first)}`) : String(first)
      const start = now()
      const result = original.apply(this, args)
      events.push([name, path, start, now()])
      if (name === 'openSync' && typeof result === 'number') fdPaths.set(result, path)
      return result
    }
  }
  syncBuiltinESMExports()
  const originalWriteFileSync = fs.writeFileSync
  process.on('exit', () => originalWriteFileSync(out, JSON.stringify(events)))
}
