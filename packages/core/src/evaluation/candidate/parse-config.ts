import { KeelError, zodIssues } from '../../errors/index.js'
import { metricByName } from '../../metrics/index.js'
import type { Task } from '../../learners/index.js'
import { DEFAULT_METRICS } from './split-scores.js'
import { evaluationConfigSchema, type EvaluationConfig } from './config-schema.js'

/**
 * Validate an `evaluation` section (raw or already parsed: parsing is idempotent) and fill its
 * defaults; `INVALID_CONFIG` with one issue per problem, paths prefixed with `evaluation`.
 */
export const parseEvaluationConfig = (raw: unknown): EvaluationConfig => {
  const r = evaluationConfigSchema.safeParse(raw ?? {})
  if (r.success) return r.data
  const issues = zodIssues(r.error.issues).map((i) => ({ ...i, path: ['evaluation', ...i.path] }))
  const lines = issues.map((i) => `  ${i.path.join('.')}: ${i.message}`)
  throw new KeelError(
    'INVALID_CONFIG',
    `the evaluation section is not valid:\n${lines.join('\n')}`,
    { issues },
  )
}

/**
 * The metrics to report for a task (canonical names, primary first) and the primary metric. A
 * metric that does not apply to the task is a config error, found before any work is done.
 */
export const resolveMetrics = (
  config: EvaluationConfig,
  task: Task,
): { metrics: string[]; primary: string } => {
  const names = (config.metrics ?? DEFAULT_METRICS[task]).map((m) => metricByName(m).name)
  const primary = metricByName(config.primary ?? names[0]!).name
  const metrics = [...new Set([primary, ...names])]
  const wrong = metrics.filter((m) => !metricByName(m).tasks.includes(task))
  if (wrong.length > 0) {
    throw new KeelError(
      'INVALID_CONFIG',
      `metric(s) ${wrong.join(', ')} do not apply to ${task} tasks`,
      {
        path: ['evaluation', 'metrics'],
      },
    )
  }
  return { metrics, primary }
}
