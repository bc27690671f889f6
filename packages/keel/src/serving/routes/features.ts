import { Hono } from 'hono'
import { KeelError, type Issue } from '@keel/core'
import type { ServedFeatureValue } from '../../features/api.js'
import { assembleRow } from '../../features/assemble/assemble-row.js'
import { serviceNamed, type ResolvedService } from '../../features/definitions.js'
import { parseEventTime } from '../event-time.js'
import { allMissing, keyedRows, readOrFallback } from '../predict/online-features.js'
import { invalidRequest } from '../predict/request-issues.js'
import { readJsonBody } from '../request-body.js'
import { requestBody } from '../request-params.js'
import type { ServeDeps } from '../serve-deps.js'
import type { ServeFeatureOptions, ServeLimits } from '../server-types.js'

/** The answer of `POST /v1/features/online`. */
export interface OnlineFeaturesAnswer {
  readonly service: string
  readonly version: string
  /** The time the point-in-time rule was applied at (epoch ms). */
  readonly at: number
  /** Per request row, per service output: value, status, and the event and known time. */
  readonly rows: readonly { readonly features: Readonly<Record<string, ServedFeatureValue>> }[]
}

type FeatureDeps = Pick<
  ServeDeps,
  'features' | 'limits' | 'requireToken' | 'requireTokenForPredict' | 'metrics'
>

const bodyIssue = (path: (string | number)[], message: string): KeelError =>
  invalidRequest([{ code: 'invalid_type', path, message }])

/** `{ <name field>: string, rows: object[] }` within the row limit, or 422. */
const namedRows = (
  body: unknown,
  nameField: 'service' | 'view',
  allowed: ReadonlySet<string>,
  limits: ServeLimits,
): { name: string; rows: Record<string, unknown>[]; b: Record<string, unknown> } => {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw bodyIssue([], `the body must be an object with "${nameField}" and "rows"`)
  const b = body as Record<string, unknown>
  const unknown = Object.keys(b).filter((k) => !allowed.has(k))
  if (unknown.length > 0) {
    throw invalidRequest([
      {
        code: 'unrecognized_keys',
        path: [],
        message: `unknown field(s): ${unknown.slice(0, 10).join(', ')}`,
      },
    ])
  }
  const name = b[nameField]
  if (typeof name !== 'string' || name === '')
    throw bodyIssue([nameField], `"${nameField}" must be a name`)
  const rows = b['rows']
  if (!Array.isArray(rows) || rows.length === 0)
    throw bodyIssue(['rows'], '"rows" must be a non-empty array of objects')
  if (rows.length > limits.maxRows) {
    throw invalidRequest([
      {
        code: 'too_big',
        path: ['rows'],
        message: `at most ${limits.maxRows} rows per request`,
        details: { maxRows: limits.maxRows, rows: rows.length },
      },
    ])
  }
  const issues: Issue[] = []
  rows.forEach((r, i) => {
    if ((typeof r !== 'object' || r === null || Array.isArray(r)) && issues.length < 100)
      issues.push({ code: 'invalid_type', path: ['rows', i], message: 'a row must be an object' })
  })
  if (issues.length > 0) throw invalidRequest(issues)
  return { name, rows: rows as Record<string, unknown>[], b }
}

const ONLINE_KEYS = new Set(['service', 'rows', 'time'])
const PUSH_KEYS = new Set(['view', 'rows'])

/** The service's features read for `rows` at `at`, every status as fetched (no policy applied). */
const readFeatures = async (
  features: ServeFeatureOptions,
  deps: FeatureDeps,
  service: ResolvedService,
  rows: readonly Record<string, unknown>[],
  at: number,
): Promise<OnlineFeaturesAnswer> => {
  const keyed = keyedRows(service, rows, false)
  const options = {
    featureStore: features.featureStore,
    store: features.onlineStore,
    metrics: deps.metrics,
    maxRows: deps.limits.maxRows,
    ...(features.timeoutMs !== undefined ? { timeoutMs: features.timeoutMs } : {}),
  }
  const { lookups } = await readOrFallback(options, service, keyed.refs, at, rows.length, 'reject')
  // Every status served as fetched: this route shows the store, not the policy.
  const asFetched = allMissing(service)
  return {
    service: service.name,
    version: service.version,
    at,
    rows: keyed.rows.map((row, r) => ({
      features: assembleRow(
        asFetched,
        row,
        lookups.map((v) => v[r]!),
      ).served,
    })),
  }
}

const noFeatureStore = (): KeelError =>
  new KeelError('NOT_FOUND', 'this server has no feature store', {
    hint: 'serve with the project feature store and online store (the `features` server option)',
  })

/**
 * `POST /v1/features/online` (read-only; the token only where predict needs it): the feature
 * service's values for entity keys, `{service, rows: [{<key column>: …}], time?}`, at `time`
 * (default now) by the same rule and in the same round trip as predict, with each value's status
 * and event and known time. `POST /v1/features/push` (token): `{view, rows}` written by the
 * configured push (404 without one). Both bodies are bounded like predict's.
 */
export const featureRoutes = (deps: FeatureDeps): Hono =>
  new Hono()
    .post('/v1/features/online', async (c) => {
      if (deps.requireTokenForPredict) deps.requireToken(c.req.header('authorization'))
      const features = deps.features
      if (!features) throw noFeatureStore()
      const body = await readJsonBody(requestBody(c), deps.limits)
      const { name, rows, b } = namedRows(body, 'service', ONLINE_KEYS, deps.limits)
      let at = Date.now()
      if (b['time'] !== undefined) {
        const t = parseEventTime(b['time'], ['time'])
        if (typeof t !== 'number') throw invalidRequest([t])
        at = t
      }
      const service = serviceNamed(features.featureStore, name)
      return c.json(await readFeatures(features, deps, service, rows, at))
    })
    .post('/v1/features/push', async (c) => {
      deps.requireToken(c.req.header('authorization'))
      const push = deps.features?.push
      if (!push) {
        throw new KeelError('NOT_FOUND', 'this server does not accept pushed feature values', {
          hint: 'serve with a push target (the `features.push` server option)',
        })
      }
      const body = await readJsonBody(requestBody(c), deps.limits)
      const { name, rows } = namedRows(body, 'view', PUSH_KEYS, deps.limits)
      const { written } = await push(name, rows, Date.now())
      return c.json({ view: name, written })
    })
