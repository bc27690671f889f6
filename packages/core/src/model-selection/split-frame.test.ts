import { describe, expect, it } from 'vitest'
import { fc, test } from '@fast-check/vitest'
import { Frame, categoricalColumn, numericColumn, timestampColumn } from '../frame/index.js'
import { createRng } from '../random/index.js'
import { isKeelError } from '../errors/index.js'
import type { SchemaContract } from '../schema/index.js'
import { splitFrame, type FrameSplit } from './split-frame.js'
import type { SplitKind } from './split-spec.js'

const rowsOf = (s: FrameSplit): Int32Array[] => [
  s.indices.train,
  s.indices.validation,
  s.indices.test,
]

/** Every row in exactly one split, indices ascending within a split. */
const expectPartition = (s: FrameSplit, n: number): void => {
  const seen = new Uint8Array(n)
  for (const part of rowsOf(s)) {
    for (let i = 0; i < part.length; i++) {
      expect(seen[part[i]!]).toBe(0)
      seen[part[i]!] = 1
      if (i > 0) expect(part[i]!).toBeGreaterThan(part[i - 1]!)
    }
  }
  expect(seen.every((x) => x === 1)).toBe(true)
}

const dataset = fc
  .array(
    fc.record({
      t: fc.integer({ min: 0, max: 50 }),
      g: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', null),
      y: fc.constantFrom('yes', 'no'),
      x: fc.integer({ min: 0, max: 3 }),
    }),
    { minLength: 1, maxLength: 120 },
  )
  .map((rows) =>
    Frame.fromColumns({
      t: timestampColumn(rows.map((r) => r.t * 1000)),
      g: categoricalColumn(rows.map((r) => r.g)),
      y: categoricalColumn(rows.map((r) => r.y)),
      x: numericColumn(rows.map((r) => r.x)),
    }),
  )

const fractions = fc
  .tuple(
    fc.integer({ min: 1, max: 10 }),
    fc.integer({ min: 0, max: 10 }),
    fc.integer({ min: 1, max: 10 }),
  )
  .map(
    ([a, b, c]) => [a / (a + b + c), b / (a + b + c), c / (a + b + c)] as [number, number, number],
  )

