import { join } from 'node:path'
import {
  ModelBundle,
  applyEvaluation,
  evaluateCandidate,
  gateStatement,
  gateVerdict,
  type BundleParts,
  type EvaluationConfig,
  type EvaluationDigest,
  type EvaluationReport,
  type FittedModel,
  type Frame,
  type GateVerdict,
  type LeakageReport,
  type MetricWithInterval,
  type Rng,
  type SchemaContract,
} from '@keel/core'
import type { Project } from '../project/index.js'
import {
  baselinePredictions,
  evaluationExclusions,
  timestampColumnOf,
  type SplitIndices,
} from '../evaluation/evaluation-data.js'
import { cardImportance } from '../reports/model-card/card-importance.js'
import { loadChampion } from '../evaluation/load-bundle.js'
import { registerEvaluatedBundle, storeEvaluationReport } from '../release/register-evaluated.js'
import { buildVersionCard, writeVersionCard } from '../reports/model-card/version-card.js'
import { storeModelCard, writeModelCard } from '../reports/model-card/write-card.js'
import type { ModelCard } from '../reports/model-card/model-card.js'
import { buildMonitoringReference } from '../monitoring/index.js'
import { leakageItems, type ImportanceItem, type WrittenCard } from '../reports/index.js'
import type { ArtifactRef, KeelStores, ModelVersionRecord } from '../stores/index.js'
import type { ProgressReporter } from '../util/progress.js'

/**
 * The end of `keel train`: the best candidate is evaluated offline (served metrics with intervals,
 * threshold and calibration chosen on validation, baselines and the production champion compared,
 * slices, behavioural tests, the gate), the bundle is assembled with that post-processing and a
 * monitoring reference, registered with the status the gate earned, and its model card written.
 */

/** The evaluation of the best candidate as `keel train` reports it. */
export interface TrainEvaluation {
  readonly blessed: boolean
  /** Why the gate refused (empty when blessed). */
  readonly reasons: readonly string[]
  /** `unchecked` when the gate has no checks: blessed only because nothing could refuse it. */
  readonly verdict: GateVerdict
  /** The verdict as one sentence (core's `gateStatement`). */
  readonly statement: string
  readonly primaryMetric: string
  /** The primary metric on the test split as served (calibrated, thresholded), with its interval. */
  readonly primary: MetricWithInterval | null
  /** Candidate minus the production champion on the primary metric, when there was one. */
  readonly champion: EvaluationDigest['champion']
  readonly threshold: number | null
  readonly calibrator: string
  /** The registry status the gate earned (null when the bundle was not registered). */
  readonly status: 'approved' | 'candidate' | null
  /** The full report's artifact digest. */
  readonly report: string
  /** The model card. */
  readonly card: WrittenCard
  readonly notes: readonly string[]
}

/** What {@link evaluateAndRegister} needs from training. */
export interface BestCandidate {
  readonly project: Project
  readonly config: EvaluationConfig
  /** The bundle's parts: pipeline, model, inputs, label, lineage (no post-processing yet). */
  readonly parts: BundleParts
  /** The prepared frame (every column) and its split. */
  readonly frame: Frame
  readonly contract: SchemaContract
  readonly indices: SplitIndices
  /** Encoded labels of the validation and test rows, in the bundle's class order. */
  readonly validationY: Float64Array
  readonly testY: Float64Array
  /** Raw training inputs (the monitoring reference profiles them). */
  readonly trainInputs: Frame
  readonly features: readonly string[]
  /** Every fitted model by learner name, and the baselines' names. */
  readonly models: ReadonlyMap<string, FittedModel>
  readonly baselines: readonly string[]
  readonly sourceRunId: string
  readonly description: string
  readonly register: boolean
  readonly leakage: LeakageReport | null
  readonly rng: Rng
  readonly progress: ProgressReporter
  /** How the best candidate was chosen when others tied with it (a note on the card and in JSON). */
  readonly selectionNote?: string | null
}

