/**
 * Missing-value imputation (the book's §4.1).
 *
 * Why values are missing decides what is safe to do about it:
 * - **MNAR** (missing not at random): the value is missing *because of* the value itself — high
 *   earners leave income blank. The missingness is signal; deleting those rows throws it away and
 *   imputing without a marker hides it. Keep a missing-indicator column (`indicator: true`).
 * - **MAR** (missing at random): missingness depends on another observed variable — one group
 *   leaves age blank. Deleting rows removes that group disproportionately and biases the model;
 *   impute, ideally with the indicator.
 * - **MCAR** (missing completely at random): no pattern. Rare in practice — check before assuming
 *   it. Only here is row deletion harmless, and only when few rows (well under 1%) are affected.
 *
 * Deletion is wrong whenever it removes many rows, whenever missingness is informative (MNAR) and
 * whenever it is correlated with another feature (MAR); imputation is the default. Statistics are
 * always computed on the training rows only (imputing with test or full-data statistics leaks).
 * A plausible-looking constant (0 children) makes "missing" indistinguishable from a real value;
 * prefer a statistic plus an indicator, or a constant the model can never see otherwise.
 */
import { z } from 'zod'
import { KeelError } from '../errors/index.js'
import {
  categoricalFromCodes,
  textColumn,
  type Column,
  type ColumnKind,
  type NumericColumn,
} from '../frame/index.js'
import { defineLeaf } from './define.js'
import { categoryView, compareStrings, countLabels } from './internal/categories.js'
import { assertNoInfinity } from './internal/inputs.js'
import { meanVar, sortedPresent } from './internal/stats.js'
import { MISSING_CATEGORY } from './labels.js'
import type { TransformerColumn } from './protocol.js'

const numericStrategy = z.enum(['mean', 'median', 'most_frequent', 'constant'])
const categoricalStrategy = z.enum(['most_frequent', 'constant'])

const imputerParams = z.strictObject({
  /** Strategy for numeric, boolean and timestamp columns. */
  strategy: numericStrategy.default('mean'),
  /** Strategy for categorical and text columns (means and medians do not exist there). */
  categoricalStrategy: categoricalStrategy.default('most_frequent'),
  /** Fill for numeric columns under `constant` (and for all-missing columns when `empty: 'fill'`). */
  fillValue: z.number().default(0),
  /** Fill for categorical columns under `constant` (and for all-missing ones when `empty: 'fill'`). */
  categoricalFillValue: z.string().default(MISSING_CATEGORY),
  /** Per-column overrides: the policy of one column, by name. */
  perColumn: z
    .record(
      z.string(),
      z.strictObject({
        strategy: numericStrategy.optional(),
        fillValue: z.union([z.number(), z.string()]).optional(),
        indicator: z.boolean().optional(),
      }),
    )
    .default({}),
  /**
   * Add a 0/1 `<name>__missing` column for every column that had missing values at fit (as
   * scikit-learn's `add_indicator`), after the imputed columns.
   */
  indicator: z.boolean().default(false),
  /**
   * A column with no present value at fit has no statistic: `error` (the default) refuses it with
   * `INVALID_DATA`; `fill` uses the fill value instead.
   */
  empty: z.enum(['error', 'fill']).default('error'),
  /** ±Infinity in a numeric column: `error` (`INVALID_DATA`), or treat it as missing and impute it. */
  infinity: z.enum(['error', 'missing']).default('error'),
})

/** Parameters of {@link imputer}. */
export type ImputerParams = z.input<typeof imputerParams>

const columnState = z.strictObject({
  fill: z.union([z.number(), z.string()]),
  indicator: z.boolean(),
})
const imputerState = z.strictObject({ columns: z.array(columnState) })
type ImputerState = z.output<typeof imputerState>

const isStringKind = (k: ColumnKind): boolean => k === 'categorical' || k === 'text'

/** The most frequent present number (ties → the smallest, as scikit-learn). */
const mostFrequentNumber = (values: Float64Array, infinityIsMissing: boolean): number => {
  const counts = new Map<number, number>()
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!
    if (Number.isNaN(v) || (infinityIsMissing && !Number.isFinite(v))) continue
    counts.set(v + 0, (counts.get(v + 0) ?? 0) + 1)
  }
  let best = NaN
  let bestCount = 0
  for (const [v, n] of counts) {
    if (n > bestCount || (n === bestCount && v < best)) {
      best = v
      bestCount = n
    }
  }
  return best
}

const withoutInfinity = (values: Float64Array): Float64Array =>
  values.map((v) => (Number.isFinite(v) ? v : NaN))

const isMissingNumber = (v: number, infinityIsMissing: boolean): boolean =>
  Number.isNaN(v) || (infinityIsMissing && (v === Infinity || v === -Infinity))

/**
 * Replace missing values with a statistic of the training rows — mean, median, most frequent or a
 * constant — chosen per column, optionally adding missing-indicator columns. Outputs keep the input
 * names (indicators are `<name>__missing`). A mean of a boolean column is numeric.
 *
 * @example
 * imputer({ strategy: 'median', indicator: true, perColumn: { tips: { strategy: 'constant', fillValue: 0 } } })
 */