describe('splitFrame', () => {
  test.prop([
    dataset,
    fractions,
    fc.constantFrom<SplitKind>('random', 'stratified', 'group', 'time'),
    fc.integer(),
  ])('partitions the rows: disjoint, covering, reproducible', (f, fr, kind, seed) => {
    const spec = {
      kind,
      fractions: fr,
      label: 'y',
      column: kind === 'group' ? 'g' : kind === 'time' ? 't' : 'y',
    }
    const s = splitFrame(f, spec, { rng: createRng(seed) })
    expectPartition(s, f.numRows)
    expect(rowsOf(splitFrame(f, spec, { rng: createRng(seed) }))).toEqual(rowsOf(s))
    expect(s.report.sizes.train + s.report.sizes.validation + s.report.sizes.test).toBe(f.numRows)
  })

  test.prop([dataset, fractions, fc.integer()])(
    'never shares a group between splits',
    (f, fr, seed) => {
      const s = splitFrame(
        f,
        { kind: 'group', column: 'g', fractions: fr },
        { rng: createRng(seed) },
      )
      const where = new Map<string, number>()
      rowsOf(s).forEach((part, k) =>
        part.forEach((i) => {
          const g = f.row(i)['g']
          if (g === null) return
          expect(where.get(g as string) ?? k).toBe(k)
          where.set(g as string, k)
        }),
      )
      expect(Object.values(s.report.groups!).reduce((a, b) => a + b, 0)).toBe(
        new Set(f.toRows().map((r, i) => r['g'] ?? `#${i}`)).size,
      )
    },
  )

  test.prop([dataset, fractions])(
    'time split keeps train < validation < test and ties together',
    (f, fr) => {
      const s = splitFrame(f, { kind: 'time', column: 't', fractions: fr }, { rng: createRng(0) })
      const t = f.numeric('t')
      const [train, val, test] = rowsOf(s).map((p) => Array.from(p, (i) => t[i]!))
      const max = (xs: number[]): number => Math.max(-Infinity, ...xs)
      const min = (xs: number[]): number => Math.min(Infinity, ...xs)
      expect(max(train!)).toBeLessThan(min([...val!, ...test!]))
      expect(max(val!)).toBeLessThan(min(test!))
    },
  )

  test.prop([dataset, fractions])(
    'time split leaves no part empty when the timestamp has enough distinct instants',
    (f, fr) => {
      const s = splitFrame(f, { kind: 'time', column: 't', fractions: fr }, { rng: createRng(0) })
      const distinct = new Set(f.numeric('t')).size
      const withValidation = fr[1] > 0
      if (distinct >= (withValidation ? 3 : 2)) {
        expect(s.indices.train.length).toBeGreaterThan(0)
        expect(s.indices.test.length).toBeGreaterThan(0)
        if (withValidation) expect(s.indices.validation.length).toBeGreaterThan(0)
      }
    },
  )

  it('keeps a part on a coarse timestamp whose last instant holds more rows than the test share', () => {
    // Cars-like: 12 model years; the last year holds 20 % of the rows, more than the 15 % test
    // share, so cutting forward past ties used to put every later row in validation.
    const years = Array.from({ length: 12 }, (_, k) => Date.UTC(1970 + k, 0, 1))
    const t: number[] = []
    years.forEach((y, k) => {
      for (let r = 0; r < (k === 11 ? 60 : k === 10 ? 40 : 18); r++) t.push(y)
    })
    const f = Frame.fromColumns({ t: timestampColumn(t) })
    const s = splitFrame(f, { kind: 'time', column: 't' }, { rng: createRng(0) })
    // 280 rows: 1970–1979 rows 0–179, 1980 rows 180–219, 1981 rows 220–279. Train's 70 % target
    // (196) falls inside 1980 → 220; validation's 85 % target (238) inside 1981 → 280, which used
    // to leave test empty. Now test keeps the last year and validation the one before it.
    expect(s.report.sizes).toEqual({ train: 180, validation: 40, test: 60 })
    expect(s.report.timeRanges!.test).toEqual({ min: years[11], max: years[11] })
  })

  it('cuts at cutoff instants, given as ISO strings', () => {
    const day = (d: number): number => Date.UTC(2001, 0, d)
    const f = Frame.fromColumns({
      at: timestampColumn([day(1), day(5), day(10), day(15), day(20)]),
    })
    const s = splitFrame(
      f,
      { kind: 'time', cutoffs: ['2001-01-10', '2001-01-15'] },
      {
        rng: createRng(1),
        contract: { fields: [{ name: 'at', kind: 'timestamp', role: 'timestamp' }] },
      },
    )
    expect(rowsOf(s).map((p) => Array.from(p))).toEqual([[0, 1], [2], [3, 4]])
    expect(s.report.kind).toBe('time')
    expect(s.report.timeRanges!.validation).toEqual({ min: day(10), max: day(10) })
  })

  it('defaults to time when the contract has a timestamp, and refuses missing timestamps', () => {
    const contract: SchemaContract = {
      fields: [{ name: 'at', kind: 'timestamp', role: 'timestamp' }],
    }
    const f = Frame.fromColumns({ at: timestampColumn([3, 1, 2, null]) })
    try {
      splitFrame(f, {}, { rng: createRng(1), contract })
      expect.unreachable()
    } catch (e) {
      expect(isKeelError(e) && e.code).toBe('INVALID_DATA')
      expect(String(e)).toMatch(/1 row\(s\) have no "at" \(rows 3\)/)
    }
    expect(splitFrame(f.slice(0, 3), {}, { rng: createRng(1), contract }).report.kind).toBe('time')
  })

  it('keeps class proportions per split when stratified', () => {
    const y = Array.from({ length: 1000 }, (_, i) => (i % 10 === 0 ? 'late' : 'on time'))
    const f = Frame.fromColumns({ y: categoricalColumn(y), x: numericColumn(y.map((_, i) => i)) })
    const s = splitFrame(f, { label: 'y', fractions: [0.6, 0.2, 0.2] }, { rng: createRng(7) })
    expect(s.report.kind).toBe('stratified')
    const bal = s.report.labelBalance!
    expect(bal.type).toBe('classes')
    if (bal.type !== 'classes') return
    expect(bal.counts.train['late']).toBe(60)
    expect(bal.counts.validation['late']).toBe(20)
    expect(bal.counts.test['late']).toBe(20)
    expect(s.report.sizes).toEqual({ train: 600, validation: 200, test: 200 })
  })

  it('reports exact duplicate rows that cross splits', () => {
    const x = [1, 2, 1, 3, 1, 2, 4, 5]
    const f = Frame.fromColumns({
      x: numericColumn(x),
      c: categoricalColumn(x.map((v) => `k${v}`)),
      t: timestampColumn(x.map((_, i) => i)),
    })
    const s = splitFrame(
      f,
      { kind: 'time', column: 't', fractions: [0.5, 0.25, 0.25] },
      { rng: createRng(0) },
    )
    // train rows 0-3, validation 4-5, test 6-7; x=1 at rows 0, 2, 4 and x=2 at rows 1, 5.
    expect(s.report.duplicates).toEqual({
      columns: ['x', 'c'],
      duplicateRows: 3,
      crossSplitGroups: 2,
      leakedRows: { validation: 2, test: 0 },
      samples: [
        { rows: [0, 2, 4], splits: ['train', 'validation'] },
        { rows: [1, 5], splits: ['train', 'validation'] },
      ],
    })
  })

  it('explains a missing split column', () => {
    const f = Frame.fromColumns({ a: numericColumn([1, 2]) })
    expect(() => splitFrame(f, { kind: 'group' }, { rng: createRng(1) })).toThrowError(
      /needs a column/,
    )
    expect(() => splitFrame(f, { kind: 'group', column: 'g' }, { rng: createRng(1) })).toThrowError(
      /"g" is not in the data/,
    )
    expect(() => splitFrame(f, { fractions: [0.5, 0.5, 0.5] }, { rng: createRng(1) })).toThrowError(
      /summing to 1/,
    )
  })
})
