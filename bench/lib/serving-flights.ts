/**
 * What the serving benchmarks (`serving`, `soak`, `bundle-load`) serve: flights as single-row model
 * inputs (hour and day of week from the departure time, distance, origin, destination) and a binary
 * GBDT bundle over them, built the same way in each so their numbers compare.
 */
import {
  createGbdt,
  createRng,
  Frame,
  ModelBundle,
  pinInputFields,
  type GbdtParamsInput,
} from '@keel/core'

/** The flights table in the `vega-datasets` package, installed at the workspace root. */
export const FLIGHTS_PARQUET = 'node_modules/vega-datasets/data/flights-3m.parquet'

/** The served model's inputs and their kinds. */
export const SERVING_FEATURES = {
  hour: 'numeric',
  dow: 'numeric',
  distance: 'numeric',
  origin: 'categorical',
  destination: 'categorical',
} as const

/** Flights `offset … offset + limit` as model inputs, with their late labels (delay > 15 min). */
export const flightRows = async (
  offset: number,
  limit: number,
): Promise<{ rows: Record<string, unknown>[]; late: number[] }> => {
  // Loaded here, not at the top: `bundle-load` uses this module without the platform loaded.
  const { readFrame } = await import('keel')
  const f = await readFrame(
    { path: FLIGHTS_PARQUET },
    { columns: ['date', 'delay', 'distance', 'origin', 'destination'], limit: offset + limit },
  )
  const date = f.numeric('date')
  const delay = f.numeric('delay')
  const distance = f.numeric('distance')
  const origin = f.categorical('origin')
  const dest = f.categorical('destination')
  const rows: Record<string, unknown>[] = []
  const late: number[] = []
  for (let i = offset; i < f.numRows; i++) {
    const d = new Date(date[i]!)
    rows.push({
      hour: d.getUTCHours(),
      dow: d.getUTCDay(),
      distance: distance[i],
      origin: origin.dictionary[origin.codes[i]!],
      destination: dest.dictionary[dest.codes[i]!],
    })
    late.push(delay[i]! > 15 ? 1 : 0)
  }
  return { rows, late }
}

/** A binary GBDT bundle named `flights` fitted on `rows` / `late` with a fixed seed. */
export const flightsBundle = (
  rows: readonly Record<string, unknown>[],
  late: readonly number[],
  params: GbdtParamsInput,
  seed: number,
): ModelBundle => {
  const X = Frame.fromRows(rows as Record<string, unknown>[], SERVING_FEATURES)
  const model = createGbdt(params).fit(
    { X, y: Float64Array.from(late), task: 'binary', classes: ['on_time', 'late'] },
    { rng: createRng(seed) },
  )
  return ModelBundle.create({
    name: 'flights',
    task: 'binary',
    label: { column: 'late', classes: ['on_time', 'late'] },
    inputs: pinInputFields(X, Object.keys(SERVING_FEATURES)),
    model,
  })
}
