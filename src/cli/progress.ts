// A progress line on standard error for long operations (producing a file, consuming many
// records): rewritten in place at a terminal, at most one line every few seconds into a pipe or
// file, and nothing once it is done. Standard output stays for results.

const PIPE_INTERVAL_MS = 5_000
const TERMINAL_INTERVAL_MS = 200

export interface Progress {
  /** Reports the current state; printed only when the last report is old enough. */
  update(text: string): void
  /** Clears the line at a terminal. */
  done(): void
}

export function startProgress(stream: NodeJS.WriteStream = process.stderr): Progress {
  const isTerminal = stream.isTTY === true
  const intervalMs = isTerminal ? TERMINAL_INTERVAL_MS : PIPE_INTERVAL_MS
  let lastMs = Date.now()
  let shown = false
  return {
    update(text) {
      const now = Date.now()
      if (now - lastMs < intervalMs) return
      lastMs = now
      shown = true
      stream.write(isTerminal ? `\r\u001b[2K${text}` : `${text}\n`)
    },
    done() {
      if (isTerminal && shown) stream.write('\r\u001b[2K')
    },
  }
}
