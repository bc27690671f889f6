import { KeelError } from '../errors/index.js'
import { binaryCounts } from '../metrics/index.js'

/**
 * Threshold moving: choose the decision threshold on validation data instead of assuming 0.5 (the
 * book's advice for imbalanced problems and asymmetric costs). The result is plain data meant to be
 * stored in a model bundle's post-processing: the rule is always "predict positive when
 * score ≥ threshold".
 */

/** What the threshold should optimise. */
export type ThresholdObjective =
  | { readonly kind: 'max-f1' }
  | { readonly kind: 'max-fbeta'; readonly beta: number }
  /** Highest precision among thresholds whose recall is at least `recall`. */
  | { readonly kind: 'min-recall'; readonly recall: number }
  /** Highest recall among thresholds whose precision is at least `precision`. */
  | { readonly kind: 'min-precision'; readonly precision: number }
  /**
   * Lowest expected cost per row. `costMatrix[actual][predicted]`, Elkan's C(i, j): the cost of
   * predicting class j for a row of class i (e.g. `[[0, 1], [5, 0]]`: a missed positive costs 5).
   */
  | {
      readonly kind: 'min-cost'
      readonly costMatrix: readonly [readonly [number, number], readonly [number, number]]
    }

/** Counts and rates at one threshold (weighted when weights are given). */
export interface OperatingPoint {
  readonly threshold: number
  readonly tp: number
  readonly fp: number
  readonly tn: number
  readonly fn: number
  readonly precision: number
  readonly recall: number
  readonly f1: number
  readonly falsePositiveRate: number
  readonly specificity: number
  readonly accuracy: number
  /** Share of rows predicted positive (the alert rate). */
  readonly positiveRate: number
  /** Expected cost per row, when the objective has a cost matrix. */
  readonly expectedCost?: number
}

/** The chosen threshold and the metrics at it. */
export interface ThresholdChoice {
  readonly objective: ThresholdObjective
  readonly rule: 'score >= threshold'
  readonly threshold: number
  /** The objective's value at the threshold (F-score, precision, recall or cost). */
  readonly value: number
  readonly metrics: OperatingPoint
  /** Thresholds examined (distinct scores, plus "nothing positive"). */
  readonly candidates: number
}

/** The smallest double greater than `x` (a threshold that predicts nothing positive). */
const nextUp = (x: number): number => {
  if (x === Infinity || Number.isNaN(x)) return x
  if (x === 0) return Number.MIN_VALUE
  const buf = new DataView(new ArrayBuffer(8))
  buf.setFloat64(0, x)
  const bits = buf.getBigUint64(0)
  buf.setBigUint64(0, x > 0 ? bits + 1n : bits - 1n)
  return buf.getFloat64(0)
}

const point = (
  threshold: number,
  tp: number,
  fp: number,
  P: number,
  N: number,
  costMatrix?: readonly (readonly number[])[],
): OperatingPoint => {
  const fn = P - tp
  const tn = N - fp
  const total = P + N
  const precision = tp + fp === 0 ? 0 : tp / (tp + fp)
  const recall = P === 0 ? 0 : tp / P
  const f1 = 2 * tp + fp + fn === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn)
  return {
    threshold,
    tp,
    fp,
    tn,
    fn,
    precision,
    recall,
    f1,
    falsePositiveRate: N === 0 ? 0 : fp / N,
    specificity: N === 0 ? 0 : tn / N,
    accuracy: (tp + tn) / total,
    positiveRate: (tp + fp) / total,
    ...(costMatrix
      ? {
          expectedCost:
            (costMatrix[0]![0]! * tn +
              costMatrix[0]![1]! * fp +
              costMatrix[1]![0]! * fn +
              costMatrix[1]![1]! * tp) /
            total,
        }
      : {}),
  }
}

const fbeta = (p: OperatingPoint, beta: number): number => {
  const b2 = beta * beta
  const den = (1 + b2) * p.tp + b2 * p.fn + p.fp
  return den === 0 ? 0 : ((1 + b2) * p.tp) / den
}

const checkObjective = (o: ThresholdObjective): void => {
  const bad = (msg: string): never => {
    throw new KeelError('INVALID_ARGUMENT', msg, { path: ['objective'] })
  }
  switch (o.kind) {
    case 'max-f1':
      return
    case 'max-fbeta':
      if (!(o.beta > 0)) bad(`beta must be positive, got ${o.beta}`)
      return
    case 'min-recall':
      if (!(o.recall >= 0 && o.recall <= 1)) bad(`recall must be in [0, 1], got ${o.recall}`)
      return
    case 'min-precision':
      if (!(o.precision >= 0 && o.precision <= 1))
        bad(`precision must be in [0, 1], got ${o.precision}`)
      return
    case 'min-cost':
      if (o.costMatrix.flat().some((c) => !Number.isFinite(c)))
        bad('cost matrix entries must be finite')
      return
  }
}

