import { KeelError, type Issue } from '../errors/index.js'
import { metricByName } from '../metrics/index.js'
import type { BehaviouralReport } from './behavioural.js'
import type { BootstrapCi } from './bootstrap.js'
import type { CalibrationReport } from './calibration.js'
import type { PairedComparison } from './paired.js'
import type { SliceEvaluation } from './slices.js'

/**
 * The promotion gate: a declarative spec (plain data, from the project config) judged against
 * evaluation summaries of the candidate and, when there is one, the champion. Regression against
 * the champion is judged with the paired comparison's interval, not with point estimates, so noise
 * neither blocks a good model nor blesses a worse one.
 */

/** A metric as summarised by an evaluation: a value with an optional interval. */
export interface MetricEstimate {
  readonly value: number
  readonly lower?: number
  readonly upper?: number
}

/** What the gate reads from an evaluation (the platform stores this with each run and bundle). */
export interface EvaluationSummary {
  /** Metric name (catalogue name) → estimate or plain value. */
  readonly metrics: Readonly<Record<string, MetricEstimate | number>>
  /** Behavioural test name → pass rate. */
  readonly behavioural?: Readonly<Record<string, { readonly passRate: number }>>
  readonly calibration?: { readonly ece: number }
  /** Slice name → metric name → value (null where undefined on the slice). */
  readonly slices?: Readonly<Record<string, Readonly<Record<string, number | null>>>>
}

/** Allowed regression of one metric against the champion. */
export interface RegressionRule {
  /** Largest tolerated worsening in the metric's units (0 = must not be worse). */
  readonly delta: number
  /**
   * `'non-inferiority'` (default): the interval must show the candidate is not worse by more than
   * `delta`; `'no-significant-regression'`: fail only when the interval shows it is.
   */
  readonly require?: 'non-inferiority' | 'no-significant-regression'
}

/**
 * A declarative gate. Every part is optional; an empty spec refuses nothing, and its decision says
 * so (`verdict: 'unchecked'`) instead of reporting a pass.
 */
export interface GateSpec {
  /** Metric → floor (higher-is-better metrics) or ceiling (lower-is-better, e.g. log loss). */
  readonly minimum?: Readonly<Record<string, number>>
  /** Judge floors on the interval's pessimistic end instead of the estimate. Default false. */
  readonly minimumOnInterval?: boolean
  /** Metric → allowed regression against the champion (a number is `{ delta }`). */
  readonly maxRegression?: Readonly<Record<string, number | RegressionRule>>
  /**
   * Metric → margin by which the candidate must beat every baseline, judged on the paired
   * comparison's interval: its pessimistic end must exceed the margin (0 = significantly better).
   */
  readonly beatBaselines?: Readonly<Record<string, number>>
  /** Behavioural test name (or `'*'` for every test) → minimum pass rate. */
  readonly behavioural?: Readonly<Record<string, number>>
  /** Upper bound on the expected calibration error. */
  readonly maxEce?: number
  /** Per-slice floors (`slice: '*'` applies to every slice with a value). */
  readonly sliceFloors?: readonly {
    readonly slice: string
    readonly metric: string
    readonly min: number
  }[]
  /**
   * The gate's stance on the leakage report: `'fail'` refuses a candidate whose report fails (a
   * feature known after the label, a near-copy of the target, held-out rows in training...);
   * `'warn'` (the default) reports it beside the verdict without refusing; `'ignore'` leaves it out.
   */
  readonly leakage?: LeakageStance
}

/** See {@link GateSpec.leakage}. */
export type LeakageStance = 'fail' | 'warn' | 'ignore'

/** The stance a gate takes when its spec does not say. */
export const DEFAULT_LEAKAGE_STANCE: LeakageStance = 'warn'

/** What the gate reads from a leakage report (core's `LeakageSummary` has this shape). */
export interface GateLeakageInput {
  readonly status: 'pass' | 'warn' | 'fail'
  readonly failedFeatures: readonly string[]
  readonly warnedFeatures: readonly string[]
}

