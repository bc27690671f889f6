import { KeelError } from '../errors/index.js'

/** How to correct p-values for testing many features at once. */
export type DriftCorrectionMethod = 'none' | 'bonferroni' | 'fdr_bh'

/** Corrected p-values and rejections, in the input order. */
export interface DriftCorrectionResult {
  readonly method: DriftCorrectionMethod
  readonly alpha: number
  /** Adjusted p-values (capped at 1), comparable to `alpha` directly. */
  readonly adjusted: readonly number[]
  readonly reject: readonly boolean[]
}

/**
 * Adjust p-values for multiple comparisons with the definitions of statsmodels'
 * `multipletests`: `'bonferroni'` controls the family-wise error rate (`p * m`, reject when
 * `p <= alpha / m`); `'fdr_bh'` (Benjamini–Hochberg) controls the false discovery rate — the
 * usual choice for a drift report over many features, where a few false alarms are acceptable
 * but missing real drift is not.
 *
 * @example
 * correctDriftPValues([0.01, 0.04, 0.03, 0.2], 'fdr_bh').adjusted // [0.04, 0.0533…, 0.0533…, 0.2]
 */
export const correctDriftPValues = (
  pValues: readonly number[],
  method: DriftCorrectionMethod,
  alpha = 0.05,
): DriftCorrectionResult => {
  if (!(alpha > 0 && alpha < 1)) {
    throw new KeelError('INVALID_ARGUMENT', `alpha must be in (0, 1), got ${alpha}`)
  }
  for (const [i, p] of pValues.entries()) {
    if (!(p >= 0 && p <= 1)) {
      throw new KeelError('INVALID_ARGUMENT', `p-value ${i} must be in [0, 1], got ${p}`, {
        path: [i],
      })
    }
  }
  const m = pValues.length
  if (method === 'none') {
    return { method, alpha, adjusted: [...pValues], reject: pValues.map((p) => p <= alpha) }
  }
  if (method === 'bonferroni') {
    return {
      method,
      alpha,
      adjusted: pValues.map((p) => Math.min(1, p * m)),
      reject: pValues.map((p) => p <= alpha / m),
    }
  }
  // Benjamini–Hochberg, step-up: sort ascending, compare p_(k) with alpha k / m.
  const order = pValues.map((_, i) => i).sort((a, b) => pValues[a]! - pValues[b]! || a - b)
  let lastReject = -1
  for (let k = 0; k < m; k++) {
    if (pValues[order[k]!]! <= ((k + 1) / m) * alpha) lastReject = k
  }
  const adjusted = new Array<number>(m)
  let running = Infinity
  for (let k = m - 1; k >= 0; k--) {
    const raw = pValues[order[k]!]! / ((k + 1) / m)
    running = Math.min(running, raw)
    adjusted[order[k]!] = Math.min(1, running)
  }
  const reject = new Array<boolean>(m).fill(false)
  for (let k = 0; k <= lastReject; k++) reject[order[k]!] = true
  return { method, alpha, adjusted, reject }
}
