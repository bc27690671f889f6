/**
 * A seeded sample of at most `size` items out of a stream, chosen by a hash of each item's id:
 * the items with the smallest hashes win (bottom-k sampling). The sample depends only on the
 * seed and the ids, not on the order the stream arrives in, so two backends holding the same
 * predictions sample the same ones, and a prediction sampled in a long range is also sampled in
 * every shorter range that holds it (and wins there).
 */
export interface SeededSample<T> {
  /** Offer one item; it is kept if its hash is among the `size` smallest seen so far. */
  offer(id: string, item: T): void
  /** How many items were offered. */
  readonly seen: () => number
  /** The kept items, by ascending hash (ties: by id). */
  readonly items: () => T[]
}

/**
 * A 53-bit hash of `text` under `seed` (cyrb53: two multiplicative 32-bit lanes). Not
 * cryptographic; spread evenly enough that the smallest hashes are a uniform sample.
 */
export const seededHash = (text: string, seed: number): number => {
  let h1 = 0xdeadbeef ^ seed
  let h2 = 0x41c6ce57 ^ seed
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    h1 = Math.imul(h1 ^ c, 2654435761)
    h2 = Math.imul(h2 ^ c, 1597334677)
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909)
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909)
  return 4294967296 * (2097151 & h2) + (h1 >>> 0)
}

interface Entry<T> {
  readonly hash: number
  readonly id: string
  readonly item: T
}

const before = <T>(a: Entry<T>, b: Entry<T>): number =>
  a.hash !== b.hash ? a.hash - b.hash : a.id < b.id ? -1 : a.id > b.id ? 1 : 0

/** Start a {@link SeededSample} of at most `size` items. */
export const seededSample = <T>(size: number, seed: number): SeededSample<T> => {
  // Kept unsorted up to 2 × size, then cut back to the best `size`: amortized O(log size) per item.
  let kept: Entry<T>[] = []
  let seen = 0
  let cutoff = Infinity
  const trim = (): void => {
    kept.sort(before)
    kept = kept.slice(0, size)
    cutoff = kept.length === size ? kept[size - 1]!.hash : Infinity
  }
  return {
    offer(id, item) {
      seen++
      if (size <= 0) return
      const hash = seededHash(id, seed)
      if (hash > cutoff) return
      kept.push({ hash, id, item })
      if (kept.length >= 2 * size) trim()
    },
    seen: () => seen,
    items: () => {
      trim()
      return kept.map((e) => e.item)
    },
  }
}
