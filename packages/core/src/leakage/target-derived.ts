import { rocAucScore } from '../metrics/index.js'
import type { LeakageContext } from './context.js'
import type { LeakageCheck } from './types.js'

/** Words that mark a column as the target itself or a copy of it. */
const TARGET_WORDS = new Set(['label', 'target', 'outcome', 'ground', 'truth', 'y'])

/** Lower-case word tokens: snake_case, kebab-case, spaces and camelCase boundaries split. */
const tokens = (name: string): string[] =>
  name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((t) => t.length > 0)

const containsRun = (haystack: readonly string[], needle: readonly string[]): boolean => {
  if (needle.length === 0) return false
  for (let i = 0; i + needle.length <= haystack.length; i++) {
    if (needle.every((t, j) => haystack[i + j] === t)) return true
  }
  return false
}

/** Why a feature name looks derived from the label, or null. */
export const targetNameReason = (feature: string, label: string): string | null => {
  const f = tokens(feature)
  const l = tokens(label)
  if (l.join('').length >= 3 && containsRun(f, l))
    return `its name contains the label name "${label}"`
  const first = f[0]
  const last = f[f.length - 1]
  if (first !== undefined && TARGET_WORDS.has(first) && f.length > 1)
    return `its name starts with "${first}"`
  if (last !== undefined && TARGET_WORDS.has(last) && f.length > 1)
    return `its name ends with "${last}"`
  return null
}

/**
 * Columns named after the target (`late_rate` for the label `late`, `target_*`, `*_label`). A
 * warning: a name proves nothing, but such a column is usually an aggregate of the label and must
 * be computed point-in-time. A feature declared available at or before prediction time (time
 * travel passed) is cleared.
 */
export const targetNameChecks = (
  ctx: LeakageContext,
  clearedByTime: ReadonlySet<string>,
): LeakageCheck[] =>
  ctx.features.flatMap((feature): LeakageCheck[] => {
    const reason = targetNameReason(feature, ctx.label)
    if (reason === null) return []
    const cleared = clearedByTime.has(feature)
    return [
      {
        check: 'target_name',
        status: cleared ? 'pass' : 'warn',
        feature,
        severity: 'medium',
        message: cleared
          ? `"${feature}" looks derived from the label (${reason}) and is declared point-in-time`
          : `"${feature}" looks derived from the label (${reason}): make sure it only uses labels known before prediction time, and declare its availability`,
        evidence: { label: ctx.label, reason },
      },
    ]
  })

/** Categories with fewer rows than this are left out of the purity statistic (ids map 1:1 trivially). */
const MIN_SUPPORT = 5

/**
 * Association of one feature with the label on the probe's train rows, in [0, 1]:
 * - binary label, numeric feature: ROC-AUC of the raw value, folded (`max(auc, 1 − auc)`);
 * - regression label, numeric feature: |Pearson correlation|;
 * - categorical feature: for classification the purity (share of rows whose class is their
 *   category's majority class), for regression the correlation ratio η²; both over categories with
 *   at least 5 rows, and only when those cover half the rows (an id column is not "pure").
 * `null` when the statistic does not apply.
 */
export const associationOf = (
  ctx: LeakageContext,
  feature: string,
): { statistic: 'auc' | 'abs_correlation' | 'purity' | 'eta_squared'; value: number } | null => {
  const c = ctx.frame.column(feature)
  const rows = ctx.probe.train
  if (c.kind === 'text') return null
  if (c.kind === 'categorical') {
    return categoricalAssociation(ctx, rows, (r) => c.codes[r]!, c.dictionary.length)
  }
  const x: number[] = []
  const y: number[] = []
  for (const r of rows) {
    const v = c.values[r]!
    if (Number.isFinite(v)) {
      x.push(v)
      y.push(ctx.y[r]!)
    }
  }
  if (x.length < 2) return null
  if (ctx.task === 'binary') {
    if (!y.includes(0) || !y.includes(1)) return null
    const auc = rocAucScore(y, x)
    return { statistic: 'auc', value: Math.max(auc, 1 - auc) }
  }
  if (ctx.task === 'regression') {
    const r = pearson(x, y)
    return r === null ? null : { statistic: 'abs_correlation', value: Math.abs(r) }
  }
  return null
}

