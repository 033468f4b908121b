// A long-lived Python child for group tests: a consumer-group member that reports what happens
// to it (assignments, revocations, records) as one JSON object per stdout line and takes commands
// (one word per stdin line). The test waits on its events with bounded waits, can close it
// politely ('close' on stdin) or SIGKILL it; it is always killed when the test ends, and it kills
// itself after `lifeMs` in any case.
import type { TestContext } from 'node:test'
import { spawn } from 'node:child_process'
import { waitFor } from './broker.js'

export type MemberEvent = { readonly ev: string } & Record<string, unknown>

export interface PythonMember {
  readonly name: string
  readonly events: MemberEvent[]
  /** Resolves with the first event (at index >= `from`) matching `predicate`; rejects after `timeoutMs`. */
  waitEvent(predicate: (event: MemberEvent) => boolean, options: { readonly timeoutMs: number; readonly what: string; readonly from?: number }): Promise<MemberEvent>
  send(command: string): void
  kill(): void
  /** Resolves with the exit code (or signal name) once the child is gone. */
  readonly exited: Promise<number | string>
  stderr(): string
}

export function spawnPythonMember(t: TestContext, name: string, script: string, args: unknown, lifeMs: number): PythonMember {
  const child = spawn('/usr/bin/python3', ['-c', script, JSON.stringify(args)], { stdio: ['pipe', 'pipe', 'pipe'], timeout: lifeMs, killSignal: 'SIGKILL' })
  const events: MemberEvent[] = []
  const stderr: Buffer[] = []
  const waiters = new Set<() => void>()
  let partial = ''
  let gone = false
  child.stdout.setEncoding('utf8')
  child.stdout.on('data', (chunk: string) => {
    partial += chunk
    let newline = partial.indexOf('\n')
    while (newline >= 0) {
      const line = partial.slice(0, newline)
      partial = partial.slice(newline + 1)
      if (line.trim() !== '') events.push(JSON.parse(line) as MemberEvent)
      newline = partial.indexOf('\n')
    }
    for (const wake of [...waiters]) wake()
  })
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk))
  child.stdin.on('error', () => {})
  const exited = new Promise<number | string>((resolve) => {
    child.on('close', (code, signal) => {
      gone = true
      for (const wake of [...waiters]) wake()
      resolve(code ?? signal ?? 'unknown')
    })
  })
  t.after(() => {
    if (!gone) child.kill('SIGKILL')
  })
  const errText = (): string => Buffer.concat(stderr).toString('utf8')
  return {
    name,
    events,
    exited,
    stderr: errText,
    send(command) {
      if (!gone) child.stdin.write(`${command}\n`)
    },
    kill() {
      child.kill('SIGKILL')
    },
    waitEvent(predicate, options) {
      const from = options.from ?? 0
      return new Promise((resolve, reject) => {
        const check = (): void => {
          const found = events.slice(from).find(predicate)
          if (found !== undefined) {
            finish()
            resolve(found)
          } else if (gone) {
            finish()
            reject(new Error(`${name} exited before ${options.what}; events ${JSON.stringify(events)}; stderr: ${errText().slice(-2000)}`))
          }
        }
        const timer = setTimeout(() => {
          finish()
          reject(new Error(`${name}: timed out after ${options.timeoutMs} ms waiting for ${options.what}; events ${JSON.stringify(events)}; stderr: ${errText().slice(-2000)}`))
        }, options.timeoutMs)
        const finish = (): void => {
          clearTimeout(timer)
          waiters.delete(check)
        }
        waiters.add(check)
        check()
      })
    },
  }
}

/** The partitions a member holds now: from its last assign event, empty after a later revoke. */
export function heldPartitions(member: PythonMember): number[] {
  let held: number[] = []
  for (const event of member.events) {
    if (event.ev === 'assign') held = [...(event.partitions as number[])]
    else if (event.ev === 'revoke') held = held.filter((p) => !(event.partitions as number[]).includes(p))
  }
  return held
}

/**
 * Whether the members hold every partition in 0..count-1 exactly once between them, each at least
 * one (so a member that has not joined yet, or still holds a stale assignment, does not count).
 */
export function coversExactlyOnce(members: readonly PythonMember[], count: number): boolean {
  if (members.some((m) => heldPartitions(m).length === 0)) return false
  const all = members.flatMap(heldPartitions).sort((a, b) => a - b)
  return all.length === count && all.every((p, i) => p === i)
}

/** Waits until `members` hold every one of `partitions` partitions exactly once (each at least one). */
export async function waitMembersStable(members: readonly PythonMember[], partitions: number, what: string, timeoutMs = 15_000): Promise<void> {
  await waitFor(() => coversExactlyOnce(members, partitions), {
    timeoutMs, what: `${what}: ${members.map((m) => `${m.name}=${JSON.stringify(m.events.filter((e) => e.ev !== 'msg'))}`).join(' ')}`,
  })
}

/** The records a member reported processing, in order. */
export const memberMessages = (member: PythonMember): MemberEvent[] => member.events.filter((e) => e.ev === 'msg')

