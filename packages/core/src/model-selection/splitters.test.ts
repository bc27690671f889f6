import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { fc, test } from '@fast-check/vitest'
import { createRng } from '../random/index.js'
import { isKeelError } from '../errors/index.js'
import {
  groupKFoldSplitter,
  kFoldSplitter,
  stratifiedKFoldSplitter,
  timeSeriesSplitter,
  type CvFold,
} from './splitters.js'

interface FoldJson {
  train: number[]
  test: number[]
}
const fx = JSON.parse(
  readFileSync(new URL('../../../../test/fixtures/linear/splitters.json', import.meta.url), 'utf8'),
) as {
  n: number
  y: number[]
  groups: number[]
  kFold: { k: number; folds: FoldJson[] }
  stratifiedKFold: { k: number; folds: FoldJson[] }
  groupKFold: { k: number; folds: FoldJson[] }
  timeSeries: {
    k: number
    params: { gap?: number; maxTrainSize?: number; testSize?: number }
    folds: FoldJson[]
  }[]
}

const plain = (folds: CvFold[]) =>
  folds.map((f) => ({ train: Array.from(f.train), test: Array.from(f.test) }))
const rng = createRng(0)

describe('splitters match scikit-learn (unshuffled)', () => {
  it('KFold', () => {
    expect(plain(kFoldSplitter({ k: fx.kFold.k, shuffle: false }).split({ n: fx.n }, rng))).toEqual(
      fx.kFold.folds,
    )
  })
  it('StratifiedKFold', () => {
    const folds = stratifiedKFoldSplitter({ k: fx.stratifiedKFold.k, shuffle: false }).split(
      { n: fx.n, y: Float64Array.from(fx.y) },
      rng,
    )
    expect(plain(folds)).toEqual(fx.stratifiedKFold.folds)
  })
  it('GroupKFold (as a partition: scikit-learn does not fix the fold order)', () => {
    const folds = groupKFoldSplitter({ k: fx.groupKFold.k }).split(
      { n: fx.n, groups: fx.groups },
      rng,
    )
    const asSet = (fs: { test: ArrayLike<number> }[]) =>
      fs.map((f) => Array.from(f.test).join(',')).sort()
    expect(asSet(folds)).toEqual(asSet(fx.groupKFold.folds))
  })
  for (const c of fx.timeSeries) {
    it(`TimeSeriesSplit ${JSON.stringify(c.params)}`, () => {
      const s = timeSeriesSplitter({
        k: c.k,
        ...(c.params.gap !== undefined ? { gap: c.params.gap } : {}),
        ...(c.params.testSize !== undefined ? { testSize: c.params.testSize } : {}),
        ...(c.params.maxTrainSize !== undefined
          ? { window: 'rolling' as const, trainSize: c.params.maxTrainSize }
          : {}),
      })
      expect(plain(s.split({ n: fx.n }, rng))).toEqual(c.folds)
    })
  }
})

const isPartition = (folds: CvFold[], n: number): boolean => {
  const seen = new Uint8Array(n)
  for (const f of folds) {
    for (const i of f.test) {
      if (seen[i]) return false
      seen[i] = 1
    }
    const test = new Set(f.test)
    if (f.train.length + f.test.length !== n || f.train.some((i) => test.has(i))) return false
  }
  return seen.every((v) => v === 1)
}

