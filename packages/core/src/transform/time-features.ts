/**
 * Calendar features from timestamp columns: hour, minute of day, day of week, day of month, day
 * of year, month, year — as plain numbers and as cyclic sine/cosine pairs, so that 23:00 sits next
 * to 00:00 and Sunday next to Monday for a model that cannot learn wrap-around on its own.
 *
 * Time zone: **UTC**, always. A timestamp is epoch milliseconds; its calendar fields are read in
 * UTC with pure integer arithmetic (no `Date`, no host time zone), so a row gives the same features
 * on every machine. Local time is the caller's choice made before this step: shift the column, or
 * store wall-clock times as naive timestamps (DuckDB reads a `TIMESTAMP` without zone as UTC
 * wall-clock, which is what the flights data does).
 *
 * Conventions: hour 0–23, minuteOfDay 0–1439, dayOfWeek 0 = Monday … 6 = Sunday (ISO order, as
 * pandas' `dayofweek`), dayOfMonth 1–31, dayOfYear 1–366, month 1–12. Cyclic angles are
 * 2π·v/period with v counted from 0: hour/24, minuteOfDay/1440, dayOfWeek/7, (month−1)/12,
 * (dayOfMonth−1)/days in that month, (dayOfYear−1)/days in that year.
 */
import { z } from 'zod'
import type { NumericColumn } from '../frame/index.js'
import { defineLeaf } from './define.js'
import { checkNumeric, missingPolicy } from './internal/numeric-map.js'
import type { TransformerColumn } from './protocol.js'

const PART = z.enum([
  'hour',
  'minuteOfDay',
  'dayOfWeek',
  'dayOfMonth',
  'dayOfYear',
  'month',
  'year',
])
const CYCLIC = z.enum(['hour', 'minuteOfDay', 'dayOfWeek', 'dayOfMonth', 'dayOfYear', 'month'])
type Part = z.output<typeof PART>

const timeParams = z
  .strictObject({
    /** Calendar fields as numbers, output `<name>__<part>`. */
    parts: z.array(PART).default(['hour', 'dayOfWeek', 'month']),
    /** Fields as sine/cosine pairs, output `<name>__<part>_sin` and `<name>__<part>_cos`. */
    cyclic: z.array(CYCLIC).default([]),
    missing: missingPolicy,
  })
  .refine((p) => p.parts.length + p.cyclic.length > 0, 'ask for at least one part or cyclic part')

/** Parameters of {@link timeFeatures}. */
export type TimeFeaturesParams = z.input<typeof timeParams>

const DAY_MS = 86_400_000

/** Calendar fields of one timestamp, in UTC. */
export interface UtcFields {
  year: number
  month: number
  day: number
  hour: number
  minuteOfDay: number
  dayOfWeek: number
  dayOfYear: number
}

/**
 * Calendar fields of an epoch-millisecond timestamp, in UTC, written into `out` (reused across
 * rows, so 3 million rows allocate nothing). Hinnant's civil-from-days: exact integer arithmetic
 * for every date a float timestamp can hold.
 */
export const utcFields = (ms: number, out: UtcFields = emptyFields()): UtcFields => {
  const days = Math.floor(ms / DAY_MS)
  const inDay = ms - days * DAY_MS
  const z0 = days + 719468
  const era = Math.floor(z0 / 146097)
  const doe = z0 - era * 146097
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  )
  const doyMar = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100))
  const mp = Math.floor((5 * doyMar + 2) / 153)
  out.day = doyMar - Math.floor((153 * mp + 2) / 5) + 1
  out.month = mp < 10 ? mp + 3 : mp - 9
  out.year = yoe + era * 400 + (out.month <= 2 ? 1 : 0)
  out.dayOfYear = out.month <= 2 ? doyMar - 306 + 1 : doyMar + 59 + (isLeap(out.year) ? 1 : 0) + 1
  out.hour = Math.floor(inDay / 3_600_000)
  out.minuteOfDay = Math.floor(inDay / 60_000)
  out.dayOfWeek = (((days + 3) % 7) + 7) % 7
  return out
}

/** Only the time-of-day and weekday fields (no calendar arithmetic). */
const clockFields = (ms: number, out: UtcFields): void => {
  const days = Math.floor(ms / DAY_MS)
  const inDay = ms - days * DAY_MS
  out.hour = Math.floor(inDay / 3_600_000)
  out.minuteOfDay = Math.floor(inDay / 60_000)
  out.dayOfWeek = (((days + 3) % 7) + 7) % 7
}

