/**
 * Tracking benchmark: 30,000 runs × 50 params × 20 metrics (and 100 steps of every metric for 1,000
 * of them, 2M history rows) loaded into the metadata store, then searched. MLflow's SQL store took
 * over 15 minutes for `search_runs` at this size (mlflow#2730); the target here is < 1 s per search.
 *
 * Loading goes through the public `importRuns` (multi-row inserts, one transaction per 500 runs or
 * ~100k rows).
 * Searches, each after one warm-up and reported as the median of 5:
 *   - `search`: `metrics.auc > 0.7 AND tags.model = 'gbdt'`, top 100 by `metrics.auc DESC`, with the
 *     page's params, metrics and tags loaded (what a UI or `keel runs list` shows);
 *   - `top100`: the 100 best runs by a metric with no filter;
 *   - `page2`: the second page of `search` through its cursor.
 * SQLite runs in a temporary workspace; PostgreSQL (KEEL_TEST_POSTGRES_URL or the loopback default)
 * in a throw-away schema, skipped with a note when unreachable. Timings on a shared machine are noisy.
 *
 * Usage: npm run bench -- tracking [--runs 30000] [--no-postgres]
 */
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'kysely'
import {
  createTrackingStore,
  openMetadataStore,
  type ImportRunInput,
  type MetadataStore,
  type SearchRunsOptions,
} from 'keel/stores'
import { peakRssMb, report, round, timed } from './util.js'

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name)
  return i > 0 ? process.argv[i + 1] : undefined
}
const RUNS = Number(arg('--runs') ?? 30_000)
const STEPPED_RUNS = Math.min(1000, RUNS)
const PARAMS = 50
const METRICS = 20
const STEPS = 100
const BATCH = 500
const MODELS = ['gbdt', 'linear', 'forest'] as const

/** Seeded generator (mulberry32): the same population on every engine and every run. */
const generator = (seed: number): (() => number) => {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const metricName = (m: number): string => (m === 0 ? 'auc' : m === 1 ? 'logloss' : `metric_${m}`)

const makeRun = (i: number, rand: () => number): ImportRunInput => {
  const params: Record<string, number | string> = {}
  for (let p = 0; p < PARAMS; p++)
    params[`param_${p}`] = p % 3 === 0 ? `choice_${Math.floor(rand() * 5)}` : round(rand() * 100, 4)
  const stepped = i < STEPPED_RUNS
  const metrics = []
  for (let m = 0; m < METRICS; m++) {
    const final = m === 0 ? 0.5 + 0.45 * rand() : rand()
    if (stepped) {
      for (let s = 0; s < STEPS; s++)
        metrics.push({
          key: metricName(m),
          value: final * (0.5 + (0.5 * (s + 1)) / STEPS),
          step: s,
          timestamp: 1_700_000_000_000 + s,
        })
    } else {
      metrics.push({ key: metricName(m), value: final, step: 0, timestamp: 1_700_000_000_000 })
    }
  }
  return {
    experiment: i % 10 === 0 ? 'bench-tracking-b' : 'bench-tracking',
    name: `run-${i}`,
    params,
    tags: {
      model: MODELS[i % 3] as string,
      owner: `user_${i % 7}`,
      stage: i % 2 === 0 ? 'dev' : 'review',
    },
    status: 'finished',
    startTime: 1_700_000_000_000 + i * 1000,
    endTime: 1_700_000_000_000 + i * 1000 + 500,
    metrics,
  }
}

const median = (xs: number[]): number =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number

interface EngineResult {
  load_s: number
  search_s: number
  top100_s: number
  page2_s: number
  matched_on_page: number
}

const benchEngine = async (label: string, metadata: MetadataStore): Promise<EngineResult> => {
  const tracking = createTrackingStore(metadata)
  const rand = generator(42)
  let loaded = 0
  const [, load] = await timed(async () => {
    let batch: ImportRunInput[] = []
    let rows = 0
    for (let i = 0; i < RUNS; i++) {
      const run = makeRun(i, rand)
      batch.push(run)
      rows += (run.metrics?.length ?? 0) + PARAMS
      // At most 500 runs or ~100k rows per transaction, so memory stays flat.
      if (batch.length === BATCH || rows >= 100_000 || i === RUNS - 1) {
        await tracking.importRuns(batch)
        loaded += batch.length
        batch = []
        rows = 0
        if (loaded % 5000 === 0) console.error(`${label}: loaded ${loaded} runs`)
      }
    }
  })
  console.error(`${label}: load ${round(load, 1)} s`)
  const measure = async (options: SearchRunsOptions): Promise<[number, number]> => {
    let count = 0
    const times: number[] = []
    for (let k = 0; k < 6; k++) {
      const [page, t] = await timed(() => tracking.searchRuns(options))
      count = page.runs.length
      if (k > 0) times.push(t)
    }
    return [median(times), count]
  }
  const search: SearchRunsOptions = {
    experiment: 'bench-tracking',
    filter: "metrics.auc > 0.7 AND tags.model = 'gbdt'",
    orderBy: 'metrics.auc DESC',
    limit: 100,
  }
  const [searchS, matched] = await measure(search)
  const [top100S] = await measure({ orderBy: 'metrics.logloss ASC', limit: 100 })
  const first = await tracking.searchRuns(search)
  const [page2S] = await measure({
    ...search,
    ...(first.nextCursor ? { cursor: first.nextCursor } : {}),
  })
  console.error(
    `${label}: search ${round(searchS, 4)} s (${matched} runs on the page), top100 ${round(top100S, 4)} s, page 2 ${round(page2S, 4)} s`,
  )
  return {
    load_s: round(load, 2),
    search_s: round(searchS, 4),
    top100_s: round(top100S, 4),
    page2_s: round(page2S, 4),
    matched_on_page: matched,
  }
}

const figures: Record<string, unknown> = { bench: 'tracking', runs: RUNS }

const dir = mkdtempSync(join(tmpdir(), 'keel-bench-tracking-'))
try {
  const sqlite = await openMetadataStore({ dir })
  const s = await benchEngine('sqlite', sqlite)
  await sqlite.close()
  figures.sqlite_search_s = s.search_s
  figures.sqlite_top100_s = s.top100_s
  figures.sqlite_page2_s = s.page2_s
  figures.sqlite_load_s = s.load_s
  figures.sqlite_db_mb = Math.round(statSync(join(dir, '.keel', 'keel.db')).size / 1048576)
  figures.matched_on_page = s.matched_on_page
} finally {
  rmSync(dir, { recursive: true, force: true })
}

const url = process.env.KEEL_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
if (process.argv.includes('--no-postgres')) {
  figures.postgres_search_s = null
} else {
  const schema = `keel_bench_${randomBytes(4).toString('hex')}`
  let pg: MetadataStore | undefined
  try {
    pg = await openMetadataStore({ url, schema, connectTimeoutMs: 3000 })
    const p = await benchEngine('postgres', pg)
    figures.postgres_search_s = p.search_s
    figures.postgres_top100_s = p.top100_s
    figures.postgres_page2_s = p.page2_s
    figures.postgres_load_s = p.load_s
  } catch (e) {
    console.error(`postgres skipped: ${e instanceof Error ? e.message : String(e)}`)
    figures.postgres_search_s = null
  } finally {
    if (pg) {
      await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(pg.db)
      await pg.close()
    }
  }
}
figures.metric_history_rows = STEPPED_RUNS * METRICS * STEPS + (RUNS - STEPPED_RUNS) * METRICS
figures.peak_rss_mb = peakRssMb()
report(figures)
