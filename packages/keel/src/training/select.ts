import { KeelError } from '@keel/core'
import type { CandidateError, CandidateMetrics } from './fit-candidate.js'

/**
 * Choosing the winner of a training run: among the fits that finished with a value of the primary
 * metric on validation, the best by that metric (the first listed on a tie). Test scores never
 * take part, so the test split stays an unbiased estimate of the chosen model.
 */

/** What selection reads from a fit's result. */
export interface Selectable {
  readonly name: string
  readonly role: 'baseline' | 'candidate'
  readonly status: 'finished' | 'failed'
  readonly metrics: CandidateMetrics
  readonly error?: CandidateError
}

/** The primary metric: its name and direction. */
export interface PrimaryMetric {
  readonly name: string
  readonly higherIsBetter: boolean
}

/** The best finished result of `role` on the primary metric, or undefined when none has a value. */
export const bestOf = <R extends Selectable>(
  results: readonly R[],
  role: 'baseline' | 'candidate',
  primary: PrimaryMetric,
): R | undefined =>
  results
    .filter(
      (r) =>
        r.role === role && r.status === 'finished' && r.metrics.validation[primary.name] != null,
    )
    .sort((a, b) => {
      const d = a.metrics.validation[primary.name]! - b.metrics.validation[primary.name]!
      return primary.higherIsBetter ? -d : d
    })[0]

/**
 * The sentence that states a tie for the winner: the candidates whose validation score equals the
 * best one's exactly, and the rule that chose among them (the first listed in the config, as
 * {@link bestOf} sorts stably). Null when the best is alone at its score.
 */
export const tieNote = <R extends Selectable>(
  results: readonly R[],
  best: R,
  primary: PrimaryMetric,
): string | null => {
  const value = best.metrics.validation[primary.name]
  const tied = results.filter(
    (r) =>
      r.role === 'candidate' &&
      r.status === 'finished' &&
      r.name !== best.name &&
      r.metrics.validation[primary.name] === value,
  )
  if (tied.length === 0 || value == null) return null
  const names = [best, ...tied].map((r) => `"${r.name}"`).join(', ')
  return `candidates ${names} tie on validation ${primary.name} (${value.toFixed(4)}): "${best.name}" was chosen because it is listed first in the config`
}

/**
 * The best candidate and the best baseline of a training run. No candidate with a score is
 * INVALID_DATA, with every fit's error in its details.
 */
export const selectBest = <R extends Selectable>(
  results: readonly R[],
  primary: PrimaryMetric,
): { readonly best: R; readonly bestBaseline: R | undefined } => {
  const best = bestOf(results, 'candidate', primary)
  if (!best) {
    throw new KeelError('INVALID_DATA', 'no candidate could be trained', {
      details: {
        errors: results.filter((r) => r.error).map((r) => ({ name: r.name, ...r.error })),
      },
    })
  }
  return { best, bestBaseline: bestOf(results, 'baseline', primary) }
}
