/**
 * The `features.materialize` job: materialize one view, or every view of a service, into the online
 * store, on the job queue so that a schedule or continual learning can ask for it and one worker
 * runs it. Jobs run at least once; a second run of the same job converges to the same online state
 * (monotone writes, and the watermark only moves after the writes).
 */
import { KeelError } from '@keel/core'
import type { Job, JobQueue, JsonValue } from '../stores/jobs/job-queue.js'
import type { MaterializationStateStore } from '../stores/features/materialization-state-store.js'
import type { OnlineStore } from '../stores/online/online-store.js'
import type { ReadViewRows } from '../features/api.js'
import { serviceNamed, viewNamed, type ResolvedFeatureStore } from '../features/definitions.js'
import { materializeService } from '../features/materialize/materialize-service.js'
import {
  materializeView,
  type MaterializeOptions,
  type MaterializeSummary,
} from '../features/materialize/materialize-view.js'
import type { JobHandler } from './job-handler.js'

/** The job kind. */
export const FEATURES_MATERIALIZE = 'features.materialize'

/** What the job is asked to do: exactly one of `view` and `service`. */
export interface MaterializeJobPayload {
  readonly view?: string
  readonly service?: string
  /** The time to materialize to (default: when the job runs). */
  readonly to?: number
  /** A full rebuild as of `to`. */
  readonly full?: boolean
}

/** The payload checked; INVALID_ARGUMENT naming the field otherwise. */
export const parseMaterializePayload = (payload: JsonValue): MaterializeJobPayload => {
  const bad = (field: string, message: string): KeelError =>
    new KeelError('INVALID_ARGUMENT', `${FEATURES_MATERIALIZE} payload: ${message}`, {
      path: ['payload', field],
    })
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload))
    throw bad('', 'must be an object')
  const { view, service, to, full, ...rest } = payload
  const extra = Object.keys(rest)[0]
  if (extra !== undefined) throw bad(extra, `unknown field ${extra}`)
  if ((view === undefined) === (service === undefined))
    throw bad('view', 'name exactly one of view and service')
  if (view !== undefined && typeof view !== 'string') throw bad('view', 'view must be a name')
  if (service !== undefined && typeof service !== 'string')
    throw bad('service', 'service must be a name')
  if (to !== undefined && (typeof to !== 'number' || !Number.isFinite(to)))
    throw bad('to', 'to must be a time in epoch ms')
  if (full !== undefined && typeof full !== 'boolean') throw bad('full', 'full must be a boolean')
  return {
    ...(view === undefined ? {} : { view }),
    ...(service === undefined ? {} : { service }),
    ...(to === undefined ? {} : { to }),
    ...(full === undefined ? {} : { full }),
  } as MaterializeJobPayload
}

/**
 * Queue a materialization. A job for the same view or service (and mode) that is still queued or
 * running is returned instead of a second one.
 */
export const enqueueMaterialize = (
  queue: JobQueue,
  payload: MaterializeJobPayload,
  options: { readonly runAt?: number; readonly maxAttempts?: number } = {},
): Promise<Job> => {
  const checked = parseMaterializePayload(payload as JsonValue)
  const target = checked.view !== undefined ? `view:${checked.view}` : `service:${checked.service!}`
  return queue.enqueue(FEATURES_MATERIALIZE, checked as JsonValue, {
    ...options,
    key: `${target}${checked.full === true ? ':full' : ''}${checked.to === undefined ? '' : `@${checked.to}`}`,
  })
}

/** What the handler needs: the project's feature store and where rows come from and go to. */
export interface MaterializeJobDeps {
  readonly store: ResolvedFeatureStore
  readonly readRows: ReadViewRows
  readonly online: OnlineStore
  readonly state: MaterializationStateStore
  readonly target?: string
  /** The clock (default `Date.now`). */
  readonly now?: () => number
}

const summaryJson = (s: MaterializeSummary): JsonValue => ({ ...s })

/**
 * The handler of {@link FEATURES_MATERIALIZE}: heartbeats on every batch read or written, stops
 * when the lease is lost, and returns the summaries.
 */
export const materializeJobHandler =
  (deps: MaterializeJobDeps): JobHandler =>
  async (job, context) => {
    const payload = parseMaterializePayload(job.payload)
    const now = (deps.now ?? Date.now)()
    const options: MaterializeOptions = {
      readRows: deps.readRows,
      online: deps.online,
      state: deps.state,
      now,
      signal: context.signal,
      onProgress: () => void context.heartbeat(),
      ...(deps.target === undefined ? {} : { target: deps.target }),
      ...(payload.to === undefined ? {} : { to: payload.to }),
      ...(payload.full === undefined ? {} : { full: payload.full }),
    }
    const summaries =
      payload.view !== undefined
        ? [await materializeView(viewNamed(deps.store, payload.view), options)]
        : await materializeService(serviceNamed(deps.store, payload.service!), options)
    return { summaries: summaries.map(summaryJson) }
  }
