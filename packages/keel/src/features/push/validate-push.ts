import { KeelError } from '@keel/core'
import type { FeatureLogRow } from '../../stores/features/feature-log-store.js'
import { entityKeyText, type FeatureValue, type ResolvedView } from '../definitions.js'

/**
 * Checking pushed rows against their view. A row is an object of the view's source columns: the
 * key column, the event-time column, optionally the known-time column (default: the push time),
 * and feature columns (a feature left out is null). Every problem is INVALID_ARGUMENT naming the
 * row index and the field.
 */

/** Date-times must say their zone: a bare local time would mean different instants on different hosts. */
const ISO_TIME =
  /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2}))?$/i

const bad = (
  i: number,
  field: string,
  message: string,
  details: Record<string, unknown> = {},
): KeelError =>
  new KeelError('INVALID_ARGUMENT', `pushed row ${i}: ${message}`, {
    path: ['rows', i, field],
    details: { row: i, field, ...details },
  })

/** A time as epoch ms: a finite number, or an ISO 8601 date or date-time with its zone. */
export const parsePushTime = (value: unknown, i: number, field: string): number => {
  if (typeof value === 'number' && Number.isFinite(value)) return value
  if (typeof value === 'string' && ISO_TIME.test(value.trim())) {
    const ms = Date.parse(value.trim().replace(' ', 'T'))
    if (Number.isFinite(ms)) return ms
  }
  throw bad(
    i,
    field,
    `${field} must be epoch ms or an ISO 8601 time with its zone; got ${JSON.stringify(value) ?? String(value)}`,
    { value: typeof value === 'string' || typeof value === 'number' ? value : typeof value },
  )
}

const checkValue = (
  kind: 'numeric' | 'categorical' | 'boolean',
  value: unknown,
  i: number,
  field: string,
): FeatureValue => {
  if (value === null || value === undefined) return null
  const ok =
    kind === 'numeric'
      ? typeof value === 'number' && Number.isFinite(value)
      : kind === 'boolean'
        ? typeof value === 'boolean'
        : typeof value === 'string'
  if (ok) return value as FeatureValue
  const want =
    kind === 'numeric' ? 'a finite number' : kind === 'boolean' ? 'true or false' : 'a string'
  throw bad(
    i,
    field,
    `feature ${field} is ${kind}: expected ${want} or null, got ${JSON.stringify(value) ?? typeof value}`,
    {
      kind,
      value: typeof value === 'object' ? JSON.stringify(value) : value,
    },
  )
}

/** Check that a view accepts pushes at all. */
export const checkPushView = (view: ResolvedView): void => {
  if (view.source.kind !== 'push') {
    throw new KeelError(
      'INVALID_ARGUMENT',
      `feature view ${view.name} reads its rows from a ${view.source.kind} source; only views with source { push: true } accept pushed values`,
      { path: ['featureViews', view.name, 'source'], details: { view: view.name } },
    )
  }
  if (view.windowed) {
    throw new KeelError(
      'INVALID_ARGUMENT',
      `feature view ${view.name} holds windowed aggregations; push its raw values to a plain view`,
      { path: ['featureViews', view.name, 'aggregations'], details: { view: view.name } },
    )
  }
}

/** Every row checked and converted, or the first problem thrown; `now` is the default known time. */
export const validatePushRows = (
  view: ResolvedView,
  rows: readonly unknown[],
  now: number,
): FeatureLogRow[] => {
  checkPushView(view)
  if (!Array.isArray(rows)) {
    throw new KeelError('INVALID_ARGUMENT', 'pushed rows must be an array of objects', {
      path: ['rows'],
    })
  }
  const byColumn = new Map(view.features.map((f) => [f.column ?? f.name, f]))
  const fixed = new Set([
    view.keyColumn,
    view.eventTime,
    ...(view.knownTime ? [view.knownTime] : []),
  ])
  return rows.map((row, i) => {
    if (typeof row !== 'object' || row === null || Array.isArray(row)) {
      throw new KeelError('INVALID_ARGUMENT', `pushed row ${i} is not an object`, {
        path: ['rows', i],
        details: { row: i },
      })
    }
    const r = row as Record<string, unknown>
    for (const field of Object.keys(r)) {
      if (!fixed.has(field) && !byColumn.has(field)) {
        throw bad(i, field, `${field} is not a feature of view ${view.name}`, {
          features: [...byColumn.keys()],
        })
      }
    }
    let key: string | null
    try {
      key = entityKeyText(view.entity, r[view.keyColumn])
    } catch (e) {
      throw bad(i, view.keyColumn, e instanceof Error ? e.message : String(e), {
        value: r[view.keyColumn] as unknown,
      })
    }
    if (key === null) throw bad(i, view.keyColumn, `the entity key ${view.keyColumn} is required`)
    const eventTime =
      r[view.eventTime] === undefined || r[view.eventTime] === null
        ? (() => {
            throw bad(i, view.eventTime, `the event time ${view.eventTime} is required`)
          })()
        : parsePushTime(r[view.eventTime], i, view.eventTime)
    const knownRaw = view.knownTime === null ? undefined : r[view.knownTime]
    const knownTime =
      knownRaw === undefined || knownRaw === null
        ? now
        : parsePushTime(knownRaw, i, view.knownTime!)
    const values: Record<string, FeatureValue> = {}
    for (const [column, f] of byColumn) values[f.name] = checkValue(f.kind, r[column], i, column)
    return { key, eventTime, knownTime, values }
  })
}
