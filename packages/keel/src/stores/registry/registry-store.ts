/**
 * The model-registry interface. Implemented on the metadata store and the artifact store by
 * {@link createRegistryStore}. Writes are transactional: a version exists only with its bundle in
 * the artifact store and all its lineage rows; an alias always points at an existing version.
 */
import type {
  AliasChange,
  AliasMoveOptions,
  CreateVersionInput,
  DatasetUse,
  ModelVersionRecord,
  ModelVersionStatus,
  RegisteredModelRecord,
  VersionDiff,
  VersionEvaluationInput,
  VersionEvaluationRecord,
  VersionLineage,
} from './types.js'
import type { DatasetRole } from '../tracking/types.js'

/** The model registry. Versions are addressed by model name and version number. */
export interface RegistryStore {
  /** Register a model name; CONFLICT when taken. (`createVersion` also registers on first use.) */
  createModel(name: string, options?: { description?: string }): Promise<RegisteredModelRecord>
  /** A model with its aliases; NOT_FOUND when absent. */
  getModel(name: string): Promise<RegisteredModelRecord>
  /** Every registered model, by name. */
  listModels(): Promise<readonly RegisteredModelRecord[]>

  /**
   * Add a version. Its bundle must already be in the artifact store (NOT_FOUND otherwise); the
   * version number is the model's next (monotonic, never reused) and the version row, its
   * lineage rows and its registration evaluation (with the card) commit together.
   */
  createVersion(input: CreateVersionInput): Promise<ModelVersionRecord>
  /**
   * Record a later evaluation of a version with its own card (report and card must already be in
   * the artifact store, NOT_FOUND otherwise). The version's registration card is never replaced.
   */
  addEvaluation(
    model: string,
    version: number,
    input: VersionEvaluationInput,
  ): Promise<VersionEvaluationRecord>
  /** A version's evaluations, oldest first (the registration, when recorded, comes first). */
  listEvaluations(model: string, version: number): Promise<readonly VersionEvaluationRecord[]>
  /** One version; NOT_FOUND when absent. */
  getVersion(model: string, version: number): Promise<ModelVersionRecord>
  /**
   * The version an alias points at; NOT_FOUND when the alias is not set. The reserved alias `latest`
   * resolves to the highest version number.
   */
  getByAlias(model: string, alias: string): Promise<ModelVersionRecord>
  /** Versions of a model, newest first. */
  listVersions(
    model: string,
    options?: { status?: ModelVersionStatus; limit?: number },
  ): Promise<readonly ModelVersionRecord[]>
  /**
   * Change a version's status. Archiving or rejecting a version an alias points at is a CONFLICT:
   * move the alias first.
   */
  setVersionStatus(
    model: string,
    version: number,
    status: ModelVersionStatus,
  ): Promise<ModelVersionRecord>

  /**
   * Point `alias` at `version`, atomically, recording who/when/from/to/why in the alias history.
   * Concurrent moves of one model's aliases serialize. Rejected and archived versions cannot be
   * promoted (CONFLICT). Promoting to where the alias already points changes nothing and returns
   * the history entry that put it there.
   */
  promote(
    model: string,
    version: number,
    alias: string,
    options?: AliasMoveOptions,
  ): Promise<AliasChange>
  /** Remove an alias (recorded in the history); NOT_FOUND when it is not set. */
  removeAlias(model: string, alias: string, options?: AliasMoveOptions): Promise<AliasChange>
  /** Alias moves of a model (one alias when given), newest first. */
  aliasHistory(
    model: string,
    options?: { alias?: string; limit?: number },
  ): Promise<readonly AliasChange[]>

  /** What differs between two versions: params, metrics, evaluation, datasets, parent, bundle. */
  diffVersions(model: string, from: number, to: number): Promise<VersionDiff>
  /** What produced a version: its source run, datasets, ancestors and descendants. */
  lineage(model: string, version: number): Promise<VersionLineage>
  /** Which versions (of any model) were trained or evaluated on a dataset fingerprint. */
  versionsUsingDataset(
    fingerprint: string,
    options?: { role?: DatasetRole },
  ): Promise<readonly DatasetUse[]>
}
