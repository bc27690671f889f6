import type { QuantileSketch } from './quantile-sketch.js'

/** Equal-width bins over [min, max]: `counts[i]` values fall in `[edges[i], edges[i+1])`. */
export interface EqualWidthHistogram {
  /** `bins + 1` increasing edges; the last bin also includes its right edge. */
  readonly edges: readonly number[]
  readonly counts: readonly number[]
  /** False when counts were estimated from a sample; each is then within ±2·ε·n (ε: rank error). */
  readonly exact: boolean
}

/**
 * An equal-width histogram read off a {@link QuantileSketch}, so profiling needs neither a second
 * pass nor to know the range in advance.
 *
 * While the sketch is exact the counts are exactly numpy's `np.histogram(values, bins)`: the same
 * edges (`min + i·(max−min)/bins`, last edge = max), half-open bins, the last one closed, and a
 * ±0.5 range around a constant column. Once the sketch samples, each count is a difference of two
 * estimated ranks, so it can be off by twice the sketch's rank error times n (counts still sum to
 * n). Returns `null` for an empty sketch or one holding ±Infinity (no finite range to bin).
 */
export const histogramFromSketch = (
  sketch: QuantileSketch,
  bins = 20,
): EqualWidthHistogram | null => {
  const n = sketch.count
  let lo = sketch.min
  let hi = sketch.max
  if (n === 0 || lo === null || hi === null || !Number.isFinite(lo) || !Number.isFinite(hi)) {
    return null
  }
  if (lo === hi) {
    lo -= 0.5
    hi += 0.5
  }
  const step = (hi - lo) / bins
  const edges: number[] = []
  for (let i = 0; i < bins; i++) edges.push(i * step + lo)
  edges.push(hi)
  const counts: number[] = []
  let below = 0
  for (let i = 0; i < bins; i++) {
    const next = i === bins - 1 ? n : sketch.countBelow(edges[i + 1]!)
    counts.push(Math.max(0, next - below))
    below = Math.max(below, next)
  }
  return { edges, counts, exact: sketch.isExact }
}
