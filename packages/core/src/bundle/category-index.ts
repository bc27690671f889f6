import type { CategoricalColumn } from '../frame/index.js'

/** A training dictionary ready for encoding: a frozen copy and each category's code. */
interface CategoryIndex {
  readonly dictionary: readonly string[]
  readonly codes: ReadonlyMap<string, number>
}

// Keyed by the pinned category array itself: pinned inputs are never mutated after a bundle is
// built or loaded, so one index serves every request for the life of the bundle.
const indexes = new WeakMap<readonly string[], CategoryIndex>()

/** The (cached) encoding index of a pinned category list. */
export const categoryIndex = (categories: readonly string[]): CategoryIndex => {
  let index = indexes.get(categories)
  if (!index) {
    index = {
      dictionary: Object.freeze([...categories]),
      codes: new Map(categories.map((c, i) => [c, i])),
    }
    indexes.set(categories, index)
  }
  return index
}

/**
 * Encode string values over a pinned training dictionary: known categories keep their training
 * codes, values outside it are appended to the dictionary in order of first appearance, missing
 * values are -1. The same column `categoricalColumn(values, merged dictionary)` builds, without
 * copying and re-indexing the training dictionary on every call: when no value is new, the column
 * shares the cached frozen dictionary.
 */
export const encodeOverCategories = (
  values: readonly unknown[],
  categories: readonly string[],
): CategoricalColumn => {
  const { dictionary, codes: known } = categoryIndex(categories)
  const codes = new Int32Array(values.length)
  let added: string[] | undefined
  let addedCodes: Map<string, number> | undefined
  for (let i = 0; i < values.length; i++) {
    const v = values[i]
    if (typeof v !== 'string') {
      codes[i] = -1
      continue
    }
    let code = known.get(v) ?? addedCodes?.get(v)
    if (code === undefined) {
      added ??= []
      addedCodes ??= new Map()
      code = dictionary.length + added.length
      added.push(v)
      addedCodes.set(v, code)
    }
    codes[i] = code
  }
  const dict = added ? Object.freeze([...dictionary, ...added]) : dictionary
  return Object.freeze({ kind: 'categorical', codes, dictionary: dict })
}
