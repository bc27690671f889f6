/**
 * The syntax tree of a run filter. Parsing produces it, compiling turns it into Kysely expressions;
 * values always travel as bound parameters, never as SQL text.
 */

/** Run attributes a filter or an order can name (`attributes.<name>`, or just `<name>`). */
export const RUN_ATTRIBUTES = [
  'run_id',
  'name',
  'status',
  'start_time',
  'end_time',
  'duration',
  'parent_run_id',
] as const

/** One of {@link RUN_ATTRIBUTES}. */
export type RunAttribute = (typeof RUN_ATTRIBUTES)[number]

/** Attributes compared as numbers (the rest are strings). */
export const NUMERIC_ATTRIBUTES: ReadonlySet<RunAttribute> = new Set([
  'start_time',
  'end_time',
  'duration',
])

/** What a condition talks about. */
export type FilterField =
  | { readonly kind: 'metric' | 'param' | 'tag'; readonly key: string }
  | { readonly kind: 'attribute'; readonly key: RunAttribute }

/** Comparison operators (LIKE and ILIKE take `%` and `_` wildcards, `\` escapes). */
export type ComparisonOp = '=' | '!=' | '<' | '<=' | '>' | '>=' | 'like' | 'ilike'

/** A filter expression. */
export type FilterNode =
  | {
      readonly type: 'compare'
      readonly field: FilterField
      readonly op: ComparisonOp
      readonly value: string | number
    }
  | {
      readonly type: 'in'
      readonly field: FilterField
      readonly negated: boolean
      readonly values: readonly (string | number)[]
    }
  | { readonly type: 'null'; readonly field: FilterField; readonly negated: boolean }
  | { readonly type: 'and' | 'or'; readonly items: readonly FilterNode[] }

/** An order: one field and a direction; ties are broken by run id in the same direction. */
export interface RunOrder {
  readonly field: FilterField
  readonly direction: 'asc' | 'desc'
}

/** True when the field holds numbers (metrics and time attributes). */
export const isNumericField = (field: FilterField): boolean =>
  field.kind === 'metric' || (field.kind === 'attribute' && NUMERIC_ATTRIBUTES.has(field.key))

/** The field written back in filter syntax, for messages. */
export const formatField = (field: FilterField): string => {
  const prefix = { metric: 'metrics', param: 'params', tag: 'tags', attribute: 'attributes' }[
    field.kind
  ]
  return /^[A-Za-z0-9_./:-]+$/.test(field.key)
    ? `${prefix}.${field.key}`
    : `${prefix}.\`${field.key.replaceAll('`', '``')}\``
}
