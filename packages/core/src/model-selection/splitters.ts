import { KeelError } from '../errors/index.js'
import { permutation, type Rng } from '../random/index.js'

/** What a splitter may look at: the row count and, depending on the splitter, labels or groups. */
export interface CvSplitInput {
  readonly n: number
  /** Class indices, for stratified splitting. */
  readonly y?: Float64Array | undefined
  /** Group key per row (a user, a flight, a day), for group splitting. */
  readonly groups?: ArrayLike<number | string> | undefined
  /** Time per row (e.g. epoch ms), for time-series splitting; rows are ordered by it. */
  readonly time?: Float64Array | undefined
}

/** One train/test split; both index lists are ascending. */
export interface CvFold {
  readonly train: Int32Array
  readonly test: Int32Array
}

/**
 * A cross-validation scheme. `covering` splitters put every row in exactly one test fold (k-fold
 * and its variants), which stacking needs for out-of-fold predictions; time-series splitters do
 * not (the earliest rows are only ever trained on) and are `ordered`: a subset of their training
 * rows should be the most recent ones, not a random draw.
 */
export interface CvSplitter {
  readonly kind: string
  readonly k: number
  readonly covering: boolean
  readonly ordered: boolean
  split(input: CvSplitInput, rng: Rng): CvFold[]
}

const checkK = (k: number): void => {
  if (!Number.isInteger(k) || k < 2) {
    throw new KeelError('INVALID_ARGUMENT', `cross-validation needs an integer k ≥ 2, got ${k}`, {
      path: ['k'],
    })
  }
}

const checkRows = (n: number, k: number, what: string): void => {
  if (n < k) {
    throw new KeelError('INVALID_DATA', `cannot make ${k} ${what} folds from ${n} rows`, {
      details: { n, k },
    })
  }
}

/** Folds from a test-fold id per row (ids 0..k-1). */
const foldsFromAssignment = (assign: Int32Array, k: number): CvFold[] => {
  const out: CvFold[] = []
  for (let f = 0; f < k; f++) {
    const test: number[] = []
    const train: number[] = []
    for (let i = 0; i < assign.length; i++) (assign[i] === f ? test : train).push(i)
    out.push({ train: Int32Array.from(train), test: Int32Array.from(test) })
  }
  return out
}

/**
 * Plain k-fold: consecutive blocks of rows (of a seeded permutation when `shuffle`); the first
 * n mod k folds get one row more, as scikit-learn's KFold.
 */
export const kFoldSplitter = (options: { k?: number; shuffle?: boolean } = {}): CvSplitter => {
  const k = options.k ?? 5
  const shuffle = options.shuffle ?? true
  checkK(k)
  return {
    kind: 'k-fold',
    k,
    covering: true,
    ordered: false,
    split({ n }, rng) {
      checkRows(n, k, 'k-fold')
      const order = shuffle ? permutation(rng, n) : Int32Array.from({ length: n }, (_, i) => i)
      const assign = new Int32Array(n)
      let at = 0
      for (let f = 0; f < k; f++) {
        const size = Math.floor(n / k) + (f < n % k ? 1 : 0)
        for (let r = 0; r < size; r++) assign[order[at++]!] = f
      }
      return foldsFromAssignment(assign, k)
    },
  }
}

/**
 * Stratified k-fold: every fold keeps the class proportions, with scikit-learn's allocation
 * (classes in order of first appearance, fold sizes differing by at most one). With `shuffle`, the
 * fold order inside each class is a seeded permutation.
 */
export const stratifiedKFoldSplitter = (
  options: { k?: number; shuffle?: boolean } = {},
): CvSplitter => {
  const k = options.k ?? 5
  const shuffle = options.shuffle ?? true
  checkK(k)
  return {
    kind: 'stratified-k-fold',
    k,
    covering: true,
    ordered: false,
    split({ n, y }, rng) {
      if (!y || y.length !== n) {
        throw new KeelError('INVALID_ARGUMENT', 'stratified k-fold needs one class label per row')
      }
      checkRows(n, k, 'stratified')
      // Encode classes in order of first appearance, as scikit-learn does.
      const code = new Map<number, number>()
      const enc = new Int32Array(n)
      for (let i = 0; i < n; i++) {
        let c = code.get(y[i]!)
        if (c === undefined) code.set(y[i]!, (c = code.size))
        enc[i] = c
      }
      const K = code.size
      const counts = new Int32Array(K)
      for (const c of enc) counts[c]!++
      if (Math.max(...counts) < k) {
        throw new KeelError(
          'INVALID_DATA',
          `stratified k-fold: k = ${k} is larger than the size of every class`,
          { details: { counts: Array.from(counts) } },
        )
      }
      // allocation[f][c] = how many of class c go to fold f: deal the label-sorted rows round-robin.
      const sorted = Array.from(enc).sort((a, b) => a - b)
      const allocation = Array.from({ length: k }, () => new Int32Array(K))
      sorted.forEach((c, r) => allocation[r % k]![c]!++)
      const assign = new Int32Array(n)
      for (let c = 0; c < K; c++) {
        const folds: number[] = []
        for (let f = 0; f < k; f++) for (let t = 0; t < allocation[f]![c]!; t++) folds.push(f)
        const order = shuffle ? permutation(rng, folds.length) : null
        let at = 0
        for (let i = 0; i < n; i++) {
          if (enc[i] !== c) continue
          assign[i] = folds[order ? order[at]! : at]!
          at++
        }
      }
      return foldsFromAssignment(assign, k)
    },
  }
}

