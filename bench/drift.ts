/**
 * Drift benchmark: every univariate numeric test (KS with p-value, Wasserstein-1, PSI,
 * Jensen–Shannon, standardized mean difference, missing rates) on 1M reference rows × 1M current
 * rows × 100 numeric features — the work of Evidently's data-drift preset on numeric columns (KS
 * or Wasserstein per column, plus PSI and JS), without its HTML. Data are generated per feature
 * from a seeded generator, so peak memory stays near two features' worth per thread; generation
 * time is reported apart and not counted.
 *
 * A monitor prepares the training reference once (`prepareNumericReference`: one sort, moments,
 * bins) and then checks window after window against it, so `seconds` counts one check of the
 * current window against the prepared reference: sorting the current sample, the merge, the bins
 * and the p-values. Preparing the reference is timed apart (`prepareReferenceSeconds`), and
 * `coldSeconds` is both together (a one-off comparison of two raw samples). With `workers` > 1,
 * features are dealt round-robin to worker threads and each figure is the longest worker's time
 * (the wall-clock critical path).
 *
 * Usage: npm run bench -- drift [rows=1000000] [features=100] [workers=1]
 */
import { spawnSync } from 'node:child_process'
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads'
import { compareNumericToPrepared, prepareNumericReference } from '@keel/core'
import { hasPython, peakRssMb, PYTHON, report, round } from './util.js'

interface Job {
  readonly rows: number
  readonly features: number
  readonly worker: number
  readonly workers: number
}

interface Totals {
  gen: number
  /** Preparing the reference (sort, moments, bins), paid once per bundle. */
  prepare: number
  /** Checking the current window against the prepared reference (sort, merge, bins, p-values). */
  check: number
  /** This thread's CPU seconds in the checks alone and in preparing the references. */
  checkCpu: number
  prepareCpu: number
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
    prepare: 0,
    check: 0,
    checkCpu: 0,
    prepareCpu: 0,
    flagged: 0,
    expected: 0,
    peakRssMb: 0,
  }
  for (let f = job.worker; f < job.features; f += job.workers) {
    let t0 = process.hrtime.bigint()
    generate(ref, f, 1000 + 2 * f, 0)
    generate(cur, f, 1001 + 2 * f, driftOf(f))
    t.gen += since(t0)
    // process.cpuUsage counts every thread; with workers, each one's share is its wall time.
    let cpu0 = process.cpuUsage()
    t0 = process.hrtime.bigint()
    const prepared = prepareNumericReference(ref)
    t.prepare += since(t0)
    let cpu = process.cpuUsage(cpu0)
    t.prepareCpu += (cpu.user + cpu.system) / 1e6
    cpu0 = process.cpuUsage()
    t0 = process.hrtime.bigint()
    const d = compareNumericToPrepared(prepared, cur)
    t.check += since(t0)
    cpu = process.cpuUsage(cpu0)
    t.checkCpu += (cpu.user + cpu.system) / 1e6
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
  const longest = (k: keyof Totals): number => Math.max(...parts.map((p) => p[k]))
  const checkSeconds = longest('check')
  const coldSeconds = Math.max(...parts.map((p) => p.check + p.prepare))

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
    const r = spawnSync(PYTHON, ['-c', code], { encoding: 'utf8' })
    if (r.status === 0) scipyPerFeature = Number(r.stdout.trim())
  }

  console.log(
    `${features} features x ${rows} + ${rows} rows, ${workers} thread(s): check ${checkSeconds.toFixed(2)} s` +
      (workers === 1 ? ` (CPU ${sum('checkCpu').toFixed(2)} s)` : '') +
      `; preparing the references ${longest('prepare').toFixed(2)} s` +
      (workers === 1 ? ` (CPU ${sum('prepareCpu').toFixed(2)} s)` : '') +
      `; cold (both) ${coldSeconds.toFixed(2)} s; generation ${sum('gen').toFixed(2)} s; ` +
      `flagged ${sum('flagged')}/${sum('expected')} drifted features`,
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
    seconds: round(checkSeconds, 2),
    cpuSeconds: workers === 1 ? round(sum('checkCpu'), 2) : null,
    workers,
    msPerFeature: round((sum('check') / features) * 1000, 1),
    prepareReferenceSeconds: round(longest('prepare'), 2),
    prepareReferenceCpuSeconds: workers === 1 ? round(sum('prepareCpu'), 2) : null,
    coldSeconds: round(coldSeconds, 2),
    generateSeconds: round(sum('gen'), 2),
    flagged: sum('flagged'),
    expectedDrifted: sum('expected'),
    scipySecondsPerFeature: scipyPerFeature === null ? null : round(scipyPerFeature, 3),
    peakRssMb: Math.max(peakRssMb(), ...parts.map((p) => p.peakRssMb)),
  })
}
