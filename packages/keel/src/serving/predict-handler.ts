import type { Logger } from 'pino'
import {
  checkInputRows,
  KeelError,
  predictionRecord,
  type BundlePredictions,
  type Frame,
  type InputLimits,
  type Issue,
  type PredictionRecord,
} from '@keel/core'
import type { EntityKey, EventWriter, PredictionEvent } from '../stores/events/index.js'
import type { HostedBundle } from './model-host.js'
import { explainRows, type RowContributions } from './explain.js'
import { predictionCacheKey, type PredictionCache } from '../stores/online/prediction-cache.js'
import type { ServeMetrics } from './metrics.js'
import { parseEventTime } from './event-time.js'

/** One served row: the bundle's record plus its id, the decision and (on request) an explanation. */
export interface ServedPrediction extends PredictionRecord {
  /** `<request id>:<row>`: what feedback for this row refers to. */
  readonly id: string
  /** The class acted on (the thresholded class for binary models); absent for regression. */
  readonly decision?: string
  readonly contributions?: RowContributions
}

/** The body of a successful predict answer. */
export interface PredictResponse {
  readonly request_id: string
  readonly model: string
  readonly version: string
  readonly predictions: readonly ServedPrediction[]
  readonly warnings: readonly Issue[]
}

/** A predict request after its body was parsed. */
export interface PredictInput {
  readonly rows: readonly unknown[]
  /** `row` (one object) rather than `rows`: issue paths then start with `row`. */
  readonly single: boolean
  readonly entities?: readonly EntityKey[]
  /**
   * When each row's prediction counts as made (epoch ms), from `times` / `time`: a trusted replay's
   * event times (see `event-time.ts`); the caller must check the token.
   */
  readonly times?: readonly number[]
  readonly explain: boolean
}

const BODY_KEYS = new Set(['rows', 'row', 'entities', 'entity', 'times', 'time', 'explain'])

const invalid = (issues: Issue[]): KeelError =>
  new KeelError('VALIDATION_FAILED', `${issues.length} request problem(s): ${issues[0]!.message}`, {
    issues,
  })

const entityIssue = (e: unknown, path: (string | number)[]): Issue | undefined => {
  if (typeof e !== 'object' || e === null || Array.isArray(e)) {
    return {
      code: 'invalid_type',
      path,
      message: 'an entity key must be an object of scalar fields',
    }
  }
  const entries = Object.entries(e)
  if (entries.length === 0 || entries.length > 16) {
    return { code: 'invalid_size', path, message: 'an entity key has 1 to 16 fields' }
  }
  for (const [k, v] of entries) {
    const ok =
      (typeof v === 'string' && v.length <= 256) ||
      typeof v === 'boolean' ||
      (typeof v === 'number' && Number.isFinite(v))
    if (!ok)
      return {
        code: 'invalid_type',
        path: [...path, k],
        message: `entity field "${k}" must be a short string, a finite number or a boolean`,
      }
  }
  return undefined
}

/**
 * Check the shape of a predict body: `{ "rows": [...] }` or `{ "row": {...} }`, optionally with
 * `entities` / `entity` (the keys labels will be joined on) and `explain`. Rows themselves are
 * checked later against the bundle's pinned inputs.
 */
