import { describe, expect, it } from 'vitest'
import { fc, test } from '@fast-check/vitest'
import {
  Frame,
  categoricalColumn,
  numericColumn,
  textColumn,
  timestampColumn,
} from '../frame/index.js'
import type { SchemaContract } from './contract.js'
import { FrameValidator, validateFrame } from './validate.js'
import { renderValidation } from './render-validation.js'

const contract: SchemaContract = {
  fields: [
    { name: 'id', kind: 'numeric', role: 'id', unique: true, nullable: false },
    {
      name: 'at',
      kind: 'timestamp',
      role: 'timestamp',
      range: { min: '2001-01-01', max: '2001-12-31' },
    },
    {
      name: 'delay',
      kind: 'numeric',
      role: 'label',
      range: { min: -60, max: 600 },
      maxNullRate: 0.2,
    },
    { name: 'origin', kind: 'categorical', categories: ['SFO', 'JFK', 'ORD'] },
    {
      name: 'note',
      kind: 'text',
      checks: [
        { name: 'short', check: (v) => (String(v).length <= 5 ? true : `too long: ${String(v)}`) },
      ],
    },
  ],
  checks: [
    {
      name: 'no early delays',
      columns: ['delay'],
      check: (r) => !(typeof r['delay'] === 'number' && r['delay'] < -30),
    },
  ],
}

const day = (d: string): number => Date.parse(`${d}T00:00:00Z`)

const frame = (): Frame =>
  Frame.fromColumns({
    id: numericColumn([1, 2, 3, 2, null, 6]),
    at: timestampColumn([
      day('2001-01-05'),
      day('2000-12-31'),
      day('2001-03-01'),
      day('2001-03-01'),
      day('2002-02-02'),
      null,
    ]),
    delay: numericColumn([5, -45, null, 700, Infinity, null]),
    origin: categoricalColumn(['SFO', 'LAX', 'JFK', 'LAX', null, 'BOS']),
    note: textColumn(['ok', 'fine', 'way too long', null, 'x', 'y']),
  })

