import { KeelError } from '../errors/index.js'

/**
 * Check the inputs of a calibrator fit: scores, targets and optional weights of equal length,
 * finite scores and targets, non-negative weights with a positive total. Returns the total weight.
 */
export const checkFitInput = (
  what: string,
  scores: ArrayLike<number>,
  y: ArrayLike<number>,
  weight: ArrayLike<number> | undefined,
): number => {
  const n = scores.length
  if (y.length !== n) {
    throw new KeelError('INVALID_ARGUMENT', `${what}: y has ${y.length} entries, scores ${n}`)
  }
  if (weight && weight.length !== n) {
    throw new KeelError(
      'INVALID_ARGUMENT',
      `${what}: weight has ${weight.length} entries, scores ${n}`,
    )
  }
  let total = 0
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(scores[i]!) || !Number.isFinite(y[i]!)) {
      throw new KeelError('INVALID_DATA', `${what}: row ${i} has a non-finite score or target`, {
        path: [i],
      })
    }
    const wi = weight ? weight[i]! : 1
    if (!(wi >= 0) || !Number.isFinite(wi)) {
      throw new KeelError('INVALID_DATA', `${what}: weight[${i}] is ${wi}`, { path: ['weight', i] })
    }
    total += wi
  }
  if (!(total > 0)) throw new KeelError('INVALID_DATA', `${what} needs rows with positive weight`)
  return total
}
