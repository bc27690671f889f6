/**
 * The plain-data shapes of the model registry. A registered model is a name; its versions are
 * immutable (bundle digest, source run, lineage, evaluation summary) except for their status;
 * aliases such as `production` and `staging` point at versions and every move is kept in a history.
 */
import type { EvaluationJson } from '@keel/core'
import type { ArtifactRef } from '../artifacts/artifact-store.js'
import type { DatasetInput, DatasetRole, RunRecord } from '../tracking/types.js'

/**
 * Where a version stands: `candidate` when registered, `approved` or `rejected` by a gate or a
 * person, `archived` when retired. Only candidates and approved versions can hold an alias.
 */
export type ModelVersionStatus = 'candidate' | 'approved' | 'rejected' | 'archived'

/** A JSON value (what an evaluation summary may hold; numbers must be finite): the core's type. */
export type { EvaluationJson }

/** A registered model. */
export interface RegisteredModelRecord {
  readonly id: string
  readonly name: string
  readonly description: string | null
  readonly createdAt: number
  readonly updatedAt: number
  /** The highest version number handed out so far (0 before the first version). */
  readonly latestVersion: number
  /** Alias → version number. */
  readonly aliases: Readonly<Record<string, number>>
}

/** Points at a version of a model (the same model when `model` is omitted). */
export interface VersionPointer {
  readonly model?: string | undefined
  readonly version: number
}

/** One version of a registered model. */
export interface ModelVersionRecord {
  readonly id: string
  readonly model: string
  readonly version: number
  /** The model bundle in the artifact store. */
  readonly bundle: ArtifactRef
  readonly sourceRunId: string | null
  /** The version this one was derived from (retrained from, fine-tuned from), if any. */
  readonly parent: { readonly model: string; readonly version: number } | null
  /** Datasets the version was trained and evaluated on. */
  readonly datasets: readonly DatasetInput[]
  readonly evaluation: { readonly [key: string]: EvaluationJson }
  readonly status: ModelVersionStatus
  readonly description: string | null
  readonly createdAt: number
  readonly createdBy: string | null
  /** Aliases pointing at this version now. */
  readonly aliases: readonly string[]
}

/** What {@link RegistryStore.createVersion} needs. */
export interface CreateVersionInput {
  /** Model name; registered on first use. */
  readonly model: string
  /** The bundle's digest (or the ref `put` returned); it must already be in the artifact store. */
  readonly bundle: string | ArtifactRef
  /** The run that trained it; its dataset inputs become the version's lineage unless given. */
  readonly sourceRunId?: string | undefined
  readonly parent?: VersionPointer | undefined
  /** Datasets the version was trained and evaluated on (default: the source run's inputs). */
  readonly datasets?: readonly DatasetInput[] | undefined
  /** Evaluation summary (metrics, slices, gate outcome), at most 1 MB of JSON. */
  readonly evaluation?: { readonly [key: string]: EvaluationJson } | undefined
  readonly status?: 'candidate' | 'approved' | undefined
  readonly description?: string | undefined
  readonly createdBy?: string | undefined
  /**
   * The number the version must get (compare-and-set), else CONFLICT and nothing is written: for
   * a caller that wrote the version's number into something (its card) before registering it.
   */
  readonly expectedVersion?: number | undefined
  /**
   * The evaluation the version is registered with, and its card (already in the artifact store):
   * recorded in the transaction that creates the version, so the version never exists without it.
   */
  readonly registration?: VersionEvaluationInput | undefined
}

/** A model card in the artifact store: its JSON document and its self-contained HTML. */
export interface VersionCard {
  readonly json: ArtifactRef
  readonly html: ArtifactRef
}

/**
 * `registration`: the verdict a version was registered with (immutable, one per version);
 * `evaluation`: a later evaluation (`keel evaluate`, perhaps under another config).
 */
export type VersionEvaluationKind = 'registration' | 'evaluation'

/** One evaluation of a version to record: its report and card are already in the artifact store. */
export interface VersionEvaluationInput {
  /** Digest of the full evaluation report. */
  readonly report: string
  readonly card: VersionCard
  /** The gate's verdict in this evaluation. */
  readonly blessed: boolean
  /** A short summary (primary metric, reasons, config), at most 1 MB of JSON. */
  readonly summary?: { readonly [key: string]: EvaluationJson } | undefined
  /** The run that recorded the evaluation. */
  readonly runId?: string | undefined
  readonly createdBy?: string | undefined
}

/** One evaluation of a version, with its own card. Never changed once recorded. */
export interface VersionEvaluationRecord {
  readonly id: string
  readonly model: string
  readonly version: number
  readonly kind: VersionEvaluationKind
  readonly report: string
  readonly card: VersionCard
  readonly blessed: boolean
  readonly summary: { readonly [key: string]: EvaluationJson }
  readonly runId: string | null
  /** Epoch milliseconds. */
  readonly createdAt: number
  readonly createdBy: string | null
}

/** One move of an alias. `fromVersion` is null when the alias was new, `toVersion` when removed. */
export interface AliasChange {
  readonly id: string
  readonly model: string
  readonly alias: string
  readonly fromVersion: number | null
  readonly toVersion: number | null
  readonly actor: string
  readonly reason: string | null
  /** Epoch milliseconds. */
  readonly at: number
}

/** Options for moving an alias. */
export interface AliasMoveOptions {
  /** Who moved it (a user, `keel loop`, a CI job); recorded in the history. Default `unknown`. */
  readonly actor?: string | undefined
  /** Why; recorded in the history. */
  readonly reason?: string | undefined
  /**
   * Compare-and-set: the version the alias must point at now (`null`: must not exist), else
   * CONFLICT. Lets a controller promote only if nobody moved the alias since it looked.
   */
  readonly expectedVersion?: number | null | undefined
}

/** A value that differs between two versions. */
export interface ChangedValue<T> {
  readonly key: string
  readonly from: T | null
  readonly to: T | null
}

/** What changed from one version to another, as data. */
export interface VersionDiff {
  readonly model: string
  readonly from: number
  readonly to: number
  readonly bundleChanged: boolean
  readonly sourceRun: { readonly from: string | null; readonly to: string | null }
  readonly parent: {
    readonly from: { readonly model: string; readonly version: number } | null
    readonly to: { readonly model: string; readonly version: number } | null
  }
  /** Params of the source runs that differ (absent on one side: null). */
  readonly params: readonly ChangedValue<string>[]
  /** Latest metrics of the source runs that differ, with `to - from` when both exist. */
  readonly metrics: readonly (ChangedValue<number> & { readonly delta: number | null })[]
  /** Evaluation-summary leaves that differ, keyed by JSON path (`metrics.auc`, `slices[0].n`). */
  readonly evaluation: readonly ChangedValue<EvaluationJson>[]
  readonly datasets: {
    readonly added: readonly DatasetInput[]
    readonly removed: readonly DatasetInput[]
    readonly unchanged: readonly DatasetInput[]
  }
}

/** Where a version came from. */
export interface VersionLineage {
  readonly version: ModelVersionRecord
  /** The source run, with its params, metrics and inputs (null when none was recorded). */
  readonly run: RunRecord | null
  readonly datasets: readonly DatasetInput[]
  /** Parent, grandparent, … (nearest first). */
  readonly ancestors: readonly { readonly model: string; readonly version: number }[]
  /** Versions whose parent is this one. */
  readonly descendants: readonly { readonly model: string; readonly version: number }[]
}

/** A version that used a dataset, and in which role. */
export interface DatasetUse {
  readonly model: string
  readonly version: number
  readonly role: DatasetRole
  readonly status: ModelVersionStatus
}
