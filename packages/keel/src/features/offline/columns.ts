import { KeelError } from '@keel/core'
import type { FeatureKind, ResolvedView } from '../definitions.js'

/**
 * What the offline engines need to know about a source column's type, whatever the engine: the
 * class decides how a key, a time or a feature is read from it, and which columns are refused.
 */
export type TypeClass = 'number' | 'time' | 'date' | 'boolean' | 'string' | 'other'

/** A source's columns: name → type class (and the engine's own type name, for messages). */
export type SourceColumns = ReadonlyMap<string, { readonly cls: TypeClass; readonly type: string }>

/** How one SQL engine spells the projections of a view's source columns. */
export interface Dialect {
  /** Which engine: windowed views are computed by its own statement. */
  readonly engine: 'duckdb' | 'postgres'
  readonly quote: (name: string) => string
  /** Epoch milliseconds (DOUBLE) of a time, date or epoch-ms number column. */
  readonly timeMs: (col: string, cls: TypeClass) => string
  /** The entity key as text, numbers printed as JavaScript prints them. */
  readonly keyText: (col: string, cls: TypeClass, numberEntity: boolean) => string
  /** A feature value: DOUBLE for numeric and boolean (0/1), text for categorical. */
  readonly feature: (col: string, kind: FeatureKind, cls: TypeClass) => string
}

/** A source-data error naming the view and the column. */
export const sourceError = (
  view: ResolvedView,
  column: string,
  message: string,
  details?: Record<string, unknown>,
): KeelError =>
  new KeelError('INVALID_DATA', `feature view "${view.name}": ${message}`, {
    path: [view.name, column],
    ...(details ? { details } : {}),
  })

/** The source columns a view reads, each once: key, event time, known time, then features. */
export const declaredColumns = (view: ResolvedView): string[] => {
  const cols = [view.keyColumn, view.eventTime]
  if (view.knownTime !== null) cols.push(view.knownTime)
  for (const f of view.features) if (f.column !== null) cols.push(f.column)
  return [...new Set(cols)]
}

const TIME_CLASSES: ReadonlySet<TypeClass> = new Set(['time', 'date', 'number'])

/**
 * Refuse a source that cannot serve the view: a declared column it lacks, a time column that is
 * neither a time nor a number, a key column of a type the entity cannot have, a feature column
 * whose type does not fit the feature's kind. Values are checked separately (see `badKeySql`).
 */
export const checkSourceColumns = (view: ResolvedView, columns: SourceColumns): void => {
  const available = [...columns.keys()]
  for (const c of declaredColumns(view)) {
    if (!columns.has(c)) {
      throw sourceError(view, c, `the source has no column "${c}"`, { available })
    }
  }
  for (const c of view.knownTime === null ? [view.eventTime] : [view.eventTime, view.knownTime]) {
    const { cls, type } = columns.get(c)!
    if (!TIME_CLASSES.has(cls)) {
      throw sourceError(
        view,
        c,
        `time column "${c}" is ${type}: expected a timestamp, a date or epoch milliseconds`,
        { type },
      )
    }
  }
  const key = columns.get(view.keyColumn)!
  const keyOk =
    view.entity.valueType === 'number'
      ? key.cls === 'number' || key.cls === 'string'
      : key.cls === 'string' || key.cls === 'number'
  if (!keyOk) {
    throw sourceError(
      view,
      view.keyColumn,
      `key column "${view.keyColumn}" is ${key.type}: entity "${view.entity.name}" keys are ${view.entity.valueType}s`,
      { type: key.type },
    )
  }
  for (const f of view.features) {
    if (f.column === null) continue
    const { cls, type } = columns.get(f.column)!
    const fits =
      f.kind === 'categorical' ||
      ((f.kind === 'numeric' || f.kind === 'boolean') && (cls === 'number' || cls === 'boolean'))
    if (!fits) {
      throw sourceError(
        view,
        f.column,
        `column "${f.column}" is ${type}: feature "${f.name}" is ${f.kind}`,
        { type, feature: f.name },
      )
    }
  }
}

/** True when a number-typed entity's key column holds text that must be checked row by row. */
export const keyNeedsValueCheck = (view: ResolvedView, columns: SourceColumns): boolean =>
  view.entity.valueType === 'number' && columns.get(view.keyColumn)?.cls === 'string'

/** The error for a text key that is not a number, of a number-typed entity. */
export const badKeyError = (view: ResolvedView, value: unknown): KeelError =>
  sourceError(
    view,
    view.keyColumn,
    `key column "${view.keyColumn}" holds ${JSON.stringify(value)}: entity "${view.entity.name}" keys are numbers`,
    { value },
  )

/** The name a raw source column has in a view's base relation (never clashes with its own). */
export const rawName = (column: string): string => `raw:${column}`