/**
 * Group k-fold: all rows of a group land in the same fold, so a model is never tested on a user
 * (or flight, or day) it was trained on. Groups are assigned largest first to the currently
 * lightest fold (scikit-learn's GroupKFold); equal sizes are taken in order of first appearance.
 * Deterministic: the generator is not used.
 */
export const groupKFoldSplitter = (options: { k?: number } = {}): CvSplitter => {
  const k = options.k ?? 5
  checkK(k)
  return {
    kind: 'group-k-fold',
    k,
    covering: true,
    ordered: false,
    split({ n, groups }) {
      if (!groups || groups.length !== n) {
        throw new KeelError('INVALID_ARGUMENT', 'group k-fold needs one group key per row')
      }
      const id = new Map<number | string, number>()
      const gid = new Int32Array(n)
      for (let i = 0; i < n; i++) {
        let g = id.get(groups[i]!)
        if (g === undefined) id.set(groups[i]!, (g = id.size))
        gid[i] = g
      }
      if (id.size < k) {
        throw new KeelError(
          'INVALID_DATA',
          `group k-fold: ${id.size} groups cannot fill ${k} folds`,
          {
            details: { groups: id.size, k },
          },
        )
      }
      const sizes = new Int32Array(id.size)
      for (const g of gid) sizes[g]!++
      const order = Array.from(sizes.keys()).sort((a, b) => sizes[b]! - sizes[a]! || a - b)
      const load = new Float64Array(k)
      const foldOf = new Int32Array(id.size)
      for (const g of order) {
        let lightest = 0
        for (let f = 1; f < k; f++) if (load[f]! < load[lightest]!) lightest = f
        load[lightest] = load[lightest]! + sizes[g]!
        foldOf[g] = lightest
      }
      return foldsFromAssignment(
        Int32Array.from(gid, (g) => foldOf[g]!),
        k,
      )
    },
  }
}

/** Options of {@link timeSeriesSplitter}. */
export interface TimeSeriesSplitOptions {
  readonly k?: number
  /** Rows per test window (default ⌊n / (k + 1)⌋, as scikit-learn). */
  readonly testSize?: number
  /** Rows left out between the end of training and the start of the test window. */
  readonly gap?: number
  /**
   * `expanding` (default): train on everything before the test window. `rolling`: only the last
   * `trainSize` rows before it, so old data ages out as the origin moves.
   */
  readonly window?: 'expanding' | 'rolling'
  readonly trainSize?: number
}

/**
 * Forward-chaining splits for data with a time order: k test windows at the end of the series,
 * each trained on rows strictly before it (minus a `gap`, for labels that arrive late). Rows are
 * ordered by `time` when given (stably), else taken in their given order. Matches scikit-learn's
 * TimeSeriesSplit(n_splits=k, test_size, gap, max_train_size).
 */
export const timeSeriesSplitter = (options: TimeSeriesSplitOptions = {}): CvSplitter => {
  const k = options.k ?? 5
  const gap = options.gap ?? 0
  const window = options.window ?? 'expanding'
  checkK(k)
  if (!Number.isInteger(gap) || gap < 0) {
    throw new KeelError('INVALID_ARGUMENT', `gap must be a non-negative integer, got ${gap}`)
  }
  if (window === 'rolling' && !(Number.isInteger(options.trainSize) && options.trainSize! > 0)) {
    throw new KeelError('INVALID_ARGUMENT', 'a rolling window needs a positive integer trainSize')
  }
  return {
    kind: 'time-series',
    k,
    covering: false,
    ordered: true,
    split({ n, time }) {
      const testSize = options.testSize ?? Math.floor(n / (k + 1))
      if (!(testSize >= 1) || k * testSize + gap >= n) {
        throw new KeelError(
          'INVALID_DATA',
          `time-series split: ${k} test windows of ${testSize} rows plus a gap of ${gap} need more than ${n} rows`,
          { details: { n, k, testSize, gap } },
        )
      }
      let order = Int32Array.from({ length: n }, (_, i) => i)
      if (time) {
        if (time.length !== n)
          throw new KeelError('INVALID_ARGUMENT', 'one time value per row is needed')
        for (let i = 0; i < n; i++) {
          if (!Number.isFinite(time[i]!)) {
            throw new KeelError('INVALID_DATA', `time is missing at row ${i}`, {
              path: ['time', i],
            })
          }
        }
        order = Int32Array.from(Array.from(order).sort((a, b) => time[a]! - time[b]! || a - b))
      }
      const folds: CvFold[] = []
      for (let start = n - k * testSize; start < n; start += testSize) {
        const trainEnd = start - gap
        const trainStart = window === 'rolling' ? Math.max(0, trainEnd - options.trainSize!) : 0
        const pick = (a: number, b: number) => Int32Array.from(order.subarray(a, b)).sort()
        folds.push({ train: pick(trainStart, trainEnd), test: pick(start, start + testSize) })
      }
      return folds
    },
  }
}
