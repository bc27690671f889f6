/**
 * The shared control block between the fitting thread and its helper threads: an `Int32Array` on
 * a `SharedArrayBuffer`, driven with `Atomics.wait` / `Atomics.notify` so the fitting thread can
 * stay synchronous (`fit` is synchronous in every environment).
 */

/** Incremented by the fitting thread to issue a command. */
export const GENERATION = 0
/** Threads that finished the current command. */
export const DONE = 1
/** Row range `rows[start..end)` of a histogram command. */
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
/** {@link HISTOGRAM} or {@link PARTITION}. */
export const COMMAND = 8
/** The split feature of a partition command. */
export const FEATURE = 9
/** A partition's bin → go-left table: 256 bytes from this word on. */
export const TABLE = 16
/**
 * Per helper `t` (0-based), a region of {@link regionSize} words at `HEADER + t · regionSize`:
 * histogram commands `[count, feature…]`; partition commands `[lo, hi, lefts]`.
 */
export const HEADER = TABLE + 64

/** Command: build histograms of the helper's features over `rows[START..END)`. */
export const HISTOGRAM = 0
/** Command: split the block `rows[lo..hi)` by `FEATURE` and `TABLE` (see partition.ts). */
export const PARTITION = 1

/** Words per helper region for `F` features. */
export const regionSize = (F: number): number => F + 4

/** Words in the control block for `helpers` threads and `F` features. */
export const controlSize = (helpers: number, F: number): number => HEADER + helpers * regionSize(F)

/** What a helper thread receives as `workerData`. */
export interface TrainingWorkerData {
  readonly index: number
  readonly control: SharedArrayBuffer
  readonly binned: SharedArrayBuffer
  readonly n: number
  readonly offsets: Int32Array
  readonly totalBins: number
  readonly gh: SharedArrayBuffer
  readonly rows: SharedArrayBuffer
  readonly scratch: SharedArrayBuffer
  /** The thread's output histogram (totalBins · 3 float64). */
  readonly out: SharedArrayBuffer
}
