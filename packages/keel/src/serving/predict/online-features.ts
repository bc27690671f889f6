import { isKeelError, KeelError, type BundleLineage, type Issue } from '@keel/core'
import type { OnlineLookups } from '../../features/api.js'
import { assembleRow } from '../../features/assemble/assemble-row.js'
import type { ResolvedFeatureStore, ResolvedService } from '../../features/definitions.js'
import { readRequestRefs, requestRefs, type RequestRefs } from '../../features/online/read.js'
import type { LookedUp } from '../../features/point-in-time.js'
import type { ServedFeatures } from '../../stores/events/index.js'
import type { OnlineStore } from '../../stores/online/online-store.js'
import type { ServeMetrics } from '../metrics.js'
import type { HostedBundle } from '../model-host.js'
import type { PredictInput } from './parse-body.js'
import { invalidRequest } from './request-issues.js'

/**
 * The online-feature step of the predict pipeline: rows as the client sent them in, rows with the
 * features stored for their entities joined on out, before routing and the input check. It may
 * answer synchronously (no await on the request path) or with a promise (a store lookup).
 */
export type OnlineFeatureStep = (
  input: PredictInput,
  requested: HostedBundle,
) => PredictInput | Promise<PredictInput>

/** No online features: the rows are passed on as sent (a server without a feature store). */
export const noOnlineFeatures: OnlineFeatureStep = (input) => input

/** What a predict request gets when the online store fails: 503, or every fetched value missing. */
export type FeatureFallback = 'reject' | 'missing'

/** The default bound on one online-store read (ms); Redis's own command timeout is shorter. */
export const DEFAULT_FEATURE_TIMEOUT_MS = 500

/** What the online-feature step reads from. */
export interface OnlineFeatureOptions {
  /** The project's feature store, resolved: the services bundles name in their lineage. */
  readonly featureStore: ResolvedFeatureStore
  readonly store: OnlineStore
  readonly metrics: ServeMetrics
  /** Default `reject` (503 `UNAVAILABLE`). */
  readonly fallback?: FeatureFallback
  /** Longest wait for one read (ms, default {@link DEFAULT_FEATURE_TIMEOUT_MS}). */
  readonly timeoutMs?: number
  /** Most rows per request (the predict limit; checked before anything is read). */
  readonly maxRows: number
  /**
   * Refuse a service whose views were never materialized into this online store (it would serve
   * nothing but `not_found`): throws to refuse. Checked until it passes once per service version.
   */
  readonly materialized?: (service: ResolvedService) => Promise<void>
}

type LineageService = NonNullable<BundleLineage['featureService']>

/**
 * The service a bundle was trained on, as this server's config defines it: the same name and the
 * same version, or `CONFLICT` naming both versions (the config changed since training: serving it
 * would feed the model features it never saw; retrain, or deploy the config it was trained with).
 */
export const servedService = (
  featureStore: ResolvedFeatureStore,
  lineage: LineageService,
  bundle: Pick<HostedBundle, 'model' | 'version'>,
): ResolvedService => {
  const service = featureStore.services.get(lineage.name)
  const where = { model: bundle.model, bundleVersion: bundle.version, service: lineage.name }
  if (service === undefined) {
    throw new KeelError(
      'CONFLICT',
      `model ${bundle.model} version ${bundle.version} was trained on feature service "${lineage.name}", which this server's config does not define`,
      {
        path: ['featureServices', lineage.name],
        details: { ...where, known: [...featureStore.services.keys()] },
        hint: 'serve with the keel.config.ts the model was trained with',
      },
    )
  }
  if (service.version !== lineage.version) {
    throw new KeelError(
      'CONFLICT',
      `feature service "${lineage.name}" is version ${service.version} in the config, but model ${bundle.model} version ${bundle.version} was trained on version ${lineage.version}`,
      {
        path: ['featureServices', lineage.name, 'version'],
        details: { ...where, trainedOn: lineage.version, configured: service.version },
        hint: 'retrain the model on the current definitions (and materialize them), or serve the config it was trained with',
      },
    )
  }
  return service
}

/** Where row `r`'s field is in the request body. */
const fieldPath = (single: boolean, r: number, field: string): (string | number)[] =>
  single ? ['row', field] : ['rows', r, field]

/**
 * The store references of a request's rows, or 422 naming each row without an object, without a
 * key column of the service, or with a key of the wrong type.
 */
