import { KeelError } from '../errors/index.js'
import {
  filterPredictionRows,
  isUndefinedMetricError,
  metricByName,
  type MetricDefinition,
  type PredictionSet,
} from '../metrics/index.js'
import type { Slice } from './slices.js'

/**
 * Simpson's paradox check: the overall winner of a comparison loses within every (or most) slices,
 * as in the kidney-stone data (treatment A better for small and for large stones, B better
 * overall). Works for two models on the same rows (one slice list) and for two groups of different
 * rows (slices matched by name).
 */

/** Which side wins on a slice. */
export type SimpsonWinner = 'a' | 'b' | 'tie'

/** One slice of the comparison. */
export interface SimpsonSlice {
  readonly name: string
  readonly rowsA: number
  readonly rowsB: number
  readonly a: number | null
  readonly b: number | null
  readonly winner: SimpsonWinner | null
}

/** The paradox report, as plain data. */
export interface SimpsonReport {
  readonly metric: string
  readonly higherIsBetter: boolean
  readonly overall: { readonly a: number; readonly b: number; readonly winner: SimpsonWinner }
  readonly slices: SimpsonSlice[]
  /** Slices with a defined winner (not a tie) on both sides. */
  readonly comparable: number
  /** Comparable slices won by the overall loser. */
  readonly reversals: number
  /** `'full'`: the overall winner loses every comparable slice; `'partial'`: more than half. */
  readonly paradox: 'full' | 'partial' | 'none'
}

const value = (def: MetricDefinition, data: PredictionSet): number | null => {
  try {
    return def.compute(data)
  } catch (e) {
    if (isUndefinedMetricError(e)) return null
    throw e
  }
}

const winnerOf = (
  a: number,
  b: number,
  higherIsBetter: boolean,
  tolerance: number,
): SimpsonWinner => (Math.abs(a - b) <= tolerance ? 'tie' : a > b === higherIsBetter ? 'a' : 'b')

/**
 * Compare A and B overall and per slice. `slices` is one list (same rows for A and B, e.g. two models)
 * or `{ a, b }` lists matched by slice name (different rows, e.g. two treatments or two groups).
 * Differences within `tolerance` count as ties (default 0).
 */
export const checkSimpsonsParadox = (
  metric: string | MetricDefinition,
  a: PredictionSet,
  b: PredictionSet,
  slices: readonly Slice[] | { readonly a: readonly Slice[]; readonly b: readonly Slice[] },
  options: { readonly tolerance?: number } = {},
): SimpsonReport => {
  const def = typeof metric === 'string' ? metricByName(metric) : metric
  const tolerance = options.tolerance ?? 0
  const overallA = def.compute(a)
  const overallB = def.compute(b)
  const overallWinner = winnerOf(overallA, overallB, def.higherIsBetter, tolerance)
  const pairs: [Slice, Slice][] = Array.isArray(slices)
    ? (slices as readonly Slice[]).map((s) => [s, s])
    : (() => {
        const { a: la, b: lb } = slices as { a: readonly Slice[]; b: readonly Slice[] }
        const byName = new Map(lb.map((s) => [s.name, s]))
        return la.flatMap((s): [Slice, Slice][] => {
          const other = byName.get(s.name)
          return other ? [[s, other]] : []
        })
      })()
  if (pairs.length === 0) throw new KeelError('INVALID_ARGUMENT', 'no slices to compare')
  const rows = pairs.map(([sa, sb]): SimpsonSlice => {
    const da = filterPredictionRows(a, sa.mask)
    const db = filterPredictionRows(b, sb.mask)
    const va = da.y.length > 0 ? value(def, da) : null
    const vb = db.y.length > 0 ? value(def, db) : null
    return {
      name: sa.name,
      rowsA: da.y.length,
      rowsB: db.y.length,
      a: va,
      b: vb,
      winner: va === null || vb === null ? null : winnerOf(va, vb, def.higherIsBetter, tolerance),
    }
  })
  const decided = rows.filter((r) => r.winner === 'a' || r.winner === 'b')
  const loser = overallWinner === 'a' ? 'b' : overallWinner === 'b' ? 'a' : null
  const reversals = loser === null ? 0 : decided.filter((r) => r.winner === loser).length
  const paradox =
    loser === null || decided.length === 0
      ? 'none'
      : reversals === decided.length
        ? 'full'
        : reversals * 2 > decided.length
          ? 'partial'
          : 'none'
  return {
    metric: def.name,
    higherIsBetter: def.higherIsBetter,
    overall: { a: overallA, b: overallB, winner: overallWinner },
    slices: rows,
    comparable: decided.length,
    reversals,
    paradox,
  }
}