/** The leakage part of a decision: the stance, and what the report said (null: no report). */
export interface GateLeakage {
  readonly stance: LeakageStance
  /** Whether the stance is the default one (so a card can say so). */
  readonly defaulted: boolean
  readonly status: 'pass' | 'warn' | 'fail' | null
  readonly failedFeatures: readonly string[]
}

/** One check of the gate, as data. */
export interface GateCheck {
  readonly check:
    'minimum' | 'regression' | 'baseline' | 'behavioural' | 'calibration' | 'slice' | 'leakage'
  readonly target: string
  readonly passed: boolean
  readonly observed: number | null
  readonly threshold: number
  readonly message: string
}

/**
 * The gate's verdict in one word: `blessed` (every check passed), `refused` (one failed), or
 * `unchecked` (the gate has no checks, so nothing was judged; `blessed` is still true, because
 * nothing refused it, but no report should present it as a pass).
 */
export type GateVerdict = 'blessed' | 'refused' | 'unchecked'

/** The gate's decision. */
export interface GateDecision {
  readonly blessed: boolean
  /** Why the candidate was not blessed, one sentence per failed check (empty when blessed). */
  readonly reasons: string[]
  readonly checks: GateCheck[]
  readonly verdict: GateVerdict
  /** The verdict as one sentence for reports, e.g. "no checks are configured: nothing was judged". */
  readonly statement: string
  /** The gate's stance on leakage and what the leakage report said (absent in older reports). */
  readonly leakage?: GateLeakage
}

const leakageClause = (l: GateLeakage | undefined): string => {
  if (!l || l.stance === 'fail') return ''
  const how = `gate.leakage is '${l.stance}'${l.defaulted ? ', the default' : ''}`
  if (l.stance === 'ignore') return `; leakage is not judged (${how})`
  if (l.status === 'fail') {
    return `; the leakage report fails${l.failedFeatures.length > 0 ? ` (${l.failedFeatures.join(', ')})` : ''} but does not block (${how})`
  }
  return ''
}

/** The sentence that states a verdict (what text output, cards and `--json` say). */
export const gateStatement = (decision: Pick<GateDecision, 'checks' | 'leakage'>): string => {
  const failed = decision.checks.filter((c) => !c.passed).length
  const total = decision.checks.length
  const leakage = leakageClause(decision.leakage)
  if (total === 0) {
    return `Not judged: the gate has no checks configured (add evaluation.gate checks, e.g. beatBaselines), so nothing was verified${leakage}`
  }
  return failed === 0
    ? `Blessed: ${total === 1 ? 'its one check' : `all ${total} checks`} passed${leakage}`
    : `Refused: ${failed} of ${total} check${total === 1 ? '' : 's'} failed${leakage}`
}

/** The verdict of a decision's checks (see {@link GateVerdict}). */
export const gateVerdict = (decision: Pick<GateDecision, 'checks'>): GateVerdict =>
  decision.checks.length === 0
    ? 'unchecked'
    : decision.checks.every((c) => c.passed)
      ? 'blessed'
      : 'refused'

/**
 * Assemble an {@link EvaluationSummary} from the evaluation's parts: metric intervals (or values),
 * a behavioural report, a calibration report and slice evaluations. Keeps only what the gate reads,
 * so the summary is small enough to store with every run and bundle.
 */
export const summarizeEvaluation = (parts: {
  readonly metrics: Readonly<Record<string, BootstrapCi | MetricEstimate | number>>
  readonly behavioural?: BehaviouralReport
  readonly calibration?: Pick<CalibrationReport, 'ece'>
  readonly slices?: readonly SliceEvaluation[]
}): EvaluationSummary => {
  const metrics: Record<string, MetricEstimate | number> = {}
  for (const [name, m] of Object.entries(parts.metrics)) {
    metrics[metricByName(name).name] =
      typeof m === 'number'
        ? m
        : 'estimate' in m
          ? { value: m.estimate, lower: m.lower, upper: m.upper }
          : m
  }
  const slices: Record<string, Record<string, number | null>> = {}
  for (const s of parts.slices ?? []) {
    if (s.slice === 'all') continue
    slices[s.slice] = Object.fromEntries(Object.entries(s.metrics).map(([k, v]) => [k, v.value]))
  }
  return {
    metrics,
    ...(parts.behavioural
      ? {
          behavioural: Object.fromEntries(
            parts.behavioural.results.map((r) => [r.name, { passRate: r.passRate }]),
          ),
        }
      : {}),
    ...(parts.calibration ? { calibration: { ece: parts.calibration.ece } } : {}),
    ...(parts.slices ? { slices } : {}),
  }
}

