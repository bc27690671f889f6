import { KeelError } from '../errors/index.js'

/**
 * Multiple-testing corrections for families of p-values (slice discovery tests many candidate
 * slices; without a correction some "significant" weak slices are noise).
 */

/** Correction method: family-wise (Bonferroni, Holm) or false-discovery-rate (Benjamini–Hochberg). */
export type PValueCorrection = 'bonferroni' | 'holm' | 'benjamini-hochberg' | 'none'

/**
 * Adjusted p-values in the input order. `family` is the number of hypotheses in the family and may
 * exceed `pValues.length` when only the most promising candidates were tested (the rest count as
 * p = 1), which keeps the correction honest about the search.
 */
export const adjustPValues = (
  pValues: readonly number[],
  method: PValueCorrection,
  family: number = pValues.length,
): number[] => {
  const m = family
  if (m < pValues.length) {
    throw new KeelError(
      'INVALID_ARGUMENT',
      `family size ${m} is smaller than ${pValues.length} p-values`,
    )
  }
  if (method === 'none') return [...pValues]
  if (method === 'bonferroni') return pValues.map((p) => Math.min(1, p * m))
  const order = pValues.map((_, i) => i).sort((a, b) => pValues[a]! - pValues[b]!)
  const out = new Array<number>(pValues.length)
  if (method === 'holm') {
    let running = 0
    order.forEach((i, rank) => {
      running = Math.max(running, Math.min(1, (m - rank) * pValues[i]!))
      out[i] = running
    })
    return out
  }
  // Benjamini–Hochberg step-up: min over ranks ≥ r of p·m/rank.
  let running = 1
  for (let r = order.length - 1; r >= 0; r--) {
    const i = order[r]!
    running = Math.min(running, (pValues[i]! * m) / (r + 1))
    out[i] = Math.min(1, running)
  }
  return out
}
