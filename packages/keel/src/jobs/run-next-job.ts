import { KeelError } from '@keel/core'
import type { Job, JobQueue } from '../stores/jobs/job-queue.js'
import type { JobContext, JobHandlers } from './job-handler.js'

/** Options of {@link runNextJob}. */
export interface RunNextJobOptions {
  /** How long a claim or a heartbeat holds the job (default 60 s). */
  readonly leaseMs?: number
  /** The clock the heartbeat throttle reads (default `Date.now`; tests move one by hand). */
  readonly now?: () => number
}

const DEFAULT_LEASE_MS = 60_000

const errorText = (e: unknown): string =>
  e instanceof KeelError ? `${e.code}: ${e.message}` : e instanceof Error ? e.message : String(e)

/**
 * Claim the next due job of a kind `handlers` knows, run it while keeping its lease alive (a timer
 * every third of the lease, and whenever the handler reports progress), and record the outcome:
 * `complete` with the handler's result, or `fail` with its error (the queue retries while attempts
 * remain). Returns the job as finished, or `null` when none was due. A handler's error never
 * escapes; a queue error does.
 *
 * @example
 * while (await runNextJob(queue, { 'features.materialize': handler }, 'worker-1')) {}
 */
export const runNextJob = async (
  queue: JobQueue,
  handlers: JobHandlers,
  workerId: string,
  options: RunNextJobOptions = {},
): Promise<Job | null> => {
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS
  const clock = options.now ?? Date.now
  const job = await queue.claim(Object.keys(handlers), workerId, leaseMs)
  if (job === null) return null
  const handler = handlers[job.kind]!
  const lost = new AbortController()
  let lastBeat = clock()
  let beating: Promise<void> | undefined
  const beat = async (): Promise<void> => {
    try {
      await queue.heartbeat(job.id, workerId, leaseMs)
    } catch (e) {
      if (!lost.signal.aborted) lost.abort(e)
    }
  }
  const context: JobContext = {
    queue,
    workerId,
    signal: lost.signal,
    heartbeat: async () => {
      if (clock() - lastBeat < leaseMs / 3) return beating
      lastBeat = clock()
      beating = beat()
      return beating
    },
  }
  const timer = setInterval(() => void context.heartbeat(), Math.max(1, Math.floor(leaseMs / 3)))
  timer.unref()
  let outcome:
    { ok: true; result: Awaited<ReturnType<typeof handler>> } | { ok: false; error: string }
  try {
    outcome = { ok: true, result: await handler(job, context) }
  } catch (e) {
    outcome = { ok: false, error: errorText(e) }
  } finally {
    clearInterval(timer)
    await beating
  }
  if (lost.signal.aborted) {
    // Another worker may hold the job now: recording an outcome would be refused anyway.
    return (await queue.get(job.id)) ?? job
  }
  return outcome.ok
    ? queue.complete(job.id, workerId, outcome.result)
    : queue.fail(job.id, workerId, outcome.error)
}