/** Check a gate spec without evaluating it: unknown metric names and impossible numbers. */
export const validateGateSpec = (spec: GateSpec): { ok: boolean; issues: Issue[] } => {
  const issues: Issue[] = []
  const metric = (name: string, path: (string | number)[]): void => {
    try {
      metricByName(name)
    } catch {
      issues.push({ code: 'unknown_metric', path, message: `unknown metric "${name}"` })
    }
  }
  const finite = (v: number, path: (string | number)[], min = -Infinity, max = Infinity): void => {
    if (!(Number.isFinite(v) && v >= min && v <= max)) {
      issues.push({
        code: 'invalid_number',
        path,
        message: `expected a number in [${min}, ${max}], got ${v}`,
      })
    }
  }
  for (const [m, v] of Object.entries(spec.minimum ?? {})) {
    metric(m, ['minimum', m])
    finite(v, ['minimum', m])
  }
  for (const [m, r] of Object.entries(spec.maxRegression ?? {})) {
    metric(m, ['maxRegression', m])
    finite(typeof r === 'number' ? r : r.delta, ['maxRegression', m], 0)
  }
  for (const [m, v] of Object.entries(spec.beatBaselines ?? {})) {
    metric(m, ['beatBaselines', m])
    finite(v, ['beatBaselines', m])
  }
  for (const [t, v] of Object.entries(spec.behavioural ?? {})) finite(v, ['behavioural', t], 0, 1)
  if (spec.maxEce !== undefined) finite(spec.maxEce, ['maxEce'], 0, 1)
  spec.sliceFloors?.forEach((f, i) => {
    metric(f.metric, ['sliceFloors', i, 'metric'])
    finite(f.min, ['sliceFloors', i, 'min'])
  })
  return { ok: issues.length === 0, issues }
}

const estimate = (e: MetricEstimate | number | undefined): MetricEstimate | undefined =>
  e === undefined ? undefined : typeof e === 'number' ? { value: e } : e

const fmt = (v: number): string =>
  Math.abs(v) >= 1e-3 || v === 0 ? v.toFixed(4) : v.toExponential(2)

/** A baseline as the gate sees it: its metrics and the candidate's paired comparisons with it. */
export interface GateBaseline {
  readonly name: string
  /** Metric → the baseline's value (null where undefined). */
  readonly metrics: Readonly<Record<string, number | null>>
  /** Paired comparisons of candidate = A against this baseline = B. */
  readonly comparisons: readonly PairedComparison[]
}

const baselineChecks = (
  spec: GateSpec,
  candidate: EvaluationSummary,
  baselines: readonly GateBaseline[],
): GateCheck[] => {
  const checks: GateCheck[] = []
  for (const [name, margin] of Object.entries(spec.beatBaselines ?? {})) {
    const def = metricByName(name)
    const sign = def.higherIsBetter ? 1 : -1
    if (baselines.length === 0) {
      checks.push({
        check: 'baseline',
        target: def.name,
        passed: true,
        observed: null,
        threshold: margin,
        message: `no baselines to compare ${def.name} with`,
      })
      continue
    }
    for (const b of baselines) {
      const cmp = b.comparisons.find((c) => c.metric === def.name)
      const target = `${b.name}/${def.name}`
      if (cmp) {
        // Oriented interval of the gain over the baseline (positive = candidate better).
        const lo = sign > 0 ? cmp.lower : -cmp.upper
        const hi = sign > 0 ? cmp.upper : -cmp.lower
        const passed = lo > margin
        checks.push({
          check: 'baseline',
          target,
          passed,
          observed: sign * cmp.difference,
          threshold: margin,
          message: `${def.name} gain over baseline "${b.name}" ${fmt(sign * cmp.difference)} (${Math.round(cmp.level * 100)}% interval [${fmt(lo)}, ${fmt(hi)}], ${cmp.method}); needs lower bound above ${fmt(margin)}`,
        })
        continue
      }
      const a = estimate(candidate.metrics[def.name])
      const v = b.metrics[def.name]
      const observed = a && v !== null && v !== undefined ? sign * (a.value - v) : null
      checks.push({
        check: 'baseline',
        target,
        passed: observed !== null && observed > margin,
        observed,
        threshold: margin,
        message:
          observed === null
            ? `${def.name} could not be compared with baseline "${b.name}"`
            : `${def.name} gain over baseline "${b.name}" ${fmt(observed)} (point estimates, no paired comparison); needs more than ${fmt(margin)}`,
      })
    }
  }
  return checks
}

