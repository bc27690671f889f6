import { KeelError } from '../../errors/index.js'
import type { Rng } from '../../random/index.js'
import type { AlignedColumn } from '../features.js'
import type { FeatureSpec, FitProgress } from '../protocol.js'
import { binColumns, fitBinMapper, type BinMapper } from './binning.js'
import { evalMetric, maximize, type EvalMetric } from './eval-metrics.js'
import { growTree, type GrowContext, type GrownTree } from './grower.js'
import { histogramContext } from './histogram.js'
import { trainingThreads, type TrainingThreads } from './training-threads.js'
import type { Loss } from './loss/index.js'
import type { GbdtParams } from './params.js'
import { Forest } from './predictor.js'
import { createSplitScratch } from './splitting.js'
import type { Tree } from './tree.js'

/** Held-out rows for early stopping, row-major, with running raw scores. */
export interface BoostValidation {
  readonly x: Float64Array
  readonly y: Float64Array
  readonly w: Float64Array | undefined
  /** Raw scores so far (n × K); updated in place as trees are added. */
  readonly raw: Float64Array
  readonly metric: EvalMetric
}

/** Inputs of one boosting run (a fit, or an update continuing an existing ensemble). */
export interface BoostInput {
  readonly params: GbdtParams
  readonly loss: Loss
  readonly specs: readonly FeatureSpec[]
  readonly columns: readonly AlignedColumn[]
  readonly y: Float64Array
  readonly w: Float64Array | undefined
  /** Starting raw scores (n × K), updated in place. */
  readonly raw: Float64Array
  readonly monotone: Int8Array
  readonly rng: Rng
  readonly validation?: BoostValidation
  readonly onProgress?: (p: FitProgress) => void
  readonly signal?: AbortSignal
}

/** The trees of a run, the output column of each, and the validation history. */
export interface BoostResult {
  readonly trees: Tree[]
  readonly outputs: number[]
  /** Rounds kept (fewer than asked when early stopping cut the run). */
  readonly rounds: number
  /** Validation metric after each round, when there was validation data. */
  readonly history: number[]
}

const numCategoriesOf = (specs: readonly FeatureSpec[]): Int32Array =>
  Int32Array.from(specs, (s) => (s.kind === 'categorical' ? s.categories.length : 0))

/** A seeded, sorted subset of `0..F-1` of size round(F · fraction) (at least 1). */
const sampleFeatures = (F: number, fraction: number, rng: Rng): Int32Array => {
  const all = new Int32Array(F)
  for (let f = 0; f < F; f++) all[f] = f
  if (fraction >= 1) return all
  const k = Math.max(1, Math.round(F * fraction))
  for (let i = 0; i < k; i++) {
    const j = i + rng.int(F - i)
    const t = all[i]!
    all[i] = all[j]!
    all[j] = t
  }
  return all.subarray(0, k).sort()
}

/**
 * 1 for features that can split at all: more than one value bin, or one and some missing values.
 * The others (constant columns) are left out of histograms and split search, which changes no
 * tree: a split needs rows on both sides.
 */
const splittable = (mapper: BinMapper, binned: Uint8Array, n: number): Uint8Array => {
  const F = mapper.numFeatures
  const ok = new Uint8Array(F)
  for (let f = 0; f < F; f++) {
    const nb = mapper.numBins[f]!
    if (nb > 1) ok[f] = 1
    else for (let i = f * n; i < (f + 1) * n && ok[f] === 0; i++) if (binned[i] === nb) ok[f] = 1
  }
  return ok
}

/** Bernoulli row sample (at least one row): in-sample rows into `rows`, the rest into `rest`. */
const sampleRows = (
  n: number,
  fraction: number,
  rng: Rng,
  rows: Int32Array,
  rest: Int32Array,
): [number, number] => {
  const cut = Math.floor(fraction * 4294967296)
  let a = 0
  let b = 0
  for (let i = 0; i < n; i++) {
    if (rng.uint32() < cut) rows[a++] = i
    else rest[b++] = i
  }
  if (a === 0) {
    // Keep the first row so every tree has data; move it out of `rest`.
    rows[a++] = rest[0]!
    rest.copyWithin(0, 1, b)
    b--
  }
  return [a, b]
}

const checkAbort = (signal: AbortSignal | undefined): void => {
  if (signal?.aborted) throw new KeelError('CANCELLED', 'GBDT training was cancelled')
}

/**
 * Gradient boosting: each round computes gradients at the current raw scores, grows one tree per
 * output on a seeded row and column sample, and adds it. With validation data, the metric is
 * tracked after every round and the run stops after `earlyStoppingRounds` rounds without
 * improvement, keeping the trees up to the best round.
 */
export const boost = (input: BoostInput): BoostResult => {
  const { params, loss, specs, columns, y, rng } = input
  const n = y.length
  const K = loss.numOutputs
  const mapper = fitBinMapper(
    columns,
    specs,
    params.maxBins,
    params.binSampleSize,
    rng.fork('bins'),
  )
  const factory = params.threads > 1 ? trainingThreads() : undefined
  if (params.threads > 1 && !factory) {
    throw new KeelError(
      'INVALID_PARAMS',
      'threads > 1 needs worker threads: import "@keel/core/node" first (Node only)',
      { path: ['threads'] },
    )
  }
  // Threads read the bins, gradients and row order from shared memory.
  const buffer = (bytes: number): ArrayBuffer | SharedArrayBuffer =>
    factory ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes)
  let binned = binColumns(mapper, columns)
  if (factory) {
    const shared = new Uint8Array(buffer(binned.length))
    shared.set(binned)
    binned = shared
  }
  const hist = histogramContext(binned, n, mapper.offsets, mapper.totalBins)
  const gh = new Float32Array(buffer(2 * K * n * 4))
  const rows = new Int32Array(buffer(n * 4))
  const scratch = new Int32Array(buffer(n * 4))
  const threads: TrainingThreads | undefined = factory?.(params.threads, {
    hist,
    gh,
    rows,
    scratch,
  })
  const ctx: GrowContext = {
    hist,
    mapper,
    params,
    monotone: input.monotone,
    splitScratch: createSplitScratch(),
    scratch,
    pool: [],
    ...(threads ? { threads } : {}),
  }
  try {
    return boostRounds(input, ctx, gh, rows)
  } finally {
    threads?.close()
  }
}