export const parsePredictBody = (body: unknown, explainQuery: boolean): PredictInput => {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalid([
      {
        code: 'invalid_type',
        path: [],
        message: 'the body must be an object with "rows" or "row"',
      },
    ])
  }
  const b = body as Record<string, unknown>
  const unknown = Object.keys(b).filter((k) => !BODY_KEYS.has(k))
  if (unknown.length > 0) {
    throw invalid([
      {
        code: 'unrecognized_keys',
        path: [],
        message: `unknown field(s): ${unknown.slice(0, 10).join(', ')}`,
      },
    ])
  }
  if ('rows' in b === 'row' in b) {
    throw invalid([
      {
        code: 'invalid_union',
        path: [],
        message: 'give exactly one of "rows" (an array) or "row" (an object)',
      },
    ])
  }
  if (b['explain'] !== undefined && typeof b['explain'] !== 'boolean') {
    throw invalid([
      { code: 'invalid_type', path: ['explain'], message: '"explain" must be true or false' },
    ])
  }
  const explain = explainQuery || b['explain'] === true
  const single = 'row' in b
  const rows = single ? [b['row']] : b['rows']
  if (!Array.isArray(rows)) {
    throw invalid([
      { code: 'invalid_type', path: ['rows'], message: '"rows" must be an array of objects' },
    ])
  }
  let entities: EntityKey[] | undefined
  const rawEntities = single
    ? b['entity'] === undefined
      ? undefined
      : [b['entity']]
    : b['entities']
  if (!single && b['entity'] !== undefined) {
    throw invalid([
      {
        code: 'unrecognized_keys',
        path: ['entity'],
        message: 'use "entities" (one per row) with "rows"',
      },
    ])
  }
  if (single && b['entities'] !== undefined) {
    throw invalid([
      { code: 'unrecognized_keys', path: ['entities'], message: 'use "entity" with "row"' },
    ])
  }
  if (rawEntities !== undefined) {
    if (!Array.isArray(rawEntities) || rawEntities.length !== rows.length) {
      throw invalid([
        {
          code: 'invalid_type',
          path: ['entities'],
          message: '"entities" must be an array with one key per row',
        },
      ])
    }
    const issues: Issue[] = []
    rawEntities.forEach((e, i) => {
      const issue = entityIssue(e, single ? ['entity'] : ['entities', i])
      if (issue && issues.length < 100) issues.push(issue)
    })
    if (issues.length > 0) throw invalid(issues)
    entities = rawEntities as EntityKey[]
  }
  const times = parseTimes(b, single, rows.length)
  return { rows, single, explain, ...(entities ? { entities } : {}), ...(times ? { times } : {}) }
}

/** The optional `times` (with `rows`) or `time` (with `row`) of a predict body. */
const parseTimes = (
  b: Record<string, unknown>,
  single: boolean,
  n: number,
): number[] | undefined => {
  const [key, other] = single ? ['time', 'times'] : ['times', 'time']
  if (b[other] !== undefined) {
    throw invalid([
      {
        code: 'unrecognized_keys',
        path: [other],
        message: single ? 'use "time" with "row"' : 'use "times" (one per row) with "rows"',
      },
    ])
  }
  const raw = b[key]
  if (raw === undefined) return undefined
  const list = single ? [raw] : raw
  if (!Array.isArray(list) || list.length !== n) {
    throw invalid([
      {
        code: 'invalid_type',
        path: [key],
        message: '"times" must be an array with one time per row',
      },
    ])
  }
  const out: number[] = []
  const issues: Issue[] = []
  list.forEach((v, i) => {
    const t = parseEventTime(v, single ? [key] : [key, i])
    if (typeof t === 'number') out.push(t)
    else if (issues.length < 100) issues.push(t)
  })
  if (issues.length > 0) throw invalid(issues)
  return out
}

/** What {@link predictWithBundle} needs from the server. */
export interface PredictContext {
  readonly limits: InputLimits
  readonly writer: EventWriter | null
  readonly metrics: ServeMetrics
  readonly cache?: PredictionCache | undefined
  readonly logger?: Logger | undefined
}

const prefixPaths = (issues: readonly Issue[], single: boolean): Issue[] =>
  issues.map((i) => ({
    ...i,
    path: single ? ['row', ...i.path.slice(1)] : ['rows', ...i.path],
  }))

/**
 * Answer one parsed predict request with one hosted bundle: check the rows with
 * `checkInputRows` (the contract every boundary shares), predict with `bundle.predict` (so
 * library, batch and HTTP answers are identical), and hand one event per row to the event writer
 * without waiting for it.
 */
