/**
 * Discretization (the book's §4.3): bucket a continuous feature so that nearby values are treated
 * alike ($9,000.50 and $10,000 in one income bracket). Bucketing a volatile feature also slows its
 * drift. Edges come from training quantiles, a uniform grid over the training range, or from the
 * user (domain knowledge: age brackets at 18, 22, 30, 40, 65).
 */
import { z } from 'zod'
import { KeelError } from '../errors/index.js'
import type { NumericColumn } from '../frame/index.js'
import { defineLeaf, pinnedCategorical } from './define.js'
import { assertNoInfinity } from './internal/inputs.js'
import { missingPolicy, noPresentValues } from './internal/numeric-map.js'
import { linspace, percentileSorted, sortedPresent } from './internal/stats.js'
import type { TransformerColumn } from './protocol.js'

const increasing = (xs: readonly number[]): boolean => xs.every((x, i) => i === 0 || xs[i - 1]! < x)

const discretizerParams = z
  .strictObject({
    /** `quantile`: equal-frequency bins; `uniform`: equal-width bins; `custom`: the given edges. */
    strategy: z.enum(['quantile', 'uniform', 'custom']).default('quantile'),
    /** Number of bins for `quantile` and `uniform` (bins narrower than 1e-8 are merged, as scikit-learn). */
    bins: z.int().min(2).max(1024).default(5),
    /** Inner edges for `custom`, strictly increasing: k edges make k + 1 bins. */
    edges: z.array(z.number()).optional(),
    /** Per-column inner edges for `custom`, overriding `edges`. */
    perColumn: z.record(z.string(), z.array(z.number())).default({}),
    /**
     * `numeric`: the bin index as a number (ordinal, for linear models and trees); `categorical`:
     * a categorical column whose categories are the bins' intervals, e.g. `[18, 22)`.
     */
    output: z.enum(['numeric', 'categorical']).default('numeric'),
    missing: missingPolicy,
  })
  .refine(
    (p) => p.strategy !== 'custom' || p.edges !== undefined || Object.keys(p.perColumn).length > 0,
    {
      message: "strategy 'custom' needs edges or perColumn",
    },
  )
  .refine((p) => (p.edges ?? []).every(Number.isFinite) && increasing(p.edges ?? []), {
    message: 'edges must be finite and strictly increasing',
    path: ['edges'],
  })
  .refine(
    (p) => Object.values(p.perColumn).every((e) => e.every(Number.isFinite) && increasing(e)),
    {
      message: 'edges must be finite and strictly increasing',
      path: ['perColumn'],
    },
  )

/** Parameters of {@link discretizer}. */
export type DiscretizerParams = z.input<typeof discretizerParams>

const discretizerState = z.strictObject({
  /** Inner edges per column: value x falls in bin `#{edges ≤ x}` (NumPy searchsorted, right). */
  columns: z.array(z.strictObject({ edges: z.array(z.number()) })),
})

/** scikit-learn's edges for one column: full edges, then bins ≤ 1e-8 wide removed; inner edges returned. */
const fitEdges = (
  sorted: Float64Array,
  strategy: 'quantile' | 'uniform',
  bins: number,
): number[] => {
  const min = sorted[0]!
  const max = sorted[sorted.length - 1]!
  if (min === max) return []
  const full =
    strategy === 'uniform'
      ? linspace(min, max, bins + 1)
      : linspace(0, 100, bins + 1).map((q) => percentileSorted(sorted, q))
  const kept = full.filter((e, i) => i === 0 || e - full[i - 1]! > 1e-8)
  // The dropped edges are recomputed relative to their predecessor in the full list, exactly as
  // `np.ediff1d(edges, to_begin=inf) > 1e-8`.
  return kept.slice(1, -1)
}

/** Bin labels `(-inf, e0)`, `[e0, e1)`, …, `[ek, inf)` for categorical output. */
const binLabels = (edges: readonly number[]): string[] => {
  if (edges.length === 0) return ['(-inf, inf)']
  const out = [`(-inf, ${edges[0]})`]
  for (let k = 1; k < edges.length; k++) out.push(`[${edges[k - 1]}, ${edges[k]})`)
  out.push(`[${edges[edges.length - 1]}, inf)`)
  return out
}

/** Number of entries of `edges` (sorted) that are ≤ x. */
const binOf = (edges: readonly number[], x: number): number => {
  let lo = 0
  let hi = edges.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (edges[mid]! <= x) lo = mid + 1
    else hi = mid
  }
  return lo
}

/**
 * Bucket numeric columns into bins (scikit-learn's KBinsDiscretizer with `encode='ordinal'`).
 * Values outside the training range fall in the first or last bin; a constant training column
 * has a single bin. Missing values stay missing (or are refused with `missing: 'error'`).
 *
 * @example
 * discretizer({ strategy: 'custom', edges: [18, 22, 30, 40, 65], output: 'categorical' })
 */
export const discretizerKind = defineLeaf({
  kind: 'discretizer',
  description: 'Bucket numeric columns by training quantiles, a uniform grid, or given edges',
  params: discretizerParams,
  state: discretizerState,
  accepts: ['numeric', 'boolean', 'timestamp'],
  fit({ kind, params, inputs, columns }) {
    const state = columns.map((c, j) => {
      const name = inputs[j]!.name
      const custom =
        params.perColumn[name] ?? (params.strategy === 'custom' ? params.edges : undefined)
      if (custom) return { edges: [...custom] }
      const values = (c as NumericColumn).values
      assertNoInfinity(kind, name, values)
      const sorted = sortedPresent(values)
      if (sorted.length === 0) noPresentValues(kind, name)
      return { edges: fitEdges(sorted, params.strategy as 'quantile' | 'uniform', params.bins) }
    })
    const outputs: TransformerColumn[] = inputs.map((c, j) =>
      params.output === 'categorical'
        ? { name: c.name, kind: 'categorical', categories: binLabels(state[j]!.edges) }
        : { name: c.name, kind: 'numeric' },
    )
    return { state: { columns: state }, outputs }
  },
  prepare: (_state, _params, outputs) => outputs.map((o) => o.categories),
  apply({ kind, params, state, inputs, columns, cache, numRows }) {
    return columns.map((c, j) => {
      const name = inputs[j]!.name
      const values = (c as NumericColumn).values
      assertNoInfinity(kind, name, values)
      const { edges } = state.columns[j]!
      const codes = new Float64Array(numRows)
      for (let i = 0; i < numRows; i++) {
        const x = values[i]!
        if (Number.isNaN(x)) {
          if (params.missing === 'error') {
            throw new KeelError('INVALID_DATA', `${kind}: column "${name}" row ${i} is missing`, {
              path: [name, i],
            })
          }
          codes[i] = NaN
        } else codes[i] = binOf(edges, x)
      }
      const categories = cache[j]
      if (!categories) return Object.freeze({ kind: 'numeric', values: codes }) as NumericColumn
      return pinnedCategorical(
        Int32Array.from(codes, (k) => (Number.isNaN(k) ? -1 : k)),
        categories,
      )
    })
  },
})

/** An unfitted discretizer. */
export const discretizer = (
  params?: DiscretizerParams,
): ReturnType<typeof discretizerKind.create> => discretizerKind.create(params)
