import { buildColumn, cellAt, KeelError, type Column, type Frame } from '@keel/core'
import {
  STATUS_CODE,
  type GetHistoricalFeatures,
  type LookupOptions,
  type ViewLookup,
} from '../api.js'
import type { MissingPolicy } from '../config.js'
import {
  entityKeyText,
  FEATURE_STATUSES,
  serviceNamed,
  type FeatureValue,
  type ResolvedService,
  type ResolvedView,
  type ServiceView,
} from '../definitions.js'
import { lookupView } from './lookup-view.js'

/** An entity-row column the request needs is absent: `INVALID_ARGUMENT` naming it. */
const requireColumn = (rows: Frame, column: string, what: string): void => {
  if (rows.has(column)) return
  throw new KeelError('INVALID_ARGUMENT', `the entity rows have no column "${column}" (${what})`, {
    path: [column],
    details: { available: rows.columnNames },
  })
}

/** The entity rows' times in epoch ms: a timestamp or numeric column. */
const timesOf = (rows: Frame, column: string): Float64Array => {
  requireColumn(rows, column, 'the time column')
  const c = rows.column(column)
  if (c.kind === 'timestamp' || c.kind === 'numeric') return c.values
  throw new KeelError(
    'INVALID_ARGUMENT',
    `the entity rows' time column "${column}" is ${c.kind}: expected timestamps (epoch ms)`,
    { path: [column] },
  )
}

/** `entityKeyText`, its error naming the entity-row column and row. */
const keyText = (sv: ServiceView, value: unknown, row: number): string | null => {
  try {
    return entityKeyText(sv.view.entity, value)
  } catch (e) {
    if (!(e instanceof KeelError)) throw e
    throw new KeelError('INVALID_ARGUMENT', `column "${sv.key}" row ${row}: ${e.message}`, {
      path: [sv.key, row],
      cause: e,
    })
  }
}

/** Each entity row's key for one service view, as text (see `entityKeyText`). */
const keysOf = (rows: Frame, sv: ServiceView): (string | null)[] => {
  const c: Column = rows.column(sv.key)
  const out = new Array<string | null>(rows.numRows)
  if (c.kind === 'categorical') {
    // Each category converted once (the first row holding it names a bad one).
    const texts = new Map<number, string | null>()
    for (let i = 0; i < out.length; i++) {
      const code = c.codes[i]!
      if (code < 0) {
        out[i] = null
        continue
      }
      let t = texts.get(code)
      if (t === undefined) texts.set(code, (t = keyText(sv, c.dictionary[code], i)))
      out[i] = t
    }
    return out
  }
  for (let i = 0; i < out.length; i++) out[i] = keyText(sv, cellAt(c, i), i)
  return out
}

/**
 * Look up every view of the service once: a view used under several key columns (an airport as
 * origin and as destination) is looked up once for all its key columns together.
 */
const lookUpViews = async (
  service: ResolvedService,
  rows: Frame,
  times: Float64Array,
  options: LookupOptions,
): Promise<ViewLookup[]> => {
  const n = rows.numRows
  const byView = new Map<string, { view: ResolvedView; uses: number[] }>()
  service.views.forEach((sv, i) => {
    const entry = byView.get(sv.view.name) ?? { view: sv.view, uses: [] }
    entry.uses.push(i)
    byView.set(sv.view.name, entry)
  })
  const out: ViewLookup[] = new Array<ViewLookup>(service.views.length)
  for (const { view, uses } of byView.values()) {
    // One key column after the other (no spread: millions of rows overflow the call stack).
    const keys =
      uses.length === 1
        ? keysOf(rows, service.views[uses[0]!]!)
        : uses.flatMap((u) => keysOf(rows, service.views[u]!))
    const allTimes = new Float64Array(n * uses.length)
    uses.forEach((_, j) => allTimes.set(times, j * n))
    const found = await lookupView(view, keys, allTimes, options)
    uses.forEach((u, j) => {
      const values: Record<string, readonly FeatureValue[]> = {}
      for (const [name, v] of Object.entries(found.values))
        values[name] = v.slice(j * n, (j + 1) * n)
      out[u] = {
        status: found.status.slice(j * n, (j + 1) * n),
        eventTime: found.eventTime.slice(j * n, (j + 1) * n),
        knownTime: found.knownTime.slice(j * n, (j + 1) * n),
        values,
      }
    })
  }
  return out
}

