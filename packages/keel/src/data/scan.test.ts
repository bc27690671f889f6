import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  Frame,
  categoricalColumn,
  numericColumn,
  renderProfile,
  textColumn,
  type NumericProfile,
  type SchemaContract,
  type StringProfile,
} from '@keel/core'
import { fingerprintFrame } from './fingerprint.js'
import { readFrame } from './read.js'
import { fingerprintSource, profileSource, scanSource, validateSource } from './scan.js'
import { fixture, tempDir, writeParquet } from './test-support/fixtures.js'

const golden = JSON.parse(readFileSync(fixture('profile-golden.json'), 'utf8')) as {
  expected: Record<string, Record<string, unknown>>
}
const input = fixture('profile-input.csv')
const tmp = tempDir()
const parquet = join(tmp.dir, 'profile-input.parquet')

beforeAll(async () => {
  await writeParquet(`SELECT * FROM read_csv('${input}')`, parquet, tmp.dir)
})
afterAll(() => tmp.cleanup())

describe('profileSource', () => {
  it('streams a CSV and matches numpy on every statistic', async () => {
    const p = await profileSource({ path: input }, { chunkRows: 1000 })
    expect(p.rows).toBe(3000)
    for (const name of ['date', 'delay', 'distance']) {
      const c = p.columns.find((x) => x.name === name) as NumericProfile
      const exp = golden.expected[name]!
      expect(c.quantiles).toEqual(exp['quantiles'])
      expect(c.histogram).toEqual({ ...(exp['histogram'] as object), exact: true })
      expect([c.min, c.max, c.missing, c.distinct.value]).toEqual([
        exp['min'],
        exp['max'],
        exp['missing'],
        exp['distinct'],
      ])
      // Same tolerance argument as the core profile test: summation order only.
      expect(Math.abs(c.std! - (exp['std'] as number))).toBeLessThanOrEqual(
        1e-9 * (exp['std'] as number),
      )
    }
    const origin = p.columns.find((x) => x.name === 'origin') as StringProfile
    expect(origin.top).toEqual((golden.expected['origin']!['top'] as unknown[]).slice(0, 10))
    expect(p.columns.find((x) => x.name === 'late')).toMatchObject(golden.expected['late']!)
    expect(renderProfile(p)).toMatch(/^3,000 rows, 5 columns/)
  })

  it('reports progress with the total for Parquet', async () => {
    const seen: { done: number; total?: number }[] = []
    await profileSource({ path: parquet }, { chunkRows: 1024, onProgress: (e) => seen.push(e) })
    expect(seen.length).toBeGreaterThan(1)
    expect(seen[seen.length - 1]).toEqual({ done: 3000, total: 3000 })
  })
})

describe('validateSource', () => {
  const contract: SchemaContract = {
    fields: [
      { name: 'order_id', kind: 'numeric', role: 'id', unique: true, nullable: false },
      { name: 'placed_at', kind: 'timestamp', role: 'timestamp', range: { min: '2024-01-01' } },
      { name: 'amount', kind: 'numeric', range: { min: 0, max: 1000 } },
      { name: 'status', kind: 'categorical', categories: ['paid', 'refunded', 'shipped'] },
      { name: 'customer_id', kind: 'categorical', role: 'entity', maxNullRate: 0.1 },
      { name: 'channel', kind: 'categorical' },
    ],
  }

  it('names every violation of a contract-breaking file', async () => {
    const r = await validateSource({ path: fixture('orders-contract-breaking.csv') }, contract)
    expect(r.ok).toBe(false)
    expect(r.issues.map((i) => [i.code, i.column, i.rows, i.count])).toEqual([
      ['duplicate_id', 'order_id', [3], 1],
      ['out_of_range', 'placed_at', [4], 1],
      ['out_of_range', 'amount', [1, 4], 2],
      ['not_allowed_category', 'status', [2], 1],
      ['missing_column', 'channel', [], 1],
      ['too_many_nulls', 'customer_id', [3, 5], 2],
    ])
    expect(r.summary).toMatchObject({ rows: 6, violations: 8 })
  })

  it('reports values that cannot take the declared kind instead of failing', async () => {
    const r = await validateSource(
      { path: fixture('flights-small.csv') },
      { fields: [{ name: 'origin', kind: 'numeric' }] },
    )
    expect(r.issues[0]).toMatchObject({
      code: 'wrong_kind',
      column: 'origin',
      count: 10,
      rows: [0, 1, 2, 3, 4],
    })
  })
})

describe('fingerprints', () => {
  it('are stable across chunk sizes and across CSV vs Parquet of the same data', async () => {
    const a = await fingerprintSource({ path: input })
    const b = await fingerprintSource({ path: input }, { chunkRows: 777 })
    const c = await fingerprintSource({ path: parquet }, { chunkRows: 2048 })
    expect(b).toEqual(a)
    expect(c.fingerprint).toBe(a.fingerprint)
    expect(a.rows).toBe(3000)
    expect(a.fingerprint).toMatch(/^[0-9a-f]{64}$/)
    const f = await readFrame({ path: input })
    expect(fingerprintFrame(f)).toEqual(a)
  })

  it('ignore column order and categorical vs text, but see every value and the row order', () => {
    const base = Frame.fromColumns({
      a: numericColumn([1, -0, null]),
      s: categoricalColumn(['x', null, 'é']),
    })
    const fp = fingerprintFrame(base).fingerprint
    expect(fingerprintFrame(base.select(['s', 'a'])).fingerprint).toBe(fp)
    expect(
      fingerprintFrame(base.withColumns({ s: textColumn(['x', null, 'é']) })).fingerprint,
    ).toBe(fp)
    expect(
      fingerprintFrame(
        Frame.fromColumns({
          a: numericColumn([1, 0, NaN]),
          s: categoricalColumn(['x', null, 'é'], ['é', 'x']),
        }),
      ).fingerprint,
    ).toBe(fp)
    expect(fingerprintFrame(base.take([1, 0, 2])).fingerprint).not.toBe(fp)
    expect(
      fingerprintFrame(base.withColumns({ a: numericColumn([1, 0, 2]) })).fingerprint,
    ).not.toBe(fp)
    // "" and missing differ; a string and its split into two values differ.
    expect(
      fingerprintFrame(base.withColumns({ s: categoricalColumn(['x', '', 'é']) })).fingerprint,
    ).not.toBe(fp)
    const ab = Frame.fromColumns({ s: textColumn(['ab', 'c']) })
    const abc = Frame.fromColumns({ s: textColumn(['a', 'bc']) })
    expect(fingerprintFrame(ab).fingerprint).not.toBe(fingerprintFrame(abc).fingerprint)
    expect(fingerprintFrame(base.rename({ a: 'b' })).schemaHash).not.toBe(
      fingerprintFrame(base).schemaHash,
    )
  })

  it('come with profile and validation from one pass', async () => {
    const r = await scanSource(
      { path: fixture('flights-small.csv') },
      {
        profile: true,
        fingerprint: true,
        contract: { fields: [{ name: 'delay', kind: 'numeric' }] },
      },
    )
    expect(r.rows).toBe(10)
    expect(r.profile!.rows).toBe(10)
    expect(r.validation!.ok).toBe(true)
    expect(r.fingerprint!.rows).toBe(10)
  })
})
