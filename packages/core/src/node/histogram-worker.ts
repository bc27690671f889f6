/**
 * A histogram thread: waits for a command in the control block, builds its features' histograms
 * over the commanded rows into its own shared output, and reports done. See histogram-pool.ts.
 */
import { workerData } from 'node:worker_threads'
import { buildHistogram, histogramContext } from '../learners/gbdt/histogram.js'
import {
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

const data = workerData as HistogramWorkerData
const control = new Int32Array(data.control)
const ctx = histogramContext(new Uint8Array(data.binned), data.n, data.offsets, data.totalBins)
const gh = new Float32Array(data.gh)
const rows = new Int32Array(data.rows)
const out = new Float64Array(data.out)
const F = data.offsets.length - 1
const at = HEADER + data.index * (F + 1)

let generation = 0
Atomics.add(control, READY, 1)
Atomics.notify(control, READY)
for (;;) {
  Atomics.wait(control, GENERATION, generation)
  generation = Atomics.load(control, GENERATION)
  if (Atomics.load(control, EXIT) === 1) break
  try {
    const count = control[at]!
    const features = control.subarray(at + 1, at + 1 + count)
    const off = control[GH_OFFSET]!
    const ghk = gh.subarray(off, off + 2 * data.n)
    buildHistogram(ctx, out, features, rows, control[START]!, control[END]!, ghk)
  } catch (e) {
    Atomics.store(control, FAILED, 1)
    Atomics.add(control, DONE, 1)
    Atomics.notify(control, DONE)
    throw e
  }
  Atomics.add(control, DONE, 1)
  Atomics.notify(control, DONE)
}
