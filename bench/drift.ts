/**
 * Drift benchmark: every univariate test (KS with p-value, Wasserstein-1, PSI, Jensen–Shannon,
 * standardized mean difference) on 1M reference rows × 1M current rows × 100 numeric features.
 * Data are generated per feature from a seeded generator, so peak memory stays near two features'
 * worth per thread; generation time is reported apart and not counted.
 *
 * `seconds` counts sorting both samples plus the merge, bins and p-values. The reference sort is
 * also reported on its own because a monitor pays it once per bundle, not once per window. With
 * `workers` > 1, features are dealt round-robin to worker threads and `seconds` is the longest
 * worker's test time (the wall-clock critical path of the tests).
 *
 * Usage: npm run bench -- drift [rows=1000000] [features=100] [workers=1]
 */
import { spawnSync } from 'node:child_process'
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads'
import { compareNumericSorted, sortNumericSample } from '../packages/core/src/drift/index.js'
import { hasPython, peakRssMb, report, round } from './util.js'

interface Job {
  readonly rows: number
  readonly features: number
  readonly worker: number
  readonly workers: number
}

interface Totals {
  gen: number
  refSort: number
  curSort: number
  compare: number
  /** Process CPU seconds spent in the tests (meaningful with one thread; robust to a busy host). */
  cpu: number
  flagged: number
  expected: number
  peakRssMb: number
}

/** Fast seeded uniform generator for bulk data (mulberry32). */
const mulberry32 = (seed: number): (() => number) => {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Fill `out` with a feature's values: the shape cycles with the feature index. */
const generate = (out: Float64Array, feature: number, seed: number, drift: number): void => {
  const u = mulberry32(seed)
  const kind = feature % 4
  const shape = (z: number): number =>
    kind === 0
      ? 10 + 3 * z // normal
      : kind === 1
        ? Math.exp(0.8 * z) // lognormal, skewed
        : kind === 2
          ? Math.round(4 + 2 * z) // discrete, heavy ties
          : 1000 * (1 + Math.tanh(z)) // bounded, non-linear
  for (let i = 0; i < out.length; i += 2) {
    const r = Math.sqrt(-2 * Math.log(1 - u()))
    const t = 2 * Math.PI * u()
    out[i] = shape(r * Math.cos(t) + drift)
    if (i + 1 < out.length) out[i + 1] = shape(r * Math.sin(t) + drift)
  }
}

/** Every 10th feature drifts; the shift (in standard deviations) grows with the index. */
const driftOf = (f: number): number => (f % 10 === 9 ? 0.02 + 0.05 * Math.floor(f / 10) : 0)

const since = (t0: bigint): number => Number(process.hrtime.bigint() - t0) / 1e9

const runJob = (job: Job): Totals => {
  const ref = new Float64Array(job.rows)
  const cur = new Float64Array(job.rows)
  const t: Totals = {
    gen: 0,
    refSort: 0,
    curSort: 0,
    compare: 0,
    cpu: 0,
    flagged: 0,
    expected: 0,
    peakRssMb: 0,
  }
  for (let f = job.worker; f < job.features; f += job.workers) {
    let t0 = process.hrtime.bigint()
    generate(ref, f, 1000 + 2 * f, 0)
    generate(cur, f, 1001 + 2 * f, driftOf(f))
    t.gen += since(t0)
    const cpu0 = process.cpuUsage()
    t0 = process.hrtime.bigint()
    const r = sortNumericSample(ref)
    t.refSort += since(t0)
    t0 = process.hrtime.bigint()
    const c = sortNumericSample(cur)
    t.curSort += since(t0)
    t0 = process.hrtime.bigint()
    const d = compareNumericSorted(r.values, c.values)
    t.compare += since(t0)
    const cpu = process.cpuUsage(cpu0)
    t.cpu += (cpu.user + cpu.system) / 1e6
    if (driftOf(f) > 0) t.expected++
    if (d.ks.pValue < 0.05 / job.features && d.wassersteinNormalized >= 0.01) t.flagged++
  }
  t.peakRssMb = peakRssMb()
  return t
}

const runInWorker = (job: Job): Promise<Totals> =>
  new Promise((resolve, reject) => {
    // Workers do not inherit tsx's loader: register it before importing this file.
    const boot = `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(import.meta.url)}) })`
    const w = new Worker(boot, { eval: true, workerData: job })
    w.once('message', (m: Totals) => {
      resolve(m)
      void w.terminate()
    })
    w.once('error', reject)
  })

if (!isMainThread) {
  parentPort?.postMessage(runJob(workerData as Job))
} else {
  const rows = Number(process.argv[3] ?? 1_000_000)
  const features = Number(process.argv[4] ?? 100)
  const workers = Math.max(1, Number(process.argv[5] ?? 1))
  const jobs = Array.from({ length: workers }, (_, worker) => ({ rows, features, worker, workers }))
  const parts =
    workers === 1 ? [runJob(jobs[0]!)] : await Promise.all(jobs.map((j) => runInWorker(j)))
  const sum = (k: keyof Totals): number => parts.reduce((s, p) => s + p[k], 0)
  const testSeconds = Math.max(...parts.map((p) => p.refSort + p.curSort + p.compare))

  // Reference system: scipy's ks_2samp + wasserstein_distance on one feature of the same size.
  let scipyPerFeature: number | null = null
  if (hasPython('scipy')) {
    const code = [
      'import time, numpy as np',
      'from scipy import stats',
      `rng = np.random.default_rng(1); a = rng.normal(size=${rows}); b = rng.normal(0.02, 1, ${rows})`,
      't = time.perf_counter(); stats.ks_2samp(a, b); stats.wasserstein_distance(a, b)',
      'print(time.perf_counter() - t)',
    ].join('\n')
    const r = spawnSync('python3', ['-c', code], { encoding: 'utf8' })
    if (r.status === 0) scipyPerFeature = Number(r.stdout.trim())
  }

  console.log(
    `${features} features x ${rows} + ${rows} rows, ${workers} thread(s): tests ${testSeconds.toFixed(2)} s` +
      (workers === 1 ? ` (CPU ${sum('cpu').toFixed(2)} s)` : '') +
      '; ' +
      `summed over threads: sort reference ${sum('refSort').toFixed(2)} s, sort current ` +
      `${sum('curSort').toFixed(2)} s, merge + bins + p-values ${sum('compare').toFixed(2)} s, ` +
      `generation ${sum('gen').toFixed(2)} s; flagged ${sum('flagged')}/${sum('expected')} drifted features`,
  )
  if (scipyPerFeature !== null) {
    console.log(
      `scipy ks_2samp + wasserstein_distance: ${(scipyPerFeature * 1000).toFixed(0)} ms/feature ` +
        `(x${features} = ${(scipyPerFeature * features).toFixed(1)} s)`,
    )
  }
  report({
    bench: 'drift',
    rows,
    features,
    seconds: round(testSeconds, 2),
    cpuSeconds: workers === 1 ? round(sum('cpu'), 2) : null,
    workers,
    msPerFeature: round(((sum('refSort') + sum('curSort') + sum('compare')) / features) * 1000, 1),
    sortReferenceSeconds: round(sum('refSort'), 2),
    sortCurrentSeconds: round(sum('curSort'), 2),
    compareSeconds: round(sum('compare'), 2),
    generateSeconds: round(sum('gen'), 2),
    flagged: sum('flagged'),
    expectedDrifted: sum('expected'),
    scipySecondsPerFeature: scipyPerFeature === null ? null : round(scipyPerFeature, 3),
    peakRssMb: Math.max(peakRssMb(), ...parts.map((p) => p.peakRssMb)),
  })
}
