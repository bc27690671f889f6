/**
 * Point-in-time join benchmark: the 3M flights of `flights-3m.parquet` as entity rows (origin,
 * departure time), joined as of known time to a 3M-row feature table keyed by the 229 airports.
 *
 * The feature table is generated deterministically from the flights (not timed): one row per
 * flight, keyed by its origin, event time = departure, known time = event + a lag of 0–6 h taken
 * from a hash of the row number (so many values arrive late and the order of availability differs
 * from the order of event time), a numeric feature (the delay) and a categorical one (the
 * destination); TTL 1 day. Written to Parquet, as a file-backed feature view would read it.
 *
 * In the same run, the same answer three ways:
 * - `keel_*`: `lookupView` — the view's Parquet source and the entity rows (typed arrays in this
 *   process) into DuckDB, the changelog + ASOF join, the result back into JS arrays;
 *   `historical_*`: the same through `getHistoricalFeatures` (a Frame in, a Frame out);
 * - `duckdb_*`: the same join hand-written as one DuckDB SQL statement over the two Parquet files
 *   (entity rows read from the flights file), its result kept in a DuckDB table. It is the best
 *   plan known (the one Keel runs): the textbook version — a running maximum of
 *   STRUCT(event, known, ord) partitioned by key — gives the same answer in about 3× the time;
 *   ratio_duckdb therefore measures Keel's own overhead (entity rows in, results out);
 * - `pandas_*` (when `/usr/bin/python3` has pandas): the per-key cumulative-max changelog and
 *   `merge_asof`, on DataFrames already in memory (reading them is not timed).
 * All three agree on every row of a sample (event time and delay), or the benchmark fails.
 *
 * Times are wall clock (`*_s`) and CPU seconds of the process (`*_cpu_s`, all threads); on a
 * shared machine the CPU figures are the meaningful ones. ratio_duckdb = keel / duckdb (CPU),
 * ratio_pandas = keel / pandas (CPU).
 *
 * Usage: npm run bench -- feature-join [--rows N]
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DuckDBInstance } from '@duckdb/node-api'
import { categoricalColumn, Frame, timestampColumn } from '@keel/core'
import { flightsDataPath, getHistoricalFeatures, lookupView, resolveFeatureStore } from 'keel'
import { hasPython, peakRssMb, PYTHON, report, round } from './util.js'

const arg = process.argv.indexOf('--rows')
const rows = arg > 0 ? Math.trunc(Number(process.argv[arg + 1])) : 3_000_000
const SAMPLE = 2000
const TTL_MS = 86_400_000

const dir = mkdtempSync(join(tmpdir(), 'keel-bench-feature-join-'))
const flights = `'${flightsDataPath().replaceAll("'", "''")}'`
const featuresFile = join(dir, 'features.parquet')

/** Wall and CPU seconds of an async step. */
const measure = async <T>(fn: () => Promise<T>): Promise<{ value: T; s: number; cpu: number }> => {
  const t0 = performance.now()
  const c0 = process.cpuUsage()
  const value = await fn()
  const c = process.cpuUsage(c0)
  return { value, s: (performance.now() - t0) / 1000, cpu: (c.user + c.system) / 1e6 }
}

// ---- data (not timed) --------------------------------------------------------------------------
const db = await DuckDBInstance.create(':memory:')
const con = await db.connect()
await con.run(
  `CREATE TABLE flights AS SELECT (row_number() OVER () - 1)::INTEGER AS i, origin, date, delay, destination FROM (SELECT * FROM ${flights} LIMIT ${rows})`,
)
await con.run(`COPY (
  SELECT origin AS airport, date AS event_time,
    date + to_milliseconds((hash(i::BIGINT * 7919 + 13) % 21600000)::BIGINT) AS known_time,
    delay::DOUBLE AS delay, destination AS dest
  FROM flights ORDER BY i
) TO '${featuresFile}' (FORMAT parquet)`)
const entity = await con.runAndReadAll(
  'SELECT origin, epoch_ms(date)::DOUBLE AS t FROM flights ORDER BY i',
)
const [originCol, tCol] = entity.getColumnsJS() as [string[], number[]]
const keys = originCol
const times = Float64Array.from(tCol)
const n = keys.length

const store = resolveFeatureStore({
  entities: [{ name: 'airport', joinKey: 'airport', valueType: 'string' }],
  featureViews: [
    {
      name: 'airport_delays',
      source: { path: featuresFile, format: 'parquet' },
      entity: 'airport',
      eventTime: 'event_time',
      knownTime: 'known_time',
      ttl: `${TTL_MS}ms`,
      features: [
        { name: 'delay', kind: 'numeric' },
        { name: 'dest', kind: 'categorical' },
      ],
      aggregations: [],
    },
  ],
  featureServices: [
    {
      name: 'delays',
      views: [{ view: 'airport_delays', key: 'origin' }],
      onDemand: [],
      onStatus: { null: 'missing', not_found: 'missing', outside_ttl: 'missing' },
    },
  ],
})
const view = store.views.get('airport_delays')!

