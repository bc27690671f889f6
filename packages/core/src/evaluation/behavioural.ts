import { KeelError } from '../errors/index.js'
import {
  categoricalFromCodes,
  cellAt,
  type Cell,
  type Column,
  type Frame,
  type NumericColumn,
} from '../frame/index.js'
import type { Rng } from '../random/index.js'
import { meanAndStd } from './column-stats.js'

/**
 * Behavioural tests (the book's perturbation, invariance and directional-expectation tests; Ribeiro
 * et al.'s CheckList for tabular models). Each runs against any prediction function, so it tests a
 * model bundle exactly as it is served. Specs are plain data a config file can hold; the optional
 * `transform` is the escape hatch for perturbations that need code.
 */

/** A model as seen by the tests: a frame in, one number per row out (P(positive) or a value). */
export type BehaviouralPredictFn = (X: Frame) => Float64Array

interface SpecBase {
  readonly name: string
  /** Largest allowed change of the prediction (absolute). */
  readonly tolerance: number
  /** Share of cases that must pass; default 1. */
  readonly minPassRate?: number
  /** Rows sampled from the frame (without replacement); default: the run's `maxRows`. */
  readonly rows?: number
}

/** Noise on numeric features and/or category swaps must not move predictions beyond `tolerance`. */
export interface PerturbationSpec extends SpecBase {
  readonly kind: 'perturbation'
  /** Numeric features to jitter with Gaussian noise of `noise × std(feature)`. */
  readonly numeric?: readonly string[]
  /** Noise scale in standard deviations; default 0.1. */
  readonly noise?: number
  /** Categorical features whose value is swapped for another random category. */
  readonly categorical?: readonly string[]
  /** Probability that a row's category is swapped; default 1. */
  readonly swapProbability?: number
  /** A custom perturbation, applied after the others. */
  readonly transform?: (X: Frame, rng: Rng) => Frame
}

/** Setting `feature` to each of `values` must not move the prediction beyond `tolerance`. */
export interface InvarianceSpec extends SpecBase {
  readonly kind: 'invariance'
  readonly feature: string
  /** Values to try; default every category of a categorical feature (required for numeric ones). */
  readonly values?: readonly Cell[]
}

/** Adding `delta` to a numeric feature must move the prediction only in the expected direction. */
export interface DirectionalSpec extends SpecBase {
  readonly kind: 'directional'
  readonly feature: string
  readonly delta: number
  /** `'increase'`: the prediction must not decrease (by more than `tolerance`); `'decrease'`: the reverse. */
  readonly expect: 'increase' | 'decrease'
}

/** Any behavioural test spec. */
export type BehaviouralTestSpec = PerturbationSpec | InvarianceSpec | DirectionalSpec

/** A failing case: the original row index and the predictions before and after. */
export interface BehaviouralFailure {
  readonly row: number
  readonly before: number
  readonly after: number
  /** For invariance: the value the feature was set to. */
  readonly value?: Cell
}

/** The outcome of one test, as plain data. */
export interface BehaviouralResult {
  readonly name: string
  readonly kind: BehaviouralTestSpec['kind']
  readonly cases: number
  readonly passed: number
  readonly passRate: number
  readonly minPassRate: number
  readonly pass: boolean
  /** Largest absolute change seen. */
  readonly maxChange: number
  /** Up to `maxFailures` failing cases, worst first. */
  readonly failures: BehaviouralFailure[]
}

/** Options for {@link runBehaviouralTests}. */
export interface BehaviouralOptions {
  readonly rng: Rng
  /** Failing examples kept per test; default 10. */
  readonly maxFailures?: number
  /** Rows sampled per test when the spec does not say; default 1000. */
  readonly maxRows?: number
}

const sampleRows = (n: number, k: number, rng: Rng): Int32Array => {
  if (k >= n) return Int32Array.from({ length: n }, (_, i) => i)
  // Partial Fisher–Yates, then sorted so row order (and thus output) is stable.
  const idx = Int32Array.from({ length: n }, (_, i) => i)
  for (let i = 0; i < k; i++) {
    const j = i + rng.int(n - i)
    const t = idx[i]!
    idx[i] = idx[j]!
    idx[j] = t
  }
  return idx.slice(0, k).sort()
}

