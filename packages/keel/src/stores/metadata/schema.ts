/**
 * The row types of the metadata database, as Kysely sees them. One interface per table; column names
 * are snake_case as in SQL. Times are epoch milliseconds, JSON documents are stored as text (the same
 * on SQLite and PostgreSQL), booleans are 0/1 integers.
 *
 * Adding a table: write a new migration in `migrations/` and add its row type here.
 */
import type { Generated } from 'kysely'

/** Which SQL engine holds the metadata (migrations branch on it where SQL differs). */
export type MetadataDialect = 'sqlite' | 'postgres'

/** An experiment groups the runs of one modelling question. */
export interface ExperimentsTable {
  id: string
  name: string
  description: string | null
  created_at: number
}

/** One training or evaluation run. */
export interface RunsTable {
  id: string
  experiment_id: string
  parent_run_id: string | null
  name: string
  status: string
  start_time: number
  end_time: number | null
  seed: number | null
  git_commit: string | null
  git_dirty: number | null
  node_version: string
  keel_version: string
  /** JSON object: platform, arch and whatever else the caller recorded about the environment. */
  environment: string
  /** The run's last sign of life (runs that hold a lease; null otherwise). */
  heartbeat_at: number | null
  /** How old `heartbeat_at` may grow before the run counts as dead. */
  lease_ms: number | null
  /** The host and process id that hold the lease. */
  owner_host: string | null
  owner_pid: number | null
}

/** A run's parameters (immutable once logged) and its tags (mutable). */
export interface RunKeyValueTable {
  run_id: string
  key: string
  value: string
}

/** One metric observation; the history table is append-only, the latest table keeps one row per key. */
export interface MetricRowTable {
  run_id: string
  key: string
  step: number
  value: number
  timestamp: number
}

/** A dataset a run read, by fingerprint and role (train/validation/test). */
export interface DatasetLinkTable {
  fingerprint: string
  role: string
  name: string | null
}

/** The link table between runs and the datasets they read. */
export interface RunInputsTable extends DatasetLinkTable {
  run_id: string
}

/** A named artifact a run produced, pointing into the content-addressed artifact store. */
export interface RunArtifactsTable {
  run_id: string
  name: string
  digest: string
  size: number
}

/** A model name in the registry; `latest_version` hands out monotonic version numbers. */
export interface RegisteredModelsTable {
  id: string
  name: string
  description: string | null
  created_at: number
  updated_at: number
  latest_version: number
}

/** One immutable version of a registered model. */
export interface ModelVersionsTable {
  id: string
  model_id: string
  version: number
  bundle_digest: string
  bundle_size: number
  source_run_id: string | null
  parent_version_id: string | null
  /** JSON: the evaluation summary recorded when the version was created. */
  evaluation: string
  status: string
  description: string | null
  created_at: number
  created_by: string | null
}

/** The datasets a model version was trained and evaluated on. */
export interface ModelVersionDatasetsTable extends DatasetLinkTable {
  version_id: string
}

/** One evaluation of a version (at registration, or a later `keel evaluate`) and its model card. */
export interface ModelVersionEvaluationsTable {
  id: string
  version_id: string
  /** `registration` (the verdict the version was registered with) or `evaluation`. */
  kind: string
  report_digest: string
  card_json_digest: string
  card_json_size: number
  card_html_digest: string
  card_html_size: number
  /** 1 when the gate blessed the evaluation. */
  blessed: number
  /** JSON: the evaluation's headline (primary metric, reasons, champion). */
  summary: string
  run_id: string | null
  created_at: number
  created_by: string | null
}

/** Where each alias (`production`, `staging`, ...) of a model points now. */
export interface ModelAliasesTable {
  model_id: string
  alias: string
  version_id: string
  updated_at: number
}

/** Every move of an alias: who, when, from which version to which, and why. */
export interface AliasHistoryTable {
  id: string
  model_id: string
  /** Position in the model's history (1, 2, …), assigned under the model's lock. */
  seq: number
  alias: string
  from_version: number | null
  to_version: number | null
  actor: string
  reason: string | null
  at: number
}

/** How far one view version has been materialized into one online store. */
export interface FeatureMaterializationsTable {
  view: string
  version: string
  /** The online store's name (`sqlite`, `redis`, …), never a URL. */
  target: string
  /** Every row available at or before this time (epoch ms) is written; null: nothing is. */
  watermark: number | null
  /** The smallest known time of a row read but not yet visible at the watermark. */
  pending_known: number | null
  rows_written: number
  runs: number
  last_run_at: number | null
  status: string
  last_error: string | null
}

/** One pushed feature row, in append order. */
export interface FeatureLogTable {
  seq: Generated<number>
  view: string
  entity_key: string
  event_time: number
  known_time: number
  /** JSON object: feature name → value. */
  values_json: string
}

/** The whole metadata database. */
export interface KeelDatabase {
  experiments: ExperimentsTable
  runs: RunsTable
  run_params: RunKeyValueTable
  run_tags: RunKeyValueTable
  metric_history: MetricRowTable
  metric_latest: MetricRowTable
  run_inputs: RunInputsTable
  run_artifacts: RunArtifactsTable
  registered_models: RegisteredModelsTable
  model_versions: ModelVersionsTable
  model_version_datasets: ModelVersionDatasetsTable
  model_version_evaluations: ModelVersionEvaluationsTable
  model_aliases: ModelAliasesTable
  alias_history: AliasHistoryTable
  feature_materializations: FeatureMaterializationsTable
  feature_log: FeatureLogTable
}