export const imputerKind = defineLeaf({
  kind: 'imputer',
  description:
    'Fill missing values with a training statistic or constant, optionally with indicators',
  params: imputerParams,
  state: imputerState,
  accepts: ['numeric', 'boolean', 'timestamp', 'categorical', 'text'],
  fit({ kind, params, inputs, columns }) {
    const infinityIsMissing = params.infinity === 'missing'
    const states: ImputerState['columns'] = []
    const outputs: TransformerColumn[] = []
    const indicators: TransformerColumn[] = []
    inputs.forEach((input, j) => {
      const c = columns[j]!
      const own = params.perColumn[input.name] ?? {}
      let fill: number | string
      let missing = 0
      if (isStringKind(input.kind)) {
        const strategy = own.strategy ?? params.categoricalStrategy
        if (strategy !== 'most_frequent' && strategy !== 'constant') {
          throw new KeelError(
            'INVALID_PARAMS',
            `${kind}: strategy "${strategy}" does not apply to ${input.kind} column "${input.name}"`,
            { path: ['perColumn', input.name, 'strategy'] },
          )
        }
        const constant = own.fillValue ?? params.categoricalFillValue
        const { counts, missing: m } = countLabels(categoryView(c))
        missing = m
        fill = String(constant)
        if (strategy === 'most_frequent') {
          let best: string | undefined
          let bestCount = 0
          for (const [label, n] of counts) {
            if (n > bestCount || (n === bestCount && compareStrings(label, best!) < 0)) {
              best = label
              bestCount = n
            }
          }
          if (best === undefined && params.empty === 'error') emptyColumn(kind, input.name)
          fill = best ?? fill
        }
        outputs.push({ name: input.name, kind: input.kind })
      } else {
        const values = (c as NumericColumn).values
        if (!infinityIsMissing) assertNoInfinity(kind, input.name, values)
        for (let i = 0; i < values.length; i++)
          if (isMissingNumber(values[i]!, infinityIsMissing)) missing++
        const strategy = own.strategy ?? params.strategy
        const constant = own.fillValue ?? params.fillValue
        if (typeof constant !== 'number') {
          throw new KeelError(
            'INVALID_PARAMS',
            `${kind}: the fill value of numeric column "${input.name}" must be a number`,
            { path: ['perColumn', input.name, 'fillValue'] },
          )
        }
        const present = infinityIsMissing ? withoutInfinity(values) : values
        let stat: number
        if (strategy === 'mean') stat = meanVar(present).mean
        else if (strategy === 'median') {
          const s = sortedPresent(present)
          const h = s.length >> 1
          stat = s.length === 0 ? NaN : s.length % 2 ? s[h]! : (s[h - 1]! + s[h]!) / 2
        } else if (strategy === 'most_frequent')
          stat = mostFrequentNumber(values, infinityIsMissing)
        else stat = constant
        if (Number.isNaN(stat)) {
          if (params.empty === 'error') emptyColumn(kind, input.name)
          stat = constant
        }
        fill = stat
        // A boolean column stays boolean only when its fill is itself 0 or 1.
        const stillBoolean = input.kind !== 'boolean' || stat === 0 || stat === 1
        outputs.push({ name: input.name, kind: stillBoolean ? input.kind : 'numeric' })
      }
      const indicator = (own.indicator ?? params.indicator) && missing > 0
      if (indicator) indicators.push({ name: `${input.name}__missing`, kind: 'boolean' })
      states.push({ fill, indicator })
    })
    return { state: { columns: states }, outputs: [...outputs, ...indicators] }
  },
  apply({ params, state, inputs, outputs, columns, numRows }) {
    const infinityIsMissing = params.infinity === 'missing'
    const out: Column[] = []
    const indicators: Column[] = []
    inputs.forEach((input, j) => {
      const c = columns[j]!
      const { fill, indicator } = state.columns[j]!
      const outKind = outputs[j]!.kind
      const flags = indicator ? new Float64Array(numRows) : undefined
      if (c.kind === 'categorical' || c.kind === 'text') {
        const view = categoryView(c)
        const label = String(fill)
        let fillCode = view.labels.indexOf(label)
        const dictionary = fillCode >= 0 ? view.labels : [...view.labels, label]
        if (fillCode < 0) fillCode = view.labels.length
        const codes = new Int32Array(numRows)
        for (let i = 0; i < numRows; i++) {
          const k = view.codes[i]!
          if (k < 0 && flags) flags[i] = 1
          codes[i] = k < 0 ? fillCode : k
        }
        out.push(
          outKind === 'text'
            ? textColumn(Array.from(codes, (k) => dictionary[k]!))
            : categoricalFromCodes(codes, dictionary),
        )
      } else {
        const values = c.values
        if (!infinityIsMissing) assertNoInfinity('imputer', input.name, values)
        const f = fill as number
        const res = new Float64Array(numRows)
        for (let i = 0; i < numRows; i++) {
          const v = values[i]!
          const miss = isMissingNumber(v, infinityIsMissing)
          if (miss && flags) flags[i] = 1
          res[i] = miss ? f : v
        }
        out.push(Object.freeze({ kind: outKind as NumericColumn['kind'], values: res }))
      }
      if (flags) indicators.push(Object.freeze({ kind: 'boolean', values: flags }))
    })
    return [...out, ...indicators]
  },
})

const emptyColumn = (kind: string, name: string): never => {
  throw new KeelError(
    'INVALID_DATA',
    `${kind}: column "${name}" has no present value in the training rows, so there is no statistic to fill with`,
    { path: [name], hint: "set empty: 'fill' to use the fill value, or drop the column" },
  )
}

/** An unfitted {@link imputerKind} transformer. */
export const imputer = (params?: ImputerParams): ReturnType<typeof imputerKind.create> =>
  imputerKind.create(params)
