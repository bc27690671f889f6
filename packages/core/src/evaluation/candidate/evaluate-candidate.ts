import { KeelError } from '../../errors/index.js'
import {
  evaluateGate,
  summarizeEvaluation,
  type EvaluationSummary,
  type GateLeakageInput,
  type GateSpec,
  type MetricEstimate,
} from '../gate.js'
import { metricByName, type PredictionSet } from '../../metrics/index.js'
import type { BundleCalibrator, ModelBundle } from '../../bundle/index.js'
import type { Rng } from '../../random/index.js'
import { runDeclaredBehaviouralTests } from './behaviour.js'
import type { EvaluationConfig } from './config-schema.js'
import {
  backtestSection,
  binaryCurves,
  confidenceSection,
  errorSection,
  fairnessSection,
} from './diagnostics.js'
import { metricIntervals, pairedComparisons, pointMetrics } from './intervals.js'
import { classReport } from './class-report.js'
import { parseEvaluationConfig, resolveMetrics } from './parse-config.js'
import { choosePostProcessing, topLabelSection } from './decision.js'
import {
  baselinePredictionSet,
  championPredictionSet,
  rawOutputs,
  servedPredictionSet,
  type BaselinePredictions,
} from './predictions.js'
import type { ComparedModel, EvaluationReport } from './report-types.js'
import type { EvaluationSplit } from './evaluation-split.js'
import { declaredSlices, discoverSlices, evaluateWithIntervals, simpsonChecks } from './slicing.js'

/** The current production model to compare with. */
export interface ChampionInput {
  readonly name: string
  readonly version: number
  readonly bundle: ModelBundle
}

/** What {@link evaluateCandidate} needs. */
export interface EvaluateCandidateInput {
  /** The candidate: pipeline + model (its calibrator and threshold are used only with `keep`). */
  readonly bundle: ModelBundle
  readonly validation: EvaluationSplit
  readonly test: EvaluationSplit
  /** The config's `evaluation` section, raw or parsed. */
  readonly config?: unknown
  /** Baselines' outputs on the test rows. */
  readonly baselines?: readonly BaselinePredictions[]
  readonly champion?: ChampionInput | null
  readonly rng: Rng
  /**
   * `fit` (training, the default): choose the calibrator and threshold on validation. `keep`
   * (re-evaluating a registered bundle): evaluate the bundle's own post-processing.
   */
  readonly postprocess?: 'fit' | 'keep'
  /** Columns never sliced on or clustered by (the label, ids). */
  readonly exclude?: readonly string[]
  /** Notes from the caller, reported first (e.g. how the candidate was chosen over a tie). */
  readonly notes?: readonly string[]
  /** The leakage report's summary, judged by the gate's `leakage` stance (none: not run). */
  readonly leakage?: GateLeakageInput | null
  /** The timestamp column for the backtest (the config may name another). */
  readonly timestampColumn?: string | null
  readonly onPhase?: (phase: string) => void
}

/** The report and the post-processing chosen (store it with `applyEvaluation`). */
export interface EvaluationOutcome {
  readonly report: EvaluationReport
  readonly calibrator: BundleCalibrator | null
  readonly threshold: number
  readonly deferBelow: number | null
  readonly config: EvaluationConfig
}

const checkSplit = (name: string, s: EvaluationSplit): void => {
  if (s.frame.numRows !== s.y.length) {
    throw new KeelError(
      'INVALID_ARGUMENT',
      `${name}: ${s.frame.numRows} rows but ${s.y.length} labels`,
    )
  }
  if (s.y.length === 0) throw new KeelError('INVALID_DATA', `the ${name} split is empty`)
}

/** Blocking behavioural tests become gate requirements unless the gate names them itself. */
const gateWithTests = (spec: GateSpec, report: EvaluationReport['behavioural']): GateSpec => {
  if (!report || spec.behavioural?.['*'] !== undefined) return spec
  const extra: Record<string, number> = {}
  for (const r of report.results)
    if (r.blocking && spec.behavioural?.[r.name] === undefined) extra[r.name] = r.minPassRate
  return Object.keys(extra).length === 0
    ? spec
    : { ...spec, behavioural: { ...spec.behavioural, ...extra } }
}

const estimates = (m: EvaluationReport['metrics']): Record<string, MetricEstimate> => {
  const out: Record<string, MetricEstimate> = {}
  for (const [k, v] of Object.entries(m)) {
    if (v.value === null) continue
    out[k] =
      v.lower !== undefined && v.upper !== undefined
        ? { value: v.value, lower: v.lower, upper: v.upper }
        : { value: v.value }
  }
  return out
}

