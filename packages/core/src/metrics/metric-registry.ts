import { KeelError } from '../errors/index.js'
import {
  BASE_METRICS,
  mrrMetric,
  ndcgMetric,
  pinballMetric,
  rankingPrecisionMetric,
  type MetricDefinition,
} from './catalogue.js'
import type { MetricTask, PredictionSet } from './types.js'
import { badArgument } from './validate.js'

/**
 * Metric lookup by name, for configs, reports and gates: canonical names, aliases, parametrised
 * forms and project-specific metrics registered at start-up.
 */

const ALIASES: Readonly<Record<string, string>> = {
  auc: 'roc_auc',
  roc_auc_ovr: 'roc_auc',
  ap: 'average_precision',
  pr_auc: 'average_precision',
  logloss: 'log_loss',
  cross_entropy: 'log_loss',
  brier_score: 'brier',
  kappa: 'cohen_kappa',
  matthews: 'mcc',
  mean_absolute_error: 'mae',
  mean_squared_error: 'mse',
  root_mean_squared_error: 'rmse',
  quantile: 'pinball',
}

const PARAMETRISED: Readonly<Record<string, (p: number) => MetricDefinition>> = {
  ndcg: (k) => ndcgMetric(positiveInteger(k)),
  mrr: (k) => mrrMetric(positiveInteger(k)),
  precision: (k) => rankingPrecisionMetric(positiveInteger(k)),
  pinball: (a) => {
    if (!(a > 0 && a < 1)) badArgument(`pinball level must be in (0, 1), got ${a}`)
    return pinballMetric(a)
  },
}

const positiveInteger = (k: number): number => {
  if (!(Number.isInteger(k) && k >= 1)) badArgument(`cut-off must be a positive integer, got ${k}`)
  return k
}

const registry = new Map<string, MetricDefinition>(BASE_METRICS.map((m) => [m.name, m]))

/**
 * Look a metric up by name: canonical names (`roc_auc`, `f1_macro`), aliases (`auc`, `pr_auc`,
 * `logloss`) and parametrised forms (`ndcg@10`, `mrr@5`, `precision@5` for ranking, `pinball@0.9`).
 * Case and `-` vs `_` do not matter. Unknown names are an `INVALID_ARGUMENT` error listing the known
 * ones.
 */
export const metricByName = (name: string): MetricDefinition => {
  const key = name.trim().toLowerCase().replaceAll('-', '_')
  const at = key.indexOf('@')
  if (at > 0) {
    const base = ALIASES[key.slice(0, at)] ?? key.slice(0, at)
    const factory = PARAMETRISED[base]
    const param = Number(key.slice(at + 1))
    if (factory && key.slice(at + 1) !== '' && Number.isFinite(param)) return factory(param)
  }
  const found = registry.get(ALIASES[key] ?? key)
  if (!found) {
    throw new KeelError('INVALID_ARGUMENT', `unknown metric "${name}"`, {
      path: ['metric'],
      details: { known: metricNames() },
      hint: 'parametrised forms: ndcg@k, mrr@k, precision@k, pinball@alpha',
    })
  }
  return found
}

/** Every registered metric name, sorted. */
export const metricNames = (): string[] => [...registry.keys()].sort()

/** Registered metrics that apply to `task`. */
export const metricsForTask = (task: MetricTask): MetricDefinition[] =>
  [...registry.values()].filter((m) => m.tasks.includes(task))

/**
 * Add a project-specific metric (for example a business cost) so configs and gates can name it.
 * Names are unique: re-registering a name is a `CONFLICT` error.
 */
export const registerMetric = (definition: MetricDefinition): void => {
  const key = definition.name.toLowerCase()
  if (registry.has(key) || ALIASES[key]) {
    throw new KeelError('CONFLICT', `metric "${definition.name}" is already registered`, {
      path: ['metric'],
    })
  }
  registry.set(key, definition)
}

/** Compute a metric given by name or definition, checking that it applies to the set's task. */
export const computeMetric = (metric: string | MetricDefinition, data: PredictionSet): number => {
  const def = typeof metric === 'string' ? metricByName(metric) : metric
  if (!def.tasks.includes(data.task)) {
    badArgument(`metric "${def.name}" does not apply to ${data.task} tasks`, ['metric'])
  }
  return def.compute(data)
}
