/**
 * Random forest benchmark on the flights data:
 * `npm run bench -- forest [--rows 500000] [--configs rf,et] [--no-sklearn] [--fresh]`.
 *
 * Train on a seeded sample of `--rows` January–May flights (default 500,000), test on all of June;
 * the features and label of the GBDT benchmark (bench/lib/flights.ts). 100 trees, √features per
 * split, bootstrap, at least 20 rows per leaf (full-depth trees on 500k noisy rows would hold
 * ~150k leaves each and need gigabytes in both libraries). Each configuration runs in its own child
 * process so its peak RSS is its own; scikit-learn's RandomForestClassifier / ExtraTreesClassifier
 * (Debian's python3-sklearn, `n_jobs=1`) fits the same sample, with origin and destination as
 * integer codes (Keel takes them as native categoricals).
 *
 * The last line is one JSON object. Wall time on a shared machine depends on what else runs, so
 * CPU time (user + system of the fitting process) is reported beside it and is the fairer ratio.
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createRng, rocAucScore } from '@keel/core'
import { extraTrees, randomForest, type ForestParamsInput } from '@keel/core'
import { DIR, FEATURES, flightsFrame, flightsMeta } from './lib/flights.js'
import { hasPython, lastJson, measured, peakRssMb, PYTHON, report, round } from './util.js'

/** This benchmark's own files (the training sample), beside the shared prepared columns. */
const OWN = join(tmpdir(), 'keel-bench-forest')

const COMMON: ForestParamsInput = { nTrees: 100, maxFeatures: 'sqrt', minSamplesLeaf: 20 }
const SK_COMMON = { n_estimators: 100, max_features: 'sqrt', min_samples_leaf: 20, n_jobs: 1 }

const CONFIGS: Record<string, { kind: 'rf' | 'et'; keel: ForestParamsInput; sk: object }> = {
  rf: { kind: 'rf', keel: { ...COMMON, bootstrap: true }, sk: { ...SK_COMMON, bootstrap: true } },
  et: { kind: 'et', keel: { ...COMMON, bootstrap: false }, sk: { ...SK_COMMON, bootstrap: false } },
}

/** The seeded training sample (sorted row indices), written for the Python side too. */
const sampleRows = (n: number, m: number): Int32Array => {
  if (m >= n) return Int32Array.from({ length: n }, (_, i) => i)
  const rng = createRng(7)
  const idx = Int32Array.from({ length: n }, (_, i) => i)
  for (let i = 0; i < m; i++) {
    const j = i + rng.int(n - i)
    const t = idx[i]!
    idx[i] = idx[j]!
    idx[j] = t
  }
  return idx.slice(0, m).sort()
}

/** One configuration in this (child) process; prints its figures as JSON. */
const runChild = async (config: string, rowsAsked: number): Promise<void> => {
  const meta = await flightsMeta()
  const rows = sampleRows(meta.train, rowsAsked)
  const train = flightsFrame('train', meta, rows)
  const test = flightsFrame('test', meta)
  const cfg = CONFIGS[config]!
  const learner = cfg.kind === 'rf' ? randomForest(cfg.keel) : extraTrees(cfg.keel)
  const fit = measured(() =>
    learner.fit(
      { X: train.X, y: train.y, task: 'binary', classes: ['on time', 'late'] },
      { rng: createRng(1) },
    ),
  )
  const model = fit.value
  const predicted = measured(() => model.predictProba(test.X))
  const proba = predicted.value
  const p1 = Float64Array.from({ length: test.y.length }, (_, i) => proba[2 * i + 1]!)
  let nodes = 0
  for (const t of model.state.trees) nodes += t.feature.length
  console.log(
    JSON.stringify({
      fit_s: round(fit.wallS, 2),
      fit_cpu_s: round(fit.cpuS, 2),
      predict_s: round(predicted.wallS, 2),
      predict_cpu_s: round(predicted.cpuS, 2),
      auc: round(rocAucScore(test.y, p1), 4),
      peak_rss_mb: peakRssMb(),
      nodes_per_tree: Math.round(nodes / model.numTrees),
    }),
  )
}

