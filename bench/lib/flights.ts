/**
 * The flights data of the tree benchmarks, prepared once into a temporary directory: train on
 * January–May 2001, test on June; features minute of day, day of week, day of month, distance,
 * origin and destination; label: arrival delay > 15 minutes. One Float64 file per column and
 * split (origin and destination as integer codes into `meta.dictionary`), so reference systems in
 * Python read exactly the same numbers. The layout is the GBDT benchmark's (same directory).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { categoricalFromCodes, Frame, numericColumn } from '@keel/core'

/** Feature columns, in file and model order. */
export const FEATURES = ['minute', 'dow', 'dom', 'distance', 'origin', 'destination'] as const

/** Features given to Keel as native categoricals (as integer codes to Python). */
export const CATEGORICAL = new Set(['origin', 'destination'])

/** Where the prepared columns live. */
export const DIR = join(tmpdir(), 'keel-bench-gbdt')

/** Sizes of the splits and the airport dictionary. */
export interface FlightsMeta {
  train: number
  test: number
  dictionary: string[]
}

/** Query the parquet file with DuckDB and write one Float64 file per column and split. */
const prepare = async (): Promise<FlightsMeta> => {
  const { DuckDBInstance } = await import('@duckdb/node-api')
  // Loaded here, not at the top: the fitting child reads the cached columns and should not carry
  // the whole platform in its heap (about 25 MB, and about 10% of the GBDT's fit time in GC).
  const { flightsDataPath } = await import('keel')
  const db = await DuckDBInstance.create(':memory:')
  const c = await db.connect()
  const src = `'${flightsDataPath().replaceAll("'", "''")}'`
  await c.run(`CREATE TABLE f AS SELECT * FROM ${src} WHERE month(date) <= 6`)
  await c.run(`CREATE TABLE d AS SELECT code, (row_number() OVER (ORDER BY code) - 1)::INTEGER id
    FROM (SELECT origin code FROM f UNION SELECT destination FROM f)`)
  const dict = (
    await c.runAndReadAll('SELECT code FROM d ORDER BY id')
  ).getColumnsJS()[0] as string[]
  mkdirSync(DIR, { recursive: true })
  const meta: FlightsMeta = { train: 0, test: 0, dictionary: dict }
  for (const [split, where] of [
    ['train', 'month(date) <= 5'],
    ['test', 'month(date) = 6'],
  ] as const) {
    const r = await c.runAndReadAll(`SELECT
        (hour(date) * 60 + minute(date))::DOUBLE AS "minute", isodow(date)::DOUBLE dow,
        day(date)::DOUBLE dom, distance::DOUBLE distance,
        o.id::DOUBLE origin, t.id::DOUBLE destination, (delay > 15)::DOUBLE late
      FROM f JOIN d o ON o.code = f.origin JOIN d t ON t.code = f.destination
      WHERE ${where} ORDER BY date, f.origin, f.destination, distance, delay`)
    const cols = r.getColumnsJS() as number[][]
    meta[split] = cols[0]!.length
    ;[...FEATURES, 'late'].forEach((name, j) => {
      writeFileSync(join(DIR, `${split}.${name}.f64`), Float64Array.from(cols[j]!))
    })
  }
  writeFileSync(join(DIR, 'meta.json'), JSON.stringify(meta))
  return meta
}

/** The prepared data's metadata, preparing it first when absent (or when `fresh`). */
export const flightsMeta = async (fresh = false): Promise<FlightsMeta> =>
  existsSync(join(DIR, 'meta.json')) && !fresh
    ? (JSON.parse(readFileSync(join(DIR, 'meta.json'), 'utf8')) as FlightsMeta)
    : await prepare()

/** One prepared column. */
export const readColumn = (split: string, name: string): Float64Array => {
  const b = readFileSync(join(DIR, `${split}.${name}.f64`))
  return new Float64Array(b.buffer, b.byteOffset, b.byteLength / 8)
}

/** A split as a Keel frame (origin and destination categorical) and its labels. */
export const flightsFrame = (
  split: string,
  meta: FlightsMeta,
  rows?: Int32Array,
): { X: Frame; y: Float64Array } => {
  const pick = (v: Float64Array): Float64Array => (rows ? Float64Array.from(rows, (r) => v[r]!) : v)
  const X = Frame.fromColumns(
    Object.fromEntries(
      FEATURES.map((name) => {
        const v = pick(readColumn(split, name))
        return [
          name,
          CATEGORICAL.has(name)
            ? categoricalFromCodes(Int32Array.from(v), meta.dictionary)
            : numericColumn(v),
        ]
      }),
    ),
  )
  return { X, y: pick(readColumn(split, 'late')) }
}
