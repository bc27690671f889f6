/**
 * The shared control block between the fitting thread and its histogram threads: an `Int32Array`
 * on a `SharedArrayBuffer`, driven with `Atomics.wait` / `Atomics.notify` so the fitting thread
 * can stay synchronous (`fit` is synchronous in every environment).
 */

/** Incremented by the fitting thread to issue a command. */
export const GENERATION = 0
/** Threads that finished the current command. */
export const DONE = 1
/** Row range `rows[start..end)` of the current command. */
export const START = 2
export const END = 3
/** Offset (in float32 elements) of the current output's gradient pairs in the shared `gh`. */
export const GH_OFFSET = 4
/** 1 asks the threads to exit. */
export const EXIT = 5
/** Threads that have started. */
export const READY = 6
/** 1 when a thread failed; its message is in the thread's `error` event. */
export const FAILED = 7
/** Per thread `t` (0-based helper index): `[count, feature…]` at `HEADER + t · (F + 1)`. */
export const HEADER = 8

/** Words in the control block for `helpers` threads and `F` features. */
export const controlSize = (helpers: number, F: number): number => HEADER + helpers * (F + 1)

/** What a histogram thread receives as `workerData`. */
export interface HistogramWorkerData {
  readonly index: number
  readonly control: SharedArrayBuffer
  readonly binned: SharedArrayBuffer
  readonly n: number
  readonly offsets: Int32Array
  readonly totalBins: number
  readonly gh: SharedArrayBuffer
  readonly rows: SharedArrayBuffer
  /** The thread's output histogram (totalBins · 3 float64). */
  readonly out: SharedArrayBuffer
}