const predictChecked = (predict: BehaviouralPredictFn, X: Frame): Float64Array => {
  const out = predict(X)
  if (out.length !== X.numRows) {
    throw new KeelError(
      'INVALID_ARGUMENT',
      `predict returned ${out.length} values for ${X.numRows} rows`,
    )
  }
  return out
}

const numericValues = (X: Frame, name: string): NumericColumn => {
  const c = X.column(name)
  if (c.kind === 'categorical' || c.kind === 'text') {
    throw new KeelError('INVALID_ARGUMENT', `feature "${name}" must be numeric`, { path: [name] })
  }
  return c
}

/** A column with every row set to `value`, of the same kind as `col`. */
const constantColumn = (col: Column, n: number, value: Cell): Column => {
  if (col.kind === 'categorical') {
    if (value === null) return categoricalFromCodes(new Int32Array(n).fill(-1), col.dictionary)
    const label = String(value)
    let code = col.dictionary.indexOf(label)
    const dictionary = code >= 0 ? col.dictionary : [...col.dictionary, label]
    if (code < 0) code = col.dictionary.length
    return categoricalFromCodes(new Int32Array(n).fill(code), dictionary)
  }
  if (col.kind === 'text')
    throw new KeelError('INVALID_ARGUMENT', 'text features are not supported')
  const v = value === null ? NaN : typeof value === 'boolean' ? Number(value) : Number(value)
  return Object.freeze({ kind: col.kind, values: new Float64Array(n).fill(v) })
}

const perturb = (X: Frame, spec: PerturbationSpec, full: Frame, rng: Rng): Frame => {
  const replaced: Record<string, Column> = {}
  const noise = spec.noise ?? 0.1
  for (const name of spec.numeric ?? []) {
    const col = numericValues(X, name)
    const scale = noise * meanAndStd(numericValues(full, name).values).std
    replaced[name] = Object.freeze({
      kind: col.kind,
      values: Float64Array.from(col.values, (v) =>
        Number.isNaN(v) ? v : v + scale * rng.normal(),
      ),
    })
  }
  const p = spec.swapProbability ?? 1
  for (const name of spec.categorical ?? []) {
    const col = X.categorical(name)
    const k = col.dictionary.length
    const codes = Int32Array.from(col.codes, (c) => {
      if (c < 0 || k < 2 || rng.float() >= p) return c
      const other = rng.int(k - 1)
      return other >= c ? other + 1 : other
    })
    replaced[name] = categoricalFromCodes(codes, col.dictionary)
  }
  const out = Object.keys(replaced).length > 0 ? X.withColumns(replaced) : X
  return spec.transform ? spec.transform(out, rng) : out
}

interface Case {
  readonly row: number
  readonly before: number
  readonly after: number
  readonly ok: boolean
  readonly value?: Cell
}

const summarise = (
  spec: BehaviouralTestSpec,
  cases: Case[],
  maxFailures: number,
): BehaviouralResult => {
  const passed = cases.filter((c) => c.ok).length
  const minPassRate = spec.minPassRate ?? 1
  const passRate = cases.length === 0 ? 1 : passed / cases.length
  let maxChange = 0
  for (const c of cases) maxChange = Math.max(maxChange, Math.abs(c.after - c.before))
  const failures = cases
    .filter((c) => !c.ok)
    .sort((a, b) => Math.abs(b.after - b.before) - Math.abs(a.after - a.before) || a.row - b.row)
    .slice(0, maxFailures)
    .map(({ row, before, after, value }) => ({
      row,
      before,
      after,
      ...(value !== undefined ? { value } : {}),
    }))
  return {
    name: spec.name,
    kind: spec.kind,
    cases: cases.length,
    passed,
    passRate,
    minPassRate,
    pass: passRate >= minPassRate,
    maxChange,
    failures,
  }
}

