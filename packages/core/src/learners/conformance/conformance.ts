/**
 * The learner conformance suite: one set of behavioural checks that every learner in Keel must
 * pass (scikit-learn's `check_estimator`, as vitest tests). Call it from a `*.test.ts` file:
 *
 * @example
 * registerModelKind(LINEAR_MODEL_KIND, loadLinearModel)
 * runLearnerConformance({
 *   name: 'logistic-regression (binary)',
 *   make: () => logisticRegression({ C: 1 }),
 *   data: () => syntheticData.binary(),
 *   weightTolerance: 1e-7, // L-BFGS: same optimum, different float path
 * })
 *
 * Every check is on by default. A learner that cannot meet one passes `skip: { check: 'reason' }`;
 * the reason shows in the test title. The model kinds involved must be registered with
 * `registerModelKind` before the tests run (the round-trip goes through `loadModel`).
 *
 * Checks: `determinism` (same seed → bit-identical model JSON), `roundtrip` (toJSON → stringify →
 * parse → loadModel → bit-identical predictions and JSON), `immutability` (fit and predict never
 * touch their inputs or the learner's params), `schema` (missing column / wrong kind →
 * SCHEMA_MISMATCH), `columnOrder` (reordered and extra columns change nothing), `rowIndependence`
 * (a row's prediction does not depend on its neighbours), `weights` (weight 2 ≡ a duplicated row,
 * within `weightTolerance`), `outputs` (shapes; probabilities in [0, 1] summing to 1, also on
 * random rows), `badInput` (empty data, a single class, non-finite labels, mismatched lengths,
 * bad weights → INVALID_DATA), `format` (newer formatVersion, unknown kind, missing or garbled
 * fields → UNSUPPORTED_FORMAT), `incremental` (for models with update(): the update of a reloaded
 * model equals the update of the original, and update never mutates its model).
 */
import { describe, expect, it } from 'vitest'
import { fc } from '@fast-check/vitest'
import { isKeelError } from '../../errors/index.js'
import { createRng } from '../../random/index.js'
import { loadModel } from '../registry.js'
import {
  isIncremental,
  rawWidth,
  type FittedModel,
  type Learner,
  type TrainingSet,
} from '../protocol.js'
import {
  firstDifference,
  randomRowsLike,
  reorderedWithExtra,
  reversedRows,
  snapshot,
  withDoubledFirstWeight,
  withDuplicatedFirstRow,
  withWrongKind,
} from './frames.js'

/** The names of the checks, for `skip`. */
export type ConformanceCheck =
  | 'determinism'
  | 'roundtrip'
  | 'immutability'
  | 'schema'
  | 'columnOrder'
  | 'rowIndependence'
  | 'weights'
  | 'outputs'
  | 'badInput'
  | 'format'
  | 'incremental'

/** What {@link runLearnerConformance} needs to know about a learner. */
export interface ConformanceOptions {
  /** Shown in test titles, e.g. `"gbdt (multiclass)"`. */
  readonly name: string
  /** A fresh learner with the hyperparameters under test. */
  readonly make: () => Learner
  /** A small training set (tens to hundreds of rows) of the task under test. */
  readonly data: () => TrainingSet
  /** Seed of the fit generator (default 42). */
  readonly seed?: number
  /** Checks this learner cannot meet, each with the reason. */
  readonly skip?: Partial<Record<ConformanceCheck, string>>
  /**
   * How far predictions with row 0 weighted 2 may be from predictions with row 0 duplicated,
   * relative to max(1, |value|). 0 (the default) demands bit-identical raw predictions; learners
   * whose fit takes a different floating-point path for the two (iterative solvers) set a small
   * tolerance and say why.
   */
  readonly weightTolerance?: number
  /** Top-level model JSON keys that may legitimately be absent (exempt from the deletion check). */
  readonly optionalModelKeys?: readonly string[]
  /** fast-check runs of the random-rows check (default 25). */
  readonly numRuns?: number
}

