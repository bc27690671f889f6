/**
 * GBDT benchmark on the flights data:
 * `npm run bench -- gbdt [--configs depth6,leaves255] [--threads 1,2] [--no-xgb] [--fresh]`.
 *
 * Train on January–May 2001 (≈2.5M rows), test on June; features minute of day, day of week, day of
 * month, distance, origin and destination (categorical); label: arrival delay > 15 minutes.
 * Each configuration and thread count runs in its own child process so its peak RSS is its own,
 * and XGBoost `hist` (Debian's python3-xgboost, when it imports) runs with the same
 * hyperparameters and the same `nthread` on the same prepared arrays, which the parent writes to a
 * temporary directory. Origin and destination go to XGBoost as integer codes (numbers), to Keel as
 * native categoricals. Keel's threads come from `@keel/core/node` (worker_threads); the digest of
 * the trees shows the model is the same for every thread count.
 *
 * The last line is one JSON object with every figure: per configuration the one-thread figures
 * and, under `threads2` (and so on), those with more threads. Timings on a shared machine are
 * noisy: wall time depends on what else runs, so CPU time (user + system of the fitting process,
 * all its threads) is reported beside it and is the fairer ratio when the machine is busy; the
 * load average before and after each run is recorded.
 */
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { loadavg } from 'node:os'
import { fileURLToPath } from 'node:url'
import { createRng, rocAucScore } from '@keel/core'
import { createGbdt, type GbdtParamsInput } from '@keel/core'
import '@keel/core/node'
import { DIR, FEATURES, flightsFrame, flightsMeta, readColumn } from './lib/flights.js'
import { lastJson, measured, peakRssMb, PYTHON, report, round } from './util.js'

const CONFIGS: Record<string, { keel: GbdtParamsInput; xgb: Record<string, unknown> }> = {
  depth6: {
    keel: { nEstimators: 100, maxDepth: 6, learningRate: 0.1, maxBins: 255 },
    xgb: { max_depth: 6, eta: 0.1, max_bin: 255 },
  },
  leaves255: {
    keel: { nEstimators: 100, maxDepth: 0, maxLeaves: 255, learningRate: 0.1, maxBins: 255 },
    xgb: { max_depth: 0, max_leaves: 255, grow_policy: 'lossguide', eta: 0.1, max_bin: 255 },
  },
}

const logLoss = (raw: Float64Array, y: Float64Array): number => {
  let s = 0
  for (let i = 0; i < y.length; i++) {
    const p = Math.min(1 - 1e-15, Math.max(1e-15, 1 / (1 + Math.exp(-raw[i]!))))
    s -= y[i]! > 0.5 ? Math.log(p) : Math.log(1 - p)
  }
  return s / y.length
}

/** One configuration in this (child) process; prints its figures as JSON. */
const runChild = async (config: string, threads: number): Promise<void> => {
  const meta = await flightsMeta()
  const train = flightsFrame('train', meta)
  const test = flightsFrame('test', meta)
  const learner = createGbdt({ ...CONFIGS[config]!.keel, threads })
  const fit = measured(() =>
    learner.fit(
      { X: train.X, y: train.y, task: 'binary', classes: ['on time', 'late'] },
      { rng: createRng(1) },
    ),
  )
  const model = fit.value
  const { wallS: fitS, cpuS: fitCpuS } = fit
  const predicted = measured(() => model.predictRaw(test.X))
  const raw = predicted.value
  const { wallS: predictS, cpuS: predictCpuS } = predicted
  // One-row latency on encoded test rows (the serving hot path after feature lookup).
  const F = FEATURES.length
  const m = 2000
  const rows = Array.from({ length: m }, (_, i) => {
    const x = new Float64Array(F)
    const r = Math.floor((i * test.y.length) / m)
    FEATURES.forEach((name, f) => (x[f] = readColumn('test', name)[r]!))
    return x
  })
  let sink = 0
  for (let i = 0; i < 20000; i++) sink += model.rawRow(rows[i % m]!)
  const N = 50000
  const lat = new Float64Array(N)
  for (let i = 0; i < N; i++) {
    const x = rows[i % m]!
    const a = process.hrtime.bigint()
    sink += model.rawRow(x)
    lat[i] = Number(process.hrtime.bigint() - a) / 1000
  }
  lat.sort()
  const trees = (model.toJSON() as unknown as { gbdt: { trees: unknown } }).gbdt.trees
  console.log(
    JSON.stringify({
      fit_s: round(fitS, 2),
      fit_cpu_s: round(fitCpuS, 2),
      predict_s: round(predictS, 3),
      predict_cpu_s: round(predictCpuS, 3),
      auc: round(rocAucScore(test.y, raw), 4),
      logloss: round(logLoss(raw, test.y), 4),
      row_p50_us: round(lat[Math.floor(N * 0.5)]!, 2),
      row_p99_us: round(lat[Math.floor(N * 0.99)]!, 2),
      peak_rss_mb: peakRssMb(),
      trees: model.numTrees,
      trees_sha256: createHash('sha256').update(JSON.stringify(trees)).digest('hex').slice(0, 16),
      sink: Number.isFinite(sink),
    }),
  )
}

