import type { Issue } from '@keel/core'
import type { z } from 'zod'
import { configPath } from './config-path.js'
import { didYouMean } from './did-you-mean.js'
import { keysAt } from './schema-keys.js'

/** The parts of a zod 4 issue read here. */
interface ZodIssueParts {
  readonly code: string
  readonly path: readonly PropertyKey[]
  readonly message: string
  /** unrecognized_keys: the unknown keys. */
  readonly keys?: readonly string[]
  /** invalid_value: the accepted values. */
  readonly values?: readonly unknown[]
  /** invalid_union on a discriminator: the accepted discriminator values. */
  readonly options?: readonly unknown[]
}

const valueAt = (raw: unknown, path: readonly PropertyKey[]): unknown =>
  path.reduce<unknown>(
    (at, p) =>
      at !== null && typeof at === 'object' ? (at as Record<PropertyKey, unknown>)[p] : undefined,
    raw,
  )

const suggestion = (word: unknown, known: readonly unknown[]): string => {
  if (typeof word !== 'string') return ''
  const match = didYouMean(
    word,
    known.filter((k): k is string => typeof k === 'string'),
  )
  return match === undefined ? '' : ` (did you mean "${match}"?)`
}

/** A config issue: a Keel issue plus the path as a person reads it. */
export interface ConfigIssue extends Issue {
  /** `candidates[0] (gbdt).params.objective`: see {@link configPath}. */
  readonly where: string
}

/**
 * Zod's issues on a config as Keel issues a person can act on: one per unknown key, with the key
 * it most likely meant; a misspelt option or discriminator (`kind`) with the value it most likely
 * meant; every path named by keys and by the `name` of array entries (never a bare index).
 */
export const configIssues = (
  schema: z.ZodType,
  raw: unknown,
  issues: readonly ZodIssueParts[],
): ConfigIssue[] =>
  issues.flatMap((i): ConfigIssue[] => {
    const path = i.path.map((p) => (typeof p === 'symbol' ? String(p) : p))
    if (i.code === 'unrecognized_keys' && i.keys && i.keys.length > 0) {
      const known = keysAt(schema, raw, path)
      return i.keys.map((k) => ({
        code: i.code,
        path: [...path, k],
        where: configPath(raw, [...path, k]),
        message: `unknown key "${k}"${suggestion(k, known)}`,
      }))
    }
    const accepted = i.values ?? i.options
    const hint = accepted ? suggestion(valueAt(raw, path), accepted) : ''
    return [{ code: i.code, path, where: configPath(raw, path), message: `${i.message}${hint}` }]
  })
