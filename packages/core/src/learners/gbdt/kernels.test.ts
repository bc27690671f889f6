import { fc, test } from '@fast-check/vitest'
import { describe, expect, it } from 'vitest'
import { createRng } from '../../random/index.js'
import type { FeatureSpec } from '../protocol.js'
import { binColumns, fitBinMapper, numericBin, numericEdges } from './binning.js'
import { buildHistogram, histogramContext, HIST_STRIDE, subtractHistogram } from './histogram.js'
import { joinBlocks, partitionRows, splitBlock } from './partition.js'
import { Forest } from './predictor.js'
import { childOf, type Tree } from './tree.js'

describe('binning', () => {
  it('gives every distinct value its own bin when there are few, with midpoint edges', () => {
    expect(Array.from(numericEdges(Float64Array.of(1, 1, 2, 4, 4, 4), 255))).toEqual([1.5, 3])
    expect(numericEdges(Float64Array.of(7, 7), 255).length).toBe(0)
  })

  test.prop([
    fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 400 }),
    fc.integer({ min: 2, max: 64 }),
  ])(
    'bin ≤ b exactly when x ≤ edges[b] (so float thresholds reproduce bin splits)',
    (values, maxBins) => {
      const sorted = Float64Array.from(values).sort()
      const e = numericEdges(sorted, maxBins)
      expect(e.length).toBeLessThan(maxBins)
      for (let b = 1; b < e.length; b++) expect(e[b]!).toBeGreaterThan(e[b - 1]!)
      for (const x of values) {
        const bin = numericBin(e, x)
        for (let b = 0; b < e.length; b++) expect(bin <= b).toBe(x <= e[b]!)
      }
    },
  )

  it('puts NaN in the missing bin and keeps rare categories together past maxBins', () => {
    const specs: FeatureSpec[] = [
      { name: 'x', kind: 'numeric' },
      { name: 'c', kind: 'categorical', categories: ['a', 'b', 'c', 'd', 'e'] },
    ]
    const x = Float64Array.of(1, NaN, 3, 2, 1, 1)
    const c = Int32Array.of(0, 0, 0, 1, 2, -1)
    const m = fitBinMapper([x, c], specs, 2, 1000, createRng(1))
    const binned = binColumns(m, [x, c])
    // x: 3 distinct values but 2 bins; NaN → bin numBins[0].
    expect(binned[1]).toBe(m.numBins[0])
    // c: 'a' is the most frequent → bin 0; 'b' and 'c' share the last bin; -1 → missing bin.
    expect(Array.from(binned.subarray(6))).toEqual([0, 0, 0, 1, 1, m.numBins[1]])
    // Categories absent from the data ('d', 'e') share the missing bin.
    expect(m.categoryBin[1]![3]).toBe(m.numBins[1])
  })
})

describe('histograms', () => {
  test.prop([fc.integer({ min: 1, max: 2000 }), fc.integer({ min: 1, max: 9 }), fc.integer()], {
    numRuns: 40,
  })(
    'parent − smaller child = larger child (the subtraction trick), for every kernel width',
    (n, F, seed) => {
      const rng = createRng(seed)
      const cols = Array.from({ length: F }, () =>
        Float64Array.from({ length: n }, () => rng.int(30)),
      )
      const specs: FeatureSpec[] = cols.map((_, f) => ({ name: `f${f}`, kind: 'numeric' }))
      const m = fitBinMapper(cols, specs, 255, 10_000, rng)
      const ctx = histogramContext(binColumns(m, cols), n, m.offsets, m.totalBins)
      const gh = Float32Array.from({ length: 2 * n }, (_, i) =>
        i % 2 ? rng.float() : rng.normal(),
      )
      const all = Int32Array.from({ length: n }, (_, i) => i)
      const goesLeft = Uint8Array.from({ length: n }, () => (rng.float() < 0.4 ? 1 : 0))
      const left = all.filter((i) => goesLeft[i] === 1)
      const right = all.filter((i) => goesLeft[i] === 0)
      const features = Int32Array.from({ length: F }, (_, f) => f)
      const size = m.totalBins * HIST_STRIDE
      const [hp, hl, hr] = [new Float64Array(size), new Float64Array(size), new Float64Array(size)]
      buildHistogram(ctx, hp, features, all, 0, n, gh)
      buildHistogram(ctx, hl, features, left, 0, left.length, gh)
      buildHistogram(ctx, hr, features, right, 0, right.length, gh)
      subtractHistogram(hp, hl, m.offsets, features)
      for (let j = 0; j < size; j++) {
        // Counts are exact; sums of float32 values in float64 differ by rounding only.
        if (j % 3 === 2) expect(hp[j]).toBe(hr[j])
        else expect(hp[j]).toBeCloseTo(hr[j]!, 9)
      }
      // Counts per feature add up to the node's rows.
      for (let f = 0; f < F; f++) {
        let c = 0
        for (let b = m.offsets[f]!; b < m.offsets[f + 1]!; b++) c += hr[b * 3 + 2]!
        expect(c).toBe(right.length)
      }
    },
  )
})

