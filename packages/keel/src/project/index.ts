export { defineProject } from './define-project.js'
export { loadProject, parseProject, findConfig, CONFIG_FILES, type Project } from './load.js'
export {
  projectSchema,
  sourceSchema,
  labelSchema,
  splitSchema,
  learnerEntrySchema,
  type ProjectConfig,
  type ProjectInput,
  type SourceConfig,
} from './schema.js'
export { didYouMean } from './did-you-mean.js'
export { configPath } from './config-path.js'
export {
  initProject,
  type InitProjectOptions,
  type InitProjectResult,
  type InitTask,
} from './init/index.js'
