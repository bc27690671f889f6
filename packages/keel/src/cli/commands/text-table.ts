/**
 * Plain-text tables for terminal output: columns padded to their widest cell (measured in code
 * points), numbers right-aligned, long cells cut with an ellipsis so a row stays on one line.
 */

/** Cells longer than this are shortened. */
const MAX_CELL = 60

const width = (s: string): number => [...s].length

const cut = (s: string): string => {
  const single = s.replace(/\s+/g, ' ')
  return width(single) > MAX_CELL ? `${[...single].slice(0, MAX_CELL - 1).join('')}…` : single
}

const NUMERIC = /^[-+]?(\d[\d,]*\.?\d*(e[-+]?\d+)?|\.\d+|—)$/i

/** Render a header and rows as aligned text (control characters in cells are shown as spaces). */
export const textTable = (
  header: readonly string[],
  rows: readonly (readonly string[])[],
): string => {
  if (rows.length === 0) return '(none)'
  // Terminal control characters in user data (run names, tags) must not reach the terminal raw.
  const clean = (s: string): string =>
    cut(
      Array.from(s, (ch) =>
        ch.charCodeAt(0) < 0x20 || (ch.charCodeAt(0) >= 0x7f && ch.charCodeAt(0) <= 0x9f)
          ? ' '
          : ch,
      ).join(''),
    )
  const body = rows.map((r) => header.map((_, j) => clean(r[j] ?? '')))
  const head = header.map(clean)
  const widths = head.map((h, j) => Math.max(width(h), ...body.map((r) => width(r[j]!))))
  const numeric = head.map((_, j) => body.every((r) => r[j] === '' || NUMERIC.test(r[j]!)))
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, j) =>
        numeric[j] ? ' '.repeat(widths[j]! - width(c)) + c : c + ' '.repeat(widths[j]! - width(c)),
      )
      .join('  ')
      .trimEnd()
  return [line(head), line(widths.map((w) => '─'.repeat(w))), ...body.map(line)].join('\n')
}

/** An epoch-milliseconds time as `YYYY-MM-DD HH:MM:SS` (UTC). */
export const when = (ms: number | null): string =>
  ms === null ? '—' : new Date(ms).toISOString().replace('T', ' ').slice(0, 19)
