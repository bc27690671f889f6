export {
  initProject,
  starterGate,
  type InitProjectOptions,
  type InitProjectResult,
} from './init-project.js'
export { suggestTask, type InitTask } from './suggest-task.js'
export {
  starterConfig,
  starterLearners,
  GBDT_OBJECTIVE,
  type StarterPlan,
  type StarterLearner,
} from './starter-config.js'
export { starterSteps, timeParts, type StarterStep } from './starter-pipeline.js'