const pearson = (x: readonly number[], y: readonly number[]): number | null => {
  const n = x.length
  let mx = 0
  let my = 0
  for (let i = 0; i < n; i++) {
    mx += x[i]!
    my += y[i]!
  }
  mx /= n
  my /= n
  let sxy = 0
  let sxx = 0
  let syy = 0
  for (let i = 0; i < n; i++) {
    const dx = x[i]! - mx
    const dy = y[i]! - my
    sxy += dx * dy
    sxx += dx * dx
    syy += dy * dy
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : null
}

const categoricalAssociation = (
  ctx: LeakageContext,
  rows: Int32Array,
  code: (r: number) => number,
  size: number,
): { statistic: 'purity' | 'eta_squared'; value: number } | null => {
  const count = new Float64Array(size)
  for (const r of rows) {
    const k = code(r)
    if (k >= 0) count[k]!++
  }
  const supported = (k: number): boolean => k >= 0 && count[k]! >= MIN_SUPPORT
  let covered = 0
  for (const r of rows) if (supported(code(r))) covered++
  if (covered < 2 || covered < rows.length / 2) return null
  if (ctx.task === 'regression') {
    const sum = new Float64Array(size)
    let mean = 0
    for (const r of rows) {
      const k = code(r)
      if (!supported(k)) continue
      sum[k]! += ctx.y[r]!
      mean += ctx.y[r]!
    }
    mean /= covered
    let within = 0
    let total = 0
    for (const r of rows) {
      const k = code(r)
      if (!supported(k)) continue
      within += (ctx.y[r]! - sum[k]! / count[k]!) ** 2
      total += (ctx.y[r]! - mean) ** 2
    }
    return total > 0 ? { statistic: 'eta_squared', value: 1 - within / total } : null
  }
  const K = ctx.numClasses
  const perClass = new Float64Array(size * K)
  for (const r of rows) {
    const k = code(r)
    if (supported(k)) perClass[k * K + ctx.y[r]!]!++
  }
  let majority = 0
  for (let k = 0; k < size; k++) {
    if (!supported(k)) continue
    let best = 0
    for (let j = 0; j < K; j++) best = Math.max(best, perClass[k * K + j]!)
    majority += best
  }
  // Purity is only informative when the label is not (nearly) constant.
  const classCount = new Float64Array(K)
  for (const r of rows) if (supported(code(r))) classCount[ctx.y[r]!]!++
  if (Math.max(...classCount) / covered >= ctx.options.maxAssociation) return null
  return { statistic: 'purity', value: majority / covered }
}

/**
 * Columns derived from the target by near-perfect association on the probe's train rows (see
 * {@link associationOf}): at or above `maxAssociation` (default 0.99) the feature all but restates
 * the label — a `delay` column next to the label `delay > 15`, a status set after the outcome.
 */
export const targetAssociationChecks = (ctx: LeakageContext): LeakageCheck[] => {
  const limit = ctx.options.maxAssociation
  return ctx.features.flatMap((feature): LeakageCheck[] => {
    const a = associationOf(ctx, feature)
    if (a === null) return []
    const bad = a.value >= limit
    return [
      {
        check: 'target_association',
        status: bad ? 'fail' : 'pass',
        feature,
        severity: 'high',
        message: bad
          ? `"${feature}" is almost the label (${a.statistic} ${a.value.toFixed(4)} ≥ ${limit}): it is derived from the target or recorded after it`
          : `"${feature}" is not a restatement of the label (${a.statistic} ${a.value.toFixed(3)})`,
        evidence: { ...a, threshold: limit, rows: ctx.probe.train.length },
      },
    ]
  })
}