/** What {@link evaluateAndRegister} produced. */
export interface EvaluatedBest {
  readonly bundle: ModelBundle
  readonly bundleArtifact: ArtifactRef
  readonly reportArtifact: ArtifactRef
  readonly version: ModelVersionRecord | null
  readonly report: EvaluationReport
  /** Permutation importance of the inputs on test, as the card shows it (null: not measurable). */
  readonly importance: ImportanceItem[] | null
  readonly summary: TrainEvaluation
}

/** Evaluate the best candidate, register its bundle and write its model card. */
export const evaluateAndRegister = async (
  stores: KeelStores,
  c: BestCandidate,
): Promise<EvaluatedBest> => {
  const { project, frame, indices, progress } = c
  const name = project.config.name
  progress.phase('evaluating the best candidate')
  const draft = ModelBundle.create(c.parts)
  const champion = await loadChampion(stores, name, c.config.champion.alias)
  const validationRows = indices.validation.length > 0 ? indices.validation : indices.test
  const validation = { frame: frame.take(validationRows), y: c.validationY }
  const test = { frame: frame.take(indices.test), y: c.testY }
  const outcome = evaluateCandidate({
    bundle: draft,
    validation,
    test,
    config: c.config,
    baselines: baselinePredictions(c.models, c.baselines, test, draft),
    champion,
    rng: c.rng.fork('evaluation'),
    exclude: evaluationExclusions(project, c.contract),
    timestampColumn: timestampColumnOf(project, frame),
    leakage: c.leakage?.summary ?? null,
    notes: c.selectionNote ? [c.selectionNote] : [],
    onPhase: (p) => progress.phase(`evaluating: ${p}`),
  })
  const { report } = outcome

  progress.phase('saving the bundle')
  const reportArtifact = await storeEvaluationReport(stores, report)
  const served = applyEvaluation(draft, outcome, reportArtifact.digest)
  // The monitoring reference: raw inputs from the train split, and the served outputs and labels
  // on held-out rows (in-sample outputs would make live output drift look alarming).
  const classes = draft.label.classes
  const reference = buildMonitoringReference(c.trainInputs, {
    features: c.features,
    predictions: served.predict(validation.frame.select(c.features)),
    labels: Array.from(c.validationY, (v) => (classes ? classes[v]! : v)),
  })
  const bundle = ModelBundle.create({
    ...c.parts,
    calibrator: served.calibrator,
    postprocess: served.postprocess,
    evaluation: served.evaluation,
    reference,
  })
  progress.phase('registering the bundle and its model card')
  const importance = cardImportance(bundle, test, report.primaryMetric, c.rng.fork('importance'))
  const cardInput = {
    report,
    bundle,
    importance: importance ?? undefined,
    leakage: c.leakage ? leakageItems(c.leakage) : null,
  }
  // The card is built for the version as it will be registered, stored, and registered with it;
  // the files in the reports folder are a copy written once the version exists.
  let card: ModelCard | null = null
  const registered = await registerEvaluatedBundle(stores, {
    model: name,
    bundle,
    report,
    reportArtifact,
    sourceRunId: c.sourceRunId,
    description: c.description,
    register: c.register,
    card: async (version, lineage) => {
      card = await buildVersionCard(stores, { ...cardInput, version }, lineage)
      return storeModelCard(stores.artifacts, card)
    },
  })
  const outDir = join(project.workspace, 'reports')
  const written =
    registered.version && card
      ? await writeModelCard(outDir, card)
      : await writeVersionCard(stores, { ...cardInput, version: null, outDir })
  const digest = served.evaluation as EvaluationDigest
  return {
    bundle,
    bundleArtifact: registered.bundle,
    reportArtifact,
    version: registered.version,
    report,
    importance,
    summary: {
      blessed: report.gate.blessed,
      reasons: report.gate.reasons,
      verdict: gateVerdict(report.gate),
      statement: gateStatement(report.gate),
      primaryMetric: report.primaryMetric,
      primary: report.metrics[report.primaryMetric] ?? null,
      champion: digest.champion,
      threshold: digest.threshold,
      calibrator: report.calibration?.method ?? 'none',
      status: registered.version ? (registered.version.status as 'approved' | 'candidate') : null,
      report: reportArtifact.digest,
      card: written,
      notes: report.notes,
    },
  }
}
