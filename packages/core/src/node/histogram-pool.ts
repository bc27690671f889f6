/**
 * Worker-thread histogram building for GBDT training (Node only). The fitting thread and
 * `threads − 1` helpers split each histogram's features into contiguous groups; each group is
 * built by one thread over the same rows in the same order as on one thread, so the model is
 * bit-identical whatever the thread count. Commands go through a shared control block with
 * `Atomics`, which keeps `fit` synchronous.
 */
import { Worker } from 'node:worker_threads'
import { KeelError } from '../errors/index.js'
import { buildHistogram, HIST_STRIDE } from '../learners/gbdt/histogram.js'
import type {
  HistogramBuilder,
  HistogramThreadsFactory,
  SharedTrainingData,
} from '../learners/gbdt/histogram-threads.js'
import {
  controlSize,
  DONE,
  END,
  EXIT,
  FAILED,
  GENERATION,
  GH_OFFSET,
  HEADER,
  READY,
  START,
  type HistogramWorkerData,
} from './histogram-protocol.js'

/**
 * Below this many rows a node's histogram is built on the fitting thread alone: waking the
 * helpers costs tens of microseconds, about what 3 features of a few thousand rows take.
 */
const MIN_PARALLEL_ROWS = 4096
/** How long to wait for helpers to start. */
const START_TIMEOUT_MS = 60_000

/** The helper's module: compiled JavaScript, or TypeScript through tsx when run from sources. */
const spawn = (workerData: HistogramWorkerData): Worker => {
  const self = import.meta.url
  if (self.endsWith('.ts')) {
    const target = JSON.stringify(new URL('./histogram-worker.ts', self).href)
    const boot = `import('tsx/esm/api').then((m) => { m.register(); return import(${target}) })`
    return new Worker(boot, { eval: true, workerData })
  }
  return new Worker(new URL('./histogram-worker.js', self), { workerData })
}

const asShared = (a: ArrayBufferView, what: string): SharedArrayBuffer => {
  if (!(a.buffer instanceof SharedArrayBuffer)) {
    throw new KeelError('INTERNAL', `${what} must be on a SharedArrayBuffer for training threads`)
  }
  return a.buffer
}

/** Wait until `control[index]` reaches `target`, or throw after `timeoutMs`. */
const waitFor = (control: Int32Array, index: number, target: number, timeoutMs: number): void => {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const v = Atomics.load(control, index)
    if (v >= target) return
    const left = deadline - Date.now()
    if (left <= 0) {
      throw new KeelError('INTERNAL', 'a GBDT training thread did not respond')
    }
    Atomics.wait(control, index, v, left)
  }
}

/** Start helper threads over `data` (see {@link HistogramThreadsFactory}). */
export const histogramPool: HistogramThreadsFactory = (
  threads: number,
  data: SharedTrainingData,
): HistogramBuilder => {
  const { hist: ctx, gh, rows } = data
  const F = ctx.offsets.length - 1
  const helpers = threads - 1
  const control = new Int32Array(new SharedArrayBuffer(controlSize(helpers, F) * 4))
  const outs: Float64Array[] = []
  const workers: Worker[] = []
  const shared = {
    binned: asShared(ctx.binned, 'bins'),
    gh: asShared(gh, 'gradients'),
    rows: asShared(rows, 'rows'),
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
  const ghStart = gh.byteOffset / 4
  return {
    build(hist, features, rowIdx, start, end, ghk) {
      const nf = features.length
      const parallel =
        end - start >= MIN_PARALLEL_ROWS &&
        nf > 1 &&
        rowIdx.buffer === rows.buffer &&
        ghk.buffer === gh.buffer
      if (!parallel) {
        buildHistogram(ctx, hist, features, rowIdx, start, end, ghk)
        return
      }
      // Contiguous feature groups, the fitting thread's first; group t is [cut(t), cut(t + 1)).
      const parts = Math.min(threads, nf)
      const cut = (t: number): number => Math.floor((t * nf) / parts)
      control[START] = start
      control[END] = end
      control[GH_OFFSET] = ghk.byteOffset / 4 - ghStart
      for (let t = 0; t < helpers; t++) {
        const at = HEADER + t * (F + 1)
        const lo = t + 1 < parts ? cut(t + 1) : nf
        const hi = t + 1 < parts ? cut(t + 2) : nf
        control[at] = hi - lo
        control.set(features.subarray(lo, hi), at + 1)
      }
      Atomics.store(control, DONE, 0)
      Atomics.add(control, GENERATION, 1)
      Atomics.notify(control, GENERATION)
      buildHistogram(ctx, hist, features.subarray(0, cut(1)), rowIdx, start, end, ghk)
      waitFor(control, DONE, helpers, 600_000)
      if (Atomics.load(control, FAILED) === 1) {
        throw new KeelError('INTERNAL', 'a GBDT training thread failed')
      }
      for (let t = 0; t < helpers; t++) {
        const at = HEADER + t * (F + 1)
        const out = outs[t]!
        for (let q = 0; q < control[at]!; q++) {
          const f = control[at + 1 + q]!
          const lo = ctx.offsets[f]! * HIST_STRIDE
          hist.set(out.subarray(lo, ctx.offsets[f + 1]! * HIST_STRIDE), lo)
        }
      }
    },
    close,
  }
}