/** Per `STATUS_CODE`: the value its policy puts in place (undefined: the value stays missing). */
const replacements = (service: ResolvedService): (FeatureValue | undefined)[] =>
  FEATURE_STATUSES.map((s) => {
    if (s === 'present') return undefined
    const policy: MissingPolicy = service.onStatus[s]
    return typeof policy === 'object' ? policy.default : undefined
  })

/** Outputs of one service view: values (policies applied) and statuses, per feature. */
const viewOutputs = (
  sv: ServiceView,
  found: ViewLookup,
  replace: readonly (FeatureValue | undefined)[],
  values: Record<string, FeatureValue[]>,
  status: Record<string, Uint8Array>,
): void => {
  const n = found.status.length
  for (const f of sv.features) {
    const raw = found.values[f.name]!
    const codes = new Uint8Array(n)
    const vals = new Array<FeatureValue>(n)
    for (let i = 0; i < n; i++) {
      const s = found.status[i]!
      const code = s === STATUS_CODE.present && raw[i] === null ? STATUS_CODE.null : s
      codes[i] = code
      vals[i] = code === STATUS_CODE.present ? raw[i]! : (replace[code] ?? null)
    }
    values[sv.prefix + f.name] = vals
    status[sv.prefix + f.name] = codes
  }
}

/** On-demand features, row by row, on the entity row's fields and the fetched features. */
const onDemandOutputs = (
  service: ResolvedService,
  rows: Frame,
  values: Record<string, FeatureValue[]>,
  status: Record<string, Uint8Array>,
): void => {
  const n = rows.numRows
  for (const d of service.onDemand) {
    values[d.name] = new Array<FeatureValue>(n)
    status[d.name] = new Uint8Array(n)
  }
  if (service.onDemand.length === 0) return
  const fetched = service.outputs.filter((o) => o.from.kind === 'view').map((o) => o.name)
  for (let i = 0; i < n; i++) {
    const row: Record<string, unknown> = rows.row(i)
    for (const name of fetched) row[name] = values[name]![i]
    for (const d of service.onDemand) {
      let v: unknown
      try {
        v = d.compute(Object.freeze({ ...row }))
      } catch (e) {
        throw new KeelError(
          'INVALID_DATA',
          `on-demand feature "${d.name}" failed on entity row ${i}: ${e instanceof Error ? e.message : String(e)}`,
          { path: [d.name, i], cause: e },
        )
      }
      const value =
        v === undefined || v === null || (typeof v === 'number' && Number.isNaN(v))
          ? null
          : (v as FeatureValue)
      values[d.name]![i] = value
      status[d.name]![i] = value === null ? STATUS_CODE.null : STATUS_CODE.present
      row[d.name] = value
    }
  }
}

/**
 * {@link GetHistoricalFeatures}: the entity rows with the service's features as they were known at
 * each row's time. Per output, a `STATUS_CODE` per row; a status whose policy is `{default: v}`
 * gets `v` (its status is kept, so reports still see the miss); `missing` and `reject` leave the
 * value missing (rejecting is a serving-time answer; a training set keeps the row). On-demand
 * features run row by row on the entity row's fields and the fetched features, exactly as online;
 * a null or undefined result is missing (status `null`). Output values of the wrong type for their
 * kind (a default or an on-demand result) are `INVALID_DATA` naming the output.
 */
export const getHistoricalFeatures: GetHistoricalFeatures = async (store, entityRows, options) => {
  const service = serviceNamed(store, options.service)
  const times = timesOf(entityRows, options.timeColumn)
  for (const sv of service.views) {
    requireColumn(entityRows, sv.key, `the key of feature view "${sv.view.name}"`)
  }
  const lookups = await lookUpViews(service, entityRows, times, options)
  const values: Record<string, FeatureValue[]> = {}
  const status: Record<string, Uint8Array> = {}
  const knownTime: Record<string, Float64Array> = {}
  const replace = replacements(service)
  service.views.forEach((sv, vi) => {
    knownTime[sv.prefix ? sv.prefix + sv.view.name : sv.view.name] = lookups[vi]!.knownTime
    viewOutputs(sv, lookups[vi]!, replace, values, status)
  })
  onDemandOutputs(service, entityRows, values, status)
  const columns: Record<string, Column> = {}
  for (const o of service.outputs) columns[o.name] = buildColumn(o.name, o.kind, values[o.name]!)
  return { frame: entityRows.withColumns(columns), service, status, knownTime }
}
