// The metadata-backed conformance suites against PostgreSQL (KEEL_TEST_POSTGRES_URL), each suite in
// its own throw-away schema. Unreachable: skipped with the reason locally, a failure under CI=true.
import { describe, it } from 'vitest'
import { postgresBackend, postgresReachable } from '../test-support/backends.js'
import { runMetadataConformance } from '../test-support/run-conformance.js'

const reachable = await postgresReachable()
if (reachable.ok) {
  runMetadataConformance(postgresBackend)
} else if (process.env.CI === 'true') {
  describe('PostgreSQL conformance', () => {
    it('needs a reachable PostgreSQL under CI', () => {
      throw new Error(`PostgreSQL is not reachable under CI: ${reachable.reason}`)
    })
  })
} else {
  describe.skip(`PostgreSQL conformance (skipped: PostgreSQL not reachable — ${reachable.reason})`, () => {
    it('runs when KEEL_TEST_POSTGRES_URL answers', () => undefined)
  })
}