describe('histogram kernels', () => {
  test.prop([fc.integer({ min: 0, max: 700 }), fc.integer({ min: 1, max: 13 }), fc.integer()], {
    numRuns: 40,
  })(
    'equal a one-row-at-a-time reference bit for bit, for every kernel width and feature subset',
    (n, F, seed) => {
      const rng = createRng(seed)
      const cols = Array.from({ length: F }, () =>
        Float64Array.from({ length: n }, () => (rng.float() < 0.1 ? NaN : rng.int(40))),
      )
      const specs: FeatureSpec[] = cols.map((_, f) => ({ name: `f${f}`, kind: 'numeric' }))
      const m = fitBinMapper(cols, specs, 16, 10_000, rng)
      const binned = binColumns(m, cols)
      const ctx = histogramContext(binned, n, m.offsets, m.totalBins)
      const gh = Float32Array.from({ length: 2 * n }, (_, i) =>
        i % 2 ? rng.float() : rng.normal(),
      )
      // A range inside a sorted subset of the rows, and a random feature subset.
      const rows = Int32Array.from({ length: n }, (_, i) => i).filter(() => rng.float() < 0.7)
      const start = rows.length > 2 ? 1 : 0
      const end = rows.length > 2 ? rows.length - 1 : rows.length
      const features = Int32Array.from({ length: F }, (_, f) => f).filter(() => rng.float() < 0.8)
      const size = m.totalBins * HIST_STRIDE
      const got = new Float64Array(size).fill(7)
      buildHistogram(ctx, got, features, rows, start, end, gh)
      const want = new Float64Array(size).fill(7)
      for (const f of features) {
        want.fill(0, m.offsets[f]! * HIST_STRIDE, m.offsets[f + 1]! * HIST_STRIDE)
        for (let k = start; k < end; k++) {
          const r = rows[k]!
          const j = (m.offsets[f]! + binned[f * n + r]!) * HIST_STRIDE
          want[j]! += gh[2 * r]!
          want[j + 1]! += gh[2 * r + 1]!
          want[j + 2]! += 1
        }
      }
      // Same additions in the same order per bin: equal exactly, and untouched features kept.
      expect(Array.from(got)).toEqual(Array.from(want))
    },
  )
})

describe('partition', () => {
  test.prop([fc.integer({ min: 0, max: 500 }), fc.integer({ min: 1, max: 5 }), fc.integer()], {
    numRuns: 60,
  })(
    'one pass and any split into blocks joined back give the stable reference order',
    (n, blocks, seed) => {
      const rng = createRng(seed)
      const binned = Uint8Array.from({ length: 2 * n }, () => rng.int(8))
      const table = Uint8Array.from({ length: 256 }, () => rng.int(2))
      const rows = Int32Array.from({ length: n }, (_, i) => i).filter(() => rng.float() < 0.8)
      const start = Math.min(rows.length, rng.int(3))
      const end = Math.max(start, rows.length - rng.int(3))
      const range = Array.from(rows.subarray(start, end))
      const isLeft = (r: number): boolean => table[binned[n + r]!] === 1
      const want = [
        ...Array.from(rows.subarray(0, start)),
        ...range.filter(isLeft),
        ...range.filter((r) => !isLeft(r)),
        ...Array.from(rows.subarray(end)),
      ]
      const one = rows.slice()
      const mid = partitionRows(binned, n, one, new Int32Array(n), start, end, 1, table)
      expect(Array.from(one)).toEqual(want)
      expect(mid).toBe(start + range.filter(isLeft).length)
      // Blocks (some possibly empty), each split on its own and then joined.
      const cuts = Int32Array.from({ length: blocks + 1 }, (_, b) =>
        b === blocks ? end : start + Math.floor((b * (end - start)) / blocks),
      )
      const many = rows.slice()
      const scratch = new Int32Array(n)
      const lefts = Int32Array.from({ length: blocks }, (_, b) =>
        splitBlock(binned, n, many, scratch, cuts[b]!, cuts[b + 1]!, 1, table),
      )
      expect(joinBlocks(many, scratch, cuts, lefts, blocks)).toBe(mid)
      expect(Array.from(many)).toEqual(want)
    },
  )
})

