import type { Issue } from './keel-error.js'

/** The parts of a zod issue read here (typed structurally, so this folder does not depend on zod). */
export interface ZodIssueLike {
  readonly code: string
  readonly path: readonly PropertyKey[]
  readonly message: string
  readonly keys?: readonly string[]
}

/**
 * Turn zod issues into Keel issues with readable paths. An unknown key (a typo) becomes one issue
 * per key whose path ends with the key itself, so `evaluation.gate.minimun` is named in full.
 */
export const zodIssues = (issues: readonly ZodIssueLike[]): Issue[] =>
  issues.flatMap((i) => {
    const path = i.path.map((p) => (typeof p === 'symbol' ? String(p) : p))
    if (i.code === 'unrecognized_keys' && i.keys && i.keys.length > 0) {
      return i.keys.map((k) => ({
        code: i.code,
        path: [...path, k],
        message: `unknown key "${k}"`,
      }))
    }
    return [{ code: i.code, path, message: i.message }]
  })
