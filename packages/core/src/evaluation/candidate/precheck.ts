import { KeelError } from '../../errors/index.js'
import type { Frame } from '../../frame/index.js'
import type { Task } from '../../learners/index.js'
import type { EvaluationConfig } from './config-schema.js'
import { resolveMetrics } from './parse-config.js'
import { declaredSlices } from './slicing.js'

/** Rows the declared slices are tried on (enough to run every predicate, cheap on any data). */
const SAMPLE_ROWS = 100

const missingColumn = (what: string, column: string, path: (string | number)[]): KeelError =>
  new KeelError('INVALID_CONFIG', `${what} "${column}" is not a column of the data`, {
    path: ['evaluation', ...path],
  })

/**
 * Check the `evaluation` section against the data before anything is fitted or recorded, so a
 * misnamed column fails `keel train` at once rather than after the learners ran: the metrics apply
 * to the task, declared slices find their columns and their predicates run, behavioural tests name
 * inputs of the model, and the sensitive attribute and backtest column exist.
 */
export const precheckEvaluation = (
  config: EvaluationConfig,
  task: Task,
  frame: Frame,
  inputs: readonly string[],
): void => {
  resolveMetrics(config, task)
  const sample = Int32Array.from({ length: Math.min(SAMPLE_ROWS, frame.numRows) }, (_, i) => i)
  declaredSlices(frame.take(sample), config.slices)
  const known = new Set(inputs)
  config.behavioural.forEach((t, i) => {
    const columns =
      t.kind === 'perturbation' ? [...(t.numeric ?? []), ...(t.categorical ?? [])] : [t.feature]
    for (const c of columns) {
      if (!known.has(c)) {
        throw new KeelError(
          'INVALID_CONFIG',
          `behavioural test "${t.name}" names "${c}", which is not an input of the model`,
          { path: ['evaluation', 'behavioural', i], details: { inputs: [...inputs] } },
        )
      }
    }
  })
  if (config.fairness && !frame.has(config.fairness.attribute))
    throw missingColumn('the sensitive attribute', config.fairness.attribute, [
      'fairness',
      'attribute',
    ])
  if (config.backtest.column !== undefined && !frame.has(config.backtest.column))
    throw missingColumn('the backtest column', config.backtest.column, ['backtest', 'column'])
}