// ---- (i) Keel ----------------------------------------------------------------------------------
const keel = await measure(() => lookupView(view, keys, times))
const found = keel.value
let present = 0
for (let i = 0; i < n; i++) if (found.status[i] === 0) present++

// The same through the service API: entity rows as a Frame in, a Frame with the features out.
const entityFrame = Frame.fromColumns({
  origin: categoricalColumn(keys),
  departure: timestampColumn(times),
})
const historical = await measure(() =>
  getHistoricalFeatures(store, entityFrame, { service: 'delays', timeColumn: 'departure' }),
)

// ---- (ii) the same join hand-written in DuckDB ---------------------------------------------------
const handSql = `CREATE OR REPLACE TABLE hand AS
WITH f AS (
  SELECT airport, epoch_ms(event_time)::DOUBLE AS e, epoch_ms(known_time)::DOUBLE AS k,
    file_row_number AS o, delay, dest
  FROM read_parquet('${featuresFile}', file_row_number = true)
),
keys AS (SELECT airport, (row_number() OVER () - 1)::INTEGER AS code FROM (SELECT DISTINCT airport FROM f)),
ranked AS (
  SELECT keys.code, greatest(e, k) AS a, row_number() OVER (ORDER BY e, k, o) AS rank, o
  FROM f JOIN keys USING (airport)
),
g AS (SELECT code, a, max(rank) AS m FROM ranked GROUP BY ALL),
cl AS (
  SELECT code, a,
    max((code::BIGINT << 32) | m) OVER (ORDER BY code, a ROWS UNBOUNDED PRECEDING) & 4294967295 AS best
  FROM g
),
q AS (SELECT i, keys.code, epoch_ms(date)::DOUBLE AS t FROM flights JOIN keys ON flights.origin = keys.airport),
hit AS (SELECT q.i, q.t, cl.best FROM q ASOF JOIN cl ON q.code = cl.code AND q.t >= cl.a)
SELECT hit.i, f.e, CASE WHEN hit.t < f.e + ${TTL_MS} THEN f.delay END AS delay,
  CASE WHEN hit.t < f.e + ${TTL_MS} THEN f.dest END AS dest
FROM hit JOIN ranked ON ranked.rank = hit.best JOIN f ON f.o = ranked.o`
const duck = await measure(() => con.run(handSql))

