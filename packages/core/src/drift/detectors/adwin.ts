import type { ChangeDetector } from './detector.js'
import { requireFinite, requireParam } from './check.js'

/** Parameters of {@link createAdwin}; defaults are River's. */
export interface AdwinOptions {
  /** Confidence: smaller means fewer false alarms and slower detection. Default 0.002. */
  readonly delta?: number
  /** Check for change every `clock` updates. Default 32. */
  readonly clock?: number
  /** Buckets of each size kept before two are merged. Default 5. */
  readonly maxBuckets?: number
  /** Minimum length of each sub-window compared. Default 5. */
  readonly minWindowLength?: number
  /** No checks until the window holds more than this many values. Default 10. */
  readonly gracePeriod?: number
}

/** ADWIN's state readable from outside. */
export interface Adwin extends ChangeDetector {
  /** Number of values in the current window. */
  readonly width: number
  /** Mean of the current window. */
  readonly estimation: number
  /** Sum of squared deviations from the mean over the window. */
  readonly variance: number
  /** Changes detected since creation (a detection also resets the window on the next update). */
  readonly detections: number
}

/** One row of the exponential histogram: up to maxBuckets+1 buckets of size 2^row. */
interface Row {
  total: Float64Array
  variance: Float64Array
  count: number
}

/**
 * ADWIN (Bifet & Gavaldà 2007, "Learning from time-changing data with adaptive windowing"),
 * following River's variant exactly — the exponential-histogram buckets, the clocked checks, the
 * cut test `|mu0 - mu1| > sqrt(2 m σ² δ') + (2/3) δ' m` with `δ' = ln(2 ln(width) / δ)` — so it
 * fires at the same indices as River on the same stream (index 1023 on River's docstring stream).
 *
 * @example
 * const adwin = createAdwin({ delta: 0.002 })
 * for (const x of errors) { adwin.update(x); if (adwin.driftDetected) retrain() }
 */
export const createAdwin = (options: AdwinOptions = {}): Adwin => {
  const delta = options.delta ?? 0.002
  const clock = options.clock ?? 32
  const maxBuckets = options.maxBuckets ?? 5
  const minLen = options.minWindowLength ?? 5
  const grace = options.gracePeriod ?? 10
  requireParam(delta > 0 && delta < 1, 'delta', delta, 'in (0, 1)')
  requireParam(Number.isInteger(clock) && clock >= 1, 'clock', clock, 'an integer >= 1')
  requireParam(
    Number.isInteger(maxBuckets) && maxBuckets >= 2,
    'maxBuckets',
    maxBuckets,
    'an integer >= 2',
  )
  requireParam(
    Number.isInteger(minLen) && minLen >= 1,
    'minWindowLength',
    minLen,
    'an integer >= 1',
  )
  requireParam(Number.isInteger(grace) && grace >= 0, 'gracePeriod', grace, 'an integer >= 0')

  const newRow = (): Row => ({
    total: new Float64Array(maxBuckets + 1),
    variance: new Float64Array(maxBuckets + 1),
    count: 0,
  })
  const insert = (row: Row, total: number, variance: number): void => {
    row.total[row.count] = total
    row.variance[row.count] = variance
    row.count++
  }
  const dropOldest = (row: Row, k: number): void => {
    row.total.copyWithin(0, k)
    row.variance.copyWithin(0, k)
    row.total.fill(0, row.total.length - k)
    row.variance.fill(0, row.variance.length - k)
    row.count -= k
  }

  let rows: Row[] = []
  let total = 0
  let variance = 0
  let width = 0
  let tick = 0
  let detections = 0
  let drift = false

  const clear = (): void => {
    rows = [newRow()]
    total = 0
    variance = 0
    width = 0
    tick = 0
    drift = false
  }
  clear()

  const insertValue = (x: number): void => {
    insert(rows[0]!, x, 0)
    width += 1
    if (width > 1) {
      const d = x - total / (width - 1)
      variance += ((width - 1) * d * d) / width
    }
    total += x
    // Merge the two oldest buckets of a full row into the next row, cascading.
    for (let idx = 0; idx < rows.length; idx++) {
      const row = rows[idx]!
      if (row.count !== maxBuckets + 1) break
      if (idx + 1 === rows.length) rows.push(newRow())
      const next = rows[idx + 1]!
      const size = 2 ** idx
      const mu1 = row.total[0]! / size
      const mu2 = row.total[1]! / size
      const merged = row.total[0]! + row.total[1]!
      const extra = (size * size * (mu1 - mu2) * (mu1 - mu2)) / (size + size)
      insert(next, merged, row.variance[0]! + row.variance[1]! + extra)
      dropOldest(row, 2)
      if (next.count <= maxBuckets) break
    }
  }

  /** Remove the oldest bucket; returns its size. */
  const deleteOldest = (): number => {
    const row = rows[rows.length - 1]!
    const size = 2 ** (rows.length - 1)
    const u = row.total[0]!
    const mu = u / size
    width -= size
    total -= u
    const muWindow = total / width
    variance -=
      row.variance[0]! + (size * width * (mu - muWindow) * (mu - muWindow)) / (size + width)
    dropOldest(row, 1)
    if (row.count === 0) rows.pop()
    return size
  }

  const cutExceeded = (n0: number, n1: number, deltaMean: number): boolean => {
    const deltaPrime = Math.log((2 * Math.log(width)) / delta)
    const mRecip = 1 / (n0 - minLen + 1) + 1 / (n1 - minLen + 1)
    const epsilon =
      Math.sqrt(2 * mRecip * (variance / width) * deltaPrime) + (2 / 3) * deltaPrime * mRecip
    return Math.abs(deltaMean) > epsilon
  }

  const detect = (): boolean => {
    let changed = false
    tick += 1
    if (tick % clock !== 0 || width <= grace) return false
    let again = true
    while (again) {
      again = false
      let n0 = 0
      let n1 = width
      let u0 = 0
      let u1 = total
      let exit = false
      // Cut after each bucket, oldest first; the cut after the newest bucket leaves W1 empty.
      for (let idx = rows.length - 1; idx >= 0 && !exit; idx--) {
        const row = rows[idx]!
        const size = 2 ** idx
        for (let k = 0; k < row.count; k++) {
          n0 += size
          n1 -= size
          u0 += row.total[k]!
          u1 -= row.total[k]!
          if (idx === 0 && k === row.count - 1) {
            exit = true
            break
          }
          if (n1 >= minLen && n0 >= minLen && cutExceeded(n0, n1, u0 / n0 - u1 / n1)) {
            again = true
            changed = true
            if (width > 0) {
              n0 -= deleteOldest()
              exit = true
              break
            }
          }
        }
      }
    }
    if (changed) detections += 1
    return changed
  }

  return {
    update(x: number): void {
      requireFinite(x, 'adwin')
      if (drift) clear()
      insertValue(x)
      drift = detect()
    },
    get driftDetected() {
      return drift
    },
    get width() {
      return width
    },
    get estimation() {
      return width === 0 ? 0 : total / width
    },
    get variance() {
      return variance
    },
    get detections() {
      return detections
    },
    reset(): void {
      clear()
      detections = 0
    },
  }
}
