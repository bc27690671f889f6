/**
 * Ingest benchmark: read flights-3m.parquet (3M rows × 5 columns: timestamp, 2 numeric,
 * 2 categorical) into a Frame with DuckDB, then profile it (counts, moments, quantiles, distinct
 * counts, top categories, histograms). Also timed: the streaming pass `scanSource` (read + profile +
 * fingerprint chunk by chunk, as `keel data profile` runs it), and DuckDB's own `SUMMARIZE` of the
 * file as a reference point (multi-threaded C++, fewer statistics).
 *
 * Usage: npm run bench -- ingest [path]
 * Target: profile of 3M rows × 5 columns under 3 s. Timings on a shared machine are noisy.
 */
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

// The data layer imports `@keel/core`; resolve it to the sources (not a possibly stale build) by
// re-running this benchmark with the test tsconfig's path mapping.
if (!process.env['TSX_TSCONFIG_PATH']) {
  const tsconfig = fileURLToPath(new URL('../tsconfig.test.json', import.meta.url))
  const run = spawnSync(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, TSX_TSCONFIG_PATH: tsconfig },
  })
  process.exit(run.status ?? 1)
}

const { profileFrame } = await import('@keel/core')
const { readFrame, scanSource } = await import('keel')
const { peakRssMb, report, round, timed } = await import('./util.js')

const path =
  process.argv[3] ??
  fileURLToPath(new URL('../node_modules/vega-datasets/data/flights-3m.parquet', import.meta.url))

/** CPU seconds of this process (all threads) spent in `fn`: steadier than wall time on a busy machine. */
const cpu = async <T>(fn: () => Promise<[T, number]>): Promise<[T, number, number]> => {
  const before = process.cpuUsage()
  const [out, wall] = await fn()
  const used = process.cpuUsage(before)
  return [out, wall, (used.user + used.system) / 1e6]
}

const [frame, ingest, ingestCpu] = await cpu(() => timed(() => readFrame({ path })))
const rssAfterIngest = peakRssMb()
const [profile, profileSeconds, profileCpu] = await cpu(() => timed(() => profileFrame(frame)))
console.log(
  `read ${frame.numRows} rows × ${frame.numColumns} columns in ${round(ingest)} s (cpu ${round(ingestCpu)} s, DuckDB threads included)`,
)
console.log(`profiled in ${round(profileSeconds)} s (cpu ${round(profileCpu)} s)`)
for (const c of profile.columns)
  console.log(
    `  ${c.name.padEnd(12)} ${c.kind.padEnd(12)} distinct ${c.distinct.exact ? '' : '≈'}${c.distinct.value}`,
  )

const [scan, scanSeconds] = await timed(() =>
  scanSource({ path }, { profile: true, fingerprint: true }),
)
console.log(
  `streamed read + profile + fingerprint in ${round(scanSeconds)} s (fingerprint ${scan.fingerprint!.fingerprint.slice(0, 16)}…)`,
)

const { DuckDBInstance } = await import('@duckdb/node-api')
const db = await DuckDBInstance.create(':memory:')
const conn = await db.connect()
const [, summarize] = await timed(() =>
  conn.runAndReadAll('SUMMARIZE SELECT * FROM read_parquet($1)', { 1: path }),
)
conn.closeSync()
db.closeSync()
console.log(`DuckDB SUMMARIZE (reference) in ${round(summarize)} s`)

report({
  bench: 'ingest',
  rows: frame.numRows,
  ingest_s: round(ingest),
  profile_s: round(profileSeconds),
  peak_rss_mb: peakRssMb(),
  ingest_cpu_s: round(ingestCpu),
  profile_cpu_s: round(profileCpu),
  scan_s: round(scanSeconds),
  duckdb_summarize_s: round(summarize),
  rss_after_ingest_mb: rssAfterIngest,
})
