/**
 * Worker-thread GBDT training (Node only). The fitting thread and `threads − 1` helpers share the
 * two passes that dominate a tree: each histogram's features are split into contiguous groups,
 * one per thread, built over the same rows in the same order as on one thread; each large
 * partition is split into row blocks, one per thread, joined back into the order of one pass.
 * So the model is bit-identical whatever the thread count. Commands go through a shared control
 * block with `Atomics`, which keeps `fit` synchronous.
 */
import { Worker } from 'node:worker_threads'
import { KeelError } from '../errors/index.js'
import { buildHistogram, HIST_STRIDE } from '../learners/gbdt/histogram.js'
import type {
  SharedTrainingData,
  TrainingThreads,
  TrainingThreadsFactory,
} from '../learners/gbdt/training-threads.js'
import { joinBlocks, partitionRows, splitBlock } from '../learners/gbdt/partition.js'
import {
  COMMAND,
  controlSize,
  DONE,
  END,
  EXIT,
  FAILED,
  FEATURE,
  GENERATION,
  GH_OFFSET,
  HEADER,
  HISTOGRAM,
  PARTITION,
  READY,
  regionSize,
  START,
  TABLE,
  type TrainingWorkerData,
} from './training-protocol.js'

/**
 * Below these many rows a pass runs on the fitting thread alone: waking the helpers costs tens of
 * microseconds, about what a few thousand rows of histogram (or ~10k rows of partition) take.
 */
const MIN_PARALLEL_HISTOGRAM = 4096
const MIN_PARALLEL_PARTITION = 16_384
/** How long to wait for helpers to start, and for one command. */
const START_TIMEOUT_MS = 60_000
const COMMAND_TIMEOUT_MS = 600_000

/** The helper's module: compiled JavaScript, or TypeScript through tsx when run from sources. */
const spawn = (workerData: TrainingWorkerData): Worker => {
  const self = import.meta.url
  if (self.endsWith('.ts')) {
    const target = JSON.stringify(new URL('./training-worker.ts', self).href)
    const boot = `import('tsx/esm/api').then((m) => { m.register(); return import(${target}) })`
    return new Worker(boot, { eval: true, workerData })
  }
  return new Worker(new URL('./training-worker.js', self), { workerData })
}

const asShared = (a: ArrayBufferView, what: string): SharedArrayBuffer => {
  if (!(a.buffer instanceof SharedArrayBuffer)) {
    throw new KeelError('INTERNAL', `${what} must be on a SharedArrayBuffer for training threads`)
  }
  return a.buffer
}

/**
 * Polls before sleeping: the fitting thread does its own share first, so helpers are usually done
 * or nearly; a few microseconds of polling save a futex wake-up (tens of microseconds).
 */
const SPINS = 2000

/** Wait until `control[index]` reaches `target`, or throw after `timeoutMs`. */
const waitFor = (control: Int32Array, index: number, target: number, timeoutMs: number): void => {
  for (let i = 0; i < SPINS; i++) if (Atomics.load(control, index) >= target) return
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const v = Atomics.load(control, index)
    if (v >= target) return
    const left = deadline - Date.now()
    if (left <= 0) throw new KeelError('INTERNAL', 'a GBDT training thread did not respond')
    Atomics.wait(control, index, v, left)
  }
}

