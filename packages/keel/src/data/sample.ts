import { Frame, createRng, type Rng } from '@keel/core'
import type { SampleSpec } from './read-options.js'

/**
 * Deterministic row sampling over a stream of chunks. Each row draws one uniform number from a
 * generator seeded by `seed`, in row order, so the sample depends only on the data order and the
 * seed, never on chunk sizes:
 * - `fraction`: keep the rows whose draw is below the fraction (Bernoulli sampling);
 * - `rows`: keep the `rows` rows with the smallest draws (reservoir sampling by random keys),
 *   returned in their original order.
 */
export async function* sampleChunks(
  chunks: AsyncIterable<Frame>,
  spec: SampleSpec,
): AsyncGenerator<Frame> {
  const rng = createRng(spec.seed ?? 0)
  if ('fraction' in spec) {
    for await (const chunk of chunks) {
      const keep = new Uint8Array(chunk.numRows)
      for (let i = 0; i < chunk.numRows; i++) keep[i] = rng.float() < spec.fraction ? 1 : 0
      yield chunk.filter(keep)
    }
    return
  }
  yield await reservoir(chunks, spec.rows, rng)
}

const reservoir = async (chunks: AsyncIterable<Frame>, k: number, rng: Rng): Promise<Frame> => {
  let kept: Frame | undefined
  let keys = new Float64Array(0)
  let order = new Float64Array(0)
  let seen = 0
  for await (const chunk of chunks) {
    const n = chunk.numRows
    const chunkKeys = new Float64Array(n)
    for (let i = 0; i < n; i++) chunkKeys[i] = rng.float()
    kept ??= chunk.slice(0, 0)
    // Only rows whose key beats the largest kept key can enter a full reservoir.
    let threshold = Infinity
    if (keys.length >= k) {
      threshold = -Infinity
      for (const x of keys) if (x > threshold) threshold = x
    }
    const candidates: number[] = []
    for (let i = 0; i < n; i++) if (chunkKeys[i]! < threshold) candidates.push(i)
    const all = Frame.concat([kept, chunk.take(candidates)])
    const allKeys = new Float64Array(keys.length + candidates.length)
    allKeys.set(keys)
    const allOrder = new Float64Array(order.length + candidates.length)
    allOrder.set(order)
    candidates.forEach((i, j) => {
      allKeys[keys.length + j] = chunkKeys[i]!
      allOrder[order.length + j] = seen + i
    })
    seen += n
    const idx = Array.from({ length: all.numRows }, (_, i) => i)
      .sort((a, b) => allKeys[a]! - allKeys[b]!)
      .slice(0, k)
      .sort((a, b) => allOrder[a]! - allOrder[b]!)
    kept = all.take(idx)
    keys = Float64Array.from(idx, (i) => allKeys[i]!)
    order = Float64Array.from(idx, (i) => allOrder[i]!)
  }
  return kept ?? Frame.empty()
}
