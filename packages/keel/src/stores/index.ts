/**
 * Keel's stores: the metadata database (SQLite by default, PostgreSQL by URL), the content-addressed
 * artifact store, experiment tracking and the model registry (start with {@link openStores}); the
 * online key-value store ({@link openOnlineStore}) with the prediction cache on top of it; and the
 * job queue ({@link createMemoryJobQueue}).
 *
 * @module
 */
export { openStores, type KeelStores, type OpenStoresOptions } from './open-stores.js'
export { newSortableId, isSortableId, sortableIdTime } from './ids.js'

export {
  openMetadataStore,
  migrateMetadata,
  defaultMetadataPath,
  type MetadataStore,
  type MetadataDialect,
  type OpenMetadataStoreOptions,
} from './metadata/open.js'
export { metadataMigrations } from './metadata/migrations/index.js'
export type { KeelDatabase } from './metadata/schema.js'

export type {
  ArtifactStore,
  ArtifactRef,
  ArtifactInput,
  PutArtifactOptions,
} from './artifacts/artifact-store.js'
export {
  openLocalArtifactStore,
  defaultArtifactRoot,
  type LocalArtifactStoreOptions,
} from './artifacts/local-artifact-store.js'
export { isDigest, checkDigest, digestOf } from './artifacts/digest.js'

export type { TrackingStore } from './tracking/tracking-store.js'
export { createTrackingStore, type TrackingStoreOptions } from './tracking/sql-tracking-store.js'
export { readGitState } from './tracking/git-state.js'
export { keepRunAlive, RUN_HEARTBEAT_MS, RUN_LEASE_MS } from './tracking/lease.js'
export { parseRunFilter, parseRunOrder, FILTER_LIMITS } from './tracking/filter/parse.js'
export { TRACKING_LIMITS } from './tracking/validate.js'
export type { FilterNode, FilterField, RunOrder } from './tracking/filter/ast.js'
export type {
  RunStatus,
  EndedRunStatus,
  DatasetRole,
  DatasetInput,
  ParamValue,
  GitState,
  ExperimentRecord,
  MetricPoint,
  MetricInput,
  RunEnvironment,
  RunRecord,
  RunLease,
  ReapedRun,
  CreateRunInput,
  ImportRunInput,
  SearchRunsOptions,
  RunPage,
  ComparedValue,
  RunComparison,
} from './tracking/types.js'

export type { RegistryStore } from './registry/registry-store.js'
export {
  parseModelRef,
  formatModelRef,
  refAlias,
  resolveModelRef,
  loadVersionBundle,
  loadModelRef,
  DEFAULT_MODEL_ALIAS,
  MODEL_REF_SYNTAX,
  type ModelRef,
  type ResolvedModelRef,
} from './registry/model-ref.js'
export { createRegistryStore, type RegistryStoreOptions } from './registry/sql-registry-store.js'
export type {
  ModelVersionStatus,
  EvaluationJson,
  RegisteredModelRecord,
  VersionPointer,
  ModelVersionRecord,
  CreateVersionInput,
  AliasChange,
  AliasMoveOptions,
  ChangedValue,
  VersionDiff,
  VersionLineage,
  DatasetUse,
  VersionCard,
  VersionEvaluationKind,
  VersionEvaluationInput,
  VersionEvaluationRecord,
} from './registry/types.js'

export type {
  OnlineStore,
  OnlineEntry,
  OnlineReadOptions,
  OnlineWriteOptions,
  OnlineRef,
  OrderedEntry,
} from './online/online-store.js'
export { openOnlineStore, type OpenOnlineStoreOptions } from './online/open-online-store.js'
export { createMemoryOnlineStore } from './online/memory-online-store.js'
export {
  openSqliteOnlineStore,
  sqliteOnlineStorePath,
  type SqliteOnlineStoreOptions,
} from './online/sqlite-online-store.js'
export {
  openRedisOnlineStore,
  type RedisOnlineStore,
  type RedisOnlineStoreOptions,
} from './online/redis-online-store.js'
export {
  createPredictionCache,
  predictionCacheKey,
  PREDICTION_CACHE_NAMESPACE,
  type PredictionCache,
  type PredictionCacheOptions,
} from './online/prediction-cache.js'

export type {
  JobQueue,
  Job,
  JobState,
  JobQuery,
  EnqueueOptions,
  JsonValue,
} from './jobs/job-queue.js'
export { FINISHED_JOB_STATES, MAX_BACKOFF_MS, retryDelay } from './jobs/job-queue.js'
export { createMemoryJobQueue, type MemoryJobQueueOptions } from './jobs/memory-job-queue.js'

export * from './events/index.js'
export * from './features/index.js'
