import { expect } from 'vitest'

/**
 * Read a golden fixture written by `scripts/fixtures/metrics.py`. The caller passes `readFileSync`
 * (test files may import `node:fs`; this shared helper, not being a test file, may not).
 */
export const loadMetricsFixture = <T>(
  read: (url: URL, encoding: 'utf8') => string,
  name: string,
): T =>
  JSON.parse(
    read(new URL(`../../../../../test/fixtures/metrics/${name}`, import.meta.url), 'utf8'),
  ) as T

/** Element-wise closeness with an absolute tolerance, reporting the first differing index. */
export const expectAllClose = (
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tol: number,
): void => {
  expect(actual.length).toBe(expected.length)
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!
    const e = expected[i]!
    if (!(Math.abs(a - e) <= tol)) {
      expect.fail(`index ${i}: ${a} differs from ${e} by more than ${tol}`)
    }
  }
}
