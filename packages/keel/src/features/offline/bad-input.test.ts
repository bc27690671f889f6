// Sources that cannot serve their view: each a structured error naming the view and the column.
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { resolveFeatureStore } from '../definitions.js'
import { lookupView, readViewRows } from './lookup-view.js'
import type { SourceColumns } from './columns.js'
import { viewRowsSql } from './duckdb-source.js'
import { testView } from './test-support.js'

const one = Float64Array.of(10)

const numberKeyView = (sql: string) =>
  resolveFeatureStore({
    entities: [{ name: 'flight', joinKey: 'k', valueType: 'number' }],
    featureViews: [
      {
        name: 'delays',
        source: { duckdb: sql },
        entity: 'flight',
        eventTime: 'e',
        noLateness: true,
        features: [{ name: 'x', kind: 'numeric' }],
        aggregations: [],
      },
    ],
  }).views.get('delays')!

describe('bad input', () => {
  it('a DuckDB source without a declared column', async () => {
    const view = testView({ duckdb: `SELECT 'a' AS k, 1 AS e, 2.0 AS x, 'p' AS c` }, null)
    await expect(lookupView(view, ['a'], one)).rejects.toMatchObject({
      code: 'INVALID_DATA',
      path: ['v', 'kt'],
      message: expect.stringContaining('"kt"') as unknown,
    })
  })

  it('a CSV file without a feature column', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'keel-offline-bad-'))
    try {
      const path = join(dir, 'rows.csv')
      await writeFile(path, 'k,e,kt,x\na,1,1,2\n')
      await expect(lookupView(testView({ path }, null), ['a'], one)).rejects.toMatchObject({
        code: 'INVALID_DATA',
        path: ['v', 'c'],
      })
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('a text key that is not a number, for a number entity', async () => {
    const view = numberKeyView(
      `SELECT * FROM (VALUES ('7', 1, 1.0), ('seven', 2, 2.0)) AS t(k, e, x)`,
    )
    await expect(lookupView(view, ['7'], one)).rejects.toMatchObject({
      code: 'INVALID_DATA',
      path: ['delays', 'k'],
      message: expect.stringContaining('"seven"') as unknown,
    })
  })

  it('number keys print as JavaScript prints them, from text and from doubles', async () => {
    const view = numberKeyView(
      `SELECT * FROM (VALUES (' 7 ', 1, 1.0), ('7.0', 2, 2.0), ('0.5', 3, 3.0)) AS t(k, e, x)`,
    )
    const rows = []
    for await (const b of readViewRows(view)) rows.push(...b)
    expect(rows.map((r) => r.key)).toEqual(['7', '7', '0.5'])
    const doubles = numberKeyView(`SELECT 7.0::DOUBLE AS k, 1 AS e, 1.0 AS x`)
    const found = await lookupView(doubles, ['7'], one)
    expect(found.values['x']).toEqual([1])
  })

  it('a time column that is neither a time nor a number', async () => {
    const view = testView(
      { duckdb: `SELECT 'a' AS k, 'soon' AS e, 1 AS kt, 2.0 AS x, 'p' AS c` },
      null,
    )
    await expect(lookupView(view, ['a'], one)).rejects.toMatchObject({
      code: 'INVALID_DATA',
      path: ['v', 'e'],
    })
  })

  it('a text column for a numeric feature', async () => {
    const view = testView(
      { duckdb: `SELECT 'a' AS k, 1 AS e, 1 AS kt, 'two' AS x, 'p' AS c` },
      null,
    )
    await expect(lookupView(view, ['a'], one)).rejects.toMatchObject({
      code: 'INVALID_DATA',
      path: ['v', 'x'],
    })
  })

  it('a push view without the feature log', async () => {
    await expect(lookupView(testView({ push: true }, null), ['a'], one)).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      path: ['v'],
    })
  })

  it('a windowed view without lateness: its rows are its change points, the same as of event time', () => {
    const view = resolveFeatureStore({
      entities: [{ name: 'thing', joinKey: 'k', valueType: 'string' }],
      featureViews: [
        {
          name: 'w',
          source: { duckdb: 'SELECT 1' },
          entity: 'thing',
          eventTime: 'e',
          noLateness: true,
          features: [],
          aggregations: [{ name: 'n', fn: 'count', window: '1h' }],
        },
      ],
    }).views.get('w')!
    const columns: SourceColumns = new Map([
      ['k', { cls: 'string', type: 'VARCHAR' }],
      ['e', { cls: 'time', type: 'TIMESTAMP' }],
    ])
    const sql = viewRowsSql(view, columns)
    expect(sql).toContain('running')
    // Known when they happen: the naive change points are the same, with no availability to find.
    expect(viewRowsSql(view, columns, 'event')).toBe(sql)
  })

  it('a windowed view that averages a text column', async () => {
    const view = resolveFeatureStore({
      entities: [{ name: 'thing', joinKey: 'k', valueType: 'string' }],
      featureViews: [
        {
          name: 'w',
          source: { duckdb: `SELECT 'a' AS k, 1 AS e, 'late' AS x` },
          entity: 'thing',
          eventTime: 'e',
          noLateness: true,
          features: [],
          aggregations: [{ name: 'n', fn: 'mean', column: 'x', window: '1h' }],
        },
      ],
    }).views.get('w')!
    await expect(lookupView(view, ['a'], one)).rejects.toMatchObject({
      code: 'INVALID_DATA',
      path: ['w', 'x'],
    })
  })

  it('keys and times of different lengths', async () => {
    const view = testView({ duckdb: `SELECT 'a' AS k, 1 AS e, 1 AS kt, 2.0 AS x, 'p' AS c` }, null)
    await expect(lookupView(view, ['a', 'b'], one)).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    })
  })
})
