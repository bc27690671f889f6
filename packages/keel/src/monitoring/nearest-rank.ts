/** The nearest-rank quantile of an ascending sample: always an observed value, never interpolated. */
export const nearestRank = (sorted: readonly number[], q: number): number =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!
