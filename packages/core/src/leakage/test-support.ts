import { Frame, categoricalColumn, numericColumn, timestampColumn } from '../frame/index.js'
import { createRng } from '../random/index.js'

/** Options of {@link syntheticFlights}. */
export interface SyntheticFlightsOptions {
  readonly seed?: number
  readonly airports?: number
  readonly days?: number
  readonly flightsPerDay?: number
}

/**
 * A small flights-like table for leakage tests: per airport and UTC day a "storm" (15%) makes most
 * flights late (90% vs 5%), evening departures are a little later, distance is noise. Rows are
 * ordered by departure time. Columns: `flight_id`, `date` (departure, the prediction time),
 * `origin`, `hour`, `distance`, `late` (0/1).
 */
export const syntheticFlights = (options: SyntheticFlightsOptions = {}): Frame => {
  const rng = createRng(options.seed ?? 1)
  const airports = options.airports ?? 12
  const days = options.days ?? 90
  const perDay = options.flightsPerDay ?? 4
  const start = Date.UTC(2001, 0, 1)
  const rows: { t: number; origin: string; hour: number; distance: number; late: number }[] = []
  for (let d = 0; d < days; d++) {
    for (let a = 0; a < airports; a++) {
      const storm = rng.float() < 0.15
      for (let f = 0; f < perDay; f++) {
        const minute = 360 + rng.int(16 * 60)
        const hour = Math.floor(minute / 60)
        const p = (storm ? 0.9 : 0.05) + (hour >= 17 ? 0.05 : 0)
        rows.push({
          t: start + d * 86_400_000 + minute * 60_000,
          origin: `A${String(a).padStart(2, '0')}`,
          hour,
          distance: Math.round(200 + 1800 * rng.float()),
          late: rng.float() < p ? 1 : 0,
        })
      }
    }
  }
  rows.sort((x, y) => x.t - y.t || (x.origin < y.origin ? -1 : x.origin > y.origin ? 1 : 0))
  return Frame.fromColumns({
    flight_id: categoricalColumn(rows.map((_, i) => `F${i}`)),
    date: timestampColumn(rows.map((r) => r.t)),
    origin: categoricalColumn(rows.map((r) => r.origin)),
    hour: numericColumn(rows.map((r) => r.hour)),
    distance: numericColumn(rows.map((r) => r.distance)),
    late: numericColumn(rows.map((r) => r.late)),
  })
}

/** A time split by row order (rows are in time order): fractions of train and validation. */
export const timeSplit = (
  n: number,
  train = 0.7,
  validation = 0.15,
): { train: Int32Array; validation: Int32Array; test: Int32Array } => {
  const a = Math.round(n * train)
  const b = Math.round(n * (train + validation))
  const range = (s: number, e: number): Int32Array =>
    Int32Array.from({ length: e - s }, (_, i) => s + i)
  return { train: range(0, a), validation: range(a, b), test: range(b, n) }
}
