// How the CLI prints results: aligned tables for people, JSON for scripts (--json), one value per
// line in neither case. Offsets and other int64s are numbers in JSON while they fit in a double's
// integers, strings beyond.

export type Cell = string | number | bigint | boolean | null | undefined

/** Column headers and rows, printed with each column padded to its widest cell; `-` for no value. */
export function formatTable(headers: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const text = rows.map((row) => headers.map((_, column) => cellText(row[column])))
  const widths = headers.map((header, column) => Math.max(header.length, ...text.map((row) => row[column]!.length)))
  const line = (cells: readonly string[]): string => cells.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd()
  return [line(headers), ...text.map(line)].join('\n') + '\n'
}

function cellText(cell: Cell): string {
  if (cell === null || cell === undefined || cell === '') return '-'
  return String(cell)
}

/** JSON with bigints as numbers (or strings when beyond 2^53), two-space indented, newline-terminated. */
export function formatJson(value: unknown): string {
  return JSON.stringify(value, (_key, field: unknown) => {
    if (typeof field !== 'bigint') return field
    return field <= BigInt(Number.MAX_SAFE_INTEGER) && field >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(field) : field.toString()
  }, 2) + '\n'
}

/** Writes a table or, with `json`, the JSON value, to standard output. */
export function printResult(json: boolean, value: unknown, table: () => string): void {
  process.stdout.write(json ? formatJson(value) : table())
}
