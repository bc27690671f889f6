/**
 * A helper thread of GBDT training: waits for a command in the control block — build its
 * features' histograms into its own shared output, or split its block of a node's rows — and
 * reports done. See training-pool.ts.
 */
import { workerData } from 'node:worker_threads'
import { buildHistogram, histogramContext } from '../learners/gbdt/histogram.js'
import { splitBlock } from '../learners/gbdt/partition.js'
import {
  COMMAND,
  DONE,
  END,
  EXIT,
  FAILED,
  FEATURE,
  GENERATION,
  GH_OFFSET,
  HEADER,
  HISTOGRAM,
  READY,
  regionSize,
  START,
  TABLE,
  type TrainingWorkerData,
} from './training-protocol.js'

const data = workerData as TrainingWorkerData
const control = new Int32Array(data.control)
const table = new Uint8Array(data.control, TABLE * 4, 256)
const binned = new Uint8Array(data.binned)
const ctx = histogramContext(binned, data.n, data.offsets, data.totalBins)
const gh = new Float32Array(data.gh)
const rows = new Int32Array(data.rows)
const scratch = new Int32Array(data.scratch)
const out = new Float64Array(data.out)
const at = HEADER + data.index * regionSize(data.offsets.length - 1)

const run = (): void => {
  if (control[COMMAND] === HISTOGRAM) {
    const features = control.subarray(at + 1, at + 1 + control[at]!)
    const off = control[GH_OFFSET]!
    const ghk = gh.subarray(off, off + 2 * data.n)
    buildHistogram(ctx, out, features, rows, control[START]!, control[END]!, ghk)
  } else {
    const [lo, hi] = [control[at]!, control[at + 1]!]
    control[at + 2] = splitBlock(binned, data.n, rows, scratch, lo, hi, control[FEATURE]!, table)
  }
}

let generation = 0
Atomics.add(control, READY, 1)
Atomics.notify(control, READY)
for (;;) {
  Atomics.wait(control, GENERATION, generation)
  generation = Atomics.load(control, GENERATION)
  if (Atomics.load(control, EXIT) === 1) break
  try {
    run()
  } catch (e) {
    Atomics.store(control, FAILED, 1)
    throw e
  } finally {
    Atomics.add(control, DONE, 1)
    Atomics.notify(control, DONE)
  }
}
