import { KeelError } from '@keel/core'
import type { AggregationConfig } from '../config.js'
import type { ResolvedView } from '../definitions.js'

/** One aggregate of a windowed view, as the SQL and the reference compute it. */
export interface WindowedAggregate {
  /** The feature name: the output column. */
  readonly name: string
  readonly fn: AggregationConfig['fn']
  /** The aggregated source column; `null` for count and rate. */
  readonly column: string | null
  readonly windowMs: number
}

/** An hour in ms: `rate` is a count per hour. */
export const HOUR_MS = 3_600_000

/** Columns every change-point relation has; a feature may not take one of these names. */
export const CHANGE_POINT_COLUMNS: readonly string[] = ['key', 'event_time', 'known_time', 'ord']

/**
 * The aggregates of a windowed view, checked: the view is windowed, every window is a positive
 * whole number of ms, and no feature is named like a change-point column.
 */
export const windowedAggregates = (view: ResolvedView): WindowedAggregate[] => {
  if (!view.windowed) {
    throw new KeelError(
      'INVALID_ARGUMENT',
      `feature view "${view.name}" has no windowed aggregations`,
      { path: ['featureViews', view.name] },
    )
  }
  return view.features.map((f, i) => {
    const path = ['featureViews', view.name, 'aggregations', i]
    if (f.aggregation === undefined) {
      throw new KeelError(
        'INVALID_CONFIG',
        `feature "${f.name}" of windowed view "${view.name}" is not an aggregation`,
        { path },
      )
    }
    const { fn, windowMs } = f.aggregation
    if (!Number.isSafeInteger(windowMs) || windowMs <= 0) {
      throw new KeelError(
        'INVALID_CONFIG',
        `aggregation "${f.name}" of view "${view.name}" has window ${windowMs} ms: a window is a positive whole number of ms`,
        { path: [...path, 'window'] },
      )
    }
    if (CHANGE_POINT_COLUMNS.includes(f.name)) {
      throw new KeelError(
        'INVALID_CONFIG',
        `aggregation "${f.name}" of view "${view.name}" is named like a change-point column`,
        {
          path: [...path, 'name'],
          hint: `rename it: ${CHANGE_POINT_COLUMNS.join(', ')} are taken`,
        },
      )
    }
    const column = fn === 'sum' || fn === 'mean' ? f.column : null
    if ((fn === 'sum' || fn === 'mean') && column === null) {
      throw new KeelError('INVALID_CONFIG', `aggregation "${f.name}" (${fn}) needs a column`, {
        path: [...path, 'column'],
      })
    }
    return { name: f.name, fn, column, windowMs }
  })
}

/** The distinct windows of a view's aggregates, ascending. */
export const distinctWindows = (aggregates: readonly WindowedAggregate[]): number[] =>
  [...new Set(aggregates.map((a) => a.windowMs))].sort((a, b) => a - b)
