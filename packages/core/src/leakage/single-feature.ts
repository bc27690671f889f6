import { createGbdt } from '../learners/gbdt/index.js'
import type { TrainingSet } from '../learners/index.js'
import { computeMetric, isUndefinedMetricError, rocAucScore } from '../metrics/index.js'
import type { LeakageContext } from './context.js'
import type { LeakageCheck } from './types.js'

const PROBE_PARAMS = { nEstimators: 20, maxDepth: 3, learningRate: 0.3 } as const

/**
 * The probe metric: ROC-AUC for classification (one-vs-rest for multiclass, over the classes the
 * held-out sample holds, weighted by their counts), R² for regression.
 */
export const probeMetric = (ctx: LeakageContext): 'roc_auc' | 'r2' =>
  ctx.task === 'regression' ? 'r2' : 'roc_auc'

/** The score of a model that knows nothing: 0.5 AUC, 0 R². */
const chance = (ctx: LeakageContext): number => (ctx.task === 'regression' ? 0 : 0.5)

/** Features a tree probe can read: not text, with at least one value in the probe's train rows. */
export const probeableFeatures = (ctx: LeakageContext): string[] =>
  ctx.features.filter((f) => {
    const c = ctx.frame.column(f)
    if (c.kind === 'text') return false
    const rows = ctx.probe.train
    if (c.kind === 'categorical') return rows.some((r) => c.codes[r]! >= 0)
    return rows.some((r) => !Number.isNaN(c.values[r]!))
  })

/**
 * Fit a small GBDT on the probe's train rows using only `features` and score it on the held-out
 * probe rows. `null` when the score is undefined (a held-out sample with one class).
 */
export const probeScore = (
  ctx: LeakageContext,
  features: readonly string[],
  label: string,
): number | null => {
  if (features.length === 0) return chance(ctx)
  const { train, heldOut } = ctx.probe
  const classes =
    ctx.task === 'regression'
      ? undefined
      : Array.from({ length: ctx.numClasses }, (_, k) => String(k))
  const X = ctx.frame.select(features)
  const data: TrainingSet = {
    X: X.take(train),
    y: Float64Array.from(train, (r) => ctx.y[r]!),
    task: ctx.task,
    ...(classes ? { classes } : {}),
  }
  const model = createGbdt({ ...PROBE_PARAMS, ...ctx.options.probeParams }).fit(data, {
    rng: ctx.rng.fork(`probe:${label}`),
  })
  const V = X.take(heldOut)
  const y = Float64Array.from(heldOut, (r) => ctx.y[r]!)
  try {
    if (ctx.task === 'multiclass')
      return presentClassesAuc(y, model.predictProba(V), ctx.numClasses)
    return ctx.task === 'regression'
      ? computeMetric('r2', { task: 'regression', y, pred: model.predict(V) })
      : computeMetric('roc_auc', {
          task: ctx.task,
          y,
          proba: model.predictProba(V),
          numClasses: ctx.numClasses,
        })
  } catch (e) {
    if (isUndefinedMetricError(e)) return null
    throw e
  }
}

/**
 * One-vs-rest AUC averaged over the classes present in `y` (weighted by their counts; null when
 * fewer than two classes occur). A rare class missing from a seeded held-out sample must not leave
 * every feature unprobed, as the catalogue's all-classes AUC would.
 */
const presentClassesAuc = (y: Float64Array, proba: Float64Array, k: number): number | null => {
  const n = y.length
  const yk = new Float64Array(n)
  const sk = new Float64Array(n)
  let sum = 0
  let total = 0
  for (let c = 0; c < k; c++) {
    let count = 0
    for (let i = 0; i < n; i++) {
      yk[i] = y[i] === c ? 1 : 0
      sk[i] = proba[i * k + c]!
      count += yk[i]!
    }
    if (count === 0 || count === n) continue
    sum += count * rocAucScore(yk, sk)
    total += count
  }
  return total === 0 ? null : sum / total
}

/** The probe's train labels hold one class (or one value): nothing can be learned. */
const degenerate = (ctx: LeakageContext): boolean => {
  const first = ctx.y[ctx.probe.train[0]!]
  return ctx.probe.train.every((r) => ctx.y[r] === first)
}