describe('validateFrame', () => {
  it('names every violation with its rows and count', () => {
    const r = validateFrame(frame(), contract)
    expect(r.ok).toBe(false)
    const byCode = Object.fromEntries(r.issues.map((i) => [`${i.code}:${i.column ?? i.check}`, i]))
    expect(byCode['duplicate_id:id']).toMatchObject({
      rows: [3],
      count: 1,
      message: 'column "id": 1 duplicate value ("2")',
    })
    expect(byCode['null_not_allowed:id']).toMatchObject({ rows: [4], count: 1 })
    expect(byCode['out_of_range:at']).toMatchObject({ rows: [1, 4], count: 2 })
    expect(byCode['out_of_range:at']!.message).toBe(
      'column "at": 2 values outside [2001-01-01T00:00:00.000Z, 2001-12-31T00:00:00.000Z] (lowest 2000-12-31T00:00:00.000Z, highest 2002-02-02T00:00:00.000Z)',
    )
    expect(byCode['out_of_range:delay']).toMatchObject({ rows: [3], count: 1 })
    expect(byCode['not_finite:delay']).toMatchObject({ rows: [4], count: 1 })
    expect(byCode['too_many_nulls:delay']).toMatchObject({ rows: [2, 5], count: 2 })
    expect(byCode['too_many_nulls:delay']!.message).toBe(
      'column "delay": 33.3% missing, above the allowed 20.0%',
    )
    expect(byCode['not_allowed_category:origin']).toMatchObject({ rows: [1, 3, 5], count: 3 })
    expect(byCode['not_allowed_category:origin']!.message).toBe(
      'column "origin": 3 values not in the allowed categories ("LAX" ×2, "BOS")',
    )
    expect(byCode['check_failed:note']).toMatchObject({ check: 'short', rows: [2], count: 1 })
    expect(byCode['check_failed:note']!.message).toBe(
      'check "short" on column "note" failed on 1 row: too long: way too long',
    )
    expect(byCode['check_failed:no early delays']).toMatchObject({
      column: null,
      rows: [1],
      count: 1,
    })
    expect(r.summary).toMatchObject({
      rows: 6,
      byCode: { not_allowed_category: 3, out_of_range: 3 },
    })
    expect(r.summary.violations).toBe(r.issues.reduce((s, i) => s + i.count, 0))
    expect(r.summary.byCheck).toEqual({ short: 1, 'no early delays': 1 })
    const text = renderValidation(r).split('\n')
    expect(text[0]).toBe(
      `✗ 6 rows, ${r.summary.violations} violations in ${r.issues.length} issues`,
    )
    expect(text[1]).toMatch(
      /^ {2}duplicate_id +id +1 row +\(row 3\) +column "id": 1 duplicate value \("2"\)$/,
    )
    expect(renderValidation(validateFrame(frame().slice(0, 1), { fields: [] }))).toBe(
      '✓ 1 row satisfies the contract',
    )
  })

  it('reports missing columns, wrong kinds and forbidden extra columns once', () => {
    const f = Frame.fromColumns({ id: categoricalColumn(['a', 'b']), extra: numericColumn([1, 2]) })
    const r = validateFrame(f, { ...contract, extraColumns: 'forbid' })
    const codes = r.issues.map((i) => `${i.code}:${i.column}`)
    expect(codes).toEqual([
      'wrong_kind:id',
      'missing_column:at',
      'missing_column:delay',
      'missing_column:origin',
      'missing_column:note',
      'unexpected_column:extra',
    ])
    expect(r.issues[0]!.message).toBe('column "id" is categorical, the contract says numeric')
  })

  it('with coerce, reports only the values that cannot be cast', () => {
    const f = Frame.fromColumns({ n: categoricalColumn(['1', '2.5', 'abc', '', 'x']) })
    const r = validateFrame(
      f,
      { fields: [{ name: 'n', kind: 'numeric', range: { max: 2 } }] },
      { coerce: true },
    )
    expect(r.issues).toHaveLength(1)
    expect(r.issues[0]).toMatchObject({ code: 'wrong_kind', rows: [2, 4], count: 2 })
    expect(r.issues[0]!.message).toBe(
      'column "n": 2 values cannot be read as numeric (e.g. "abc", "x"; rows 2, 4)',
    )
    const ok = validateFrame(
      Frame.fromColumns({ n: categoricalColumn(['1', '2']) }),
      { fields: [{ name: 'n', kind: 'numeric' }] },
      { coerce: true },
    )
    expect(ok.ok).toBe(true)
  })

  it('turns a throwing check into a failure with the reason', () => {
    const r = validateFrame(Frame.fromColumns({ a: numericColumn([1]) }), {
      fields: [{ name: 'a', kind: 'numeric' }],
      checks: [
        {
          name: 'boom',
          check: () => {
            throw new Error('kaput')
          },
        },
      ],
    })
    expect(r.issues[0]!.message).toBe('check "boom" failed on 1 row: threw: kaput')
  })

  test.prop([
    fc.array(fc.option(fc.integer({ min: 0, max: 30 }), { nil: null }), { maxLength: 80 }),
    fc.integer({ min: 1, max: 9 }),
  ])(
    'finds the same issues whatever the chunking (global row numbers, uniqueness and null rate across chunks)',
    (ids, chunk) => {
      const c: SchemaContract = {
        fields: [
          { name: 'id', kind: 'numeric', unique: true, maxNullRate: 0.1, range: { max: 25 } },
        ],
      }
      const f = Frame.fromColumns({ id: numericColumn(ids) })
      const whole = validateFrame(f, c)
      const v = new FrameValidator(c)
      for (let at = 0; at < f.numRows; at += chunk) v.push(f.slice(at, at + chunk))
      expect(v.result()).toEqual(whole)
      const seen = new Set<number>()
      let dups = 0
      for (const x of ids)
        if (x !== null) {
          if (seen.has(x)) dups++
          seen.add(x)
        }
      expect(whole.summary.byCode.duplicate_id ?? 0).toBe(dups)
    },
  )
})