export const keyedRows = (
  service: ResolvedService,
  rows: readonly unknown[],
  single: boolean,
): { rows: readonly Readonly<Record<string, unknown>>[]; refs: RequestRefs } => {
  const issues: Issue[] = []
  for (let r = 0; r < rows.length && issues.length < 100; r++) {
    const row = rows[r]
    if (typeof row !== 'object' || row === null || Array.isArray(row)) {
      issues.push({
        code: 'invalid_type',
        path: single ? ['row'] : ['rows', r],
        message: 'a row must be an object',
      })
      continue
    }
    for (const k of service.keyColumns) {
      const v = (row as Record<string, unknown>)[k]
      if (v === undefined || v === null) {
        issues.push({
          code: 'missing_key',
          path: fieldPath(single, r, k),
          message: `"${k}" is required: feature service "${service.name}" looks its features up by it`,
        })
      }
    }
  }
  if (issues.length > 0) throw invalidRequest(issues)
  const objects = rows as readonly Readonly<Record<string, unknown>>[]
  try {
    return { rows: objects, refs: requestRefs(service, objects) }
  } catch (e) {
    if (!isKeelError(e) || e.code !== 'INVALID_ARGUMENT') throw e
    const [r, column] = e.path as [number, string]
    throw invalidRequest([
      { code: 'invalid_key', path: fieldPath(single, r, column), message: e.message },
    ])
  }
}

/** Every view `not_found` for every row: what the `missing` fallback serves. */
const nothingFound = (service: ResolvedService, n: number): OnlineLookups => {
  const none: LookedUp = { status: 'not_found', values: null, eventTime: null, knownTime: null }
  return service.views.map(() => new Array<LookedUp>(n).fill(none))
}

/** A failed read, as the error a request answers with (`cause` says which it was). */
class StoreFailure extends KeelError {
  readonly failure: 'error' | 'timeout'
  constructor(failure: 'error' | 'timeout', service: string, message: string, error?: unknown) {
    super(
      'UNAVAILABLE',
      `the online store could not serve feature service "${service}": ${message}`,
      {
        path: ['featureServices', service],
        hint: 'check the online store (Redis or SQLite); or set the feature fallback to "missing" (features.fallback) to predict without its values meanwhile',
        ...(error === undefined ? {} : { cause: error }),
      },
    )
    this.failure = failure
  }
}

/**
 * One read of a request's references, bounded in time: a store that rejects or does not answer
 * within `timeoutMs` becomes a {@link StoreFailure}; a stored row that cannot be read
 * (`ARTIFACT_CORRUPT`) is not an outage and is thrown as is.
 */
export const boundedRead = (
  store: OnlineStore,
  service: ResolvedService,
  refs: RequestRefs,
  times: number | readonly number[],
  timeoutMs: number,
): Promise<OnlineLookups> =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new StoreFailure('timeout', service.name, `no answer within ${timeoutMs} ms`)),
      timeoutMs,
    )
    timer.unref?.()
    readRequestRefs(store, service, refs, times).then(
      (lookups) => {
        clearTimeout(timer)
        resolve(lookups)
      },
      (e: unknown) => {
        clearTimeout(timer)
        if (isKeelError(e) && e.code === 'ARTIFACT_CORRUPT') reject(e)
        else reject(new StoreFailure('error', service.name, (e as Error).message ?? String(e), e))
      },
    )
  })

/**
 * Read a request's lookups; when the store fails, count it and answer 503 (`reject`) or serve
 * every fetched value as `not_found` (`missing`).
 */
export const readOrFallback = async (
  options: OnlineFeatureOptions,
  service: ResolvedService,
  refs: RequestRefs,
  times: number | readonly number[],
  n: number,
  fallback: FeatureFallback,
): Promise<{ lookups: OnlineLookups; fellBack: boolean }> => {
  try {
    const timeoutMs = options.timeoutMs ?? DEFAULT_FEATURE_TIMEOUT_MS
    return {
      lookups: await boundedRead(options.store, service, refs, times, timeoutMs),
      fellBack: false,
    }
  } catch (e) {
    if (!(e instanceof StoreFailure)) throw e
    const answer = fallback === 'missing' ? 'fallback' : 'unavailable'
    options.metrics.observeOnlineStoreError(service.name, e.failure, answer)
    if (fallback !== 'missing') throw e
    return { lookups: nothingFound(service, n), fellBack: true }
  }
}

/**
 * The service with every status served as missing: what the fallback predicts with, and what
 * `/v1/features/online` shows (the values as fetched, no policy applied).
 */
