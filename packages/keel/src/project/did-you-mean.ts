/** Edit distance (insertions, deletions, substitutions, adjacent swaps) between two words. */
export const editDistance = (a: string, b: string): number => {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  )
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        v = Math.min(v, d[i - 2]![j - 2]! + 1)
      d[i]![j] = v
    }
  }
  return d[a.length]![b.length]!
}

/**
 * The known word a misspelt one most likely meant: the closest by edit distance (case ignored),
 * when it is within a third of the word's length (at least 1, at most 3 edits); `undefined` when
 * nothing is that close, so a suggestion is never a wild guess.
 */
export const didYouMean = (word: string, known: Iterable<string>): string | undefined => {
  const w = word.toLowerCase()
  const limit = Math.min(3, Math.max(1, Math.floor(word.length / 3)))
  let best: string | undefined
  let bestDistance = Infinity
  for (const k of known) {
    const dist = editDistance(w, k.toLowerCase())
    if (dist < bestDistance && dist <= limit) {
      best = k
      bestDistance = dist
    }
  }
  return best
}