export const predictWithBundle = async (
  ctx: PredictContext,
  hosted: HostedBundle,
  input: PredictInput,
  requestId: string,
): Promise<PredictResponse> => {
  const { bundle, model, version } = hosted
  const check = checkInputRows(input.rows, bundle.inputs, ctx.limits)
  if (!check.ok) throw invalid(prefixPaths(check.issues, input.single))
  const n = check.frame.numRows
  let records: PredictionRecord[]
  let contributions: RowContributions[] | undefined
  if (ctx.cache && !input.explain) {
    records = await predictCached(
      ctx,
      ctx.cache,
      hosted,
      input.rows as Record<string, unknown>[],
      check.frame,
    )
  } else {
    const predictions = bundle.predict(check.frame)
    ctx.metrics.observePredictions(model, version, predictions)
    records = toRecords(predictions)
    if (input.explain) contributions = explainRows(bundle, check.frame)
  }
  const classification = bundle.task !== 'regression'
  const served: ServedPrediction[] = records.map((r, i) => ({
    id: `${requestId}:${i}`,
    ...r,
    ...(classification ? { decision: r.prediction as string } : {}),
    ...(contributions ? { contributions: contributions[i]! } : {}),
  }))
  if (ctx.writer) {
    const time = Date.now()
    const events: PredictionEvent[] = new Array<PredictionEvent>(n)
    for (let i = 0; i < n; i++) {
      const entity = input.entities?.[i]
      const supplied = input.times?.[i]
      events[i] = {
        kind: 'prediction',
        id: served[i]!.id,
        requestId,
        time: supplied ?? time,
        ...(supplied === undefined ? {} : { receivedAt: time }),
        model,
        version,
        ...(entity ? { entity } : {}),
        inputs: input.rows[i] as Record<string, unknown>,
        output: records[i]!,
        source: 'http',
      }
    }
    ctx.writer.push(events)
  }
  return {
    request_id: requestId,
    model,
    version,
    predictions: served,
    warnings: prefixPaths(check.warnings, input.single),
  }
}

const toRecords = (p: BundlePredictions): PredictionRecord[] => {
  const out = new Array<PredictionRecord>(p.n)
  for (let i = 0; i < p.n; i++) out[i] = predictionRecord(p, i)
  return out
}

const predictCached = async (
  ctx: PredictContext,
  cache: PredictionCache,
  hosted: HostedBundle,
  rows: readonly Record<string, unknown>[],
  frame: Frame,
): Promise<PredictionRecord[]> => {
  const { bundle, model, version } = hosted
  const keys = rows.map((r) => predictionCacheKey(model, version, bundle.inputs, r))
  let cached: (PredictionRecord | undefined)[]
  try {
    cached = await cache.getMany(keys)
  } catch (e) {
    // The cache is an accelerator: when it fails, compute instead of failing the request.
    ctx.logger?.warn({ err: e, model }, 'prediction cache lookup failed; computing instead')
    cached = new Array<PredictionRecord | undefined>(rows.length)
  }
  const miss: number[] = []
  for (let i = 0; i < rows.length; i++) if (cached[i] === undefined) miss.push(i)
  ctx.metrics.observeCache(model, rows.length - miss.length, miss.length)
  if (miss.length === 0) return cached as PredictionRecord[]
  const predictions = bundle.predict(miss.length === rows.length ? frame : frame.take(miss))
  ctx.metrics.observePredictions(model, version, predictions)
  const computed = toRecords(predictions)
  const out = cached.slice()
  miss.forEach((r, j) => (out[r] = computed[j]))
  cache.setMany(miss.map((r, j) => [keys[r]!, computed[j]!] as const)).catch((e: unknown) => {
    ctx.logger?.warn({ err: e, model }, 'prediction cache write failed')
  })
  return out as PredictionRecord[]
}
