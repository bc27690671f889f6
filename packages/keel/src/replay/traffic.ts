import { KeelError } from '@keel/core'
import type { ProgressReporter } from '../util/progress.js'
import { batchesOf, type ReplayRow } from './plan.js'

/**
 * The live half of a replay: planned rows go to a running prediction service as HTTP predict
 * requests, in event-time order, a batch of rows per request with a bounded number in flight; each
 * row's label goes to `POST /v1/feedback` once the simulated clock passes its arrival time.
 * Both carry their simulated times (the service's trusted `times` / `time` fields, which need the
 * token), so the event log holds the replayed period's timeline, not the replay's.
 */

/** Options of {@link replayTraffic}. */
export interface ReplayTrafficOptions {
  /** The service's base URL, e.g. `http://127.0.0.1:43121`. */
  readonly url: string
  /** The bearer token the service was started with (supplied times and feedback need it). */
  readonly token: string
  readonly model: string
  /** The registry version to ask for (`?version=`), unless an alias is given. */
  readonly version: string
  /** The alias to ask for (`?alias=`, e.g. `production`): the service resolves it. */
  readonly alias?: string
  /** Rows per predict request (default 200). */
  readonly batchSize?: number
  /** Requests in flight at most (default 4). */
  readonly concurrency?: number
  /**
   * The end of the replayed period (epoch ms): labels that would arrive later are not sent; they
   * are still "in the air" when monitoring runs.
   */
  readonly cutoff: number
  readonly progress?: ProgressReporter
  /**
   * Work the simulated clock drives: before the first request in each period of `everyMs` (UTC
   * multiples), once every earlier request has been answered, `run(periodStart)` is awaited — e.g.
   * materializing features up to that instant, as a scheduler would in production. Requests never
   * straddle a period.
   */
  readonly tick?: {
    readonly everyMs: number
    readonly run: (periodStart: number) => Promise<void>
  }
}

/** What the traffic did. */
export interface ReplayTrafficResult {
  readonly predictRequests: number
  readonly rows: number
  readonly feedbackRequests: number
  readonly labelsSent: number
  /** Labels whose arrival falls after the cutoff, so not sent. */
  readonly labelsPending: number
  /** Requests answered with a non-2xx status (the first message is kept). */
  readonly errors: number
  readonly firstError: string | null
  /** Predict round trips seen by the client (ms, nearest rank). */
  readonly latency: { readonly p50Ms: number; readonly p99Ms: number }
  readonly seconds: number
}

interface PendingLabel {
  readonly id: string
  readonly time: number
  readonly label: string
}

const FEEDBACK_BATCH = 1000 // the service's largest feedback batch

const nearestRank = (sorted: readonly number[], q: number): number =>
  sorted.length === 0
    ? 0
    : sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!

/** Batches of at most `size` rows that never mix two periods. */
const batchesByPeriod = (
  plan: readonly ReplayRow[],
  size: number,
  periodOf: (t: number) => number,
): ReplayRow[][] => {
  const out: ReplayRow[][] = []
  let start = 0
  for (let i = 1; i <= plan.length; i++) {
    if (i === plan.length || periodOf(plan[i]!.time) !== periodOf(plan[start]!.time)) {
      out.push(...batchesOf(plan.slice(start, i), size))
      start = i
    }
  }
  return out
}