const HEADER_KEYS = new Set(['format', 'formatVersion', 'kind', 'task', 'features', 'classes'])

/** Assert that `fn` throws a KeelError with `code` (and not, say, a TypeError or NaN output). */
export const expectKeelError = (fn: () => unknown, code: string, what: string): void => {
  let thrown: unknown
  try {
    fn()
  } catch (e) {
    thrown = e
  }
  expect(thrown, `${what}: expected a KeelError ${code}, nothing was thrown`).toBeDefined()
  expect(isKeelError(thrown) ? thrown.code : `non-Keel error: ${String(thrown)}`, what).toBe(code)
}

const roundtrip = (m: FittedModel): FittedModel =>
  loadModel(JSON.parse(JSON.stringify(m.toJSON())) as unknown)

const outputs = (m: FittedModel, X: TrainingSet['X']): Float64Array[] =>
  m.task === 'regression'
    ? [m.predictRaw(X), m.predict(X)]
    : [m.predictRaw(X), m.predictProba(X), m.predict(X)]

const expectSameBits = (a: ArrayLike<number>, b: ArrayLike<number>, what: string): void => {
  const at = firstDifference(a, b)
  expect(at, `${what}: first difference at index ${at} (${a[at]} vs ${b[at]})`).toBe(-1)
}

