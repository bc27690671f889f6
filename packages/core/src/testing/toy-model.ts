// The package entry, not the folders: importing it registers the built-in learners and bundle
// components, as every user of `@keel/core` gets them.
import {
  Frame,
  ModelBundle,
  categoricalColumn,
  createLearner,
  createRng,
  numericColumn,
  pinInputFields,
  timestampColumn,
  type Task,
} from '../index.js'
import type { EvaluationSplit } from '../evaluation/candidate/evaluation-split.js'

/**
 * Small in-memory data and a fitted GBDT bundle for unit tests of the evaluation (no files, no
 * stores): two numeric features, a region, a timestamp, and a label for each task. Region `D` gets
 * label noise so slices have something to find.
 */

const CLASSES: Readonly<Record<Task, readonly string[] | undefined>> = {
  binary: ['no', 'yes'],
  multiclass: ['low', 'mid', 'high'],
  regression: undefined,
}

/** Rows with every column (inputs, timestamp, label) and the encoded label. */
export const toyData = (task: Task, n: number, seed: number): EvaluationSplit => {
  const rng = createRng(seed)
  const x1 = new Float64Array(n)
  const x2 = new Float64Array(n)
  const region: string[] = []
  const t = new Float64Array(n)
  const y = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    x1[i] = rng.normal()
    x2[i] = rng.normal()
    region.push('ABCD'[rng.int(4)]!)
    t[i] = Date.UTC(2024, 0, 1) + Math.floor((i / n) * 90) * 86_400_000
    const score = 1.5 * x1[i]! - 0.7 * x2[i]! + (region[i] === 'B' ? 0.6 : 0) + 0.5 * rng.normal()
    const noisy = region[i] === 'D' && rng.float() < 0.4
    if (task === 'regression') y[i] = score + (noisy ? 3 * rng.normal() : 0)
    else if (task === 'binary') y[i] = (score > 0 ? 1 : 0) ^ (noisy ? 1 : 0)
    else y[i] = noisy ? rng.int(3) : score < -0.7 ? 0 : score < 0.7 ? 1 : 2
  }
  const classes = CLASSES[task]
  const label = classes ? categoricalColumn(Array.from(y, (v) => classes[v]!)) : numericColumn(y)
  const frame = Frame.fromColumns({
    x1: numericColumn(x1),
    x2: numericColumn(x2),
    region: categoricalColumn(region),
    t: timestampColumn(t),
    label,
  })
  return { frame, y }
}

/** A GBDT bundle fitted on `train` (inputs x1, x2, region). */
export const toyBundle = (task: Task, train: EvaluationSplit): ModelBundle => {
  const inputs = ['x1', 'x2', 'region']
  const X = train.frame.select(inputs)
  const classes = CLASSES[task]
  const model = createLearner('gbdt', { nEstimators: 30, maxDepth: 3 }).fit(
    classes ? { X, y: train.y, task, classes } : { X, y: train.y, task },
    {
      rng: createRng(3),
    },
  )
  return ModelBundle.create({
    name: `toy-${task}`,
    task,
    label: classes ? { column: 'label', classes } : { column: 'label' },
    inputs: pinInputFields(X, inputs),
    model,
    lineage: {
      runId: 'run-1',
      seed: 3,
      datasets: [{ role: 'train', fingerprint: 'f'.repeat(64), rows: train.y.length }],
    },
  })
}
