import { resolveContext } from './context.js'
import { exactDuplicateCheck, groupOverlapCheck, nearDuplicateCheck } from './duplicates.js'
import { labelShiftCheck } from './label-shift.js'
import { pipelineFitCheck } from './pipeline-fit.js'
import { singleFeatureChecks } from './single-feature.js'
import { targetAssociationChecks, targetNameChecks } from './target-derived.js'
import { timeTravelChecks } from './time-travel.js'
import type {
  LeakageCheck,
  LeakageReport,
  LeakageReportInput,
  LeakageStatus,
  LeakageSummary,
} from './types.js'

/**
 * The leakage report (the book's §4.7): every way a form of the label can reach the features, or
 * held-out rows can reach training, checked on the data and split a model was trained on.
 *
 * | check                  | fails when                                                         |
 * |------------------------|--------------------------------------------------------------------|
 * | `time_travel`          | a feature is declared known after the row's prediction time         |
 * | `duplicates_exact`     | > 1% of held-out rows copy an earlier split (any copy warns)        |
 * | `duplicates_near`      | warns at ≥ 1% after rounding (3 significant digits, 1-minute times) |
 * | `group_overlap`        | a declared group has rows in train and in a held-out split          |
 * | `pipeline_fit_scope`   | the feature pipeline saw validation or test rows                    |
 * | `single_feature_power` | warns ("review") when one feature alone reaches AUC ≥ 0.95 / R² ≥ 0.9 or beats the reference; fails only with time-travel or target-association evidence on the same feature |
 * | `ablation`             | warns when the probe model's score drops ≥ 0.02 without a flagged feature |
 * | `target_name`          | warns on names like `late_rate` (label `late`), `target_*`, `*_label` |
 * | `target_association`   | AUC / \|corr\| / category purity / η² with the label ≥ 0.99          |
 * | `label_shift`          | warns when class rates move ≥ 5 points (regression: mean ≥ 0.2 sd), p < 0.01 |
 *
 * The model probes (single-feature power, ablation, association) use seeded samples of at most
 * `probeRows` (50 000) train and held-out rows and small GBDTs (20 trees of depth 3), so the report
 * stays in seconds on a few hundred thousand rows; the summary says how many rows they used.
 * Hashing-based checks (duplicates, groups, pipeline scope) and label shift use every row.
 * Same input and seed → the same report.
 *
 * @example
 * const report = leakageReport({
 *   frame, contract, split: split.indices, label: 'late', task: 'binary', rng: createRng(1),
 *   availability: { origin_late_rate: { column: 'origin_late_rate_known_at' } },
 *   pipelineFit: { rows: split.indices.train },
 * })
 * report.summary.status // 'fail'
 */
export const leakageReport = (input: LeakageReportInput): LeakageReport => {
  const ctx = resolveContext(input)
  const checks: LeakageCheck[] = []
  const time = timeTravelChecks(ctx, input.availability ?? {})
  checks.push(...time)
  const cleared = new Set(
    time.filter((c) => c.status === 'pass' && c.feature !== undefined).map((c) => c.feature!),
  )
  checks.push(exactDuplicateCheck(ctx), nearDuplicateCheck(ctx), groupOverlapCheck(ctx))
  checks.push(pipelineFitCheck(ctx, input.pipelineFit))
  checks.push(...singleFeatureChecks(ctx))
  checks.push(...targetNameChecks(ctx, cleared))
  checks.push(...targetAssociationChecks(ctx))
  checks.push(labelShiftCheck(ctx, input.splitKind))
  corroborate(checks)
  const notes = [
    `Model probes used a seeded sample of ${ctx.probe.train.length} train and ${ctx.probe.heldOut.length} ${ctx.probe.heldOutSplit} rows (at most ${ctx.options.probeRows} each).`,
  ]
  if (ctx.probe.heldOutSplit === 'test') {
    notes.push('There is no validation split, so the probes were scored on test rows.')
  }
  return { checks, summary: summarize(checks, ctx, notes) }
}

/** Checks whose failure on a feature is evidence that its strength comes from the label. */
const EVIDENCE: readonly LeakageCheck['check'][] = ['time_travel', 'target_association']

/**
 * A strong single feature is a question, not a verdict; it becomes a failure when the same feature
 * fails a time check (known after the prediction) or the target-association check (a near-copy of
 * the label). Rewrites the flagged checks in place, saying which evidence decided.
 */
const corroborate = (checks: LeakageCheck[]): void => {
  checks.forEach((c, i) => {
    if (c.check !== 'single_feature_power' || c.evidence['review'] !== true) return
    const evidence = checks.filter(
      (e) => e.feature === c.feature && e.status === 'fail' && EVIDENCE.includes(e.check),
    )
    if (evidence.length === 0) return
    const names = evidence.map((e) => e.check).join(' and ')
    checks[i] = {
      ...c,
      status: 'fail',
      message: `"${c.feature}" alone reaches ${String(c.evidence['metric'])} ${Number(c.evidence['score']).toFixed(3)}, and ${names} also fail${evidence.length === 1 ? 's' : ''} for it: leakage, not a strong feature`,
      evidence: { ...c.evidence, review: false, corroboratedBy: evidence.map((e) => e.check) },
    }
  })
}

const summarize = (
  checks: readonly LeakageCheck[],
  ctx: ReturnType<typeof resolveContext>,
  notes: string[],
): LeakageSummary => {
  const counts: Record<LeakageStatus, number> = { pass: 0, warn: 0, fail: 0, skip: 0 }
  for (const c of checks) counts[c.status]++
  const featuresWith = (status: LeakageStatus): string[] => [
    ...new Set(
      checks.filter((c) => c.status === status && c.feature !== undefined).map((c) => c.feature!),
    ),
  ]
  const failedFeatures = featuresWith('fail')
  const failed = new Set(failedFeatures)
  return {
    status: counts.fail > 0 ? 'fail' : counts.warn > 0 ? 'warn' : 'pass',
    counts,
    failedFeatures,
    warnedFeatures: featuresWith('warn').filter((f) => !failed.has(f)),
    rows: {
      train: ctx.split.train.length,
      validation: ctx.split.validation.length,
      test: ctx.split.test.length,
      probeTrain: ctx.probe.train.length,
      probeValidation: ctx.probe.heldOut.length,
    },
    notes,
  }
}
