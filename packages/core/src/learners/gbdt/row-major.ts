import type { AlignedColumn } from '../features.js'

/**
 * Copy rows `start..end` of aligned feature columns into a row-major buffer (`numFeatures` values
 * per row): the layout the predictor walks. Category codes become numbers; negative codes (missing
 * or unseen) stay negative and follow the missing direction.
 */
export const rowMajor = (
  columns: readonly AlignedColumn[],
  start: number,
  end: number,
  out: Float64Array = new Float64Array((end - start) * columns.length),
): Float64Array => {
  const F = columns.length
  for (let f = 0; f < F; f++) {
    const col = columns[f]!
    for (let r = start; r < end; r++) out[(r - start) * F + f] = col[r]!
  }
  return out
}
