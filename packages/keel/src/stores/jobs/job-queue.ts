import { KeelError } from '@keel/core'

/**
 * The job queue behind retraining, materialization, batch scoring and tuning trials, with the
 * semantics of pg-boss and graphile-worker: workers pull jobs (no push), a claimed job is leased to
 * one worker for a while, and a lease that runs out puts the job back, so every job runs at least
 * once and a job's code must tolerate a second run. Backends: in-process (now) and PostgreSQL
 * (`SELECT … FOR UPDATE SKIP LOCKED`, with continual learning), where each method is one short
 * transaction and times are passed in (never the database's `now()`) so tests control them.
 */
export interface JobQueue {
  readonly backend: string
  /**
   * Add a job. With `key`, a job of the same kind and key that is still queued or running is
   * returned instead of a second one (pg-boss's singleton key).
   */
  enqueue(kind: string, payload: JsonValue, options?: EnqueueOptions): Promise<Job>
  /**
   * Lease the next runnable job of one of `kinds` to `workerId` for `leaseMs`: the highest
   * priority first, then the earliest `runAt`, then the oldest. `null` when none is due.
   */
  claim(kinds: readonly string[], workerId: string, leaseMs: number): Promise<Job | null>
  /** Extend the lease of a running job to `leaseMs` from now (a long job calls this periodically). */
  heartbeat(id: string, workerId: string, leaseMs: number): Promise<Job>
  /** Record success. Only the worker holding the lease may (CONFLICT otherwise). */
  complete(id: string, workerId: string, result?: JsonValue): Promise<Job>
  /**
   * Record a failed attempt: the job is queued again after a backoff (`backoffMs · 2^(attempt−1)`,
   * at most an hour) while attempts remain, and `failed` after the last one.
   */
  fail(id: string, workerId: string, error: string): Promise<Job>
  /** Stop a queued or running job; a finished job is returned unchanged. */
  cancel(id: string): Promise<Job>
  /** A job by id, `undefined` when unknown. */
  get(id: string): Promise<Job | undefined>
  /** Jobs in enqueue order, optionally only some states and kinds. */
  list(query?: JobQuery): Promise<Job[]>
  /** Release the backend; later calls fail with UNAVAILABLE. */
  close(): Promise<void>
}

/** A job's life: queued → running → succeeded | failed (or back to queued to retry); cancelled. */
export type JobState = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled'

/** The states a job never leaves. */
export const FINISHED_JOB_STATES: readonly JobState[] = ['succeeded', 'failed', 'cancelled']

/** Payloads and results are JSON, as a database column would store them. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [k: string]: JsonValue }

/** Options of {@link JobQueue.enqueue}. */
export interface EnqueueOptions {
  /** De-duplication key within the kind (see {@link JobQueue.enqueue}). */
  readonly key?: string
  /** Not before this time (epoch ms); default now. */
  readonly runAt?: number
  /** Attempts before the job is `failed` (default 3: pg-boss's two retries). */
  readonly maxAttempts?: number
  /** Higher runs first (default 0). */
  readonly priority?: number
  /** The first retry's delay (ms), doubled on each further retry (default 1000). */
  readonly backoffMs?: number
}

/** A filter for {@link JobQueue.list}. */
export interface JobQuery {
  readonly states?: readonly JobState[]
  readonly kinds?: readonly string[]
  /** At most this many jobs (default 100). */
  readonly limit?: number
}

/** A job as stored. Times are epoch milliseconds. */
export interface Job {
  readonly id: string
  readonly kind: string
  readonly payload: JsonValue
  readonly state: JobState
  readonly key: string | null
  readonly priority: number
  /** Claims so far, the current one included. */
  readonly attempts: number
  readonly maxAttempts: number
  readonly backoffMs: number
  /** The earliest time the job may be claimed (next). */
  readonly runAt: number
  readonly createdAt: number
  /** When the latest attempt was claimed. */
  readonly startedAt: number | null
  readonly finishedAt: number | null
  /** The worker holding (or that last held) the job. */
  readonly workerId: string | null
  /** While running: when the lease ends unless extended. */
  readonly leaseUntil: number | null
  readonly result: JsonValue | null
  readonly lastError: string | null
}

/** The longest retry delay (pg-boss's `retryDelayMax` plays the same role). */
export const MAX_BACKOFF_MS = 3_600_000

/** The delay before the attempt after `attempts` failed ones. */
export const retryDelay = (attempts: number, backoffMs: number): number =>
  Math.min(backoffMs * 2 ** Math.max(0, attempts - 1), MAX_BACKOFF_MS)

const KIND_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/

const invalid = (path: string, message: string, value: unknown): KeelError =>
  new KeelError('INVALID_ARGUMENT', message, { path: [path], details: { value } })

/** Validate a job kind (a short identifier such as `retrain` or `materialize:airports`). */
export const checkJobKind = (kind: string): string => {
  if (!KIND_PATTERN.test(kind)) {
    throw invalid(
      'kind',
      `job kind "${kind}" must be 1-128 letters, digits, "_", ".", ":" or "-"`,
      kind,
    )
  }
  return kind
}

/** Validate a worker id and a lease length (what claim and heartbeat are given). */
export const checkLease = (workerId: string, leaseMs: number): void => {
  if (workerId === '') throw invalid('workerId', 'a worker id must not be empty', workerId)
  if (!Number.isInteger(leaseMs) || leaseMs <= 0) {
    throw invalid('leaseMs', 'a lease must be a positive whole number of ms', leaseMs)
  }
}

/** Enqueue options with defaults applied, validated. */
export const normalizeEnqueue = (
  options: EnqueueOptions,
  now: number,
): Required<Omit<EnqueueOptions, 'key'>> & { key: string | null } => {
  const { maxAttempts = 3, priority = 0, backoffMs = 1000, runAt = now } = options
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1)
    throw invalid('maxAttempts', 'maxAttempts must be a whole number ≥ 1', maxAttempts)
  if (!Number.isInteger(priority))
    throw invalid('priority', 'priority must be an integer', priority)
  if (!Number.isFinite(backoffMs) || backoffMs < 0)
    throw invalid('backoffMs', 'backoffMs must be a number ≥ 0', backoffMs)
  if (!Number.isFinite(runAt)) throw invalid('runAt', 'runAt must be a time in epoch ms', runAt)
  if (options.key === '') throw invalid('key', 'a de-duplication key must not be empty', '')
  return { maxAttempts, priority, backoffMs, runAt, key: options.key ?? null }
}

/** A copy of `value` as JSON would store it; refuses what JSON cannot hold. */
export const jsonCopy = (value: JsonValue | undefined, path: string): JsonValue => {
  if (value === undefined) return null
  const text = JSON.stringify(value)
  if (text === undefined) throw invalid(path, `the job ${path} must be JSON`, String(value))
  return JSON.parse(text) as JsonValue
}
