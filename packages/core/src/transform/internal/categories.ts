import type { Column } from '../../frame/index.js'

/**
 * A column seen as categories: `codes[i]` indexes `labels`, -1 when missing. For a categorical
 * column this is the column itself (no copy); text and numeric columns are dictionary-encoded on
 * the fly (numbers by `String(x)`, booleans as `true`/`false`), so every categorical encoder works
 * on all three the same way and costs O(rows + distinct values).
 */
export interface CategoryView {
  readonly codes: Int32Array
  readonly labels: readonly string[]
}

/** The {@link CategoryView} of any column. */
export const categoryView = (c: Column): CategoryView => {
  if (c.kind === 'categorical') return { codes: c.codes, labels: c.dictionary }
  const n = c.values.length
  const codes = new Int32Array(n)
  const labels: string[] = []
  const index = new Map<string | number, number>()
  if (c.kind === 'text') {
    for (let i = 0; i < n; i++) {
      const v = c.values[i] ?? null
      if (v === null) {
        codes[i] = -1
        continue
      }
      let k = index.get(v)
      if (k === undefined) {
        k = labels.length
        labels.push(v)
        index.set(v, k)
      }
      codes[i] = k
    }
    return { codes, labels }
  }
  const asBoolean = c.kind === 'boolean'
  for (let i = 0; i < n; i++) {
    const v = c.values[i]!
    if (Number.isNaN(v)) {
      codes[i] = -1
      continue
    }
    const key = v === 0 ? 0 : v
    let k = index.get(key)
    if (k === undefined) {
      k = labels.length
      labels.push(asBoolean ? String(key !== 0) : String(key))
      index.set(key, k)
    }
    codes[i] = k
  }
  return { codes, labels }
}

/**
 * Row counts per label of `view`, keyed by label, over the rows present (dictionary entries that
 * no row uses do not appear: a frame sliced from a larger one may carry categories of rows it does
 * not hold, and fitting must never see those). Also returns the number of missing rows.
 */
export const countLabels = (
  view: CategoryView,
): { counts: Map<string, number>; missing: number } => {
  const perCode = new Float64Array(view.labels.length)
  let missing = 0
  const { codes } = view
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i]!
    if (c < 0) missing++
    else perCode[c]!++
  }
  const counts = new Map<string, number>()
  for (let k = 0; k < perCode.length; k++) {
    const n = perCode[k]!
    if (n > 0) counts.set(view.labels[k]!, (counts.get(view.labels[k]!) ?? 0) + n)
  }
  return { counts, missing }
}

/** Code-point order of strings (what Python's `sorted` does), independent of locale. */
export const compareStrings = (a: string, b: string): number => {
  // JS `<` compares UTF-16 code units; that differs from code-point order only for characters
  // above U+FFFF against U+E000..U+FFFF, so compare code points explicitly.
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i)!
    const y = b.codePointAt(i)!
    if (x !== y) return x < y ? -1 : 1
    if (x > 0xffff) i++
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1
}

/** `labels` sorted in code-point order, as scikit-learn sorts categories. */
export const sortedLabels = (labels: Iterable<string>): string[] => [...labels].sort(compareStrings)

/**
 * For each code of `view`, the value `table[label]` (or `fallback` for labels not in the table),
 * computed once per dictionary entry; then gathered per row into `out` (missing rows get
 * `onMissing`). This is how every encoder stays O(rows) on a 3-million-row column.
 */
export const gatherByLabel = (
  view: CategoryView,
  lookup: (label: string) => number,
  onMissing: number,
  out: Float64Array,
): Float64Array => {
  const perCode = new Float64Array(view.labels.length)
  for (let k = 0; k < perCode.length; k++) perCode[k] = lookup(view.labels[k]!)
  const { codes } = view
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i]!
    out[i] = c < 0 ? onMissing : perCode[c]!
  }
  return out
}
