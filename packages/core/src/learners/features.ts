import { KeelError, type Issue } from '../errors/index.js'
import type { Frame } from '../frame/index.js'
import type { FeatureSpec } from './protocol.js'

/** Code for a category that was not seen at fit (missing is -1). */
export const UNSEEN_CATEGORY = -2

/** Feature columns aligned to the pinned specs: numeric as Float64Array, categorical as Int32Array. */
export type AlignedColumn = Float64Array | Int32Array

/** Pin the feature specs of `X` at fit: every column becomes a feature, in order. */
export const pinFeatures = (X: Frame): FeatureSpec[] =>
  X.entries().map(([name, c]) => {
    switch (c.kind) {
      case 'categorical':
        return { name, kind: 'categorical', categories: c.dictionary }
      case 'numeric':
      case 'boolean':
      case 'timestamp':
        return { name, kind: 'numeric' }
      case 'text':
        throw new KeelError(
          'INVALID_DATA',
          `feature "${name}" is text; encode it first (e.g. a hashing vectorizer)`,
          { path: [name] },
        )
    }
  })

/**
 * The columns of `X` in the order of `specs`, mapped onto the training dictionaries.
 *
 * Contract: columns are matched by name, so order in `X` does not matter and extra columns are
 * ignored; a missing column or a kind mismatch is a `SCHEMA_MISMATCH` error listing every problem;
 * a category not seen at fit becomes {@link UNSEEN_CATEGORY} and each learner documents how it
 * treats it.
 */
export const alignFeatures = (X: Frame, specs: readonly FeatureSpec[]): AlignedColumn[] => {
  const issues: Issue[] = []
  const out: AlignedColumn[] = []
  for (const spec of specs) {
    if (!X.has(spec.name)) {
      issues.push({
        code: 'missing_column',
        path: [spec.name],
        message: `missing feature "${spec.name}"`,
      })
      continue
    }
    const c = X.column(spec.name)
    if (spec.kind === 'numeric') {
      if (c.kind === 'categorical' || c.kind === 'text') {
        issues.push({
          code: 'wrong_kind',
          path: [spec.name],
          message: `feature "${spec.name}" must be numeric, got ${c.kind}`,
        })
        continue
      }
      out.push(c.values)
    } else {
      if (c.kind !== 'categorical') {
        issues.push({
          code: 'wrong_kind',
          path: [spec.name],
          message: `feature "${spec.name}" must be categorical, got ${c.kind}`,
        })
        continue
      }
      out.push(remapCodes(c.codes, c.dictionary, spec.categories))
    }
  }
  if (issues.length > 0) {
    throw new KeelError('SCHEMA_MISMATCH', issues.map((i) => i.message).join('; '), { issues })
  }
  return out
}

// Pairs (frame dictionary → training dictionary) already found to match. Frame dictionaries are
// frozen and a fitted model's categories are never mutated, so a match stays a match; serving
// builds every request's frame over the same cached dictionary and skips the comparison.
const matched = new WeakMap<readonly string[], WeakSet<readonly string[]>>()

const sameDictionary = (a: readonly string[], b: readonly string[]): boolean => {
  if (a === b) return true
  if (a.length > b.length) return false
  const frozen = Object.isFrozen(a)
  if (frozen && matched.get(a)?.has(b)) return true
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  if (frozen) {
    let set = matched.get(a)
    if (!set) matched.set(a, (set = new WeakSet()))
    set.add(b)
  }
  return true
}

/** Codes over dictionary `from` re-expressed over dictionary `to` (unseen → UNSEEN_CATEGORY). */
export const remapCodes = (
  codes: Int32Array,
  from: readonly string[],
  to: readonly string[],
): Int32Array => {
  // Fast path: the frame's dictionary is a prefix of the training one (the common case when the
  // same reader produced both), so codes already mean the same thing.
  if (sameDictionary(from, to)) return codes
  const index = new Map(to.map((d, i) => [d, i]))
  const map = new Int32Array(from.length)
  for (let i = 0; i < from.length; i++) map[i] = index.get(from[i]!) ?? UNSEEN_CATEGORY
  const out = new Int32Array(codes.length)
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i]!
    out[i] = c < 0 ? -1 : map[c]!
  }
  return out
}
