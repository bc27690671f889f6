import { evaluationDigest, type EvaluationReport } from '@keel/core'
import type { ModelBundle } from '@keel/core'
import type {
  ArtifactRef,
  KeelStores,
  ModelVersionRecord,
  VersionPointer,
} from '../stores/index.js'

/**
 * How an evaluated candidate enters the registry: the full report and the bundle go to the
 * artifact store first (content-addressed, atomic), then one transactional `createVersion` records
 * the version with the evaluation digest and the status the gate earned. A crash between the
 * steps leaves at most unreferenced artifacts, never a version without its bundle or report.
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
}

/**
 * Store the bundle and register it as a new version whose evaluation is the report's digest and
 * whose status follows the gate (`approved` / `candidate`). Promotion is a separate, gate-checked
 * step (`promoteVersion`).
 */
export const registerEvaluatedBundle = async (
  stores: KeelStores,
  input: RegisterEvaluatedInput,
): Promise<RegisteredBundle> => {
  const bundle = await stores.artifacts.put(JSON.stringify(input.bundle.toJSON()))
  if (input.register === false) return { bundle, version: null }
  const version = await stores.registry.createVersion({
    model: input.model,
    bundle,
    sourceRunId: input.sourceRunId,
    parent: input.parent,
    evaluation: evaluationDigest(input.report, input.reportArtifact.digest),
    status: statusForGate(input.report.gate.blessed),
    description: input.description,
    createdBy: input.createdBy,
  })
  return { bundle, version }
}