/**
 * Judge a candidate. `champion` and `comparisons` (paired comparisons of candidate = A against
 * champion = B, e.g. from `compareModels`) are needed for regression checks; without a champion
 * they pass (nothing to regress from), and without a comparison for a metric the point estimates
 * are used and the check's message says so. `baselines` serve `beatBaselines` the same way.
 */
export const evaluateGate = (
  spec: GateSpec,
  input: {
    readonly candidate: EvaluationSummary
    readonly champion?: EvaluationSummary
    readonly comparisons?: readonly PairedComparison[]
    readonly baselines?: readonly GateBaseline[]
    /** The leakage report's summary, judged by `spec.leakage`. */
    readonly leakage?: GateLeakageInput
  },
): GateDecision => {
  const valid = validateGateSpec(spec)
  if (!valid.ok) {
    throw new KeelError('INVALID_CONFIG', 'the gate spec is not valid', {
      issues: valid.issues,
      path: ['gate'],
    })
  }
  const { candidate, champion } = input
  const checks: GateCheck[] = []
  const add = (c: GateCheck): void => void checks.push(c)

  for (const [name, bound] of Object.entries(spec.minimum ?? {})) {
    const def = metricByName(name)
    const e = estimate(candidate.metrics[def.name] ?? candidate.metrics[name])
    const observed = e
      ? spec.minimumOnInterval
        ? ((def.higherIsBetter ? e.lower : e.upper) ?? e.value)
        : e.value
      : null
    const passed = observed !== null && (def.higherIsBetter ? observed >= bound : observed <= bound)
    const op = def.higherIsBetter ? '≥' : '≤'
    add({
      check: 'minimum',
      target: def.name,
      passed,
      observed,
      threshold: bound,
      message:
        observed === null
          ? `${def.name} was not evaluated`
          : `${def.name} ${fmt(observed)} ${passed ? '' : 'not '}${op} ${fmt(bound)}`,
    })
  }

  for (const [name, raw] of Object.entries(spec.maxRegression ?? {})) {
    const def = metricByName(name)
    const rule: RegressionRule = typeof raw === 'number' ? { delta: raw } : raw
    const sign = def.higherIsBetter ? 1 : -1
    if (!champion) {
      add({
        check: 'regression',
        target: def.name,
        passed: true,
        observed: null,
        threshold: -rule.delta,
        message: `no champion to compare ${def.name} with`,
      })
      continue
    }
    const cmp = input.comparisons?.find((c) => c.metric === def.name)
    if (cmp) {
      // Oriented interval of the improvement (positive = candidate better).
      const lo = sign > 0 ? cmp.lower : -cmp.upper
      const hi = sign > 0 ? cmp.upper : -cmp.lower
      const nonInferiority = (rule.require ?? 'non-inferiority') === 'non-inferiority'
      const passed = nonInferiority ? lo >= -rule.delta : hi >= -rule.delta
      const observed = sign * cmp.difference
      add({
        check: 'regression',
        target: def.name,
        passed,
        observed,
        threshold: -rule.delta,
        message: `${def.name} change vs champion ${fmt(observed)} (${Math.round(cmp.level * 100)}% interval [${fmt(lo)}, ${fmt(hi)}], p = ${fmt(cmp.pValue)}, ${cmp.method}); ${nonInferiority ? 'needs lower bound' : 'fails if upper bound is below'} ${fmt(-rule.delta)}`,
      })
      continue
    }
    const a = estimate(candidate.metrics[def.name])
    const b = estimate(champion.metrics[def.name])
    const observed = a && b ? sign * (a.value - b.value) : null
    add({
      check: 'regression',
      target: def.name,
      passed: observed !== null && observed >= -rule.delta,
      observed,
      threshold: -rule.delta,
      message:
        observed === null
          ? `${def.name} missing from the candidate or champion summary`
          : `${def.name} change vs champion ${fmt(observed)} (point estimates, no paired comparison); allowed ${fmt(-rule.delta)}`,
    })
  }

  for (const c of baselineChecks(spec, candidate, input.baselines ?? [])) add(c)

  const tests = candidate.behavioural ?? {}
  for (const [name, min] of Object.entries(spec.behavioural ?? {})) {
    const targets = name === '*' ? Object.keys(tests) : [name]
    for (const t of targets) {
      const r = tests[t]
      add({
        check: 'behavioural',
        target: t,
        passed: r !== undefined && r.passRate >= min,
        observed: r?.passRate ?? null,
        threshold: min,
        message:
          r === undefined
            ? `behavioural test "${t}" was not run`
            : `behavioural test "${t}" pass rate ${fmt(r.passRate)} (needs ${fmt(min)})`,
      })
    }
  }

  if (spec.maxEce !== undefined) {
    const ece = candidate.calibration?.ece ?? null
    add({
      check: 'calibration',
      target: 'ece',
      passed: ece !== null && ece <= spec.maxEce,
      observed: ece,
      threshold: spec.maxEce,
      message:
        ece === null
          ? 'calibration was not measured'
          : `ECE ${fmt(ece)} (at most ${fmt(spec.maxEce)})`,
    })
  }

  for (const floor of spec.sliceFloors ?? []) {
    const def = metricByName(floor.metric)
    const slices = candidate.slices ?? {}
    const names = floor.slice === '*' ? Object.keys(slices) : [floor.slice]
    for (const s of names) {
      const v = slices[s]?.[def.name] ?? null
      if (v === null && floor.slice === '*') continue
      const passed = v !== null && (def.higherIsBetter ? v >= floor.min : v <= floor.min)
      add({
        check: 'slice',
        target: `${s}/${def.name}`,
        passed,
        observed: v,
        threshold: floor.min,
        message:
          v === null
            ? `${def.name} has no value on slice "${s}"`
            : `${def.name} on "${s}" ${fmt(v)} (floor ${fmt(floor.min)})`,
      })
    }
  }

  const leakage: GateLeakage = {
    stance: spec.leakage ?? DEFAULT_LEAKAGE_STANCE,
    defaulted: spec.leakage === undefined,
    status: input.leakage?.status ?? null,
    failedFeatures: input.leakage ? [...input.leakage.failedFeatures] : [],
  }
  if (leakage.stance === 'fail') {
    const l = input.leakage
    add({
      check: 'leakage',
      target: 'report',
      // No report is no evidence of leakage, and the message says the report was not run.
      passed: l?.status !== 'fail',
      observed: l ? l.failedFeatures.length : null,
      threshold: 0,
      message: !l
        ? 'no leakage report was run for this evaluation'
        : l.status === 'fail'
          ? `the leakage report fails${l.failedFeatures.length > 0 ? ` for ${l.failedFeatures.join(', ')}` : ''}`
          : `the leakage report ${l.status === 'warn' ? 'has questions to review, no failure' : 'passes'}`,
    })
  }

  const failed = checks.filter((c) => !c.passed)
  return {
    blessed: failed.length === 0,
    reasons: failed.map((c) => c.message),
    checks,
    verdict: gateVerdict({ checks }),
    statement: gateStatement({ checks, leakage }),
    leakage,
  }
}
