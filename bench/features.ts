/**
 * Feature pipeline benchmark: fit and transform the flights feature pipeline on all 3 million rows
 * of `flights-3m.parquet` (read with DuckDB, not timed).
 *
 * Pipeline: cyclic hour of day + day of week (from the departure timestamp, UTC wall clock), log
 * distance, a hashed origin × destination route (2^18 buckets, hashed categorical), and the origin
 * target-encoded out-of-fold (5 folds) against late = delay > 15.
 *
 * Times are wall clock (`*_s`) and CPU time of this process (`*_cpu_s`); on a shared machine the
 * CPU figures are the meaningful ones, the wall-clock ones include time spent waiting for a core.
 *
 * - `fit_s`: `fitTransform` on all rows — the training path, out-of-fold encodings included, plus
 *   computing the label;
 * - `transform_s`: `transform` of all rows with the fitted pipeline — the batch-serving path;
 * - `one_row_p50_us`: median time to transform one row as a 1-row frame (the online path);
 * - `skew_rows_checked`: rows whose 1-row features were compared to the batch features (all equal,
 *   or the benchmark fails).
 *
 * Single process, one core; timings on a shared machine are noisy (±20% between runs is normal).
 *
 * Usage: npm run bench -- features [--rows N]
 */
import { DuckDBInstance } from '@duckdb/node-api'
import { Frame, numericColumn, timestampColumn } from '@keel/core'
import { createRng } from '@keel/core'
import {
  columnTransformer,
  hashCross,
  log1pTransform,
  targetEncoder,
  timeFeatures,
} from '@keel/core'
import { peakRssMb, report, round, timed } from './util.js'

const PARQUET = 'node_modules/vega-datasets/data/flights-3m.parquet'
const arg = process.argv.indexOf('--rows')
const limit = arg > 0 ? Number(process.argv[arg + 1]) : undefined

/** Stream the parquet in DuckDB chunks straight into typed arrays (strings → dictionary codes). */
const readFlights = async (): Promise<{ frame: Frame; delay: Float64Array }> => {
  const db = await DuckDBInstance.create(':memory:')
  const con = await db.connect()
  const where = limit ? ` LIMIT ${Math.trunc(limit)}` : ''
  const count = Number(
    (
      await con.runAndReadAll(`SELECT count(*) FROM (SELECT 1 FROM '${PARQUET}'${where})`)
    ).getColumns()[0]![0],
  )
  const result =
    await con.stream(`SELECT epoch_ms(date)::DOUBLE, delay::DOUBLE, distance::DOUBLE, origin, destination
      FROM '${PARQUET}'${where}`)
  const t = new Float64Array(count)
  const delay = new Float64Array(count)
  const distance = new Float64Array(count)
  const dict: string[] = []
  const index = new Map<string, number>()
  const code = (s: unknown): number => {
    if (typeof s !== 'string') return -1
    let k = index.get(s)
    if (k === undefined) {
      k = dict.length
      dict.push(s)
      index.set(s, k)
    }
    return k
  }
  const origin = new Int32Array(count)
  const destination = new Int32Array(count)
  let at = 0
  for (
    let chunk = await result.fetchChunk();
    chunk && chunk.rowCount > 0;
    chunk = await result.fetchChunk()
  ) {
    const [ct, cd, cdist, co, cdest] = chunk.getColumns()
    for (let i = 0; i < chunk.rowCount; i++, at++) {
      t[at] = (ct![i] as number | null) ?? NaN
      delay[at] = (cd![i] as number | null) ?? NaN
      distance[at] = (cdist![i] as number | null) ?? NaN
      origin[at] = code(co![i])
      destination[at] = code(cdest![i])
    }
  }
  con.closeSync()
  // Both airport columns share one dictionary (any code order works: encoders map by label).
  const airports = Object.freeze(dict)
  const frame = Frame.fromColumns({
    date: timestampColumn(t),
    distance: numericColumn(distance),
    origin: Object.freeze({ kind: 'categorical' as const, codes: origin, dictionary: airports }),
    destination: Object.freeze({
      kind: 'categorical' as const,
      codes: destination,
      dictionary: airports,
    }),
  })
  return { frame, delay }
}

/** Wall-clock and CPU seconds of `fn` (CPU time is what one core spends, whatever the machine load). */
const measured = <T>(fn: () => T): [T, number, number] => {
  const cpu0 = process.cpuUsage()
  const t0 = process.hrtime.bigint()
  const out = fn()
  const wall = Number(process.hrtime.bigint() - t0) / 1e9
  const cpu = process.cpuUsage(cpu0)
  return [out, wall, (cpu.user + cpu.system) / 1e6]
}

const [{ frame, delay }, readSeconds] = await timed(readFlights)
console.error(`read ${frame.numRows} rows in ${round(readSeconds, 2)} s (not timed)`)

const features = columnTransformer([
  {
    name: 'time',
    transformer: timeFeatures({ parts: ['dayOfWeek'], cyclic: ['hour'] }),
    columns: ['date'],
  },
  { name: 'distance', transformer: log1pTransform(), columns: ['distance'] },
  {
    name: 'route',
    transformer: hashCross({ buckets: 2 ** 18, name: 'route' }),
    columns: ['origin', 'destination'],
  },
  { name: 'origin_te', transformer: targetEncoder({ folds: 5 }), columns: ['origin'] },
])

const [{ fitted, output: train }, fitSeconds, fitCpu] = measured(() => {
  const y = new Float64Array(delay.length)
  for (let i = 0; i < y.length; i++) y[i] = delay[i]! > 15 ? 1 : 0
  return features.fitTransform(frame, { rng: createRng(2001), y, task: 'binary' })
})
const [served, transformSeconds, transformCpu] = measured(() => fitted.transform(frame))

// Skew check and one-row latency on a sample of rows.
const rng = createRng(7)
const latencies: number[] = []
const SAMPLE = 2000
for (let k = 0; k < SAMPLE; k++) {
  const i = rng.int(frame.numRows)
  const one = Frame.fromRows([frame.row(i)], {
    date: 'timestamp',
    distance: 'numeric',
    origin: 'categorical',
    destination: 'categorical',
  })
  const t0 = process.hrtime.bigint()
  const out = fitted.transform(one)
  latencies.push(Number(process.hrtime.bigint() - t0) / 1e3)
  const batchRow = served.row(i)
  const oneRow = out.row(0)
  for (const name of served.columnNames) {
    if (!Object.is(batchRow[name], oneRow[name])) {
      throw new Error(
        `skew: row ${i} column ${name}: batch ${String(batchRow[name])} vs one-row ${String(oneRow[name])}`,
      )
    }
  }
}
latencies.sort((a, b) => a - b)

console.error(`features: ${served.columnNames.join(', ')}`)
console.error(
  `route buckets seen in training: ${fitted.outputs.find((o) => o.name === 'route')?.categories?.length ?? 0}`,
)
console.error(`training output rows: ${train.numRows}; first row ${JSON.stringify(train.row(0))}`)

report({
  bench: 'features',
  rows: frame.numRows,
  fit_s: round(fitSeconds),
  transform_s: round(transformSeconds),
  fit_cpu_s: round(fitCpu),
  transform_cpu_s: round(transformCpu),
  rows_per_s: Math.round(frame.numRows / transformSeconds),
  peak_rss_mb: peakRssMb(),
  one_row_p50_us: round(latencies[Math.floor(SAMPLE / 2)]!, 1),
  one_row_p99_us: round(latencies[Math.floor(SAMPLE * 0.99)]!, 1),
  skew_rows_checked: SAMPLE,
})