export const allMissing = (service: ResolvedService): ResolvedService => ({
  ...service,
  onStatus: { null: 'missing', not_found: 'missing', outside_ttl: 'missing' },
})

/** Count a request's served statuses per output, once per (output, status). */
const countStatuses = (
  metrics: ServeMetrics,
  service: string,
  served: readonly ServedFeatures[],
): void => {
  const counts = new Map<string, number>()
  for (const s of served)
    for (const [name, v] of Object.entries(s.values)) {
      const k = `${name}\u0000${v.status}`
      counts.set(k, (counts.get(k) ?? 0) + 1)
    }
  for (const [k, n] of counts) {
    const [name, status] = k.split('\u0000') as [string, ServedFeatures['values'][string]['status']]
    metrics.observeFeatureValues(service, name, status, n)
  }
}

const passed = new WeakMap<OnlineFeatureOptions, Set<string>>()

/**
 * The materialization check of a service version, remembered once it passed; a refusal is a 503
 * (the model exists, its features are not online yet) naming the view and version.
 */
const materializedOnce = async (
  options: OnlineFeatureOptions,
  service: ResolvedService,
): Promise<void> => {
  let ok = passed.get(options)
  if (ok === undefined) passed.set(options, (ok = new Set()))
  const key = `${service.name}@${service.version}`
  if (ok.has(key)) return
  try {
    await options.materialized!(service)
  } catch (e) {
    if (!isKeelError(e) || e.code !== 'NOT_FOUND') throw e
    throw new KeelError('UNAVAILABLE', e.message, {
      path: e.path,
      ...(e.details ? { details: e.details } : {}),
      ...(e.hint ? { hint: e.hint } : {}),
    })
  }
  ok.add(key)
}

/** Serve one request's features: check, read once, assemble, count, and pass the rows on. */
const serveFeatures = async (
  options: OnlineFeatureOptions,
  input: PredictInput,
  requested: HostedBundle,
  lineage: LineageService,
): Promise<PredictInput> => {
  const service = servedService(options.featureStore, lineage, requested)
  if (options.materialized) await materializedOnce(options, service)
  if (input.rows.length > options.maxRows) return input // the input check answers 422
  const { rows, refs } = keyedRows(service, input.rows, input.single)
  const now = Date.now()
  const times = input.times ?? now
  const fallback = options.fallback ?? 'reject'
  const read = await readOrFallback(options, service, refs, times, rows.length, fallback)
  const policy = read.fellBack ? allMissing(service) : service
  const out = new Array<Record<string, unknown>>(rows.length)
  const features = new Array<ServedFeatures>(rows.length)
  const issues: Issue[] = []
  for (let r = 0; r < rows.length; r++) {
    const assembled = assembleRow(
      policy,
      rows[r]!,
      read.lookups.map((v) => v[r]!),
    )
    if (assembled.rejected && issues.length < 100) {
      const { feature, status } = assembled.rejected
      issues.push({
        code: 'feature_rejected',
        path: [...fieldPath(input.single, r, feature), status],
        message: `feature "${feature}" is ${status} and feature service "${service.name}" rejects that status`,
        details: { feature, status },
      })
    }
    out[r] = assembled.row
    features[r] = {
      service: service.name,
      version: service.version,
      at: typeof times === 'number' ? times : times[r]!,
      values: assembled.served,
    }
  }
  countStatuses(options.metrics, service.name, features)
  if (issues.length > 0) throw invalidRequest(issues)
  return { ...input, rows: out, features, featureKeys: service.keyColumns }
}

/**
 * The online-feature step over a feature store and an online store. A bundle whose lineage names
 * a feature service gets that service's features (the service must have the version the bundle
 * was trained on: else `CONFLICT`): every row needs the service's key columns (422 naming the
 * column), all rows are read in one round trip bounded by `timeoutMs`, at the request time (now,
 * or the rows' trusted `times` in a replay), and assembled with `assembleRow` — the status policy
 * (a `reject` status answers 422 with the feature and status in the issue path), then on-demand
 * features. The rows passed on carry the features; the values served go to the prediction log.
 * A bundle without a feature service is passed on as is, synchronously.
 */
export const createOnlineFeatureStep = (options: OnlineFeatureOptions): OnlineFeatureStep => {
  return (input, requested) => {
    const lineage = requested.bundle.lineage.featureService
    if (lineage === undefined) return input
    return serveFeatures(options, input, requested, lineage)
  }
}
