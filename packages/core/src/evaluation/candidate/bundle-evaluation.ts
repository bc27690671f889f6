import { ModelBundle } from '../../bundle/index.js'
import { gateVerdict, type GateVerdict } from '../gate.js'
import type { EvaluationOutcome } from './evaluate-candidate.js'
import type { EvaluationReport } from './report-types.js'

/**
 * What an evaluation leaves behind outside its report: the candidate bundle with the chosen
 * post-processing and a compact evaluation digest, the same digest for the registry version, and
 * the reading of a stored gate outcome that `keel models promote` relies on.
 */

/** A JSON value, as an evaluation digest holds it (every number finite). */
export type EvaluationJson =
  | string
  | number
  | boolean
  | null
  | readonly EvaluationJson[]
  | { readonly [key: string]: EvaluationJson }

/** The compact evaluation stored in a bundle and in its registry version (well under 1 MB). */
export interface EvaluationDigest {
  readonly [key: string]: EvaluationJson
  readonly format: 'keel-evaluation-digest'
  readonly primaryMetric: string
  /** Test metrics with their intervals. */
  readonly test: {
    readonly [metric: string]: {
      readonly value: number | null
      readonly lower: number | null
      readonly upper: number | null
    }
  }
  readonly validation: { readonly [metric: string]: number | null }
  readonly threshold: number | null
  readonly calibration: { readonly method: string; readonly ece: number | null } | null
  readonly gate: {
    readonly blessed: boolean
    readonly reasons: readonly string[]
    /** `unchecked` when the gate had no checks (blessed only because nothing could refuse it). */
    readonly verdict: GateVerdict
    /** How many checks the gate ran. */
    readonly checks: number
  }
  /** Candidate minus champion on the primary metric, when there was a champion. */
  readonly champion: {
    readonly version: number
    readonly difference: number
    readonly pValue: number
    readonly method: string
  } | null
  /** The full report's artifact digest, when it was stored. */
  readonly report: string | null
}

const finite = (v: number | null | undefined): number | null =>
  v !== null && v !== undefined && Number.isFinite(v) ? v : null

/** The compact digest of a report (every number finite, so the registry accepts it). */
export const evaluationDigest = (
  report: EvaluationReport,
  reportDigest?: string,
): EvaluationDigest => {
  const test: Record<string, { value: number | null; lower: number | null; upper: number | null }> =
    {}
  for (const [k, m] of Object.entries(report.metrics))
    test[k] = { value: finite(m.value), lower: finite(m.lower), upper: finite(m.upper) }
  const validation: Record<string, number | null> = {}
  for (const [k, v] of Object.entries(report.validationMetrics)) validation[k] = finite(v)
  const primary = report.champion?.comparisons.find((c) => c.metric === report.primaryMetric)
  const cal = report.calibration
  return {
    format: 'keel-evaluation-digest',
    primaryMetric: report.primaryMetric,
    test,
    validation,
    threshold: report.threshold ? report.threshold.threshold : null,
    calibration: cal ? { method: cal.method, ece: finite((cal.calibrated ?? cal.raw).ece) } : null,
    gate: {
      blessed: report.gate.blessed,
      reasons: [...report.gate.reasons],
      verdict: gateVerdict(report.gate),
      checks: report.gate.checks.length,
    },
    champion:
      report.champion && primary && finite(primary.difference) !== null
        ? {
            version: report.champion.version ?? 0,
            difference: primary.difference,
            pValue: finite(primary.pValue) ?? 1,
            method: primary.method,
          }
        : null,
    report: reportDigest ?? null,
  }
}

/**
 * The candidate bundle with the evaluation's calibrator, threshold and `deferBelow`, and the digest
 * as its evaluation summary. Everything else (pipeline, model, lineage) is carried over unchanged.
 */
export const applyEvaluation = (
  bundle: ModelBundle,
  outcome: EvaluationOutcome,
  reportDigest?: string,
): ModelBundle =>
  ModelBundle.create({
    name: bundle.name,
    task: bundle.task,
    label: bundle.label,
    inputs: bundle.inputs,
    pipeline: bundle.pipeline,
    model: bundle.model,
    calibrator: outcome.calibrator,
    postprocess: { threshold: outcome.threshold, deferBelow: outcome.deferBelow },
    reference: bundle.reference,
    lineage: bundle.lineage,
    evaluation: evaluationDigest(outcome.report, reportDigest),
    createdAt: bundle.createdAt,
  })

/** A stored gate outcome: `blessed`, `refused` (with reasons), or `unknown` when none was recorded. */
export type GateOutcome =
  | { readonly state: 'blessed' }
  | { readonly state: 'refused'; readonly reasons: readonly string[] }
  | { readonly state: 'unknown' }

/** Read the gate outcome out of a registry version's (or bundle's) evaluation JSON. */
export const gateOutcomeOf = (evaluation: unknown): GateOutcome => {
  const gate = (evaluation as { gate?: unknown } | null | undefined)?.gate as
    { blessed?: unknown; reasons?: unknown } | undefined
  if (!gate || typeof gate.blessed !== 'boolean') return { state: 'unknown' }
  if (gate.blessed) return { state: 'blessed' }
  const reasons = Array.isArray(gate.reasons)
    ? gate.reasons.filter((r): r is string => typeof r === 'string')
    : []
  return { state: 'refused', reasons }
}
