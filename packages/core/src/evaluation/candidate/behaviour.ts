import { KeelError } from '../../errors/index.js'
import {
  runBehaviouralTests,
  type BehaviouralPredictFn,
  type BehaviouralTestSpec,
} from '../behavioural.js'
import type { Cell, Frame } from '../../frame/index.js'
import type { ModelBundle } from '../../bundle/index.js'
import type { Rng } from '../../random/index.js'
import type { BehaviouralTestConfig } from './config-schema.js'
import {
  bundleInputs,
  rawOutputs,
  servedPredictionSet,
  type PostProcessing,
} from './predictions.js'
import type { BehaviouralSectionResult } from './report-types.js'

/**
 * Behavioural tests from the config, run against the candidate exactly as it will serve (pipeline,
 * model, calibrator), with each failing case shown next to the input row that produced it.
 */

/** Failing examples shown per test in reports. */
const EXAMPLES_PER_TEST = 5

/**
 * The number a behavioural test watches for a bundle: P(positive) for binary tasks, the value for
 * regression, P(`className`) for multiclass (default: the first class).
 */
export const behaviouralPredictor = (
  bundle: ModelBundle,
  post: PostProcessing,
  className?: string,
): BehaviouralPredictFn => {
  const classes = bundle.label.classes ?? []
  const k = classes.length
  let target = 0
  if (bundle.task === 'multiclass' && className !== undefined) {
    target = classes.indexOf(className)
    if (target < 0)
      throw new KeelError(
        'INVALID_CONFIG',
        `behavioural test class "${className}" is not one of ${classes.join(', ')}`,
      )
  }
  return (X: Frame) => {
    const raw = rawOutputs(bundle, X)
    const y = new Float64Array(X.numRows)
    const set = servedPredictionSet(bundle.task, y, raw, k, post)
    if (bundle.task === 'regression') return set.pred!
    const width = bundle.task === 'binary' ? 2 : k
    const column = bundle.task === 'binary' ? 1 : target
    return Float64Array.from({ length: X.numRows }, (_, i) => set.proba![i * width + column]!)
  }
}

const toCoreSpec = (t: BehaviouralTestConfig): BehaviouralTestSpec => {
  const { blocking: _blocking, class: _class, ...rest } = t
  return rest as BehaviouralTestSpec
}

/** Run the declared tests on `frame` (the test split's inputs) and attach input rows to failures. */
export const runDeclaredBehaviouralTests = (
  bundle: ModelBundle,
  post: PostProcessing,
  frame: Frame,
  tests: readonly BehaviouralTestConfig[],
  rng: Rng,
): { pass: boolean; results: BehaviouralSectionResult[] } => {
  const X = bundleInputs(bundle, frame)
  for (const t of tests) {
    const columns =
      t.kind === 'perturbation' ? [...(t.numeric ?? []), ...(t.categorical ?? [])] : [t.feature]
    const missing = columns.filter((c) => !X.has(c))
    if (missing.length > 0) {
      throw new KeelError(
        'INVALID_CONFIG',
        `behavioural test "${t.name}" names columns the model does not take: ${missing.join(', ')}`,
        {
          path: ['evaluation', 'behavioural'],
          details: { inputs: X.columnNames },
        },
      )
    }
  }
  // One test at a time: tests may watch different classes. Each test draws from its own stream
  // (forked by name inside core), so the results are the same as running them as one suite.
  const results: BehaviouralSectionResult[] = []
  for (const t of tests) {
    const report = runBehaviouralTests(
      behaviouralPredictor(bundle, post, t.class),
      X,
      [toCoreSpec(t)],
      {
        rng: rng.fork('behavioural'),
        maxFailures: EXAMPLES_PER_TEST,
      },
    )
    const r = report.results[0]!
    results.push({
      ...r,
      blocking: t.blocking,
      failures: r.failures.map((f) => {
        const input: Record<string, Cell> = {}
        for (const [k, v] of Object.entries(frame.row(f.row))) {
          // Timestamps read better as dates than as epoch milliseconds.
          input[k] =
            frame.kindOf(k) === 'timestamp' && typeof v === 'number' ? new Date(v).toISOString() : v
        }
        return { ...f, input }
      }),
    })
  }
  return { pass: results.every((r) => r.pass || !r.blocking), results }
}
