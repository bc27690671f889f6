/**
 * keel — the Keel platform: the project and its workspace, data readers and datasets, training,
 * evaluation, release, reports, batch prediction and replay. The mathematics lives in `@keel/core`,
 * re-exported here so a project needs one import. The prediction service is `keel/serving`,
 * monitoring `keel/monitoring`, the stores and their backends `keel/stores`, and the conformance
 * suites for third-party backends `keel/testing`.
 *
 * @example
 * // keel.config.ts
 * import { defineProject } from 'keel'
 * export default defineProject({ name: 'churn', sources: { data: { path: 'churn.csv' } }, … })
 *
 * @module
 */
export * from '@keel/core'
export { KEEL_VERSION } from './version.js'
export * from './project/index.js'
export {
  openProjectStores,
  openProjectEventLog,
  openWorkspaceStores,
  resolveBackends,
  projectBackends,
  workspaceOf,
  type WorkspacePaths,
  type WorkspaceBackends,
} from './project/workspace.js'
export { readKeelEnv, KEEL_ENV_VARS, type KeelEnv } from './project/env.js'
export * from './data/index.js'
export { openStores, type KeelStores, type OpenStoresOptions } from './stores/index.js'
export * from './training/index.js'
export * from './evaluation/index.js'
export * from './release/index.js'
export * from './reports/index.js'
export * from './batch/index.js'
export {
  loadDataset,
  datasetChunks,
  scanDataset,
  projectContract,
  datasetContract,
  type DatasetOptions,
} from './data/dataset.js'
export {
  validateBatch,
  type BatchValidation,
  type BatchLabel,
  type UnknownLabelClass,
} from './data/batch.js'
export * from './datasets/index.js'
export * from './replay/index.js'
export * from './features/index.js'
