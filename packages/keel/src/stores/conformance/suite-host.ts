/**
 * What a conformance suite needs from a test runner. Vitest's `describe`/`it`/`beforeAll`/`afterAll`
 * fit as they are; the suites assert with `node:assert`, so they depend on no test framework and a
 * third-party backend can run them in its own.
 */

/** The test-runner functions a suite registers its tests with. */
export interface SuiteHost {
  describe(name: string, body: () => void): void
  it(name: string, body: () => Promise<void>): void
  beforeAll(body: () => Promise<void>): void
  afterAll(body: () => Promise<void>): void
}

/** Assert that `promise` rejects with a KeelError carrying `code`; returns the error. */
export const rejectsWithCode = async (
  promise: Promise<unknown>,
  code: string,
): Promise<{ code: string; message: string; details: Record<string, unknown> }> => {
  let outcome: unknown
  try {
    await promise
  } catch (e) {
    outcome = e
  }
  const e = outcome as { name?: unknown; code?: unknown; message?: unknown } | undefined
  if (e === undefined) throw new Error(`expected a KeelError ${code}, but the call succeeded`)
  if (e.name !== 'KeelError' || e.code !== code) {
    throw new Error(
      `expected a KeelError ${code}, got ${String(e.name)} ${String(e.code)}: ${String(e.message)}`,
      { cause: e },
    )
  }
  return e as { code: string; message: string; details: Record<string, unknown> }
}
