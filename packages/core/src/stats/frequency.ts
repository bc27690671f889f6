/** A value and how often it was seen. */
export interface ValueCount {
  readonly value: string
  readonly count: number
}

/** The most frequent values and whether their counts are exact. */
export interface TopValues {
  readonly values: readonly ValueCount[]
  /**
   * True when every count is exact. Otherwise counts are lower bounds that are at most
   * `maxUndercount` below the truth, and any value whose true count exceeds `maxUndercount` is
   * guaranteed to be tracked.
   */
  readonly exact: boolean
  readonly maxUndercount: number
}

/**
 * Counts of string values with bounded memory: exact while at most 2 × `capacity` distinct values
 * have been seen, then the mergeable Misra–Gries summary (Agarwal et al. 2012, "Mergeable
 * summaries"): when the table holds twice `capacity` keys, the (capacity+1)-th largest count is
 * subtracted from every count and non-positive keys are dropped. Each count then undercounts by at
 * most n / (capacity + 1) in total over the stream, and the heavy hitters always survive.
 */
export class FrequencyCounter {
  readonly capacity: number
  #counts = new Map<string, number>()
  #undercount = 0
  #total = 0

  constructor(capacity = 10_000) {
    this.capacity = capacity
  }

  /** Add `count` occurrences of `value`. */
  add(value: string, count = 1): void {
    if (count <= 0) return
    this.#total += count
    this.#counts.set(value, (this.#counts.get(value) ?? 0) + count)
    if (this.#counts.size > 2 * this.capacity) this.#reduce()
  }

  /** Fold another counter into this one (the other is not changed). */
  merge(other: FrequencyCounter): void {
    for (const [v, c] of other.#counts) this.#counts.set(v, (this.#counts.get(v) ?? 0) + c)
    this.#total += other.#total
    this.#undercount += other.#undercount
    if (this.#counts.size > 2 * this.capacity) this.#reduce()
  }

  /** Number of occurrences added. */
  get total(): number {
    return this.#total
  }

  /** True while every count is exact. */
  get isExact(): boolean {
    return this.#undercount === 0
  }

  /** Number of distinct values tracked (the true distinct count while exact). */
  get size(): number {
    return this.#counts.size
  }

  #reduce(): void {
    const counts = [...this.#counts.values()].sort((a, b) => b - a)
    const cut = counts[this.capacity] ?? 0
    if (cut === 0) return
    const next = new Map<string, number>()
    for (const [v, c] of this.#counts) if (c > cut) next.set(v, c - cut)
    this.#counts = next
    this.#undercount += cut
  }

  /** The `k` most frequent values, by count then by value (for a stable order). */
  top(k: number): TopValues {
    const entries = [...this.#counts.entries()]
    entries.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    return {
      values: entries.slice(0, k).map(([value, count]) => ({ value, count })),
      exact: this.#undercount === 0,
      maxUndercount: this.#undercount,
    }
  }
}
