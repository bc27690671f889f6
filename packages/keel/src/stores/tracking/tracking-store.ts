/**
 * The experiment-tracking interface: experiments, runs, and what is logged to them. Implemented on
 * the metadata store (SQLite or PostgreSQL) by {@link createTrackingStore}; every method returns
 * plain data.
 */
import type { ArtifactRef } from '../artifacts/artifact-store.js'
import type {
  CreateRunInput,
  DatasetInput,
  EndedRunStatus,
  ExperimentRecord,
  ImportRunInput,
  MetricInput,
  MetricPoint,
  ParamValue,
  ReapedRun,
  RunComparison,
  RunPage,
  RunRecord,
  SearchRunsOptions,
} from './types.js'

/** Experiment tracking. */
export interface TrackingStore {
  /** Create an experiment; CONFLICT when the name is taken. */
  createExperiment(name: string, options?: { description?: string }): Promise<ExperimentRecord>
  /** An experiment by name; NOT_FOUND when absent. */
  getExperiment(name: string): Promise<ExperimentRecord>
  /** Every experiment, by name. */
  listExperiments(): Promise<readonly ExperimentRecord[]>

  /**
   * Start a run (status `running`) with its initial params, tags and inputs, in one transaction.
   * The experiment is created on first use; Node/Keel versions, platform and arch are recorded.
   */
  createRun(input: CreateRunInput): Promise<RunRecord>
  /**
   * Log params. A param is immutable: the same value again is a no-op, a different one a CONFLICT.
   * Numbers and booleans are stored in their string form.
   */
  logParams(runId: string, params: Readonly<Record<string, ParamValue>>): Promise<void>
  /**
   * Log metric observations in one transaction: all are appended to the history, and each key's
   * latest value moves to the observation with the highest step. Values must be finite.
   * A record is shorthand for observations at `options.step` (default 0).
   */
  logMetrics(
    runId: string,
    metrics: readonly MetricInput[] | Readonly<Record<string, number>>,
    options?: { step?: number; timestamp?: number },
  ): Promise<void>
  /** Set (insert or overwrite) tags. */
  setTags(runId: string, tags: Readonly<Record<string, string>>): Promise<void>
  /** Record datasets the run read (idempotent). */
  logInputs(runId: string, inputs: readonly DatasetInput[]): Promise<void>
  /**
   * Attach artifacts by name (a name logged again points to the new digest). When the store was
   * created with an artifact store, each digest must exist there (NOT_FOUND otherwise).
   */
  logArtifacts(runId: string, artifacts: Readonly<Record<string, ArtifactRef>>): Promise<void>
  /**
   * Refresh the lease of a running run and of its running children (default time: now). CONFLICT
   * when the run has ended (e.g. it was reaped as killed); INVALID_ARGUMENT when it holds no lease.
   */
  heartbeat(runId: string, options?: { at?: number }): Promise<void>
  /**
   * Mark every running run whose lease has expired `killed`: its process is gone from this host,
   * or (from another host) its heartbeat is older than its lease. The end time is the last
   * heartbeat, and the tag `keel.killed` says why. Returns the runs it marked.
   */
  reapStaleRuns(options?: { now?: number }): Promise<readonly ReapedRun[]>
  /** End a running run; CONFLICT when it has already ended. */
  endRun(runId: string, options?: { status?: EndedRunStatus; endTime?: number }): Promise<void>

  /** A run with everything logged to it; NOT_FOUND when absent. */
  getRun(runId: string): Promise<RunRecord>
  /** Every observation of one metric, by step then time. */
  getMetricHistory(runId: string, key: string): Promise<readonly MetricPoint[]>
  /** Filter, order and page through runs (see {@link SearchRunsOptions}). */
  searchRuns(options?: SearchRunsOptions): Promise<RunPage>
  /** Runs side by side: every param, metric and tag key with each run's value. */
  compareRuns(runIds: readonly string[]): Promise<RunComparison>
  /**
   * Load complete runs (params, metrics with history, tags, inputs, artifacts, status) in one
   * transaction, with multi-row inserts: for trial batches and migrations from other trackers.
   * Returns the new run ids in input order.
   */
  importRuns(runs: readonly ImportRunInput[]): Promise<readonly string[]>
}
