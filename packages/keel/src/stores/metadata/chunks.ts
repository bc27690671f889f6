/**
 * Multi-row statements within the engines' bound-parameter limits (SQLite: 32,766 per statement,
 * PostgreSQL: 65,535). Bulk writes call `fn` once per chunk, inside the caller's transaction.
 */

/** Parameters per statement: well under both limits, large enough to amortize a round trip. */
export const MAX_PARAMETERS_PER_STATEMENT = 16_000

/** Run `fn` on consecutive slices of `rows` holding at most the parameter budget each. */
export const forEachChunk = async <T>(
  rows: readonly T[],
  columnsPerRow: number,
  fn: (chunk: readonly T[]) => Promise<unknown>,
): Promise<void> => {
  const size = Math.max(1, Math.floor(MAX_PARAMETERS_PER_STATEMENT / Math.max(1, columnsPerRow)))
  for (let i = 0; i < rows.length; i += size) await fn(rows.slice(i, i + size))
}
