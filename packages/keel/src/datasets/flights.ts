/**
 * The US flights dataset (3M flights, January–June 2001), in the style of `sklearn.datasets`: where
 * the table is, how its raw rows become the columns a model learns from, and when a flight's outcome
 * becomes known. The project built on it is `examples/flights/keel.config.ts`, the one definition
 * `keel demo` runs.
 */
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { booleanColumn, KeelError, numericColumn, type Frame } from '@keel/core'
import type { LabelArrival } from '../replay/plan.js'

/** The npm package that ships the flights table (42 MB, so not a dependency of `keel` itself). */
export const FLIGHTS_PACKAGE = 'vega-datasets'

/** Resolves a package specifier to a file path, as `require.resolve` does. */
export type ModuleResolver = (specifier: string) => string

const isModuleNotFound = (e: unknown): boolean =>
  typeof e === 'object' && e !== null && (e as { code?: unknown }).code === 'MODULE_NOT_FOUND'

/**
 * The flights table that ships in the `vega-datasets` package, as an absolute path; throws
 * MISSING_DEPENDENCY with the install command when the package is not installed. `resolve` is
 * replaceable so a test can stand for a machine without the package.
 *
 * @example
 * sources: { flights: { path: flightsDataPath(), format: 'parquet' } }
 */
export const flightsDataPath = (
  resolve: ModuleResolver = createRequire(import.meta.url).resolve,
): string => {
  let entry: string
  try {
    entry = resolve(FLIGHTS_PACKAGE)
  } catch (e) {
    if (!isModuleNotFound(e)) throw e
    throw new KeelError(
      'MISSING_DEPENDENCY',
      `the flights dataset needs the "${FLIGHTS_PACKAGE}" package`,
      {
        hint: `npm install ${FLIGHTS_PACKAGE}`,
        details: { package: FLIGHTS_PACKAGE },
        cause: e,
      },
    )
  }
  // The package exports only its JS entry (build/index.js); the data folder sits beside build/.
  return join(dirname(entry), '..', 'data', 'flights-3m.parquet')
}

/**
 * Derive the label and calendar columns from raw flight rows (row-local, so it runs per chunk):
 * `late` = arrived more than 15 minutes late; departure minute of day, day of week and of month
 * (UTC, as the data is recorded).
 */
export const prepareFlights = (f: Frame): Frame => {
  const date = f.numeric('date')
  const delay = f.numeric('delay')
  const n = f.numRows
  const late = new Array<boolean | null>(n)
  const minute = new Float64Array(n)
  const dow = new Float64Array(n)
  const dom = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    const d = delay[i]!
    late[i] = Number.isNaN(d) ? null : d > 15
    const t = date[i]!
    if (Number.isNaN(t)) {
      minute[i] = dow[i] = dom[i] = NaN
      continue
    }
    const dt = new Date(t)
    minute[i] = dt.getUTCHours() * 60 + dt.getUTCMinutes()
    dow[i] = dt.getUTCDay()
    dom[i] = dt.getUTCDate()
  }
  return f.withColumns({
    late: booleanColumn(late),
    dep_minute: numericColumn(minute),
    day_of_week: numericColumn(dow),
    day_of_month: numericColumn(dom),
  })
}

const MINUTE = 60_000

/**
 * When a flight's label reaches the service: the aircraft lands — departure, 30 minutes of taxi
 * plus cruise at about 450 mph (7.5 miles a minute), shifted by the recorded arrival delay, never
 * sooner than 15 minutes after departure — and the arrival feed reports it 5 to 60 minutes later
 * (`u` in [0, 1) picks where in that range). So labels lag their predictions by one to several
 * hours, longest for long and late flights: the feedback loop the monitor measures.
 */
export const flightLabelTime = (
  departure: number,
  distanceMiles: number,
  delayMinutes: number,
  u: number,
): number => {
  const flying = 30 + distanceMiles / 7.5 + delayMinutes
  const landed = departure + Math.max(15, flying) * MINUTE
  return Math.round(landed + (5 + 55 * u) * MINUTE)
}

/**
 * The flights' label-arrival model for a replay ({@link flightLabelTime} on the prepared frame's
 * `distance` and `delay` columns).
 */
export const flightsLabelArrival: LabelArrival = {
  columns: ['distance', 'delay'],
  bind: (frame) => {
    const distance = frame.numeric('distance')
    const delay = frame.numeric('delay')
    return (row, time, u) => flightLabelTime(time, distance[row]!, delay[row]!, u)
  },
}
