import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { importPg } from '../stores/drivers.js'
import { fingerprintFrame } from './fingerprint.js'
import { describeColumns, readChunks, readFrame } from './read.js'
import { fixture, keelError } from './test-support/fixtures.js'

const url = process.env['KEEL_TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test'
const table = `keel_data_test_${process.pid}_${Date.now()}`
const pg = await importPg('The PostgreSQL source tests')
const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 })

beforeAll(async () => {
  await client.connect()
  await client.query(`CREATE TABLE "${table}" (
    id bigint PRIMARY KEY, at timestamp, at_tz timestamptz, day date, amount numeric(10, 2),
    ratio double precision, ok boolean, city text, "Odd ""name""" varchar(20), meta jsonb)`)
  await client.query(`INSERT INTO "${table}" VALUES
    (1, '2001-01-01 00:01:00', '2001-01-01 00:01:00+02', '2001-01-01', 10.50, 0.25, true, 'Paris', 'a', '{"k": 1}'),
    (2, '2001-01-02 12:00:00.123', '2001-01-02 12:00:00+00', '2001-01-02', NULL, 'NaN', false, 'Berlin', NULL, NULL),
    (3, NULL, NULL, NULL, -3.00, 1e300, NULL, NULL, 'c', '[1, 2]')`)
})

afterAll(async () => {
  await client.query(`DROP TABLE IF EXISTS "${table}"`)
  await client.end()
})

describe('PostgreSQL source', () => {
  it('reads a table with types mapped to Keel kinds (timestamps as UTC epoch ms)', async () => {
    const f = await readFrame({ postgres: { url, table } })
    expect(f.columnNames.map((n) => `${n}:${f.kindOf(n)}`)).toEqual([
      'id:numeric',
      'at:timestamp',
      'at_tz:timestamp',
      'day:timestamp',
      'amount:numeric',
      'ratio:numeric',
      'ok:boolean',
      'city:categorical',
      'Odd "name":categorical',
      'meta:text',
    ])
    expect(f.row(0)).toEqual({
      id: 1,
      at: Date.UTC(2001, 0, 1, 0, 1),
      at_tz: Date.UTC(2000, 11, 31, 22, 1),
      day: Date.UTC(2001, 0, 1),
      amount: 10.5,
      ratio: 0.25,
      ok: true,
      city: 'Paris',
      'Odd "name"': 'a',
      meta: '{"k": 1}',
    })
    expect(f.row(1)).toMatchObject({
      at: Date.UTC(2001, 0, 2, 12, 0, 0, 123),
      amount: null,
      ratio: null,
      ok: false,
    })
    expect(f.row(2)).toMatchObject({ at: null, ratio: 1e300, city: null, meta: '[1, 2]' })
  })

  it('runs a query with bound filters, columns and limit, in chunks', async () => {
    const src = { postgres: { url, query: `SELECT id, city FROM "${table}" ORDER BY id;` } }
    const f = await readFrame(src, {
      where: [{ column: 'city', op: '!=', value: "Paris' OR '1'='1" }],
      columns: ['city'],
      limit: 5,
    })
    // The would-be injection is just a value: rows whose city differs from it (NULL never compares).
    expect(f.toRows()).toEqual([{ city: 'Paris' }, { city: 'Berlin' }])
    const early = await readFrame(
      { postgres: { url, table } },
      { where: [{ column: 'at', op: '<', value: Date.UTC(2001, 0, 2) }] },
    )
    expect(early.toRows().map((r) => r['id'])).toEqual([1])
    const chunks = []
    for await (const c of readChunks({ postgres: { url, table } }, { chunkRows: 1 })) chunks.push(c)
    expect(chunks.map((c) => c.numRows)).toEqual([3])
    expect(await describeColumns(src)).toEqual([
      { name: 'id', kind: 'numeric', sourceType: 'bigint' },
      { name: 'city', kind: 'categorical', sourceType: 'text' },
    ])
  })

  it('gives the same fingerprint as the same data read from a file', async () => {
    const name = `${table}_flights`
    await client.query(
      `CREATE TABLE "${name}" (date timestamp, delay double precision, distance bigint, origin text, destination text)`,
    )
    try {
      const file = await readFrame({ path: fixture('flights-small.csv') })
      for (const r of file.toRows()) {
        await client.query(`INSERT INTO "${name}" VALUES ($1, $2, $3, $4, $5)`, [
          r['date'] === null ? null : new Date(r['date'] as number).toISOString().replace('Z', ''),
          r['delay'],
          r['distance'],
          r['origin'],
          r['destination'],
        ])
      }
      const db = await readFrame({
        postgres: { url, query: `SELECT * FROM "${name}" ORDER BY date, distance` },
      })
      const sorted = file.take(
        Array.from({ length: file.numRows }, (_, i) => i).sort(
          (a, b) =>
            file.numeric('date')[a]! - file.numeric('date')[b]! ||
            file.numeric('distance')[a]! - file.numeric('distance')[b]!,
        ),
      )
      expect(fingerprintFrame(db)).toEqual(fingerprintFrame(sorted))
    } finally {
      await client.query(`DROP TABLE IF EXISTS "${name}"`)
    }
  })

  it('is read-only, and names what is wrong', async () => {
    const w = await keelError(
      readFrame({ postgres: { url, query: `DELETE FROM "${table}" RETURNING id` } }),
    )
    expect(w.code).toBe('INVALID_ARGUMENT')
    const count = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${table}"`)
    expect(count.rows[0]?.n).toBe(3)
    expect(
      (await keelError(readFrame({ postgres: { url, table: `${table}_missing` } }))).code,
    ).toBe('NOT_FOUND')
    const m = await keelError(readFrame({ postgres: { url, table } }, { columns: ['nope'] }))
    expect(m.code).toBe('SCHEMA_MISMATCH')
    expect(m.message).toMatch(/has no column "nope"/)
  })

  it('reports a server that does not answer as UNAVAILABLE with the host', async () => {
    const e = await keelError(
      readFrame({ postgres: { url: 'postgres://postgres:secret@127.0.0.1:1/test', table: 'x' } }),
    )
    expect(e.code).toBe('UNAVAILABLE')
    expect(e.message).toMatch(/PostgreSQL at 127\.0\.0\.1:1 did not answer/)
    expect(e.message).not.toMatch(/secret/)
    expect(
      (await keelError(readFrame({ postgres: { url: 'mysql://h/db', table: 'x' } }))).code,
    ).toBe('INVALID_ARGUMENT')
  })
})
