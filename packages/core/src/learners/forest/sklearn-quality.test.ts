import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { Frame, numericColumn } from '../../frame/index.js'
import { createRng } from '../../random/index.js'
import { rocAuc } from '../gbdt/eval-metrics.js'
import type { TrainingSet } from '../protocol.js'
import { extraTrees, randomForest, type ForestParamsInput } from './index.js'

/** Mean and seed-to-seed standard deviation of a scikit-learn metric. */
interface Stat {
  mean: number
  std: number
}

/** A fixture written by scripts/fixtures/forest.py. */
interface Fixture {
  task: 'binary' | 'multiclass' | 'regression'
  seeds: number
  rows: number
  cols: number
  nTrain: number
  numClasses?: number
  x: string
  y: number[]
  configs: {
    kind: 'random-forest' | 'extra-trees'
    params: ForestParamsInput
    sklearn: Partial<Record<'auc' | 'accuracy' | 'logloss' | 'rmse' | 'oob', Stat>>
  }[]
}

const load = (name: string): Fixture =>
  JSON.parse(
    readFileSync(
      new URL(`../../../../../test/fixtures/forest/${name}.json`, import.meta.url),
      'utf8',
    ),
  ) as Fixture

/** Train and test sets from the fixture's float32 rows. */
const split = (fx: Fixture): [TrainingSet, TrainingSet] => {
  const bytes = Buffer.from(fx.x, 'base64')
  const values = new Float32Array(bytes.buffer, bytes.byteOffset, fx.rows * fx.cols)
  const cols = Array.from({ length: fx.cols }, (_, j) =>
    Float64Array.from({ length: fx.rows }, (_, i) => values[i * fx.cols + j]!),
  )
  const part = (a: number, b: number): TrainingSet => {
    const X = Frame.fromColumns(
      Object.fromEntries(cols.map((c, j) => [`f${j}`, numericColumn(c.slice(a, b))])),
    )
    const y = Float64Array.from(fx.y.slice(a, b))
    if (fx.task === 'regression') return { X, y, task: 'regression' }
    const K = fx.numClasses ?? 2
    return { X, y, task: fx.task, classes: Array.from({ length: K }, (_, k) => String(k)) }
  }
  return [part(0, fx.nTrain), part(fx.nTrain, fx.rows)]
}

/** Held-out metrics of one fitted model, defined as the fixture script defines them. */
const metrics = (
  task: Fixture['task'],
  model: ReturnType<ReturnType<typeof randomForest>['fit']>,
  test: TrainingSet,
): Record<string, number> => {
  const n = test.y.length
  if (task === 'regression') {
    const p = model.predict(test.X)
    let s = 0
    for (let i = 0; i < n; i++) s += (p[i]! - test.y[i]!) ** 2
    return { rmse: Math.sqrt(s / n) }
  }
  const proba = model.predictProba(test.X)
  const K = proba.length / n
  const pred = model.predict(test.X)
  let hit = 0
  let ll = 0
  for (let i = 0; i < n; i++) {
    if (pred[i] === test.y[i]) hit++
    const p = Math.min(1 - 1e-15, Math.max(1e-15, proba[i * K + test.y[i]!]!))
    ll -= Math.log(p)
  }
  const out: Record<string, number> = { accuracy: hit / n, logloss: ll / n }
  if (task === 'binary') {
    out.auc = rocAuc(
      Float64Array.from({ length: n }, (_, i) => proba[2 * i + 1]!),
      test.y,
      undefined,
    )
  }
  return out
}

/** Keel's fits per configuration; their mean is compared with scikit-learn's mean. */
const KEEL_SEEDS = 3

/**
 * How far Keel's mean may fall from scikit-learn's. Both are means over a few random forests, so
 * each carries seed noise of about std/√seeds; four standard deviations of the difference cover it.
 * On top, Keel's trees split on ≤ 255 quantile bins where scikit-learn tries every midpoint: on
 * these datasets that costs at most the floors below (measured: well inside them).
 * One-sided for quality (being better is fine), two-sided for OOB scores, which estimate the same
 * quantity for both libraries and so check that Keel's out-of-bag bookkeeping is right.
 */
const floors = { auc: 0.006, accuracy: 0.02, logloss: 0.03, rmse: 0.03, oob: 0.02 } as const

const slack = (metric: keyof typeof floors, s: Stat, skSeeds: number): number =>
  Math.max(
    floors[metric] * (metric === 'rmse' ? s.mean : 1),
    4 * s.std * Math.sqrt(1 / skSeeds + 1 / KEEL_SEEDS),
  )

describe.each(['breast-cancer', 'binary', 'multiclass', 'friedman1', 'diabetes'])(
  'forest vs scikit-learn 1.2: %s',
  (name) => {
    const fx = load(name)
    const [train, test] = split(fx)
    for (const cfg of fx.configs) {
      it(`${cfg.kind} ${JSON.stringify(cfg.params)}`, () => {
        const make = cfg.kind === 'random-forest' ? randomForest : extraTrees
        const sums: Record<string, number> = {}
        for (let seed = 0; seed < KEEL_SEEDS; seed++) {
          const model = make(cfg.params).fit(train, { rng: createRng(seed) })
          const m = metrics(fx.task, model, test)
          if (model.oobScore) m.oob = model.oobScore.score
          for (const [k, v] of Object.entries(m)) sums[k] = (sums[k] ?? 0) + v / KEEL_SEEDS
        }
        for (const [metric, s] of Object.entries(cfg.sklearn) as [keyof typeof floors, Stat][]) {
          const keel = sums[metric]!
          const tol = slack(metric, s, fx.seeds)
          const what = `${metric}: Keel ${keel} vs scikit-learn ${s.mean} ± ${s.std} (allowed ${tol})`
          if (metric === 'oob') expect(Math.abs(keel - s.mean), what).toBeLessThanOrEqual(tol)
          else if (metric === 'auc' || metric === 'accuracy')
            expect(keel, what).toBeGreaterThanOrEqual(s.mean - tol)
          else expect(keel, what).toBeLessThanOrEqual(s.mean + tol)
        }
      })
    }
  },
)