/**
 * Single-feature predictive power (the book: "measure the correlation of each feature with the
 * target"; "be wary of new features that give big gains"): a small GBDT per feature, fitted on a
 * seeded train sample and scored on a held-out sample. A feature that alone reaches AUC ≥
 * `maxSingleAuc` (R² ≥ `maxSingleR2`) warns as a question to review (`evidence.review`): strong
 * features exist (a tumour's radius diagnoses it), so strength alone is not leakage; the report
 * turns it into a failure only when time or target evidence agrees (see `leakageReport`). One that
 * alone beats `referenceScore` by `referenceMargin` warns too. Flagged features (or all, with `ablateAll`)
 * then get an ablation: the probe on every feature against the probe without that one; a large
 * drop means the model's score rests on it.
 */
export const singleFeatureChecks = (ctx: LeakageContext): LeakageCheck[] => {
  const metric = probeMetric(ctx)
  const probe = {
    metric,
    trainRows: ctx.probe.train.length,
    heldOutRows: ctx.probe.heldOut.length,
    heldOutSplit: ctx.probe.heldOutSplit,
  }
  if (ctx.probe.train.length === 0 || ctx.probe.heldOut.length === 0 || degenerate(ctx)) {
    return [
      {
        check: 'single_feature_power',
        status: 'skip',
        severity: 'high',
        message:
          'not enough labelled train and held-out rows (or a single class) for the probe models',
        evidence: probe,
      },
    ]
  }
  const features = probeableFeatures(ctx)
  const full = probeScore(ctx, features, '(all)')
  const { maxSingleAuc, maxSingleR2, referenceScore, referenceMargin } = ctx.options
  const implausible = ctx.task === 'regression' ? maxSingleR2 : maxSingleAuc
  const checks: LeakageCheck[] = []
  const flagged: string[] = []
  for (const feature of features) {
    const score = probeScore(ctx, [feature], feature)
    const evidence = {
      ...probe,
      score,
      fullProbeScore: full,
      threshold: implausible,
      referenceScore: referenceScore ?? null,
    }
    if (score === null) {
      checks.push({
        check: 'single_feature_power',
        status: 'skip',
        feature,
        severity: 'high',
        message: `"${feature}": the held-out probe sample has a single class`,
        evidence,
      })
      continue
    }
    const beatsReference = referenceScore !== undefined && score > referenceScore + referenceMargin
    const strong = score >= implausible
    const status = strong || beatsReference ? 'warn' : 'pass'
    if (status !== 'pass') flagged.push(feature)
    checks.push({
      check: 'single_feature_power',
      status,
      feature,
      severity: 'high',
      message: strong
        ? `review: "${feature}" alone reaches ${metric} ${score.toFixed(3)} (≥ ${implausible}). Strong, but not leakage by itself: is it known before the label, and not computed from it?`
        : beatsReference
          ? `"${feature}" alone reaches ${metric} ${score.toFixed(3)}, above the reference ${referenceScore!.toFixed(3)} + ${referenceMargin}: be wary of a single feature with such a gain`
          : `"${feature}" alone reaches ${metric} ${score.toFixed(3)}`,
      evidence: { ...evidence, review: strong },
    })
  }
  const ablate = ctx.options.ablateAll ? features : flagged
  if (full !== null) {
    for (const feature of ablate) checks.push(ablation(ctx, features, feature, full))
  }
  return checks
}

const ablation = (
  ctx: LeakageContext,
  features: readonly string[],
  feature: string,
  full: number,
): LeakageCheck => {
  const without = probeScore(
    ctx,
    features.filter((f) => f !== feature),
    `without:${feature}`,
  )
  const drop = without === null ? null : full - without
  const relies = drop !== null && drop >= ctx.options.ablationDrop
  return {
    check: 'ablation',
    status: without === null ? 'skip' : relies ? 'warn' : 'pass',
    feature,
    severity: 'medium',
    message:
      drop === null
        ? `"${feature}": the ablation probe could not be scored`
        : relies
          ? `without "${feature}" the probe model drops from ${full.toFixed(3)} to ${without!.toFixed(3)}: the model depends on it, so confirm it is available at prediction time`
          : `without "${feature}" the probe model moves from ${full.toFixed(3)} to ${without!.toFixed(3)}: the model does not depend on it alone (other features may carry the same information)`,
    evidence: {
      metric: probeMetric(ctx),
      full,
      without,
      drop,
      threshold: ctx.options.ablationDrop,
    },
  }
}