/** Start helper threads over `data` (see {@link TrainingThreadsFactory}). */
export const trainingPool: TrainingThreadsFactory = (
  threads: number,
  data: SharedTrainingData,
): TrainingThreads => {
  const { hist: ctx, gh, rows, scratch } = data
  const F = ctx.offsets.length - 1
  const helpers = threads - 1
  const region = regionSize(F)
  const control = new Int32Array(new SharedArrayBuffer(controlSize(helpers, F) * 4))
  const table = new Uint8Array(control.buffer, TABLE * 4, 256)
  const outs: Float64Array[] = []
  const workers: Worker[] = []
  const shared = {
    binned: asShared(ctx.binned, 'bins'),
    gh: asShared(gh, 'gradients'),
    rows: asShared(rows, 'rows'),
    scratch: asShared(scratch, 'scratch'),
  }
  const close = (): void => {
    Atomics.store(control, EXIT, 1)
    Atomics.add(control, GENERATION, 1)
    Atomics.notify(control, GENERATION)
    for (const w of workers) void w.terminate()
  }
  for (let t = 0; t < helpers; t++) {
    const out = new SharedArrayBuffer(ctx.totalBins * HIST_STRIDE * 8)
    outs.push(new Float64Array(out))
    const w = spawn({
      index: t,
      control: control.buffer as SharedArrayBuffer,
      ...shared,
      n: ctx.n,
      offsets: ctx.offsets,
      totalBins: ctx.totalBins,
      out,
    })
    w.unref()
    workers.push(w)
  }
  try {
    waitFor(control, READY, helpers, START_TIMEOUT_MS)
  } catch (e) {
    close()
    throw e
  }
  /** Issue the command already written to the control block. */
  const issue = (): void => {
    Atomics.store(control, DONE, 0)
    Atomics.add(control, GENERATION, 1)
    Atomics.notify(control, GENERATION)
  }
  const collect = (): void => {
    waitFor(control, DONE, helpers, COMMAND_TIMEOUT_MS)
    if (Atomics.load(control, FAILED) === 1) {
      throw new KeelError('INTERNAL', 'a GBDT training thread failed')
    }
  }
  const ghStart = gh.byteOffset / 4
  const cuts = new Int32Array(threads + 1)
  const lefts = new Int32Array(threads)
  return {
    build(hist, features, rowIdx, start, end, ghk) {
      const nf = features.length
      const parallel =
        end - start >= MIN_PARALLEL_HISTOGRAM &&
        nf > 1 &&
        rowIdx.buffer === rows.buffer &&
        ghk.buffer === gh.buffer
      if (!parallel) {
        buildHistogram(ctx, hist, features, rowIdx, start, end, ghk)
        return
      }
      // Contiguous feature groups, the fitting thread's first; group g is [cut(g), cut(g + 1)).
      const parts = Math.min(threads, nf)
      const cut = (g: number): number => (g >= parts ? nf : Math.floor((g * nf) / parts))
      control[COMMAND] = HISTOGRAM
      control[START] = start
      control[END] = end
      control[GH_OFFSET] = ghk.byteOffset / 4 - ghStart
      for (let t = 0; t < helpers; t++) {
        const at = HEADER + t * region
        control[at] = cut(t + 2) - cut(t + 1)
        control.set(features.subarray(cut(t + 1), cut(t + 2)), at + 1)
      }
      issue()
      buildHistogram(ctx, hist, features.subarray(0, cut(1)), rowIdx, start, end, ghk)
      collect()
      for (let t = 0; t < helpers; t++) {
        const at = HEADER + t * region
        const out = outs[t]!
        for (let q = 0; q < control[at]!; q++) {
          const f = control[at + 1 + q]!
          const lo = ctx.offsets[f]! * HIST_STRIDE
          hist.set(out.subarray(lo, ctx.offsets[f + 1]! * HIST_STRIDE), lo)
        }
      }
    },
    partition(rowIdx, start, end, feature, goLeft) {
      const { binned, n } = ctx
      if (end - start < MIN_PARALLEL_PARTITION || rowIdx.buffer !== rows.buffer) {
        return partitionRows(binned, n, rowIdx, scratch, start, end, feature, goLeft)
      }
      for (let b = 0; b <= threads; b++) cuts[b] = start + Math.floor((b * (end - start)) / threads)
      control[COMMAND] = PARTITION
      control[FEATURE] = feature
      table.set(goLeft.subarray(0, 256))
      for (let t = 0; t < helpers; t++) {
        const at = HEADER + t * region
        control[at] = cuts[t + 1]!
        control[at + 1] = cuts[t + 2]!
      }
      issue()
      lefts[0] = splitBlock(binned, n, rowIdx, scratch, cuts[0]!, cuts[1]!, feature, goLeft)
      collect()
      for (let t = 0; t < helpers; t++) lefts[t + 1] = control[HEADER + t * region + 2]!
      return joinBlocks(rowIdx, scratch, cuts, lefts, threads)
    },
    close,
  }
}
