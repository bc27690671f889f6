/**
 * keel — the Keel platform: project config, stores, data readers, workflows, the CLI and the HTTP
 * service. The mathematics lives in `@keel/core`, re-exported here so a project needs one import.
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
export {
  trainProject,
  type TrainOptions,
  type TrainResult,
  type LearnerResult,
} from './training/train.js'
export {
  loadDataset,
  datasetChunks,
  scanDataset,
  projectContract,
  type DatasetOptions,
} from './data/dataset.js'
export * from './datasets/index.js'
export * from './replay/index.js'
