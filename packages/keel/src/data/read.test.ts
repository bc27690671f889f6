import { copyFileSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { describeColumns, readChunks, readFrame } from './read.js'
import { fixture, tempDir, writeParquet, keelError } from './test-support/fixtures.js'

const flights = fixture('flights-small.csv')
const tmp = tempDir()
const quoted = join(tmp.dir, `it's "quoted", really.parquet`)

beforeAll(async () => {
  await writeParquet(`SELECT * FROM read_csv('${flights.replaceAll("'", "''")}')`, quoted, tmp.dir)
  copyFileSync(flights, join(tmp.dir, `o'brien "q".csv`))
})
afterAll(() => tmp.cleanup())

describe('readFrame', () => {
  it('reads CSV with DuckDB types mapped to Keel kinds', async () => {
    const f = await readFrame({ path: flights })
    expect(f.columnNames).toEqual(['date', 'delay', 'distance', 'origin', 'destination'])
    expect(f.columnNames.map((n) => f.kindOf(n))).toEqual([
      'timestamp',
      'numeric',
      'numeric',
      'categorical',
      'categorical',
    ])
    expect(f.row(0)).toEqual({
      date: Date.UTC(2001, 0, 1, 0, 1),
      delay: 33,
      distance: 2176,
      origin: 'LAS',
      destination: 'PHL',
    })
    expect(f.row(4)['delay']).toBeNull()
    expect(f.row(6)['destination']).toBeNull()
    expect(f.categorical('origin').dictionary.slice(0, 3)).toEqual(['LAS', 'ATL', 'MCI'])
  })

  it('reads Parquet written by DuckDB, from a path with quotes, to the same frame as the CSV', async () => {
    const p = await readFrame({ path: quoted })
    const c = await readFrame({ path: join(tmp.dir, `o'brien "q".csv`) })
    expect(p.toRows()).toEqual(c.toRows())
    expect(p.toRows()).toEqual((await readFrame({ path: flights })).toRows())
  })

  it('reads NDJSON and JSON arrays; nested values become JSON text', async () => {
    const nd = await readFrame({ path: fixture('events.ndjson') })
    expect(nd.columnNames.map((n) => `${n}:${nd.kindOf(n)}`)).toEqual([
      'id:numeric',
      'kind:categorical',
      'at:timestamp',
      'value:numeric',
      'ok:boolean',
      'meta:text',
    ])
    expect(nd.row(0)).toEqual({
      id: 1,
      kind: 'click',
      at: Date.UTC(2024, 4, 1, 10),
      value: 1.5,
      ok: true,
      meta: '{"page":"home"}',
    })
    expect(nd.row(2)).toMatchObject({ ok: null, meta: null, value: 2.25 })
    const arr = await readFrame({ path: fixture('events.json') })
    expect(arr.toRows().map((r) => r['value'])).toEqual([1.5, null, 2.25])
  })

  it('selects columns, filters with bound values and limits inside DuckDB', async () => {
    const f = await readFrame(
      { path: flights },
      {
        columns: ['origin', 'delay'],
        where: [
          { column: 'origin', op: 'in', value: ['ATL', 'SFO', "x' OR 1=1 --"] },
          { column: 'date', op: '>=', value: '2001-01-01 00:01:00' },
        ],
      },
    )
    expect(f.columnNames).toEqual(['origin', 'delay'])
    expect(f.toRows()).toEqual([
      { origin: 'ATL', delay: 19 },
      { origin: 'ATL', delay: 0 },
      { origin: 'SFO', delay: 55 },
    ])
    const byTime = await readFrame(
      { path: flights },
      { where: [{ column: 'date', op: '<', value: Date.UTC(2001, 0, 2) }] },
    )
    expect(byTime.numRows).toBe(3)
    expect((await readFrame({ path: flights }, { limit: 2 })).numRows).toBe(2)
    expect(
      (await readFrame({ path: flights }, { where: [{ column: 'delay', op: 'is null' }] })).numRows,
    ).toBe(1)
  })

  it('keeps the columns of an empty result', async () => {
    const f = await readFrame(
      { path: flights },
      { where: [{ column: 'delay', op: '>', value: 10_000 }] },
    )
    expect(f.numRows).toBe(0)
    expect(f.columnNames).toHaveLength(5)
  })

  it('samples deterministically, independent of chunking', async () => {
    const a = await readFrame(
      { path: fixture('profile-input.csv') },
      { sample: { rows: 50, seed: 3 } },
    )
    const b = await readFrame(
      { path: fixture('profile-input.csv') },
      { sample: { rows: 50, seed: 3 }, chunkRows: 700 },
    )
    expect(a.numRows).toBe(50)
    expect(a.toRows()).toEqual(b.toRows())
    const dates = a.numeric('date')
    for (let i = 1; i < dates.length; i++) expect(dates[i]!).toBeGreaterThanOrEqual(dates[i - 1]!)
    const c = await readFrame(
      { path: fixture('profile-input.csv') },
      { sample: { rows: 50, seed: 4 } },
    )
    expect(c.toRows()).not.toEqual(a.toRows())
    const frac = await readFrame(
      { path: fixture('profile-input.csv') },
      { sample: { fraction: 0.1, seed: 1 } },
    )
    expect(frac.numRows).toBeGreaterThan(240)
    expect(frac.numRows).toBeLessThan(360)
  })

  it('casts to a contract and chooses text for long free strings', async () => {
    const f = await readFrame(
      { path: flights },
      {
        contract: {
          fields: [
            { name: 'distance', kind: 'categorical' },
            { name: 'origin', kind: 'categorical', categories: ['SFO', 'ATL'] },
            { name: 'destination', kind: 'text' },
          ],
        },
      },
    )
    expect(f.kindOf('distance')).toBe('categorical')
    expect(f.row(0)['distance']).toBe('2176')
    expect(f.categorical('origin').dictionary.slice(0, 2)).toEqual(['SFO', 'ATL'])
    expect(f.kindOf('destination')).toBe('text')
    const notes = join(tmp.dir, 'notes.csv')
    const lines = Array.from(
      { length: 30 },
      (_, i) => `${i},"the passenger in seat ${i} said the flight was long and bumpy"`,
    )
    writeFileSync(notes, `id,comment\n${lines.join('\n')}\n`)
    expect((await readFrame({ path: notes })).kindOf('comment')).toBe('text')
  })
})

describe('readChunks', () => {
  it('streams chunks with stable category codes and reports progress', async () => {
    const progress: number[] = []
    const chunks = []
    for await (const c of readChunks(
      { path: fixture('profile-input.csv') },
      { chunkRows: 1000, onProgress: (p) => progress.push(p.done) },
    )) {
      chunks.push(c)
    }
    expect(chunks.length).toBeGreaterThan(1)
    expect(chunks.reduce((s, c) => s + c.numRows, 0)).toBe(3000)
    expect(progress[progress.length - 1]).toBe(3000)
    const first = chunks[0]!.categorical('origin').dictionary
    const last = chunks[chunks.length - 1]!.categorical('origin').dictionary
    expect(last.slice(0, first.length)).toEqual(first)
  })

  it('stops with CANCELLED when the signal fires', async () => {
    const ac = new AbortController()
    ac.abort()
    const e = await keelError(readFrame({ path: flights }, { signal: ac.signal }))
    expect(e.code).toBe('CANCELLED')
  })
})

describe('read errors', () => {
  it('names a missing file', async () => {
    const e = await keelError(readFrame({ path: 'no/such/file.csv' }))
    expect(e.code).toBe('FILE_NOT_FOUND')
    expect(e.message).toMatch(/file not found: .*no\/such\/file\.csv$/)
  })

  it('names file and line of a malformed CSV row', async () => {
    const e = await keelError(readFrame({ path: fixture('malformed.csv') }))
    expect(e.code).toBe('PARSE_ERROR')
    expect(e.message).toMatch(
      /malformed CSV in .*malformed\.csv at line 4: Expected Number of Columns: 3 Found: 4/,
    )
    expect(e.details['lines']).toEqual([4])
    expect(JSON.stringify(e.toJSON())).not.toMatch(/SELECT|read_csv/)
  })

  it('names file and line of malformed JSON', async () => {
    const e = await keelError(readFrame({ path: fixture('malformed.ndjson') }))
    expect(e.code).toBe('PARSE_ERROR')
    expect(e.message).toMatch(
      /malformed JSON in .*malformed\.ndjson at line 3: unexpected end of data/,
    )
  })

  it('refuses unknown formats and files that are not what they claim', async () => {
    const odd = join(tmp.dir, 'table.xlsx')
    writeFileSync(odd, 'a,b\n1,2\n')
    expect((await keelError(readFrame({ path: odd }))).code).toBe('UNSUPPORTED_FORMAT')
    const fake = join(tmp.dir, 'fake.parquet')
    writeFileSync(fake, 'a,b\n1,2\n')
    const e = await keelError(readFrame({ path: fake }))
    expect(e.code).toBe('PARSE_ERROR')
    expect(e.message).toMatch(/fake\.parquet is not a readable Parquet file/)
  })

  it('reports missing columns as SCHEMA_MISMATCH and bad options as INVALID_ARGUMENT', async () => {
    const e = await keelError(
      readFrame(
        { path: flights },
        { columns: ['origin', 'nope'], where: [{ column: 'gone', op: 'is null' }] },
      ),
    )
    expect(e.code).toBe('SCHEMA_MISMATCH')
    expect(e.message).toMatch(/has no columns "nope", "gone"/)
    expect((await keelError(readFrame({ path: flights }, { limit: -1 }))).code).toBe(
      'INVALID_ARGUMENT',
    )
    expect(
      (
        await keelError(
          readFrame({ path: flights }, { where: [{ column: 'a', op: 'in', value: [] }] }),
        )
      ).code,
    ).toBe('INVALID_ARGUMENT')
    expect((await keelError(readFrame({ path: '' }))).code).toBe('INVALID_ARGUMENT')
  })

  it('reads a file whose name looks like a glob as that file only', async () => {
    writeFileSync(join(tmp.dir, 'g[1].csv'), 'a\n1\n')
    writeFileSync(join(tmp.dir, 'g1.csv'), 'a\n2\n')
    writeFileSync(join(tmp.dir, 'g*.csv'), 'a\n3\n')
    expect((await readFrame({ path: join(tmp.dir, 'g[1].csv') })).toRows()).toEqual([{ a: 1 }])
    expect((await readFrame({ path: join(tmp.dir, 'g*.csv') })).toRows()).toEqual([{ a: 3 }])
  })

  it('confines paths to the base directory when asked, symlinks included', async () => {
    const project = join(tmp.dir, 'project')
    mkdirSync(project, { recursive: true })
    copyFileSync(flights, join(project, 'ok.csv'))
    symlinkSync(flights, join(project, 'escape.csv'))
    const opts = { baseDir: project, confine: true }
    expect((await readFrame({ path: 'ok.csv' }, opts)).numRows).toBe(10)
    for (const path of ['../o\'brien "q".csv', 'escape.csv', flights]) {
      const e = await keelError(readFrame({ path }, opts))
      expect(e.code).toBe('INVALID_ARGUMENT')
      expect(e.message).toMatch(/is outside/)
    }
  })

  it('describes columns without reading rows', async () => {
    expect(await describeColumns({ path: quoted })).toEqual([
      { name: 'date', kind: 'timestamp', sourceType: 'TIMESTAMP' },
      { name: 'delay', kind: 'numeric', sourceType: 'BIGINT' },
      { name: 'distance', kind: 'numeric', sourceType: 'BIGINT' },
      { name: 'origin', kind: 'categorical', sourceType: 'VARCHAR' },
      { name: 'destination', kind: 'categorical', sourceType: 'VARCHAR' },
    ])
  })
})