const definedOnly = (m: Readonly<Record<string, number | null>>): Record<string, number> =>
  Object.fromEntries(Object.entries(m).filter((e): e is [string, number] => e[1] !== null))

/**
 * Evaluate a candidate offline: test metrics with intervals; threshold and calibration chosen on
 * validation; confidence and deferral; paired comparisons with the baselines and the champion;
 * declared and discovered slices with intervals and a Simpson check; behavioural tests; fairness;
 * error clusters; a backtest; and the gate's decision with its reasons. Deterministic for a given
 * `rng` and data. Returns plain data plus the post-processing to store in the bundle.
 */
export const evaluateCandidate = (input: EvaluateCandidateInput): EvaluationOutcome => {
  const phase = input.onPhase ?? (() => undefined)
  const config = parseEvaluationConfig(input.config)
  const { bundle, validation, test, rng } = input
  checkSplit('validation', validation)
  checkSplit('test', test)
  const task = bundle.task
  const classes = bundle.label.classes
  const k = classes?.length ?? 0
  const { metrics, primary } = resolveMetrics(config, task)
  const notes: string[] = [...(input.notes ?? [])]
  const exclude = [...(input.exclude ?? []), bundle.label.column]

  phase('scoring the candidate')
  const rawValidation = rawOutputs(bundle, validation.frame)
  const rawTest = rawOutputs(bundle, test.frame)
  const keep = input.postprocess === 'keep'
  const deferBelow = keep ? bundle.postprocess.deferBelow : config.deferBelow
  if (task === 'binary' && !keep) phase('calibrating and choosing the threshold on validation')
  const choice = choosePostProcessing({
    bundle,
    config,
    validation,
    test,
    rawValidation,
    rawTest,
    keep,
    rng,
  })
  notes.push(...choice.notes)
  const { calibrator, threshold } = choice
  const post = { calibrator, threshold }
  const served = servedPredictionSet(task, test.y, rawTest, k, post)
  const servedValidation = servedPredictionSet(task, validation.y, rawValidation, k, post)
  const calibrationSection =
    task === 'multiclass' ? topLabelSection(test.y, served.proba!, config) : choice.calibration
  const thresholdSection = choice.thresholdReport

  phase('metrics with intervals')
  const metricValues = metricIntervals(served, metrics, config.bootstrap, rng.fork('metrics'))
  const validationMetrics = pointMetrics(servedValidation, metrics)

  phase('comparing with baselines and the champion')
  const baselines: ComparedModel[] = []
  const baselineSets: { name: string; set: PredictionSet; value: number | null }[] = []
  const baselineMetrics = [
    ...new Set([
      primary,
      ...Object.keys(config.gate.beatBaselines ?? {}).map((m) => metricByName(m).name),
    ]),
  ]
  for (const b of input.baselines ?? []) {
    const set = baselinePredictionSet(b, task, test.y, k)
    const values = pointMetrics(set, [...new Set([...metrics, ...baselineMetrics])])
    const cmp = pairedComparisons(
      served,
      set,
      baselineMetrics,
      config.bootstrap,
      rng.fork(`baseline/${b.name}`),
    )
    for (const s of cmp.skipped) notes.push(`baseline "${b.name}": ${s} could not be compared`)
    baselines.push({
      name: b.name,
      role: 'baseline',
      metrics: values,
      comparisons: cmp.comparisons,
    })
    baselineSets.push({ name: b.name, set, value: values[primary] ?? null })
  }
  let champion: ComparedModel | null = null
  let championSet: PredictionSet | null = null
  let championSummary: EvaluationSummary | undefined
  if (input.champion) {
    try {
      championSet = championPredictionSet(input.champion.bundle, test.frame, test.y, classes)
    } catch (e) {
      if (!(e instanceof KeelError && e.code === 'SCHEMA_MISMATCH')) throw e
      notes.push(
        `champion ${input.champion.name} v${input.champion.version} not compared: ${e.message}`,
      )
    }
    if (championSet) {
      const regressionMetrics = Object.keys(config.gate.maxRegression ?? {}).map(
        (m) => metricByName(m).name,
      )
      const cmpMetrics = [...new Set([primary, ...regressionMetrics])]
      const values = pointMetrics(championSet, [...new Set([...metrics, ...cmpMetrics])])
      const cmp = pairedComparisons(
        served,
        championSet,
        cmpMetrics,
        config.bootstrap,
        rng.fork('champion'),
      )
      for (const s of cmp.skipped) notes.push(`champion: ${s} could not be compared`)
      champion = {
        name: input.champion.name,
        role: 'champion',
        version: input.champion.version,
        metrics: values,
        comparisons: cmp.comparisons,
      }
      championSummary = summarizeEvaluation({ metrics: definedOnly(values) })
    }
  }

  phase('slices')
  const sliceMetrics = [
    ...new Set(
      [
        ...(config.sliceMetrics ?? [primary]),
        ...(config.gate.sliceFloors ?? []).map((f) => f.metric),
      ].map((m) => metricByName(m).name),
    ),
  ]
  const declared = declaredSlices(test.frame, config.slices)
  const declaredEvaluations = evaluateWithIntervals(
    served,
    declared.slices,
    sliceMetrics,
    config,
    rng.fork('slices'),
  )
  let discovered: EvaluationReport['slices']['discovered'] = null
  if (config.discovery.enabled) {
    try {
      discovered = discoverSlices(test.frame, served, {
        config,
        primary,
        sliceMetrics,
        exclude,
        rng,
      })
    } catch (e) {
      if (!(e instanceof KeelError && (e.code === 'INVALID_DATA' || e.code === 'INVALID_ARGUMENT')))
        throw e
      notes.push(`weak-slice discovery skipped: ${e.message}`)
    }
  }
  const reference =
    championSet && champion
      ? { name: `champion v${champion.version}`, set: championSet }
      : [...baselineSets].sort((a, b) => {
          const hi = metricByName(primary).higherIsBetter ? -1 : 1
          return hi * ((a.value ?? -Infinity) - (b.value ?? -Infinity))
        })[0]
  const topColumn = discovered?.discovery.slices[0]?.conditions.find(
    (c) => c.kind !== 'predicate',
  ) as { column: string } | undefined
  const simpson = reference
    ? simpsonChecks(test.frame, served, reference, primary, declared.partitions, topColumn?.column)
    : []

  phase('behavioural tests')
  const behavioural =
    config.behavioural.length > 0
      ? runDeclaredBehaviouralTests(
          bundle,
          post,
          test.frame,
          config.behavioural,
          rng.fork('behavioural'),
        )
      : null

  phase('fairness, errors and backtest')
  const fairness = fairnessSection(test.frame, served, config.fairness)
  if (config.fairness && !fairness) notes.push('fairness is reported for binary tasks only')
  const errorAnalysis = errorSection(test.frame, served, config.errorAnalysis, exclude, rng)
  const backtest = backtestSection(
    test.frame,
    served,
    metrics,
    config.backtest,
    input.timestampColumn ?? null,
  )

  const ece = calibrationSection
    ? (calibrationSection.calibrated ?? calibrationSection.raw).ece
    : undefined
  const summary = summarizeEvaluation({
    metrics: estimates(metricValues),
    // The summary keeps pass rates only; failing examples stay in the report.
    ...(behavioural
      ? {
          behavioural: {
            pass: behavioural.pass,
            results: behavioural.results.map((r) => ({ ...r, failures: [] })),
          },
        }
      : {}),
    ...(ece === undefined ? {} : { calibration: { ece } }),
    slices: declaredEvaluations,
  })
  const spec = gateWithTests(config.gate as GateSpec, behavioural)
  const decision = evaluateGate(spec, {
    candidate: summary,
    ...(championSummary ? { champion: championSummary } : {}),
    ...(champion ? { comparisons: champion.comparisons } : {}),
    baselines: baselines.map((b) => ({
      name: b.name,
      metrics: b.metrics,
      comparisons: b.comparisons,
    })),
    ...(input.leakage ? { leakage: input.leakage } : {}),
  })
  let positives = 0
  if (task === 'binary') for (const v of test.y) positives += v
  const report: EvaluationReport = {
    format: 'keel-evaluation',
    formatVersion: 1,
    model: { name: bundle.name, task, classes: classes ? [...classes] : null },
    createdAt: new Date().toISOString(),
    data: {
      validationRows: validation.y.length,
      testRows: test.y.length,
      testPositiveRate: task === 'binary' ? positives / test.y.length : null,
    },
    primaryMetric: primary,
    metrics: metricValues,
    validationMetrics,
    classReport: classes ? classReport(served, classes) : null,
    curves: binaryCurves(served),
    threshold: thresholdSection,
    calibration: calibrationSection,
    confidence: confidenceSection(served, deferBelow),
    baselines,
    champion,
    slices: { metrics: sliceMetrics, declared: declaredEvaluations, discovered, simpson },
    behavioural,
    fairness,
    errorAnalysis,
    backtest,
    summary,
    gate: { ...decision, spec },
    notes,
  }
  return { report, calibrator, threshold, deferBelow, config }
}