/** Send the planned rows and their labels to the service; see the module comment. */
export const replayTraffic = async (
  plan: readonly ReplayRow[],
  o: ReplayTrafficOptions,
): Promise<ReplayTrafficResult> => {
  const concurrency = o.concurrency ?? 4
  if (!(Number.isInteger(concurrency) && concurrency >= 1)) {
    throw new KeelError('INVALID_ARGUMENT', `concurrency must be a positive integer`)
  }
  const batchSize = o.batchSize ?? 200
  const tick = o.tick
  if (tick && !(Number.isFinite(tick.everyMs) && tick.everyMs > 0)) {
    throw new KeelError('INVALID_ARGUMENT', `tick.everyMs must be a positive number of ms`)
  }
  const periodOf = (t: number): number => (tick ? Math.floor(t / tick.everyMs) * tick.everyMs : 0)
  const batches = tick ? batchesByPeriod(plan, batchSize, periodOf) : batchesOf(plan, batchSize)
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${o.token}` }
  const predictUrl = `${o.url}/v1/models/${encodeURIComponent(o.model)}/predict?${
    o.alias === undefined
      ? `version=${encodeURIComponent(o.version)}`
      : `alias=${encodeURIComponent(o.alias)}`
  }`
  const started = performance.now()
  let pending: PendingLabel[] = []
  let next = 0
  let done = 0
  let rows = 0
  let feedbackRequests = 0
  let labelsSent = 0
  let errors = 0
  let firstError: string | null = null
  const latencies: number[] = []
  const inFlight = new Set<Promise<void>>()

  const failed = async (what: string, res: Response): Promise<void> => {
    errors++
    firstError ??= `${what}: HTTP ${res.status} ${(await res.text()).slice(0, 300)}`
  }

  /** Send every pending label that has arrived by `now` (simulated), in arrival order. */
  const sendLabels = async (now: number): Promise<void> => {
    const due = pending.filter((l) => l.time <= now).sort((a, b) => a.time - b.time)
    if (due.length === 0) return
    pending = pending.filter((l) => l.time > now)
    for (let i = 0; i < due.length; i += FEEDBACK_BATCH) {
      const labels = due.slice(i, i + FEEDBACK_BATCH).map((l) => ({
        request_id: l.id,
        label: l.label,
        model: o.model,
        time: l.time,
      }))
      feedbackRequests++
      const res = await fetch(`${o.url}/v1/feedback`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ labels }),
      })
      if (res.ok) {
        labelsSent += labels.length
        await res.body?.cancel()
      } else await failed('feedback', res)
    }
  }

  const predict = async (batch: readonly ReplayRow[]): Promise<void> => {
    const t0 = performance.now()
    const res = await fetch(predictUrl, {
      method: 'POST',
      headers,
      body: JSON.stringify({ rows: batch.map((f) => f.row), times: batch.map((f) => f.time) }),
    })
    if (!res.ok) return failed('predict', res)
    const body = (await res.json()) as { predictions: { id: string }[] }
    latencies.push(performance.now() - t0)
    rows += batch.length
    batch.forEach((f, j) =>
      pending.push({ id: body.predictions[j]!.id, time: f.labelTime, label: f.label }),
    )
    done++
    o.progress?.update({ done, total: batches.length })
  }

  let period: number | undefined
  try {
    while (next < batches.length) {
      const batch = batches[next++]!
      if (tick && periodOf(batch[0]!.time) !== period) {
        period = periodOf(batch[0]!.time)
        await Promise.all(inFlight)
        await tick.run(period)
      }
      // The simulated clock is the event time of the batch about to go out: labels that arrived
      // by then go first. A label whose prediction is still in flight goes with a later batch,
      // still stamped with its own arrival time.
      await sendLabels(batch[0]!.time)
      const p = predict(batch).finally(() => inFlight.delete(p))
      inFlight.add(p)
      if (inFlight.size >= concurrency) await Promise.race(inFlight)
    }
    await Promise.all(inFlight)
  } catch (e) {
    // A transport failure (the service went away): let the other requests settle, then report it.
    await Promise.allSettled(inFlight)
    throw new KeelError('UNAVAILABLE', `the replay lost the service: ${(e as Error).message}`, {
      cause: e,
    })
  }
  await sendLabels(o.cutoff - 1)
  const sorted = latencies.sort((a, b) => a - b)
  return {
    predictRequests: batches.length,
    rows,
    feedbackRequests,
    labelsSent,
    labelsPending: pending.length,
    errors,
    firstError,
    latency: { p50Ms: nearestRank(sorted, 0.5), p99Ms: nearestRank(sorted, 0.99) },
    seconds: (performance.now() - started) / 1000,
  }
}