// ---- (iii) pandas ------------------------------------------------------------------------------
const pandas = hasPython('pandas')
let pandasFigures: { s: number; cpu: number } | undefined
let pandasEvent: Float64Array | undefined
let pandasDelay: Float64Array | undefined
if (pandas) {
  // Columns as raw binaries for numpy (no parquet engine needed): keys as codes.
  const fr = await con.runAndReadAll(
    `SELECT airport, epoch_ms(event_time)::DOUBLE, epoch_ms(known_time)::DOUBLE, delay FROM '${featuresFile}'`,
  )
  const [fk, fe, fkn, fd] = fr.getColumnsJS() as [string[], number[], number[], (number | null)[]]
  const codes = new Map<string, number>()
  const code = (s: string | null) => {
    if (s === null) return -1
    let c = codes.get(s)
    if (c === undefined) codes.set(s, (c = codes.size))
    return c
  }
  writeFileSync(join(dir, 'q_key.i32'), Int32Array.from(keys, code))
  writeFileSync(join(dir, 'q_t.f64'), times)
  writeFileSync(join(dir, 'f_key.i32'), Int32Array.from(fk, code))
  writeFileSync(join(dir, 'f_e.f64'), Float64Array.from(fe))
  writeFileSync(join(dir, 'f_k.f64'), Float64Array.from(fkn))
  writeFileSync(
    join(dir, 'f_delay.f64'),
    Float64Array.from(fd, (x) => x ?? NaN),
  )
  const script = `
import json, sys, time
import numpy as np, pandas as pd
d = sys.argv[1]; ttl = float(sys.argv[2])
rd = lambda n, t: np.fromfile(f"{d}/{n}", dtype=t)
q = pd.DataFrame({"key": rd("q_key.i32", np.int32), "t": rd("q_t.f64", np.float64)})
q["i"] = np.arange(len(q))
f = pd.DataFrame({"key": rd("f_key.i32", np.int32), "e": rd("f_e.f64", np.float64),
                  "k": rd("f_k.f64", np.float64), "delay": rd("f_delay.f64", np.float64)})
f["o"] = np.arange(len(f))
w0, c0 = time.perf_counter(), time.process_time()
# Rank rows by (event, known, order): the winner among candidates is the greatest rank.
f["rank"] = np.lexsort((f["o"].to_numpy(), f["k"].to_numpy(), f["e"].to_numpy())).argsort()
f["a"] = np.maximum(f["e"], f["k"])
cl = f.sort_values(["a", "rank"], kind="stable")
cl = cl.assign(best=cl.groupby("key")["rank"].cummax())
cl = cl.drop_duplicates(["key", "a"], keep="last")[["key", "a", "best"]]
by_rank = f.set_index("rank")
m = pd.merge_asof(q.sort_values("t", kind="stable"), cl, left_on="t", right_on="a", by="key",
                  direction="backward", allow_exact_matches=True)
ok = m["best"].notna()
won = by_rank.loc[m.loc[ok, "best"].astype(np.int64)]
e = np.full(len(m), np.nan); e[ok.to_numpy()] = won["e"].to_numpy()
delay = np.full(len(m), np.nan); delay[ok.to_numpy()] = won["delay"].to_numpy()
delay[~(m["t"].to_numpy() < e + ttl)] = np.nan
order = m["i"].to_numpy()
out_e = np.empty(len(q)); out_e[order] = e
out_d = np.empty(len(q)); out_d[order] = delay
w, c = time.perf_counter() - w0, time.process_time() - c0
out_e.tofile(f"{d}/p_e.f64"); out_d.tofile(f"{d}/p_delay.f64")
print(json.dumps({"s": w, "cpu": c}))
`
  const run = spawnSync(PYTHON, ['-c', script, dir, String(TTL_MS)], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  })
  if (run.status !== 0) throw new Error(`pandas failed: ${run.stderr}`)
  pandasFigures = JSON.parse(run.stdout.trim().split('\n').pop()!) as { s: number; cpu: number }
  const f64 = (name: string) => {
    const b = readFileSync(join(dir, name))
    return new Float64Array(b.buffer, b.byteOffset, b.byteLength / 8)
  }
  pandasEvent = f64('p_e.f64')
  pandasDelay = f64('p_delay.f64')
}

// ---- agreement on a sample ---------------------------------------------------------------------
const sample = Array.from({ length: Math.min(SAMPLE, n) }, (_, j) =>
  Math.floor((j * 2654435761) % n),
)
const handRows = (
  await con.runAndReadAll(`SELECT i, e, delay FROM hand WHERE i IN (${sample.join(',')})`)
).getRowsJS() as [number, number, number | null][]
const hand = new Map(handRows.map(([i, e, d]) => [Number(i), { e, d }]))
const same = (a: number | null | undefined, b: number | null | undefined) =>
  (a === null || a === undefined || Number.isNaN(a)) ===
    (b === null || b === undefined || Number.isNaN(b)) &&
  (a === null || a === undefined || Number.isNaN(a) || a === b)
let mismatches = 0
for (const i of sample) {
  const ke = Number.isNaN(found.eventTime[i]!) ? null : found.eventTime[i]!
  const kd = found.values['delay']![i] as number | null
  const h = hand.get(i)
  if (!same(ke, h?.e ?? null) || !same(kd, h?.d ?? null)) mismatches++
  if (pandasEvent && pandasDelay && (!same(ke, pandasEvent[i]) || !same(kd, pandasDelay[i]))) {
    mismatches++
  }
}
rmSync(dir, { recursive: true, force: true })
if (mismatches > 0) throw new Error(`the three joins disagree on ${mismatches} sampled rows`)

console.log(
  `feature-join: ${n} entity rows × ${n} feature rows; keel ${round(keel.s)} s (${round(keel.cpu)} CPU s), duckdb ${round(duck.s)} s (${round(duck.cpu)} CPU s)` +
    (pandasFigures
      ? `, pandas ${round(pandasFigures.s)} s (${round(pandasFigures.cpu)} CPU s)`
      : ', pandas not installed'),
)
report({
  bench: 'feature-join',
  rows: n,
  feature_rows: n,
  present: present,
  keel_s: round(keel.s),
  keel_cpu_s: round(keel.cpu),
  historical_s: round(historical.s),
  historical_cpu_s: round(historical.cpu),
  duckdb_s: round(duck.s),
  duckdb_cpu_s: round(duck.cpu),
  pandas_s: pandasFigures ? round(pandasFigures.s) : null,
  pandas_cpu_s: pandasFigures ? round(pandasFigures.cpu) : null,
  sample_checked: sample.length,
  peak_rss_mb: peakRssMb(),
  ratio_duckdb: round(keel.cpu / duck.cpu),
  ratio_pandas: pandasFigures ? round(keel.cpu / pandasFigures.cpu) : null,
})