/** A random tree over 3 numeric features and one categorical (dictionary of 40). */
const randomTree = (seed: number): Tree => {
  const rng = createRng(seed)
  const feature: number[] = [-1]
  const left: number[] = [-1]
  const right: number[] = [-1]
  const threshold: number[] = [0]
  const categories: (Int32Array | null)[] = [null]
  const open = [0]
  while (open.length > 0 && feature.length < 60) {
    const i = open.shift()!
    if (rng.float() < 0.25 && i > 0) continue
    const f = rng.int(4)
    feature[i] = f
    threshold[i] = f < 3 ? rng.normal() : 0
    categories[i] =
      f === 3 ? Int32Array.from(new Set(Array.from({ length: 8 }, () => rng.int(40)))).sort() : null
    for (const side of [left, right]) {
      side[i] = feature.length
      feature.push(-1)
      left.push(-1)
      right.push(-1)
      threshold.push(0)
      categories.push(null)
      open.push(feature.length - 1)
    }
  }
  const L = feature.length
  return {
    feature: Int32Array.from(feature),
    threshold: Float64Array.from(threshold, (t, i) => (i % 7 === 3 ? Infinity : t)),
    left: Int32Array.from(left),
    right: Int32Array.from(right),
    defaultLeft: Uint8Array.from({ length: L }, () => rng.int(2)),
    value: Float64Array.from({ length: L }, () => rng.normal()),
    cover: new Float64Array(L).fill(1),
    gain: new Float64Array(L),
    categories,
  }
}

const walk = (t: Tree, x: ArrayLike<number>, numCats: number[]): number => {
  let i = 0
  while (t.feature[i]! >= 0) i = childOf(t, i, x[t.feature[i]!]!, numCats[t.feature[i]!]!)
  return t.value[i]!
}

describe('flattened predictor', () => {
  const numCats = [0, 0, 0, 40]
  test.prop([
    fc.integer(),
    fc.array(
      fc.tuple(
        fc.oneof(
          fc.double({ noNaN: true, min: -3, max: 3 }),
          fc.constant(NaN),
          fc.constant(Infinity),
        ),
        fc.oneof(fc.double({ noNaN: true, min: -3, max: 3 }), fc.constant(NaN)),
        fc.double({ noNaN: true, min: -3, max: 3 }),
        fc.integer({ min: -2, max: 45 }),
      ),
      { minLength: 1, maxLength: 20 },
    ),
  ])('matches a reference walk of the creation-order trees, one row and batch', (seed, rows) => {
    const trees = [randomTree(seed), randomTree(seed + 1), randomTree(seed + 2)]
    const forest = new Forest(trees, [0, 1, 0], [0.5, -0.5], numCats)
    const x = Float64Array.from(rows.flat())
    const batch = new Float64Array(rows.length * 2)
    forest.rawRowsInto(x, rows.length, batch)
    rows.forEach((row, r) => {
      const expected0 = 0.5 + walk(trees[0]!, row, numCats) + walk(trees[2]!, row, numCats)
      const expected1 = -0.5 + walk(trees[1]!, row, numCats)
      const out = new Float64Array(2)
      forest.rawRowInto(row, out)
      expect(out[0]).toBe(expected0)
      expect(out[1]).toBe(expected1)
      expect(batch[2 * r]).toBe(expected0)
      expect(batch[2 * r + 1]).toBe(expected1)
    })
  })
})

describe('batch predictor', () => {
  const numCats = [0, 0, 0, 40]
  test.prop([fc.integer(), fc.integer({ min: 1, max: 3000 })], { numRuns: 20 })(
    'the integer walk equals the float walk on values at, between and beyond the thresholds',
    (seed, n) => {
      const trees = [randomTree(seed), randomTree(seed + 1), randomTree(seed + 2)]
      const forest = new Forest(trees, [0, 0, 0], [0.25], numCats)
      // Candidate values per numeric feature: every threshold, its neighbours and the extremes,
      // so ties (x = threshold goes left) are exercised; codes cover the whole dictionary.
      const cuts = trees.flatMap((t) => Array.from(t.threshold))
      const pool = [...cuts, ...cuts.map((c) => c + 1e-9), -Infinity, Infinity, 0, -0]
      const rng = createRng(seed)
      const x = new Float64Array(n * 4)
      for (let r = 0; r < n; r++) {
        for (let f = 0; f < 3; f++) x[r * 4 + f] = pool[rng.int(pool.length)]!
        x[r * 4 + 3] = rng.int(40)
      }
      const batch = new Float64Array(n)
      forest.rawRowsInto(x, n, batch)
      for (let r = 0; r < n; r++) expect(batch[r]).toBe(forest.rawRow(x, r * 4))
    },
  )
})
