import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { toyServer } from './test-support/harness.js'
import { toyRow } from './test-support/toy-bundle.js'
import type { KeelServer } from './server-types.js'

/**
 * Hostile-input fuzzing of the predict endpoint, in process: every generated request must get a
 * 200 (when it happens to be valid) or a 4xx with a structured error body — never a 5xx, a stack
 * trace or a hang — and the server must keep answering afterwards.
 */

const PREDICT = '/v1/models/flights/predict'

const fieldValue = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.constantFrom('NaN', 'Infinity', '-Infinity', '1e999', '', 'SFO', '12', 'null', '__proto__'),
  fc.string({ maxLength: 30 }),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 3 }),
)

const fieldName = fc.oneof(
  fc.constantFrom('distance', 'hour', 'origin', '__proto__', 'constructor', ''),
  fc.string({ maxLength: 12 }),
)

const corruptRow = fc.dictionary(fieldName, fieldValue, { maxKeys: 8 })

/** A mostly valid body with some part broken. */
const corruptBody = fc
  .oneof(
    fc.record({
      rows: fc.array(fc.oneof(corruptRow, fc.constant(toyRow(1)), fieldValue), { maxLength: 6 }),
    }),
    fc.record({ row: fc.oneof(corruptRow, fieldValue) }),
    fc.record({
      rows: fc.constant([toyRow(2)]),
      entities: fc.oneof(fieldValue, fc.array(corruptRow, { maxLength: 2 })),
    }),
    fc.record({ row: fc.constant(toyRow(3)), explain: fieldValue }),
    fc.dictionary(fc.string({ maxLength: 8 }), fieldValue, { maxKeys: 4 }),
  )
  .map((b) => JSON.stringify(b))

/** Non-finite numbers spliced into JSON as bare tokens (invalid JSON). */
const badTokens = fc
  .record({
    token: fc.constantFrom('NaN', 'Infinity', '-Infinity', 'undefined', '1e', '0x10', "'SFO'"),
    field: fc.constantFrom('distance', 'hour', 'origin'),
  })
  .map(({ token, field }) =>
    JSON.stringify({ row: { ...toyRow(4), [field]: '@@' } }).replace('"@@"', token),
  )

const deep = fc
  .record({ depth: fc.integer({ min: 33, max: 2000 }), open: fc.constantFrom('[', '{"a":') })
  .map(
    ({ depth, open }) =>
      `{"row": ${open.repeat(depth)}1${(open === '[' ? ']' : '}').repeat(depth)}}`,
  )

const wide = fc
  .integer({ min: 1001, max: 10_000 })
  .map((n) =>
    JSON.stringify({ row: Object.fromEntries(Array.from({ length: n }, (_, i) => [`f${i}`, i])) }),
  )

const truncated = corruptBody.chain((s) => fc.nat(s.length).map((k) => s.slice(0, k)))

const body = fc.oneof(
  { arbitrary: corruptBody, weight: 8 },
  { arbitrary: fc.json({ maxDepth: 4 }), weight: 3 },
  { arbitrary: fc.string({ maxLength: 60 }), weight: 2 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 40 }), weight: 1 },
  { arbitrary: truncated, weight: 2 },
  { arbitrary: badTokens, weight: 2 },
  { arbitrary: deep, weight: 1 },
  { arbitrary: wide, weight: 1 },
)

const request = fc.record({
  body,
  type: fc.oneof(
    { arbitrary: fc.constant('application/json'), weight: 10 },
    {
      arbitrary: fc.constantFrom(
        'text/plain',
        'application/x-www-form-urlencoded',
        '',
        'application/json; charset=utf-8',
        'application/vnd.api+json',
      ),
      weight: 1,
    },
  ),
  query: fc.oneof(
    { arbitrary: fc.constant(''), weight: 10 },
    {
      arbitrary: fc.constantFrom(
        '?explain=true',
        '?explain=maybe',
        '?version=1',
        '?version=../../etc',
        '?alias=%00',
        '?alias=a&version=b',
      ),
      weight: 1,
    },
  ),
})

const isStructuredError = (b: unknown): boolean => {
  const e = (b as { error?: { code?: unknown; message?: unknown; issues?: unknown } }).error
  return (
    typeof e?.code === 'string' &&
    typeof e.message === 'string' &&
    Array.isArray(e.issues) &&
    e.issues.every(
      (i: { code?: unknown; path?: unknown; message?: unknown }) =>
        typeof i.code === 'string' && Array.isArray(i.path) && typeof i.message === 'string',
    )
  )
}

describe('predict endpoint under hostile input', () => {
  let server: KeelServer
  const statuses = new Map<number, number>()
  beforeAll(async () => {
    server = (await toyServer()).server
  })
  afterAll(async () => {
    await server.close()
  })

  it('answers 10 000 generated requests with 200 or a structured 4xx, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(request, async ({ body, type, query }) => {
        const res = await server.app.request(PREDICT + query, {
          method: 'POST',
          headers: type ? { 'content-type': type } : {},
          body,
        })
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1)
        expect(res.headers.get('content-type')).toMatch(/^application\/json/)
        const text = await res.text()
        expect(text).not.toMatch(/\n\s+at |node_modules|\.ts:\d/)
        const parsed = JSON.parse(text) as unknown
        if (res.status === 200) {
          expect((parsed as { predictions: unknown[] }).predictions.length).toBeGreaterThan(0)
        } else {
          expect(res.status).toBeGreaterThanOrEqual(400)
          expect(res.status).toBeLessThan(500)
          expect(isStructuredError(parsed)).toBe(true)
        }
      }),
      { numRuns: 10_000 },
    )
    // The generators reach every rejection path, not only one.
    for (const s of [400, 415, 422]) expect(statuses.get(s) ?? 0).toBeGreaterThan(50)
  }, 120_000)

  it('refuses huge bodies, 10 000-field rows and very deep nesting, and keeps answering', async () => {
    const post = (body: string) =>
      server.app.request(PREDICT, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      })
    const wideRow = JSON.stringify({
      row: Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`f${i}`, i])),
    })
    const wideRes = await post(wideRow)
    expect(wideRes.status).toBe(422)
    expect(await wideRes.json()).toMatchObject({
      error: { code: 'VALIDATION_FAILED', issues: [{ code: 'too_big', path: ['row'] }] },
    })
    const deepRes = await post(`{"row": ${'['.repeat(100_000)}${']'.repeat(100_000)}}`)
    expect(deepRes.status).toBe(400)
    const huge = JSON.stringify({ rows: Array.from({ length: 30_000 }, (_, i) => toyRow(i)) })
    expect(huge.length).toBeGreaterThan(1 << 20)
    for (let i = 0; i < 5; i++) {
      const res = await server.app.request(PREDICT, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: huge,
      })
      expect(res.status).toBe(413)
      expect(isStructuredError(await res.json())).toBe(true)
    }
    const ok = await server.app.request(PREDICT, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ row: toyRow(9) }),
    })
    expect(ok.status).toBe(200)
    expect(await (await server.app.request('/healthz')).json()).toEqual({ status: 'ok' })
  })
})