/** Register the conformance tests for one learner configuration (see the module doc). */
export const runLearnerConformance = (options: ConformanceOptions): void => {
  const { name, make, data } = options
  const seed = options.seed ?? 42
  const fitFresh = (d: TrainingSet = data()): FittedModel => make().fit(d, { rng: createRng(seed) })
  const skip = options.skip ?? {}
  const check = (c: ConformanceCheck, title: string, body: () => void): void => {
    const reason = skip[c]
    if (reason) it.skip(`${c}: ${title} (skipped: ${reason})`, body)
    else it(`${c}: ${title}`, body)
  }

  describe(`learner conformance: ${name}`, () => {
    check('determinism', 'the same seed gives a bit-identical model', () => {
      const a = JSON.stringify(fitFresh().toJSON())
      const b = JSON.stringify(fitFresh().toJSON())
      expect(a).toBe(b)
    })

    check('roundtrip', 'toJSON → JSON text → loadModel predicts bit-identically', () => {
      const d = data()
      const m = fitFresh(d)
      const json = JSON.stringify(m.toJSON())
      const back = roundtrip(m)
      expect(back.kind).toBe(m.kind)
      expect(JSON.stringify(back.toJSON())).toBe(json)
      const [a, b] = [outputs(m, d.X), outputs(back, d.X)]
      a.forEach((arr, i) => expectSameBits(arr, b[i]!, `output ${i}`))
    })

    check('immutability', 'fit and predict never mutate their inputs or the learner', () => {
      const d = data()
      const before = snapshot(d)
      const learner = make()
      const params = JSON.stringify(learner.params)
      const m = learner.fit(d, { rng: createRng(seed) })
      outputs(m, d.X)
      const after = snapshot(d)
      expect(after.columns.map(([n]) => n)).toEqual(before.columns.map(([n]) => n))
      after.columns.forEach(([n, v], j) => expectSameBits(v, before.columns[j]![1], `column ${n}`))
      expectSameBits(after.y, before.y, 'labels')
      if (before.weight) expectSameBits(after.weight!, before.weight, 'weights')
      expect(JSON.stringify(learner.params)).toBe(params)
    })

    check('schema', 'a missing column or a wrong kind is SCHEMA_MISMATCH', () => {
      const d = data()
      const m = fitFresh(d)
      for (const f of m.features) {
        const missing = d.X.drop([f.name])
        expectKeelError(() => m.predict(missing), 'SCHEMA_MISMATCH', `without "${f.name}"`)
        expectKeelError(() => m.predictRaw(missing), 'SCHEMA_MISMATCH', `raw without "${f.name}"`)
        const wrong = withWrongKind(d.X, f.name)
        expectKeelError(() => m.predict(wrong), 'SCHEMA_MISMATCH', `"${f.name}" of the wrong kind`)
      }
    })

    check('columnOrder', 'reordered columns and an extra column change nothing', () => {
      const d = data()
      const m = fitFresh(d)
      const [a, b] = [outputs(m, d.X), outputs(m, reorderedWithExtra(d.X))]
      a.forEach((arr, i) => expectSameBits(arr, b[i]!, `output ${i}`))
    })

    check('rowIndependence', 'a row predicts the same alone, reversed or in a batch', () => {
      const d = data()
      const m = fitFresh(d)
      const n = d.X.numRows
      const all = m.predictRaw(d.X)
      const w = all.length / n
      const rev = m.predictRaw(reversedRows(d.X))
      for (let i = 0; i < n; i++) {
        for (let k = 0; k < w; k++)
          expect(Object.is(rev[(n - 1 - i) * w + k], all[i * w + k])).toBe(true)
      }
      const head = m.predictRaw(d.X.slice(0, 3))
      expectSameBits(head, all.subarray(0, 3 * w), 'first rows alone')
    })

    check('weights', 'weight 2 on a row equals the row duplicated', () => {
      const learner = make()
      if (!learner.capabilities.weights) {
        expectKeelError(
          () => learner.fit(withDoubledFirstWeight(data()), { rng: createRng(seed) }),
          'INVALID_DATA',
          'weights unsupported',
        )
        return
      }
      const d = data()
      const a = make()
        .fit(withDoubledFirstWeight(d), { rng: createRng(seed) })
        .predictRaw(d.X)
      const b = make()
        .fit(withDuplicatedFirstRow(d), { rng: createRng(seed) })
        .predictRaw(d.X)
      const tol = options.weightTolerance ?? 0
      if (tol === 0) expectSameBits(a, b, 'weighted vs duplicated')
      else {
        for (let i = 0; i < a.length; i++) {
          expect(Math.abs(a[i]! - b[i]!), `raw[${i}]`).toBeLessThanOrEqual(
            tol * Math.max(1, Math.abs(b[i]!)),
          )
        }
      }
    })

    check('outputs', 'shapes are right; probabilities are in [0, 1] and sum to 1', () => {
      const d = data()
      const m = fitFresh(d)
      const k = m.classes?.length ?? 1
      const learner = make()
      const verify = (X: TrainingSet['X']): void => {
        const n = X.numRows
        const raw = m.predictRaw(X)
        expect(raw.length).toBe(n * rawWidth(m.task, k))
        const pred = m.predict(X)
        expect(pred.length).toBe(n)
        if (m.task === 'regression') {
          for (const v of pred) expect(Number.isFinite(v)).toBe(true)
          return
        }
        const proba = m.predictProba(X)
        expect(proba.length).toBe(n * k)
        for (let i = 0; i < n; i++) {
          let s = 0
          for (let c = 0; c < k; c++) {
            const p = proba[i * k + c]!
            expect(p >= 0 && p <= 1, `p[${i}][${c}] = ${p}`).toBe(true)
            s += p
          }
          // Rounding of K terms each ≤ 1: a few ulps.
          expect(Math.abs(s - 1)).toBeLessThan(1e-12)
          expect(Number.isInteger(pred[i]) && pred[i]! >= 0 && pred[i]! < k).toBe(true)
        }
      }
      verify(d.X)
      fc.assert(
        fc.property(
          fc.array(fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }), {
            minLength: 1,
            maxLength: 64,
          }),
          (draws) => {
            verify(randomRowsLike(d.X, draws, learner.capabilities.missing))
          },
        ),
        { numRuns: options.numRuns ?? 25, seed },
      )
    })

    check('badInput', 'bad training data is a structured INVALID_DATA error', () => {
      const d = data()
      const fit = (x: TrainingSet) => () => make().fit(x, { rng: createRng(seed) })
      expectKeelError(
        fit({
          ...d,
          X: d.X.slice(0, 0),
          y: new Float64Array(0),
          ...(d.weight ? { weight: new Float64Array(0) } : {}),
        }),
        'INVALID_DATA',
        'empty data',
      )
      expectKeelError(
        fit({ ...d, y: d.y.subarray(0, d.y.length - 1) }),
        'INVALID_DATA',
        'fewer labels than rows',
      )
      for (const bad of [NaN, Infinity, -Infinity]) {
        const y = Float64Array.from(d.y)
        y[1] = bad
        expectKeelError(fit({ ...d, y }), 'INVALID_DATA', `label ${bad}`)
      }
      if (d.task !== 'regression') {
        expectKeelError(
          fit({ ...d, y: new Float64Array(d.y.length) }),
          'INVALID_DATA',
          'a single class',
        )
        const y = Float64Array.from(d.y)
        y[0] = 0.5
        expectKeelError(fit({ ...d, y }), 'INVALID_DATA', 'a fractional class index')
      }
      if (make().capabilities.weights) {
        expectKeelError(
          fit({ ...d, weight: new Float64Array(d.y.length - 1).fill(1) }),
          'INVALID_DATA',
          'fewer weights than rows',
        )
        const w = new Float64Array(d.y.length).fill(1)
        w[2] = -1
        expectKeelError(fit({ ...d, weight: w }), 'INVALID_DATA', 'a negative weight')
        w[2] = NaN
        expectKeelError(fit({ ...d, weight: w }), 'INVALID_DATA', 'a NaN weight')
      }
    })

    check('format', 'newer, foreign or corrupted model JSON is UNSUPPORTED_FORMAT', () => {
      const json = fitFresh().toJSON() as Record<string, unknown>
      const load = (doc: unknown) => () => loadModel(doc)
      expectKeelError(
        load({ ...json, formatVersion: (json.formatVersion as number) + 1 }),
        'UNSUPPORTED_FORMAT',
        'newer formatVersion',
      )
      expectKeelError(
        load({ ...json, kind: '__no_such_kind__' }),
        'UNSUPPORTED_FORMAT',
        'unknown kind',
      )
      expectKeelError(load({ ...json, format: 'other' }), 'UNSUPPORTED_FORMAT', 'foreign document')
      expectKeelError(load({ ...json, features: 'x' }), 'UNSUPPORTED_FORMAT', 'garbled features')
      const optional = new Set(options.optionalModelKeys ?? [])
      for (const key of Object.keys(json)) {
        if (HEADER_KEYS.has(key)) continue
        if (!optional.has(key)) {
          const { [key]: _drop, ...rest } = json
          expectKeelError(load(rest), 'UNSUPPORTED_FORMAT', `without "${key}"`)
        }
        expectKeelError(
          load({ ...json, [key]: '\u0000garbage' }),
          'UNSUPPORTED_FORMAT',
          `garbled "${key}"`,
        )
      }
    })

    check('incremental', 'update() of a reloaded model equals update() of the original', () => {
      const d = data()
      const m = fitFresh(d)
      if (!make().capabilities.incremental) {
        expect(
          isIncremental(m),
          'capabilities.incremental is false but the model has update()',
        ).toBe(false)
        return
      }
      expect(isIncremental(m)).toBe(true)
      if (!isIncremental(m)) return
      const before = JSON.stringify(m.toJSON())
      const next = m.update(d, { rng: createRng(seed + 1) })
      expect(JSON.stringify(m.toJSON()), 'update mutated its model').toBe(before)
      const back = roundtrip(m)
      if (!isIncremental(back)) throw new Error('the reloaded model lost update()')
      const again = back.update(d, { rng: createRng(seed + 1) })
      expect(JSON.stringify(again.toJSON())).toBe(JSON.stringify(next.toJSON()))
      expectKeelError(
        () => m.update({ ...d, X: d.X.drop([m.features[0]!.name]) }, { rng: createRng(1) }),
        'SCHEMA_MISMATCH',
        'update without a feature',
      )
    })
  })
}
