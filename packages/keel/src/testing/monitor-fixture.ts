import {
  createGbdt,
  createRng,
  linearRegression,
  logisticRegression,
  Frame,
  ModelBundle,
  pinInputFields,
  predictionRecord,
  type Rng,
  type Task,
} from '@keel/core'
import type { KeelEvent, LabelEvent, PredictionEvent } from '../stores/events/index.js'
import { buildMonitoringReference } from '../monitoring/reference.js'

/** 2001-01-01T00:00:00Z: the first monitored day. */
export const T0 = Date.UTC(2001, 0, 1)
export const DAY = 86_400_000
export const HOUR = 3_600_000
export const CLASSES = ['no', 'yes'] as const
/** Class names per task (regression has none). */
const CLASSES_OF: Readonly<Record<Task, readonly string[] | undefined>> = {
  binary: CLASSES,
  multiclass: ['low', 'mid', 'high'],
  regression: undefined,
}
const CATS = ['a', 'b', 'c'] as const

/** One synthetic row: x1 ~ N(shift, 1), x2 ~ N(5, 2), cat in {a, b, c}. */
const row = (rng: Rng, shift: number): { x1: number; x2: number; cat: string } => {
  const u = rng.float()
  return {
    x1: +(rng.normal() + shift).toFixed(4),
    x2: +(5 + 2 * rng.normal()).toFixed(4),
    cat: u < 0.5 ? CATS[0] : u < 0.8 ? CATS[1] : CATS[2],
  }
}

/**
 * The true label of a row, from z = 2·x1 − 0.4·(x2 − 5) ± 0.5 by category: a Bernoulli draw
 * (binary), a noisy band of z (multiclass: low / mid / high), or z plus noise (regression). `flip`
 * reverses the effect of x1 (concept drift). Returns a class index or a value.
 */
const truth = (
  rng: Rng,
  r: { x1: number; x2: number; cat: string },
  flip: boolean,
  task: Task = 'binary',
): number => {
  const z = (flip ? -2 : 2) * r.x1 - 0.4 * (r.x2 - 5) + (r.cat === 'a' ? 0.5 : -0.5)
  if (task === 'regression') return +(z + 0.5 * rng.normal()).toFixed(4)
  if (task === 'multiclass') {
    const noisy = z + 0.5 * rng.normal()
    return noisy < -1 ? 0 : noisy < 1 ? 1 : 2
  }
  return rng.float() < 1 / (1 + Math.exp(-z)) ? 1 : 0
}

/** A label as the event log carries it: a class name, or the value. */
const labelOf = (y: number, task: Task): string | number =>
  task === 'regression' ? y : CLASSES_OF[task]![y]!

/**
 * A small real GBDT bundle with a monitoring reference (inputs from the training rows; output
 * and labels from held-out rows), round-tripped through JSON as the registry would store it.
 */
export const trainMonitoredBundle = (name = 'toy', task: Task = 'binary'): ModelBundle => {
  const rng = createRng(11)
  const rows = Array.from({ length: 2000 }, () => row(rng, 0))
  const y = rows.map((r) => truth(rng, r, false, task))
  const kinds = { x1: 'numeric', x2: 'numeric', cat: 'categorical' } as const
  const X = Frame.fromRows(rows, kinds)
  const classes = CLASSES_OF[task]
  // A GBDT for the binary task; linear models on the numeric inputs for the others (the model
  // ignores `cat`, which still reaches monitoring as a logged input).
  const data = { X, y: Float64Array.from(y), task, ...(classes ? { classes: [...classes] } : {}) }
  const fit = { rng: createRng(3) }
  const model =
    task === 'binary'
      ? createGbdt({ nEstimators: 15, maxDepth: 3, learningRate: 0.2 }).fit(data, fit)
      : task === 'regression'
        ? linearRegression().fit({ ...data, X: X.select(['x1', 'x2']) }, fit)
        : logisticRegression().fit({ ...data, X: X.select(['x1', 'x2']) }, fit)
  const parts = {
    name,
    task,
    label: classes ? { column: 'y', classes: [...classes] } : { column: 'y' },
    inputs: pinInputFields(X, Object.keys(kinds)),
    model,
  }
  const draft = ModelBundle.create(parts)
  // Outputs and labels are profiled on held-out rows: in-sample predictions are more extreme.
  const held = Array.from({ length: 1000 }, () => row(rng, 0))
  const reference = buildMonitoringReference(X, {
    features: Object.keys(kinds),
    predictions: draft.predict(Frame.fromRows(held, kinds)),
    labels: held.map((r) => labelOf(truth(rng, r, false, task), task)),
  })
  return ModelBundle.fromJSON(
    JSON.parse(JSON.stringify(ModelBundle.create({ ...parts, reference }).toJSON())),
  )
}

/** How the synthetic traffic of {@link monitoredTraffic} changes over its days. */
export interface TrafficOptions {
  readonly days?: number
  readonly perDay?: number
  /** First day whose x1 is shifted by +1.5 (covariate drift). */
  readonly driftFrom?: number
  /** First day whose labels follow the flipped concept. */
  readonly conceptFrom?: number
  /** Share of predictions that get a label, per day (default 0.9). */
  readonly coverage?: (day: number) => number
  /** Rows to corrupt per day, for data-quality checks. */
  readonly corrupt?: (day: number, i: number, inputs: Record<string, unknown>) => void
  readonly model?: string
  readonly seed?: number
}

/** Prediction and label events for `days` days of synthetic traffic scored by `bundle`. */
export const monitoredTraffic = (
  bundle: ModelBundle,
  options: TrafficOptions = {},
): KeelEvent[] => {
  const rng = createRng(options.seed ?? 5)
  const days = options.days ?? 6
  const perDay = options.perDay ?? 400
  const model = options.model ?? bundle.name
  const events: KeelEvent[] = []
  const labels: LabelEvent[] = []
  for (let d = 0; d < days; d++) {
    const rows = Array.from({ length: perDay }, () =>
      row(rng, d >= (options.driftFrom ?? Infinity) ? 1.5 : 0),
    )
    const clean = rows.map((r) => ({ ...r }))
    const inputs: Record<string, unknown>[] = rows.map((r) => ({ ...r }))
    inputs.forEach((r, i) => options.corrupt?.(d, i, r))
    // Score the clean rows (the service would reject a malformed row; batch or library logs keep it).
    const predictions = bundle.predictRows(clean).predictions
    for (let i = 0; i < perDay; i++) {
      const time = T0 + d * DAY + Math.floor((i * DAY) / perDay)
      const requestId = `r${d}-${i}`
      const e: PredictionEvent = {
        kind: 'prediction',
        id: `${requestId}:0`,
        requestId,
        time,
        model,
        version: '1',
        inputs: inputs[i]!,
        output: predictionRecord(predictions, i),
        source: 'http',
      }
      events.push(e)
      const y = truth(rng, clean[i]!, d >= (options.conceptFrom ?? Infinity), bundle.task)
      if (rng.float() < (options.coverage?.(d) ?? 0.9)) {
        labels.push({
          kind: 'label',
          id: `l-${requestId}`,
          time: time + HOUR + rng.int(5 * HOUR),
          predictionId: `${requestId}:0`,
          label: labelOf(y, bundle.task),
        })
      }
    }
  }
  return [...events, ...labels.sort((a, b) => a.time - b.time)]
}