/** Run one behavioural test. */
export const runBehaviouralTest = (
  predict: BehaviouralPredictFn,
  X: Frame,
  spec: BehaviouralTestSpec,
  options: BehaviouralOptions,
): BehaviouralResult => {
  if (!(spec.tolerance >= 0))
    throw new KeelError('INVALID_ARGUMENT', `test "${spec.name}": tolerance must be ≥ 0`)
  const rng = options.rng.fork(spec.name)
  const rows = sampleRows(X.numRows, spec.rows ?? options.maxRows ?? 1000, rng)
  const sub = X.take(rows)
  const before = predictChecked(predict, sub)
  const cases: Case[] = []
  const maxFailures = options.maxFailures ?? 10
  switch (spec.kind) {
    case 'perturbation': {
      const after = predictChecked(predict, perturb(sub, spec, X, rng))
      rows.forEach((row, j) => {
        const b = before[j]!
        const a = after[j]!
        cases.push({ row, before: b, after: a, ok: Math.abs(a - b) <= spec.tolerance })
      })
      break
    }
    case 'invariance': {
      const col = sub.column(spec.feature)
      const values: readonly Cell[] =
        spec.values ??
        (col.kind === 'categorical'
          ? col.dictionary
          : col.kind === 'boolean'
            ? [false, true]
            : (() => {
                throw new KeelError(
                  'INVALID_ARGUMENT',
                  `test "${spec.name}": give values for numeric feature "${spec.feature}"`,
                )
              })())
      for (const value of values) {
        const changed = sub.withColumns({ [spec.feature]: constantColumn(col, sub.numRows, value) })
        const after = predictChecked(predict, changed)
        rows.forEach((row, j) => {
          const current = cellAt(col, j)
          if (current === value || (typeof current === 'boolean' && Number(current) === value))
            return
          const b = before[j]!
          const a = after[j]!
          cases.push({ row, before: b, after: a, value, ok: Math.abs(a - b) <= spec.tolerance })
        })
      }
      break
    }
    case 'directional': {
      const col = numericValues(sub, spec.feature)
      const shifted = sub.withColumns({
        [spec.feature]: Object.freeze({
          kind: col.kind,
          values: Float64Array.from(col.values, (v) => v + spec.delta),
        }),
      })
      const after = predictChecked(predict, shifted)
      rows.forEach((row, j) => {
        if (Number.isNaN(col.values[j]!)) return
        const b = before[j]!
        const a = after[j]!
        const ok = spec.expect === 'increase' ? a >= b - spec.tolerance : a <= b + spec.tolerance
        cases.push({ row, before: b, after: a, ok })
      })
      break
    }
  }
  return summarise(spec, cases, maxFailures)
}

/** Results of a suite of behavioural tests. */
export interface BehaviouralReport {
  readonly pass: boolean
  readonly results: BehaviouralResult[]
}

/**
 * Run every behavioural test in `specs` against `predict` on rows of `X`. Each test draws from its
 * own stream (`rng.fork(name)`), so adding a test does not change the others' results.
 *
 * @example
 * runBehaviouralTests(bundle.predictPositive, validation, [
 *   { kind: 'directional', name: 'later departures are not less late', feature: 'hour', delta: 2, expect: 'increase', tolerance: 0.01 },
 *   { kind: 'invariance', name: 'carrier name', feature: 'carrier_alias', tolerance: 1e-9 },
 * ], { rng: createRng(1) })
 */
export const runBehaviouralTests = (
  predict: BehaviouralPredictFn,
  X: Frame,
  specs: readonly BehaviouralTestSpec[],
  options: BehaviouralOptions,
): BehaviouralReport => {
  const names = new Set<string>()
  for (const s of specs) {
    if (names.has(s.name))
      throw new KeelError('INVALID_ARGUMENT', `duplicate behavioural test name "${s.name}"`)
    names.add(s.name)
  }
  const results = specs.map((s) => runBehaviouralTest(predict, X, s, options))
  return { pass: results.every((r) => r.pass), results }
}
