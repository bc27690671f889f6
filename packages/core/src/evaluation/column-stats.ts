/** Mean and sample standard deviation of the non-missing (non-NaN) values; 0 and 0 when empty. */
export const meanAndStd = (values: ArrayLike<number>): { mean: number; std: number } => {
  let n = 0
  let sum = 0
  for (let i = 0; i < values.length; i++) {
    const x = values[i]!
    if (Number.isNaN(x)) continue
    n++
    sum += x
  }
  const mean = n > 0 ? sum / n : 0
  let ss = 0
  for (let i = 0; i < values.length; i++) {
    const x = values[i]!
    if (!Number.isNaN(x)) ss += (x - mean) ** 2
  }
  return { mean, std: n > 1 ? Math.sqrt(ss / (n - 1)) : 0 }
}
