/**
 * The plain-data shapes of experiment tracking: what callers pass in and what the store returns.
 * Everything here is JSON-serializable, so the CLI's `--json`, the HTTP service and the UI can hand it
 * on unchanged.
 */
import type { ArtifactRef } from '../artifacts/artifact-store.js'

/** Lifecycle of a run; `running` until {@link TrackingStore.endRun}. */
export type RunStatus = 'running' | 'finished' | 'failed' | 'killed'

/** The statuses in which a run has ended. */
export type EndedRunStatus = Exclude<RunStatus, 'running'>

/** What a dataset was used for in a run or by a model version. */
export type DatasetRole = 'train' | 'validation' | 'test'

/** A dataset a run read, identified by its content fingerprint. */
export interface DatasetInput {
  /** Content fingerprint from the data layer (opaque to the stores, at most 200 characters). */
  readonly fingerprint: string
  readonly role: DatasetRole
  /** A human name, e.g. the source name in `keel.config.ts`. */
  readonly name?: string | undefined
}

/** A parameter value; numbers and booleans are stored in their string form. */
export type ParamValue = string | number | boolean

/** The state of the working tree that produced a run. */
export interface GitState {
  readonly commit: string
  /** True when the tree had uncommitted changes. */
  readonly dirty: boolean
}

/** An experiment: a named group of runs. */
export interface ExperimentRecord {
  readonly id: string
  readonly name: string
  readonly description: string | null
  readonly createdAt: number
}

/** One metric observation. */
export interface MetricPoint {
  readonly key: string
  readonly value: number
  readonly step: number
  /** Epoch milliseconds. */
  readonly timestamp: number
}

/** A metric to log: `step` defaults to 0 and `timestamp` to now. */
export interface MetricInput {
  readonly key: string
  readonly value: number
  readonly step?: number | undefined
  readonly timestamp?: number | undefined
}

/** Where and with what a run executed. */
export interface RunEnvironment {
  readonly node: string
  readonly keel: string
  readonly [key: string]: string | number | boolean
}

/**
 * The lease of a run that proves it is alive by heartbeats (`keel train` holds one). A running run
 * whose heartbeat is older than `leaseMs`, or whose process is gone from its host, is dead: the
 * tracking store marks it `killed` ({@link TrackingStore.reapStaleRuns}).
 */
export interface RunLease {
  /** Epoch milliseconds of the last heartbeat. */
  readonly heartbeatAt: number
  /** How old the heartbeat may grow before the run counts as dead. */
  readonly leaseMs: number
  /** The host and process that hold the lease. */
  readonly host: string
  readonly pid: number
}

/** A run with everything logged to it. Metrics are the latest value of each key. */
export interface RunRecord {
  readonly id: string
  readonly experimentId: string
  readonly experimentName: string
  readonly parentRunId: string | null
  readonly name: string
  readonly status: RunStatus
  /** Epoch milliseconds. */
  readonly startTime: number
  readonly endTime: number | null
  readonly durationMs: number | null
  readonly seed: number | null
  readonly git: GitState | null
  readonly environment: RunEnvironment
  readonly params: Readonly<Record<string, string>>
  readonly metrics: Readonly<Record<string, number>>
  readonly tags: Readonly<Record<string, string>>
  readonly inputs: readonly DatasetInput[]
  readonly artifacts: Readonly<Record<string, ArtifactRef>>
  /** The run's lease (null: the run holds none and is never reaped). */
  readonly lease: RunLease | null
}

/** A run {@link TrackingStore.reapStaleRuns} marked `killed`, and why. */
export interface ReapedRun {
  readonly id: string
  readonly name: string
  readonly experimentName: string
  /** The last heartbeat (also the run's end time). */
  readonly heartbeatAt: number
  readonly reason: string
}

/** What {@link TrackingStore.createRun} needs; only the experiment is required. */
export interface CreateRunInput {
  /** Experiment name; created on first use. */
  readonly experiment: string
  readonly name?: string | undefined
  /** The parent of a child run (a fold, a trial); must be in the same experiment. */
  readonly parentRunId?: string | undefined
  readonly params?: Readonly<Record<string, ParamValue>> | undefined
  readonly tags?: Readonly<Record<string, string>> | undefined
  readonly inputs?: readonly DatasetInput[] | undefined
  readonly git?: GitState | undefined
  readonly seed?: number | undefined
  /** Extra environment facts; Node and Keel versions, platform and arch are always recorded. */
  readonly environment?: Readonly<Record<string, string | number | boolean>> | undefined
  /** Epoch milliseconds (default: now). */
  readonly startTime?: number | undefined
  /**
   * Hold a lease: the run counts as dead once its heartbeat ({@link TrackingStore.heartbeat}) is
   * older than `ms`, or once this process is gone. The first heartbeat is the start time.
   */
  readonly lease?: { readonly ms: number } | undefined
}

/** A complete run for {@link TrackingStore.importRuns} (bulk loading, e.g. trials or a migration). */
export interface ImportRunInput extends CreateRunInput {
  readonly status?: RunStatus | undefined
  readonly endTime?: number | undefined
  readonly metrics?: readonly MetricInput[] | undefined
  readonly artifacts?: Readonly<Record<string, ArtifactRef>> | undefined
}

/** Options for {@link TrackingStore.searchRuns}. */
export interface SearchRunsOptions {
  /** Restrict to these experiments (names). */
  readonly experiment?: string | readonly string[] | undefined
  /** Restrict to the children of this run, or (`null`) to top-level runs. */
  readonly parentRunId?: string | null | undefined
  /**
   * Conditions on metrics, params, tags and attributes, e.g.
   * `metrics.auc > 0.7 AND tags.model = 'gbdt'`. See `filter/parse.ts` for the grammar.
   */
  readonly filter?: string | undefined
  /** One field and a direction, e.g. `metrics.auc DESC` (default `attributes.start_time DESC`). */
  readonly orderBy?: string | undefined
  /** Page size, 1–1000 (default 100). */
  readonly limit?: number | undefined
  /** `nextCursor` of the previous page (only valid with the same experiment, filter and order). */
  readonly cursor?: string | undefined
}

/** One page of {@link TrackingStore.searchRuns}. */
export interface RunPage {
  readonly runs: readonly RunRecord[]
  /** Pass back as `cursor` for the next page; absent on the last page. */
  readonly nextCursor?: string
}

/** One row of {@link RunComparison}: a key and its value in each compared run (same order). */
export interface ComparedValue<T> {
  readonly key: string
  readonly values: readonly (T | null)[]
  /** True when not every run has the same value. */
  readonly differs: boolean
}

/** Runs side by side. */
export interface RunComparison {
  readonly runs: readonly Pick<RunRecord, 'id' | 'name' | 'experimentName' | 'status'>[]
  readonly params: readonly ComparedValue<string>[]
  readonly metrics: readonly ComparedValue<number>[]
  readonly tags: readonly ComparedValue<string>[]
}