/** The boosting rounds of {@link boost} over prepared bins and buffers. */
const boostRounds = (
  input: BoostInput,
  ctx: GrowContext,
  gh: Float32Array,
  rows: Int32Array,
): BoostResult => {
  const { params, loss, specs, y, w, raw, rng } = input
  const n = y.length
  const K = loss.numOutputs
  const F = specs.length
  const binned = ctx.hist.binned
  const numCats = numCategoriesOf(specs)
  const canSplit = splittable(ctx.mapper, binned, n)
  const sample = new Int32Array(n)
  if (params.subsample >= 1) for (let i = 0; i < n; i++) sample[i] = i
  const rest = new Int32Array(params.subsample < 1 ? n : 0)
  const rowRng = rng.fork('rows')
  const colRng = rng.fork('columns')
  const nodeRng = rng.fork('nodes')
  const trees: Tree[] = []
  const outputs: number[] = []
  const history: number[] = []
  const val = input.validation
  const valN = val ? val.y.length : 0
  let best = NaN
  let bestRound = 0
  let rounds = 0
  for (let round = 0; round < params.nEstimators; round++) {
    checkAbort(input.signal)
    loss.gradients(y, raw, w, gh)
    let nSample = n
    let nRest = 0
    if (params.subsample < 1)
      [nSample, nRest] = sampleRows(n, params.subsample, rowRng, sample, rest)
    const features = sampleFeatures(F, params.colsampleByTree, colRng).filter(
      (f) => canSplit[f] === 1,
    )
    for (let k = 0; k < K; k++) {
      rows.set(sample.subarray(0, nSample))
      const ghk = gh.subarray(2 * k * n, 2 * (k + 1) * n)
      // Refitting losses need every leaf's rows; otherwise the grower adds leaf values itself.
      const sink = loss.refitLeaf ? undefined : { raw, stride: K, offset: k }
      const grown = growTree(ctx, ghk, rows, nSample, features, nodeRng, sink)
      if (loss.refitLeaf) {
        refitLeaves(grown, loss, rows, y, raw, w, params.learningRate)
        applyTree(grown, rows, raw, K, k)
      }
      if (nRest > 0) applyByBins(grown, rest, nRest, binned, n, raw, K, k)
      trees.push(grown.tree)
      outputs.push(k)
      if (val) {
        const one = new Forest([grown.tree], [0], [0], numCats)
        for (let r = 0; r < valN; r++) val.raw[r * K + k]! += one.rawRow(val.x, r * F)
      }
    }
    rounds = round + 1
    if (val) {
      const m = evalMetric(val.metric, val.raw, val.y, val.w, K)
      history.push(m)
      const better = Number.isNaN(best) || (maximize(val.metric) ? m > best : m < best)
      if (better) {
        best = m
        bestRound = rounds
      } else if (params.earlyStoppingRounds !== undefined) {
        if (rounds - bestRound >= params.earlyStoppingRounds) break
      }
    }
    input.onProgress?.({ done: rounds, total: params.nEstimators, message: `round ${rounds}` })
  }
  const kept = val && params.earlyStoppingRounds !== undefined ? bestRound : rounds
  return {
    trees: trees.slice(0, kept * K),
    outputs: outputs.slice(0, kept * K),
    rounds: kept,
    history,
  }
}

/** Add each leaf's value to the raw scores of its training rows (no tree walk needed). */
const applyTree = (
  grown: GrownTree,
  rows: Int32Array,
  raw: Float64Array,
  K: number,
  k: number,
): void => {
  for (const leaf of grown.leaves) {
    const v = grown.tree.value[leaf.node]!
    for (let j = leaf.start; j < leaf.end; j++) raw[rows[j]! * K + k]! += v
  }
}

/** Route rows outside the sample through the tree by their bins and add the leaf values. */
const applyByBins = (
  grown: GrownTree,
  rest: Int32Array,
  nRest: number,
  binned: Uint8Array,
  n: number,
  raw: Float64Array,
  K: number,
  k: number,
): void => {
  const t = grown.tree
  for (let j = 0; j < nRest; j++) {
    const r = rest[j]!
    let i = 0
    while (t.feature[i]! >= 0) {
      const table = grown.binLeft[i]!
      i = table[binned[t.feature[i]! * n + r]!] === 1 ? t.left[i]! : t.right[i]!
    }
    raw[r * K + k]! += t.value[i]!
  }
}

/** Replace Newton leaf values with the loss's own optimum (L1: the weighted median residual). */
const refitLeaves = (
  grown: GrownTree,
  loss: Loss,
  rows: Int32Array,
  y: Float64Array,
  raw: Float64Array,
  w: Float64Array | undefined,
  learningRate: number,
): void => {
  // Refitting losses are single-output, so `raw` is indexed by row.
  const values = grown.tree.value as Float64Array
  for (const leaf of grown.leaves) {
    if (leaf.end === leaf.start) continue
    const v = loss.refitLeaf!(rows, leaf.start, leaf.end, y, raw, w)
    values[leaf.node] = Math.min(leaf.upper, Math.max(leaf.lower, v)) * learningRate
  }
}
