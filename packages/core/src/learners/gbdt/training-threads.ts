import type { HistogramContext } from './histogram.js'

/**
 * Training threads for histogram building and row partitioning, as a hook: `@keel/core` stays free of Node APIs (it
 * runs in browsers), and the Node entry `@keel/core/node` installs a factory that runs part of
 * every large histogram and partition on worker threads. Each feature's histogram is built by
 * exactly one thread, over the same rows in the same order, and a partition split into blocks is
 * joined into the same order as one pass, so a model trained on any number of threads is
 * bit-identical to one trained on one.
 */
export interface TrainingThreads {
  /** Same contract as `buildHistogram(ctx, hist, features, rows, start, end, gh)`. */
  build(
    hist: Float64Array,
    features: Int32Array,
    rows: Int32Array,
    start: number,
    end: number,
    gh: Float32Array,
  ): void
  /** Same contract as `partitionRows` over the shared bins, rows and scratch. */
  partition(
    rows: Int32Array,
    start: number,
    end: number,
    feature: number,
    table: Uint8Array,
  ): number
  /** Stop the threads. */
  close(): void
}

/** What the threads share with the fitting thread; every array is on a `SharedArrayBuffer`. */
export interface SharedTrainingData {
  readonly hist: HistogramContext
  /** All gradient pairs of the fit (every output's slice). */
  readonly gh: Float32Array
  /** The row index array the grower partitions in place. */
  readonly rows: Int32Array
  /** Partition scratch, as long as `rows`. */
  readonly scratch: Int32Array
}

/** Starts `threads − 1` helper threads over shared data; the calling thread is the first. */
export type TrainingThreadsFactory = (threads: number, data: SharedTrainingData) => TrainingThreads

let installed: TrainingThreadsFactory | undefined

/** Install (or, with `undefined`, remove) the factory used when a fit asks for `threads > 1`. */
export const setTrainingThreads = (factory: TrainingThreadsFactory | undefined): void => {
  installed = factory
}

/** The installed factory, if any. */
export const trainingThreads = (): TrainingThreadsFactory | undefined => installed