const SK_SCRIPT = `
import json, resource, sys, time
import numpy as np
from sklearn.ensemble import RandomForestClassifier, ExtraTreesClassifier
from sklearn.metrics import roc_auc_score
d, kind, cfg = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
feats = ${JSON.stringify(FEATURES)}
rows = np.fromfile(sys.argv[4], dtype=np.int32)
def load(split, idx=None):
    X = np.stack([np.fromfile(f"{d}/{split}.{f}.f64") for f in feats], axis=1)
    y = np.fromfile(f"{d}/{split}.late.f64")
    return (X[idx], y[idx]) if idx is not None else (X, y)
Xtr, ytr = load("train", rows); Xte, yte = load("test")
Xtr, Xte = Xtr.astype(np.float32), Xte.astype(np.float32)
cls = RandomForestClassifier if kind == "rf" else ExtraTreesClassifier
t0, c0 = time.perf_counter(), time.process_time()
m = cls(random_state=0, **cfg).fit(Xtr, ytr)
fit, fit_cpu = time.perf_counter() - t0, time.process_time() - c0
t1, c1 = time.perf_counter(), time.process_time()
p = m.predict_proba(Xte)[:, 1]
pred, pred_cpu = time.perf_counter() - t1, time.process_time() - c1
print(json.dumps({"fit_s": round(fit, 2), "fit_cpu_s": round(fit_cpu, 2), "predict_s": round(pred, 2),
  "predict_cpu_s": round(pred_cpu, 2), "auc": round(roc_auc_score(yte, p), 4),
  "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
  "nodes_per_tree": round(np.mean([e.tree_.node_count for e in m.estimators_]))}))
`

const main = async (): Promise<void> => {
  const args = process.argv.slice(2)
  const rowsAt = args.indexOf('--rows')
  const rowsAsked = rowsAt >= 0 ? Number(args[rowsAt + 1]) : 500_000
  const childAt = args.indexOf('--child')
  if (childAt >= 0) return runChild(args[childAt + 1]!, rowsAsked)
  const cfgAt = args.indexOf('--configs')
  const configs = cfgAt >= 0 ? args[cfgAt + 1]!.split(',') : ['rf']
  const hasSk = !args.includes('--no-sklearn') && hasPython('sklearn')
  const meta = await flightsMeta(args.includes('--fresh'))
  const rows = sampleRows(meta.train, rowsAsked)
  mkdirSync(OWN, { recursive: true })
  const samplePath = join(OWN, 'sample.i32')
  writeFileSync(samplePath, rows)
  console.log(
    `flights: ${rows.length} of ${meta.train} train rows, ${meta.test} test rows; scikit-learn: ${hasSk}`,
  )
  const self = fileURLToPath(import.meta.url)
  const figures: Record<string, unknown> = {
    bench: 'forest',
    threads: 1,
    rows: rows.length,
    ratios:
      'fit_ratio = Keel / scikit-learn wall seconds; fit_cpu_ratio = Keel / scikit-learn CPU ' +
      'seconds (user + system of the fitting process; the fairer one on a busy machine)',
  }
  for (const config of configs) {
    const keel = spawnSync(
      process.execPath,
      [...process.execArgv, self, '--child', config, '--rows', String(rowsAsked)],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
    )
    const k = lastJson(keel.stdout) ?? {}
    console.log(`keel ${config}: ${JSON.stringify(k)}`)
    let s: Record<string, number> | undefined
    if (hasSk) {
      const r = spawnSync(
        PYTHON,
        [
          '-c',
          SK_SCRIPT,
          DIR,
          CONFIGS[config]!.kind,
          JSON.stringify(CONFIGS[config]!.sk),
          samplePath,
        ],
        { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
      )
      s = lastJson(r.stdout)
      console.log(`scikit-learn ${config}: ${JSON.stringify(s)}`)
    }
    figures[config] = {
      fit_s: k.fit_s,
      sk_fit_s: s?.fit_s ?? null,
      fit_ratio: s && k.fit_s ? round(k.fit_s / s.fit_s!, 3) : null,
      fit_cpu_s: k.fit_cpu_s,
      sk_fit_cpu_s: s?.fit_cpu_s ?? null,
      fit_cpu_ratio: s && k.fit_cpu_s ? round(k.fit_cpu_s / s.fit_cpu_s!, 3) : null,
      auc: k.auc,
      sk_auc: s?.auc ?? null,
      predict_s: k.predict_s,
      sk_predict_s: s?.predict_s ?? null,
      predict_cpu_s: k.predict_cpu_s,
      sk_predict_cpu_s: s?.predict_cpu_s ?? null,
      peak_rss_mb: k.peak_rss_mb,
      sk_peak_rss_mb: s?.peak_rss_mb ?? null,
      nodes_per_tree: k.nodes_per_tree,
      sk_nodes_per_tree: s?.nodes_per_tree ?? null,
    }
  }
  report(figures)
}

await main()
