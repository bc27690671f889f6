import { fc, test } from '@fast-check/vitest'
import { describe, expect } from 'vitest'
import { pointInTimeReference } from '../point-in-time.js'
import { createLookupCache } from './lookup-view.js'
import { answerAt, joinCaseArb, testView, valuesSql } from './test-support.js'

// The cached lookup prepares each view once and answers many calls: every call must still equal
// the reference rule, whatever the calls before it asked.

describe('createLookupCache', () => {
  test.prop(
    [
      joinCaseArb,
      fc.array(
        fc.array(
          fc.record({
            key: fc.constantFrom<string | null>('a', 'b', 'c', 'zz', null),
            t: fc.integer({ min: -1, max: 22 }),
          }),
          { minLength: 1, maxLength: 8 },
        ),
        { minLength: 1, maxLength: 4 },
      ),
    ],
    { numRuns: 20 },
  )('answers call after call as the reference does', async (c, calls) => {
    const view = testView({ duckdb: valuesSql(c.rows) }, c.ttlMs)
    const cache = createLookupCache()
    try {
      // Concurrent calls, as a caller may make them: they are served one at a time.
      const answers = await Promise.all(
        calls.map((rows) =>
          cache.lookupView(
            view,
            rows.map((r) => r.key),
            Float64Array.from(rows.map((r) => r.t)),
            { asOf: c.asOf },
          ),
        ),
      )
      calls.forEach((rows, j) => {
        rows.forEach((r, i) => {
          expect(answerAt(answers[j]!, i)).toEqual(
            pointInTimeReference(c.rows, r.key, r.t, { ttlMs: c.ttlMs, asOf: c.asOf }),
          )
        })
      })
    } finally {
      cache.close()
    }
  })
})
