import { KeelError } from '../../errors/index.js'

/**
 * A deep copy of `value` that is guaranteed to survive `JSON.stringify` → `JSON.parse` unchanged:
 * numbers are finite, `-0` becomes `0` (JSON cannot tell them apart, and a fitted object must
 * behave exactly like its reloaded copy), and only plain arrays, objects, strings, booleans and
 * null are allowed. Anything else is an error at `path`: `INTERNAL` for fitted state (a step that
 * produced it has a bug), `INVALID_PARAMS` for user parameters.
 */
export const plainState = <T>(
  value: T,
  path: readonly (string | number)[] = ['state'],
  code: 'INTERNAL' | 'INVALID_PARAMS' = 'INTERNAL',
): T => copy(value, path, code) as T

const copy = (
  v: unknown,
  path: readonly (string | number)[],
  code: 'INTERNAL' | 'INVALID_PARAMS',
): unknown => {
  const fail = (what: string): never => {
    throw new KeelError(
      code,
      `${path[0]} holds ${what} at ${path.join('.')}; only JSON data is allowed`,
      {
        path,
      },
    )
  }
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) fail(`the non-finite number ${v}`)
    return v === 0 ? 0 : v
  }
  if (Array.isArray(v)) {
    const out: unknown[] = new Array<unknown>(v.length)
    for (let i = 0; i < v.length; i++) {
      const x: unknown = v[i]
      // Fast path for the common case of long number arrays: no path allocation per element.
      out[i] = typeof x === 'number' && Number.isFinite(x) ? x + 0 : copy(x, [...path, i], code)
    }
    return out
  }
  if (ArrayBuffer.isView(v)) fail('a typed array')
  if (
    typeof v === 'object' &&
    [Object.prototype, null].includes(Object.getPrototypeOf(v) as object)
  ) {
    const out: Record<string, unknown> = {}
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      if (x !== undefined) out[k] = copy(x, [...path, k], code)
    }
    return out
  }
  return fail(
    typeof v === 'object' ? `a ${(v as object).constructor.name} object` : `a ${typeof v}`,
  )
}