const emptyFields = (): UtcFields => ({
  year: 0,
  month: 0,
  day: 0,
  hour: 0,
  minuteOfDay: 0,
  dayOfWeek: 0,
  dayOfYear: 0,
})

const isLeap = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0
const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
const daysInMonth = (y: number, m: number): number =>
  m === 2 && isLeap(y) ? 29 : MONTH_DAYS[m - 1]!

const TAU = 2 * Math.PI

/** sin and cos of 2π·v/period for v = 0..period−1, computed once (bit-identical to per-row calls). */
const cycleTable = (period: number, f: (x: number) => number): Float64Array =>
  Float64Array.from({ length: period }, (_, v) => f((TAU * v) / period))

const TABLES = {
  hour: [cycleTable(24, Math.sin), cycleTable(24, Math.cos)],
  minuteOfDay: [cycleTable(1440, Math.sin), cycleTable(1440, Math.cos)],
  dayOfWeek: [cycleTable(7, Math.sin), cycleTable(7, Math.cos)],
  month: [cycleTable(12, Math.sin), cycleTable(12, Math.cos)],
} as const

/** One output column: a plain part, or the sin (0) / cos (1) of a cyclic part. */
interface OutputPlan {
  readonly part: Part
  readonly trig?: 0 | 1
}

/** The value of one planned output for the fields of a row. */
const planValue = (o: OutputPlan, f: UtcFields): number => {
  if (o.trig === undefined) return o.part === 'dayOfMonth' ? f.day : f[o.part]
  const trig = o.trig === 0 ? Math.sin : Math.cos
  switch (o.part) {
    case 'hour':
    case 'minuteOfDay':
    case 'dayOfWeek':
      return TABLES[o.part][o.trig][f[o.part]]!
    case 'month':
      return TABLES.month[o.trig][f.month - 1]!
    case 'dayOfMonth':
      return trig((TAU * (f.day - 1)) / daysInMonth(f.year, f.month))
    case 'dayOfYear':
      return trig((TAU * (f.dayOfYear - 1)) / (isLeap(f.year) ? 366 : 365))
    case 'year':
      return NaN // not a cyclic part; excluded by the parameter schema
  }
}

const CLOCK_PARTS = new Set<Part>(['hour', 'minuteOfDay', 'dayOfWeek'])

/** Calendar features (UTC) from timestamp columns; see the module comment for conventions. */
export const timeFeaturesKind = defineLeaf({
  kind: 'time-features',
  description:
    'Hour, day of week, month … and their cyclic sin/cos encodings, from timestamps (UTC)',
  params: timeParams,
  state: z.strictObject({}),
  accepts: ['timestamp', 'numeric'],
  fit({ params, inputs }) {
    const outputs: TransformerColumn[] = []
    for (const c of inputs) {
      for (const p of params.parts) outputs.push({ name: `${c.name}__${p}`, kind: 'numeric' })
      for (const p of params.cyclic) {
        outputs.push({ name: `${c.name}__${p}_sin`, kind: 'numeric' })
        outputs.push({ name: `${c.name}__${p}_cos`, kind: 'numeric' })
      }
    }
    return { state: {}, outputs }
  },
  prepare: (_state, params) => {
    const plan: OutputPlan[] = [
      ...params.parts.map((part) => ({ part })),
      ...params.cyclic.flatMap((part) => [
        { part, trig: 0 as const },
        { part, trig: 1 as const },
      ]),
    ]
    // Hour, minute and weekday need no calendar arithmetic: skip it when nothing else is asked.
    return { plan, calendar: plan.some((o) => !CLOCK_PARTS.has(o.part)) }
  },
  apply({ kind, params, cache, inputs, columns, numRows }) {
    const { plan, calendar } = cache
    const width = plan.length
    const out: NumericColumn[] = []
    columns.forEach((c, j) => {
      const values = (c as NumericColumn).values
      checkNumeric(kind, inputs[j]!.name, values, params.missing)
      const cols = Array.from({ length: width }, () => new Float64Array(numRows))
      const f = emptyFields()
      for (let i = 0; i < numRows; i++) {
        const x = values[i]!
        if (Number.isNaN(x)) {
          for (const col of cols) col[i] = NaN
          continue
        }
        if (calendar) utcFields(x, f)
        else clockFields(x, f)
        for (let k = 0; k < width; k++) cols[k]![i] = planValue(plan[k]!, f)
      }
      for (const values of cols) out.push(Object.freeze({ kind: 'numeric', values }))
    })
    return out
  },
})

/** An unfitted time-features step. */
export const timeFeatures = (
  params?: TimeFeaturesParams,
): ReturnType<typeof timeFeaturesKind.create> => timeFeaturesKind.create(params)
