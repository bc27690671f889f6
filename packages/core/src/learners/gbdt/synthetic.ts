import { categoricalColumn, Frame, numericColumn } from '../../frame/index.js'
import { createRng } from '../../random/index.js'
import type { Task, TrainingSet } from '../protocol.js'

/** Options for {@link syntheticSet}. */
export interface SyntheticOptions {
  readonly n: number
  readonly task: Task
  readonly seed?: number
  /** Fraction of numeric cells set missing. */
  readonly missing?: number
  /** Add a categorical feature `c` whose categories shift the target. */
  readonly categorical?: boolean
  readonly numClasses?: number
}

/**
 * A small deterministic training set for tests and examples: numeric features x0..x3 with a
 * non-linear signal (x0, x1 interaction, a step in x2, x3 noise), an optional categorical feature,
 * optional missing values.
 */
export const syntheticSet = (o: SyntheticOptions): TrainingSet => {
  const rng = createRng(o.seed ?? 1)
  const n = o.n
  const cols = [0, 1, 2, 3].map(() => new Float64Array(n))
  const cats: string[] = []
  const names = ['a', 'b', 'c', 'd', 'e', 'f']
  const effect = [1.5, -1, 0.5, 0, -2, 1]
  const score = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    for (const c of cols) c[i] = rng.normal()
    let s = Math.sin(cols[0]![i]!) * 2 + cols[1]![i]! * (cols[0]![i]! > 0 ? 1.5 : -0.5)
    s += cols[2]![i]! > 0.3 ? 1 : -1
    if (o.categorical) {
      const k = rng.int(names.length)
      cats.push(names[k]!)
      s += effect[k]!
    }
    score[i] = s + rng.normal() * 0.5
  }
  if (o.missing) {
    for (const c of cols) for (let i = 0; i < n; i++) if (rng.float() < o.missing) c[i] = NaN
  }
  const frameCols: Record<
    string,
    ReturnType<typeof numericColumn> | ReturnType<typeof categoricalColumn>
  > = {}
  cols.forEach((c, f) => (frameCols[`x${f}`] = numericColumn(c)))
  if (o.categorical) frameCols.c = categoricalColumn(cats, names)
  const X = Frame.fromColumns(frameCols)
  const y = new Float64Array(n)
  if (o.task === 'regression') {
    y.set(score)
    return { X, y, task: 'regression' }
  }
  if (o.task === 'binary') {
    for (let i = 0; i < n; i++) y[i] = score[i]! > 0.2 ? 1 : 0
    return { X, y, task: 'binary', classes: ['no', 'yes'] }
  }
  const K = o.numClasses ?? 3
  for (let i = 0; i < n; i++)
    y[i] = Math.min(K - 1, Math.max(0, Math.floor((score[i]! + 3) / (6 / K))))
  return { X, y, task: 'multiclass', classes: Array.from({ length: K }, (_, k) => `k${k}`) }
}