/**
 * Every candidate operating point, from the strictest threshold ("nothing positive") down to the
 * lowest score ("everything positive"); one per distinct score (ties move together).
 */
export const operatingPoints = (
  y: ArrayLike<number>,
  scores: ArrayLike<number>,
  options: {
    readonly weight?: Float64Array
    readonly costMatrix?: readonly (readonly number[])[]
  } = {},
): OperatingPoint[] => {
  const { fps, tps, thresholds } = binaryCounts(y, scores, options.weight)
  const m = fps.length
  const P = tps[m - 1]!
  const N = fps[m - 1]!
  const out = [point(nextUp(thresholds[0]!), 0, 0, P, N, options.costMatrix)]
  for (let i = 0; i < m; i++)
    out.push(point(thresholds[i]!, tps[i]!, fps[i]!, P, N, options.costMatrix))
  return out
}

/**
 * Choose a decision threshold on validation scores (positive-class probabilities or any score) and
 * 0/1 labels. Among equally good thresholds the highest is kept (fewest positives). A constraint
 * that no threshold meets (e.g. precision ≥ 0.99 when the best is 0.9) is an `INVALID_DATA` error
 * with the best achievable value in `details`.
 *
 * @example
 * const t = chooseThreshold(yVal, pVal, { kind: 'min-recall', recall: 0.9 })
 * bundle.postprocess.threshold = t.threshold
 */
export const chooseThreshold = (
  y: ArrayLike<number>,
  scores: ArrayLike<number>,
  objective: ThresholdObjective,
  options: { readonly weight?: Float64Array } = {},
): ThresholdChoice => {
  checkObjective(objective)
  const costMatrix = objective.kind === 'min-cost' ? objective.costMatrix : undefined
  const points = operatingPoints(y, scores, { ...options, ...(costMatrix ? { costMatrix } : {}) })
  const P = points[0]!.fn
  if (!(P > 0)) {
    throw new KeelError(
      'INVALID_DATA',
      'threshold selection needs positive rows in the validation data',
      {
        details: { undefinedMetric: true },
      },
    )
  }
  // Higher is better for every objective once cost is negated; infeasible points score -Infinity.
  const score = (p: OperatingPoint): number => {
    switch (objective.kind) {
      case 'max-f1':
        return p.f1
      case 'max-fbeta':
        return fbeta(p, objective.beta)
      case 'min-recall':
        return p.recall >= objective.recall ? p.precision : -Infinity
      case 'min-precision':
        return p.precision >= objective.precision && p.tp > 0 ? p.recall : -Infinity
      case 'min-cost':
        return -p.expectedCost!
    }
  }
  let best = 0
  let bestScore = score(points[0]!)
  for (let i = 1; i < points.length; i++) {
    const s = score(points[i]!)
    if (s > bestScore) {
      best = i
      bestScore = s
    }
  }
  if (bestScore === -Infinity) {
    const achievable =
      objective.kind === 'min-precision'
        ? Math.max(...points.filter((p) => p.tp > 0).map((p) => p.precision))
        : Math.max(...points.map((p) => p.recall))
    throw new KeelError('INVALID_DATA', `no threshold satisfies ${JSON.stringify(objective)}`, {
      details: { objective, achievable },
    })
  }
  const chosen = points[best]!
  return {
    objective,
    rule: 'score >= threshold',
    threshold: chosen.threshold,
    value: objective.kind === 'min-cost' ? chosen.expectedCost! : bestScore,
    metrics: chosen,
    candidates: points.length,
  }
}

/** The operating point of a fixed threshold (to report a stored threshold on new data). */
export const operatingPointAt = (
  y: ArrayLike<number>,
  scores: ArrayLike<number>,
  threshold: number,
  options: {
    readonly weight?: Float64Array
    readonly costMatrix?: readonly (readonly number[])[]
  } = {},
): OperatingPoint => {
  const points = operatingPoints(y, scores, options)
  // Points run from the strictest threshold down; the last one with threshold ≥ t applies.
  let at = points[0]!
  for (const p of points) if (p.threshold >= threshold) at = p
  const first = points[0]!
  const P = first.fn
  const N = first.tn
  return point(threshold, at.tp, at.fp, P, N, options.costMatrix)
}
