import type { Rng } from '../random/index.js'

/**
 * Up to `max` of `rows`, drawn without replacement with `rng` and returned in ascending order (so
 * a sample reads its frame in memory order and two runs with the same seed pick the same rows).
 * All rows, unchanged, when there are no more than `max`.
 */
export const sampleRows = (rows: ArrayLike<number>, max: number, rng: Rng): Int32Array => {
  const n = rows.length
  if (n <= max) return Int32Array.from(rows)
  const pool = Int32Array.from(rows)
  // Partial Fisher–Yates: the first `max` slots end up a uniform sample.
  for (let i = 0; i < max; i++) {
    const j = i + rng.int(n - i)
    const t = pool[i]!
    pool[i] = pool[j]!
    pool[j] = t
  }
  return pool.slice(0, max).sort()
}

/** `0, 1, …, n-1`. */
export const allRows = (n: number): Int32Array => {
  const out = new Int32Array(n)
  for (let i = 0; i < n; i++) out[i] = i
  return out
}
