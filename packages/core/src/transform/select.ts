import { z } from 'zod'
import { KeelError, type Issue } from '../errors/index.js'
import {
  Frame,
  categoricalColumn,
  textColumn,
  type Column,
  type ColumnKind,
} from '../frame/index.js'

const COLUMN_KINDS = ['numeric', 'boolean', 'timestamp', 'categorical', 'text'] as const

/**
 * Which columns a step of a column transformer takes: a list of names (in that order), or a rule
 * — any of `names`, column `kinds` and schema `roles` (a column matching any of them is selected),
 * minus `exclude` — resolved against the training frame, in its column order. The resolved names
 * are pinned at fit, so serving never re-evaluates the rule against a different frame.
 *
 * @example
 * { kinds: ['categorical'], exclude: ['id'] }
 * { roles: ['feature'] }
 */
export const columnSelectorSchema = z.union([
  z.array(z.string()).min(1),
  z.strictObject({
    names: z.array(z.string()).optional(),
    kinds: z.array(z.enum(COLUMN_KINDS)).optional(),
    roles: z.array(z.string()).optional(),
    exclude: z.array(z.string()).optional(),
  }),
])

/** A column selector (see {@link columnSelectorSchema}). */
export type ColumnSelector = z.output<typeof columnSelectorSchema>

/**
 * Resolve `selector` against `frame` (and the schema `roles`, name → role). Naming a column the
 * frame lacks is a `SCHEMA_MISMATCH` error listing every such name.
 */
export const resolveSelector = (
  frame: Frame,
  selector: ColumnSelector,
  roles: Readonly<Record<string, string>> = {},
): string[] => {
  const named = Array.isArray(selector) ? selector : (selector.names ?? [])
  const issues: Issue[] = named
    .filter((n) => !frame.has(n))
    .map((n) => ({ code: 'missing_column', path: [n], message: `no column "${n}" to select` }))
  if (issues.length > 0) {
    throw new KeelError('SCHEMA_MISMATCH', issues.map((i) => i.message).join('; '), { issues })
  }
  if (Array.isArray(selector)) return [...selector]
  const kinds = new Set<ColumnKind>(selector.kinds ?? [])
  const wanted = new Set(selector.roles ?? [])
  const names = new Set(named)
  const exclude = new Set(selector.exclude ?? [])
  return frame.columnNames.filter(
    (n) =>
      !exclude.has(n) &&
      (names.has(n) ||
        kinds.has(frame.kindOf(n)) ||
        (roles[n] !== undefined && wanted.has(roles[n]))),
  )
}

/**
 * `c` stored as `kind`, for a column that arrived in a compatible kind (see the input rules of
 * fitted transformers): numbers are re-labelled, strings move between categorical and text.
 */
export const coerceColumn = (c: Column, kind: ColumnKind): Column => {
  if (c.kind === kind) return c
  if (c.kind === 'categorical') {
    return textColumn(Array.from(c.codes, (k) => (k < 0 ? null : c.dictionary[k]!)))
  }
  if (c.kind === 'text') return categoricalColumn(c.values)
  return Object.freeze({ kind: kind as 'numeric' | 'boolean' | 'timestamp', values: c.values })
}

/** A frame of `columns` (in order) with kinds coerced to the pinned ones. */
export const pinnedFrame = (entries: readonly (readonly [string, Column, ColumnKind])[]): Frame =>
  Frame.fromColumns(new Map(entries.map(([n, c, k]) => [n, coerceColumn(c, k)])))
