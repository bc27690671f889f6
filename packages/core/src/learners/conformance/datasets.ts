import { Frame, categoricalColumn, numericColumn } from '../../frame/index.js'
import { createRng } from '../../random/index.js'
import type { TrainingSet } from '../protocol.js'

/** A frame of numeric columns `x0..x{d-1}` from column-major arrays (the golden fixtures' layout). */
export const numericFrame = (columns: readonly (readonly number[])[]): Frame =>
  Frame.fromColumns(Object.fromEntries(columns.map((c, j) => [`x${j}`, numericColumn(c)])))

/** Options of the synthetic datasets. */
export interface SyntheticOptions {
  readonly n?: number
  readonly features?: number
  readonly seed?: number
  /** Add a categorical column `cat` with three levels that shifts the target. */
  readonly categorical?: boolean
  /** Attach sample weights in [0.5, 2). */
  readonly weighted?: boolean
}

const features = (
  n: number,
  d: number,
  seed: number,
  categorical: boolean,
): { X: Frame; cols: Float64Array[]; cat: Int32Array } => {
  const rng = createRng(seed)
  const cols = Array.from({ length: d }, () => {
    const c = new Float64Array(n)
    for (let i = 0; i < n; i++) c[i] = rng.normal()
    return c
  })
  const cat = new Int32Array(n)
  for (let i = 0; i < n; i++) cat[i] = rng.int(3)
  const named: Record<string, ReturnType<typeof numericColumn>> = {}
  cols.forEach((c, j) => (named[`x${j}`] = numericColumn(c)))
  const levels = ['a', 'b', 'c']
  const X = Frame.fromColumns(
    categorical
      ? {
          ...named,
          cat: categoricalColumn(
            Array.from(cat, (c) => levels[c]!),
            levels,
          ),
        }
      : named,
  )
  return { X, cols, cat }
}

const weights = (n: number, seed: number): Float64Array => {
  const rng = createRng(seed + 7919)
  return Float64Array.from({ length: n }, () => 0.5 + 1.5 * rng.float())
}

/**
 * Small seeded datasets for learner tests and the conformance suite: a noisy linear signal so that
 * every learner has something to find, with overlapping classes so that no model is perfect.
 */
export const syntheticData = {
  /** Binary classification, classes `"no"` / `"yes"`. */
  binary(options: SyntheticOptions = {}): TrainingSet {
    const { n = 80, features: d = 3, seed = 1, categorical = false, weighted = false } = options
    const { X, cols, cat } = features(n, d, seed, categorical)
    const rng = createRng(seed + 1)
    const y = new Float64Array(n)
    for (let i = 0; i < n; i++) {
      const m = cols[0]![i]! - 0.5 * (cols[1]?.[i] ?? 0) + (categorical ? cat[i]! - 1 : 0)
      y[i] = m + 0.8 * rng.normal() > 0 ? 1 : 0
    }
    return {
      X,
      y,
      task: 'binary',
      classes: ['no', 'yes'],
      ...(weighted ? { weight: weights(n, seed) } : {}),
    }
  },
  /** Three-class classification, classes `"a"`, `"b"`, `"c"`. */
  multiclass(options: SyntheticOptions = {}): TrainingSet {
    const { n = 90, features: d = 3, seed = 2, categorical = false, weighted = false } = options
    const { X, cols, cat } = features(n, d, seed, categorical)
    const rng = createRng(seed + 1)
    const y = new Float64Array(n)
    for (let i = 0; i < n; i++) {
      const s = [
        cols[0]![i]! + rng.normal() * 0.7,
        (cols[1]?.[i] ?? 0) + rng.normal() * 0.7,
        (categorical ? cat[i]! - 1 : 0) + 0.3 + rng.normal() * 0.7,
      ]
      y[i] = s.indexOf(Math.max(...s))
    }
    return {
      X,
      y,
      task: 'multiclass',
      classes: ['a', 'b', 'c'],
      ...(weighted ? { weight: weights(n, seed) } : {}),
    }
  },
  /** Regression with a linear signal plus noise. */
  regression(options: SyntheticOptions = {}): TrainingSet {
    const { n = 80, features: d = 3, seed = 3, categorical = false, weighted = false } = options
    const { X, cols, cat } = features(n, d, seed, categorical)
    const rng = createRng(seed + 1)
    const y = new Float64Array(n)
    for (let i = 0; i < n; i++) {
      let v = 2 + (categorical ? 1.5 * (cat[i]! - 1) : 0) + 0.3 * rng.normal()
      for (let j = 0; j < d; j++) v += (j + 1) * (j % 2 === 0 ? 1 : -1) * cols[j]![i]!
      y[i] = v
    }
    return { X, y, task: 'regression', ...(weighted ? { weight: weights(n, seed) } : {}) }
  },
}
