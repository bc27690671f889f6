import type { FeatureValue } from '../definitions.js'

/**
 * How served and offline values are compared. By default exactly, after a JSON round trip of the
 * offline value (what the prediction log does to the served one: `-0` becomes `0`, a non-finite
 * number becomes null). `relative` (e.g. `1e-9`) accepts numbers within that fraction of the
 * larger magnitude, `absolute` within that distance; either suffices. Types never mix: `1` and
 * `'1'` differ.
 */
export interface Tolerance {
  readonly relative?: number
  readonly absolute?: number
}

/** A value as the prediction log would hand it back. */
export const asLogged = (value: unknown): FeatureValue => {
  if (value === undefined) return null
  const text = JSON.stringify(value)
  if (text === undefined) return null
  const back = JSON.parse(text) as unknown
  if (back === null || typeof back === 'number' || typeof back === 'string') return back
  if (typeof back === 'boolean') return back
  // An object or array is not a feature value; its JSON text stands for it, so equal structures
  // still compare equal.
  return text
}

/** True when two logged values agree under `tolerance`. */
export const sameValue = (
  served: FeatureValue,
  offline: FeatureValue,
  tolerance: Tolerance = {},
): boolean => {
  if (served === offline) return true
  if (typeof served !== 'number' || typeof offline !== 'number') return false
  const diff = Math.abs(served - offline)
  if (tolerance.absolute !== undefined && diff <= tolerance.absolute) return true
  if (tolerance.relative !== undefined) {
    return diff <= tolerance.relative * Math.max(Math.abs(served), Math.abs(offline))
  }
  return false
}
