import { evaluationDigest, type EvaluationReport } from '@keel/core'
import type { ModelBundle } from '@keel/core'
import { KeelError } from '@keel/core'
import type {
  ArtifactRef,
  DatasetInput,
  KeelStores,
  ModelVersionRecord,
  VersionCard,
  VersionLineage,
  VersionPointer,
} from '../stores/index.js'

/**
 * How an evaluated candidate enters the registry, whole or not at all: the full report, the bundle
 * and the model card (JSON and HTML, written for the version number the model will hand out next)
 * go to the artifact store first (content-addressed, atomic), then one transactional
 * `createVersion` records the version with the evaluation digest, the status the gate earned and
 * its registration card, on condition that the number is still the next one (else the card is
 * written again for the new number). A crash between the steps leaves at most unreferenced
 * artifacts, never a version without its bundle, report or card.
 */

/** The registry status a gate verdict earns: `approved` when blessed, else `candidate`. */
export const statusForGate = (blessed: boolean): 'approved' | 'candidate' =>
  blessed ? 'approved' : 'candidate'

/** Store a full evaluation report (its digest goes into the bundle and the version). */
export const storeEvaluationReport = (
  stores: KeelStores,
  report: EvaluationReport,
): Promise<ArtifactRef> => stores.artifacts.put(JSON.stringify(report))

/** What {@link registerEvaluatedBundle} needs. */
export interface RegisterEvaluatedInput {
  readonly model: string
  /** The bundle with its evaluation applied (`applyEvaluation(bundle, outcome, report.digest)`). */
  readonly bundle: ModelBundle
  readonly report: EvaluationReport
  /** Where {@link storeEvaluationReport} put the report. */
  readonly reportArtifact: ArtifactRef
  /**
   * Write the version's card into the artifact store, for the version as it will be registered
   * (its number, status, lineage); called again if another writer took the number meanwhile.
   */
  readonly card: (version: ModelVersionRecord, lineage: VersionLineage) => Promise<VersionCard>
  readonly sourceRunId?: string | undefined
  readonly parent?: VersionPointer | undefined
  readonly description?: string | undefined
  readonly createdBy?: string | undefined
  /** Only store the bundle, without creating a version (default true). */
  readonly register?: boolean | undefined
}

/** What {@link registerEvaluatedBundle} recorded. */
export interface RegisteredBundle {
  readonly bundle: ArtifactRef
  /** The new version (null when `register` was false). */
  readonly version: ModelVersionRecord | null
  /** The version's registration card in the artifact store (null when not registered). */
  readonly card: VersionCard | null
}

/** How many times registration writes the card again when other writers keep taking the number. */
const REGISTER_ATTEMPTS = 8

/** The headline of an evaluation, as the registry lists it beside its card. */
export const evaluationSummary = (report: EvaluationReport) => {
  const primary = report.metrics[report.primaryMetric]
  return {
    primaryMetric: report.primaryMetric,
    value: primary?.value ?? null,
    reasons: [...report.gate.reasons],
  }
}

/**
 * Store the bundle and register it as a new version whose evaluation is the report's digest, whose
 * status follows the gate (`approved` / `candidate`) and whose registration card is written by
 * `input.card`, all in one transaction. Promotion is a separate, gate-checked step
 * (`promoteVersion`).
 */
export const registerEvaluatedBundle = async (
  stores: KeelStores,
  input: RegisterEvaluatedInput,
): Promise<RegisteredBundle> => {
  const bundle = await stores.artifacts.put(JSON.stringify(input.bundle.toJSON()))
  if (input.register === false) return { bundle, version: null, card: null }
  const evaluation = evaluationDigest(input.report, input.reportArtifact.digest)
  const status = statusForGate(input.report.gate.blessed)
  const run = input.sourceRunId ? await stores.tracking.getRun(input.sourceRunId) : null
  const datasets: readonly DatasetInput[] = run?.inputs ?? []
  const parent = input.parent
    ? { model: input.parent.model ?? input.model, version: input.parent.version }
    : null
  const ancestors = parent
    ? [parent, ...(await stores.registry.lineage(parent.model, parent.version)).ancestors]
    : []
  for (let attempt = 1; ; attempt++) {
    const next = await nextVersionOf(stores, input.model)
    const prospective: ModelVersionRecord = {
      id: '',
      model: input.model,
      version: next,
      bundle,
      sourceRunId: input.sourceRunId ?? null,
      parent,
      datasets,
      evaluation,
      status,
      description: input.description ?? null,
      createdAt: Date.now(),
      createdBy: input.createdBy ?? null,
      aliases: [],
    }
    const card = await input.card(prospective, {
      version: prospective,
      run,
      datasets,
      ancestors,
      descendants: [],
    })
    try {
      const version = await stores.registry.createVersion({
        model: input.model,
        bundle,
        sourceRunId: input.sourceRunId,
        parent: input.parent,
        evaluation,
        status,
        description: input.description,
        createdBy: input.createdBy,
        expectedVersion: next,
        registration: {
          report: input.reportArtifact.digest,
          card,
          blessed: input.report.gate.blessed,
          summary: evaluationSummary(input.report),
          ...(input.sourceRunId ? { runId: input.sourceRunId } : {}),
          ...(input.createdBy ? { createdBy: input.createdBy } : {}),
        },
      })
      return { bundle, version, card }
    } catch (e) {
      const raced =
        e instanceof KeelError && e.code === 'CONFLICT' && e.path[0] === 'expectedVersion'
      if (!raced || attempt >= REGISTER_ATTEMPTS) throw e
    }
  }
}

/** The number a model hands out next (1 before it is registered). */
const nextVersionOf = async (stores: KeelStores, model: string): Promise<number> => {
  try {
    return (await stores.registry.getModel(model)).latestVersion + 1
  } catch (e) {
    if (e instanceof KeelError && e.code === 'NOT_FOUND') return 1
    throw e
  }
}
