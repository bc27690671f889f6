/**
 * `@keel/core/testing` — Keel's conformance suites, for anyone who writes a learner or a
 * transformer: the same checks every built-in one passes (scikit-learn's `check_estimator`).
 * They register vitest tests, so call them from a `*.test.ts` file; `vitest` and
 * `@fast-check/vitest` are optional peer dependencies of `@keel/core`, needed only here.
 *
 * @example
 * import { registerModelKind } from '@keel/core'
 * import { runLearnerConformance, syntheticData } from '@keel/core/testing'
 *
 * registerModelKind('my-model', loadMyModel)
 * runLearnerConformance({
 *   name: 'my learner',
 *   make: () => myLearner(),
 *   data: () => syntheticData.binary(),
 * })
 *
 * @module
 */
export {
  runLearnerConformance,
  expectKeelError,
  type ConformanceCheck as LearnerCheck,
  type ConformanceOptions as LearnerConformanceOptions,
} from '../learners/conformance/conformance.js'
export {
  runDefinitionConformance,
  type DefinitionConformanceOptions,
} from '../learners/conformance/definition-conformance.js'
export {
  syntheticData,
  numericFrame,
  type SyntheticOptions,
} from '../learners/conformance/datasets.js'
export {
  runTransformerConformance,
  type TransformerCheck,
  type TransformerConformanceCase,
} from '../transform/conformance/conformance.js'
export {
  CONFORMANCE_COLUMNS,
  conformanceRow,
  conformanceRows,
  conformanceFrame,
  conformanceTarget,
  type ConformanceRow,
} from '../transform/conformance/rows.js'
export { expectSameFrame } from '../transform/conformance/frames.js'
export { toyData, toyBundle } from './toy-model.js'
