import type { Issue } from '@keel/core'
import type { EntityKey, ServedFeatures } from '../../stores/events/index.js'
import { parseEventTime } from '../event-time.js'
import { invalidRequest } from './request-issues.js'

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
  /**
   * Per row, the feature values the online-feature step served it with (set by that step when the
   * bundle was trained on a feature service): what the prediction log records.
   */
  readonly features?: readonly ServedFeatures[]
  /**
   * The request columns those features were looked up by (the service's key columns): logged
   * with the inputs even when the model does not read them, so the log says which entity was served.
   */
  readonly featureKeys?: readonly string[]
}

const BODY_KEYS = new Set(['rows', 'row', 'entities', 'entity', 'times', 'time', 'explain'])

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
    throw invalidRequest([
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
    throw invalidRequest([
      {
        code: 'unrecognized_keys',
        path: [],
        message: `unknown field(s): ${unknown.slice(0, 10).join(', ')}`,
      },
    ])
  }
  if ('rows' in b === 'row' in b) {
    throw invalidRequest([
      {
        code: 'invalid_union',
        path: [],
        message: 'give exactly one of "rows" (an array) or "row" (an object)',
      },
    ])
  }
  if (b['explain'] !== undefined && typeof b['explain'] !== 'boolean') {
    throw invalidRequest([
      { code: 'invalid_type', path: ['explain'], message: '"explain" must be true or false' },
    ])
  }
  const explain = explainQuery || b['explain'] === true
  const single = 'row' in b
  const rows = single ? [b['row']] : b['rows']
  if (!Array.isArray(rows)) {
    throw invalidRequest([
      { code: 'invalid_type', path: ['rows'], message: '"rows" must be an array of objects' },
    ])
  }
  const entities = parseEntities(b, single, rows.length)
  const times = parseTimes(b, single, rows.length)
  return { rows, single, explain, ...(entities ? { entities } : {}), ...(times ? { times } : {}) }
}

/** The optional `entities` (with `rows`) or `entity` (with `row`) of a predict body. */
const parseEntities = (
  b: Record<string, unknown>,
  single: boolean,
  n: number,
): EntityKey[] | undefined => {
  const rawEntities = single
    ? b['entity'] === undefined
      ? undefined
      : [b['entity']]
    : b['entities']
  if (!single && b['entity'] !== undefined) {
    throw invalidRequest([
      {
        code: 'unrecognized_keys',
        path: ['entity'],
        message: 'use "entities" (one per row) with "rows"',
      },
    ])
  }
  if (single && b['entities'] !== undefined) {
    throw invalidRequest([
      { code: 'unrecognized_keys', path: ['entities'], message: 'use "entity" with "row"' },
    ])
  }
  if (rawEntities === undefined) return undefined
  if (!Array.isArray(rawEntities) || rawEntities.length !== n) {
    throw invalidRequest([
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
  if (issues.length > 0) throw invalidRequest(issues)
  return rawEntities as EntityKey[]
}

/** The optional `times` (with `rows`) or `time` (with `row`) of a predict body. */
const parseTimes = (
  b: Record<string, unknown>,
  single: boolean,
  n: number,
): number[] | undefined => {
  const [key, other] = single ? ['time', 'times'] : ['times', 'time']
  if (b[other] !== undefined) {
    throw invalidRequest([
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
    throw invalidRequest([
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
  if (issues.length > 0) throw invalidRequest(issues)
  return out
}