describe('splitter invariants', () => {
  test.prop([fc.integer({ min: 10, max: 200 }), fc.integer({ min: 2, max: 10 }), fc.integer()])(
    'k-fold: every row is tested exactly once; folds differ in size by ≤ 1; same seed, same folds',
    (n, k, seed) => {
      const s = kFoldSplitter({ k })
      const folds = s.split({ n }, createRng(seed))
      expect(isPartition(folds, n)).toBe(true)
      const sizes = folds.map((f) => f.test.length)
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1)
      expect(plain(s.split({ n }, createRng(seed)))).toEqual(plain(folds))
    },
  )

  test.prop([
    fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 30, maxLength: 150 }),
    fc.integer({ min: 2, max: 5 }),
    fc.integer(),
  ])('stratified: each class is spread over the folds within one row', (labels, k, seed) => {
    const y = Float64Array.from(labels)
    const n = y.length
    const counts = new Map<number, number>()
    for (const v of labels) counts.set(v, (counts.get(v) ?? 0) + 1)
    fc.pre(Math.max(...counts.values()) >= k)
    const folds = stratifiedKFoldSplitter({ k }).split({ n, y }, createRng(seed))
    expect(isPartition(folds, n)).toBe(true)
    for (const [c] of counts) {
      const per = folds.map((f) => Array.from(f.test).filter((i) => y[i] === c).length)
      expect(Math.max(...per) - Math.min(...per)).toBeLessThanOrEqual(1)
    }
  })

  test.prop([
    fc.array(fc.string({ minLength: 1, maxLength: 2 }), { minLength: 10, maxLength: 120 }),
    fc.integer({ min: 2, max: 4 }),
  ])('group k-fold: no group is in two folds', (groups, k) => {
    fc.pre(new Set(groups).size >= k)
    const folds = groupKFoldSplitter({ k }).split({ n: groups.length, groups }, rng)
    expect(isPartition(folds, groups.length)).toBe(true)
    const foldOf = new Map<string, number>()
    folds.forEach((f, i) =>
      f.test.forEach((r) => {
        const g = groups[r]!
        expect(foldOf.get(g) ?? i).toBe(i)
        foldOf.set(g, i)
      }),
    )
  })

  test.prop([
    fc.integer({ min: 20, max: 200 }),
    fc.integer({ min: 2, max: 5 }),
    fc.integer({ min: 0, max: 3 }),
    fc.boolean(),
  ])(
    'time series: training rows are all earlier than test rows, by at least the gap',
    (n, k, gap, rolling) => {
      const time = Float64Array.from({ length: n }, (_, i) => ((i * 7919) % n) * 1000)
      const s = timeSeriesSplitter({
        k,
        gap,
        ...(rolling ? { window: 'rolling' as const, trainSize: 5 } : {}),
      })
      for (const f of s.split({ n, time }, rng)) {
        const lastTrain = Math.max(...Array.from(f.train, (i) => time[i]!))
        const firstTest = Math.min(...Array.from(f.test, (i) => time[i]!))
        expect(lastTrain).toBeLessThan(firstTest)
        const between = Array.from(time).filter((t) => t > lastTrain && t < firstTest).length
        expect(between).toBe(gap)
        if (rolling) expect(f.train.length).toBeLessThanOrEqual(5)
      }
    },
  )

  it('rejects impossible requests with structured errors', () => {
    const cases: [() => unknown, string][] = [
      [() => kFoldSplitter({ k: 1 }), 'INVALID_ARGUMENT'],
      [() => kFoldSplitter({ k: 5 }).split({ n: 3 }, rng), 'INVALID_DATA'],
      [
        () =>
          stratifiedKFoldSplitter({ k: 3 }).split(
            { n: 4, y: Float64Array.from([0, 0, 1, 1]) },
            rng,
          ),
        'INVALID_DATA',
      ],
      [
        () => groupKFoldSplitter({ k: 3 }).split({ n: 4, groups: ['a', 'a', 'b', 'b'] }, rng),
        'INVALID_DATA',
      ],
      [() => timeSeriesSplitter({ k: 5, testSize: 3 }).split({ n: 10 }, rng), 'INVALID_DATA'],
      [() => timeSeriesSplitter({ window: 'rolling' }), 'INVALID_ARGUMENT'],
      [
        () =>
          timeSeriesSplitter({ k: 2 }).split(
            { n: 10, time: Float64Array.from({ length: 10 }, (_, i) => (i === 4 ? NaN : i)) },
            rng,
          ),
        'INVALID_DATA',
      ],
    ]
    for (const [fn, code] of cases) {
      try {
        fn()
        expect.unreachable()
      } catch (e) {
        expect(isKeelError(e) && e.code).toBe(code)
      }
    }
  })
})