const XGB_SCRIPT = `
import json, resource, sys, time
import numpy as np, xgboost as xgb
d, cfg = sys.argv[1], json.loads(sys.argv[2])
feats = ${JSON.stringify(FEATURES)}
def load(split):
    X = np.stack([np.fromfile(f"{d}/{split}.{f}.f64") for f in feats], axis=1).astype(np.float32)
    return X, np.fromfile(f"{d}/{split}.late.f64")
Xtr, ytr = load("train"); Xte, yte = load("test")
nt = int(sys.argv[3])
params = dict(cfg, tree_method="hist", objective="binary:logistic", nthread=nt,
              base_score=float(ytr.mean()), seed=0)
t0, c0 = time.perf_counter(), time.process_time()
bst = xgb.train(params, xgb.DMatrix(Xtr, label=ytr, nthread=nt), 100)
fit, fit_cpu = time.perf_counter() - t0, time.process_time() - c0
t1, c1 = time.perf_counter(), time.process_time()
p = bst.predict(xgb.DMatrix(Xte, nthread=nt)).astype(np.float64)
pred, pred_cpu = time.perf_counter() - t1, time.process_time() - c1
from sklearn.metrics import roc_auc_score, log_loss
print(json.dumps({"fit_s": round(fit, 2), "fit_cpu_s": round(fit_cpu, 2), "predict_s": round(pred, 3),
  "predict_cpu_s": round(pred_cpu, 3),
  "auc": round(roc_auc_score(yte, p), 4), "logloss": round(log_loss(yte, p), 4),
  "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}))
`

const ratio = (a: number | undefined, b: number | undefined): number | null =>
  a !== undefined && b !== undefined && b > 0 ? round(a / b, 3) : null

/** Figures of one configuration at one thread count, Keel beside XGBoost. */
const figuresOf = (
  k: Record<string, number | string>,
  x: Record<string, number> | undefined,
  load: [number, number],
): Record<string, unknown> => {
  const kn = k as Record<string, number>
  return {
    fit_s: kn.fit_s,
    xgb_fit_s: x?.fit_s ?? null,
    fit_ratio: ratio(kn.fit_s, x?.fit_s),
    fit_cpu_s: kn.fit_cpu_s,
    xgb_fit_cpu_s: x?.fit_cpu_s ?? null,
    fit_cpu_ratio: ratio(kn.fit_cpu_s, x?.fit_cpu_s),
    auc: kn.auc,
    xgb_auc: x?.auc ?? null,
    logloss: kn.logloss,
    xgb_logloss: x?.logloss ?? null,
    predict_s: kn.predict_s,
    xgb_predict_s: x?.predict_s ?? null,
    predict_cpu_s: kn.predict_cpu_s,
    xgb_predict_cpu_s: x?.predict_cpu_s ?? null,
    row_p50_us: kn.row_p50_us,
    row_p99_us: kn.row_p99_us,
    peak_rss_mb: kn.peak_rss_mb,
    xgb_peak_rss_mb: x?.peak_rss_mb ?? null,
    trees_sha256: k.trees_sha256 ?? null,
    load_avg: load,
  }
}

const main = async (): Promise<void> => {
  const args = process.argv.slice(2)
  const childAt = args.indexOf('--child')
  if (childAt >= 0) return runChild(args[childAt + 1]!, Number(args[childAt + 2] ?? 1))
  const cfgAt = args.indexOf('--configs')
  const configs = cfgAt >= 0 ? args[cfgAt + 1]!.split(',') : Object.keys(CONFIGS)
  const thrAt = args.indexOf('--threads')
  const threadCounts = thrAt >= 0 ? args[thrAt + 1]!.split(',').map(Number) : [1, 2]
  const hasXgb =
    !args.includes('--no-xgb') &&
    spawnSync(PYTHON, ['-c', 'import xgboost, sklearn'], { stdio: 'ignore' }).status === 0
  const meta = await flightsMeta(args.includes('--fresh'))
  console.log(`flights: ${meta.train} train rows, ${meta.test} test rows; xgboost: ${hasXgb}`)
  const self = fileURLToPath(import.meta.url)
  const figures: Record<string, unknown> = {
    bench: 'gbdt',
    threads: threadCounts[0],
    ratios:
      'fit_ratio = Keel / XGBoost wall seconds; fit_cpu_ratio = Keel / XGBoost CPU seconds ' +
      '(user + system of the fitting process, all threads; the fairer one on a busy machine); ' +
      'XGBoost runs with nthread = threads; load_avg = 1-minute load before and after Keel',
  }
  for (const config of configs) {
    const perThreads: Record<string, Record<string, unknown>> = {}
    for (const threads of threadCounts) {
      const before = loadavg()[0]!
      const keel = spawnSync(
        process.execPath,
        [...process.execArgv, self, '--child', config, String(threads)],
        { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
      )
      const load: [number, number] = [round(before, 2), round(loadavg()[0]!, 2)]
      const k = (lastJson(keel.stdout) ?? {}) as Record<string, number | string>
      console.log(`keel ${config} threads=${threads}: ${JSON.stringify(k)}`)
      let x: Record<string, number> | undefined
      if (hasXgb) {
        const r = spawnSync(
          PYTHON,
          ['-c', XGB_SCRIPT, DIR, JSON.stringify(CONFIGS[config]!.xgb), String(threads)],
          { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
        )
        x = lastJson(r.stdout)
        console.log(`xgboost ${config} nthread=${threads}: ${JSON.stringify(x)}`)
      }
      perThreads[threads] = figuresOf(k, x, load)
    }
    const [first, ...more] = threadCounts
    const one = perThreads[first!]!
    const entry: Record<string, unknown> = { ...one }
    for (const t of more) {
      const m = perThreads[t]!
      entry[`threads${t}`] = {
        ...m,
        wall_speedup: ratio(one.fit_s as number, m.fit_s as number),
        same_model: m.trees_sha256 === one.trees_sha256,
      }
    }
    figures[config] = entry
  }
  report(figures)
}

await main()
