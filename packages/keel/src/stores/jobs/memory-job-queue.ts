import { KeelError } from '@keel/core'
import { newSortableId } from '../ids.js'
import {
  checkJobKind,
  checkLease,
  FINISHED_JOB_STATES,
  jsonCopy,
  normalizeEnqueue,
  retryDelay,
  type Job,
  type JobQueue,
} from './job-queue.js'

/** Options of {@link createMemoryJobQueue}. */
export interface MemoryJobQueueOptions {
  /** The clock (epoch ms), default `Date.now`; tests pass one they move by hand. */
  readonly now?: () => number
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] }

/**
 * The in-process {@link JobQueue}: jobs live in this process only and are lost when it exits.
 * For tests, notebooks and a single `keel` process running its own jobs.
 */
export const createMemoryJobQueue = (options: MemoryJobQueueOptions = {}): JobQueue => {
  const clock = options.now ?? Date.now
  // Insertion order is enqueue order, the last tie-breaker of a claim and the order of a list.
  const jobs = new Map<string, Mutable<Job>>()
  let closed = false

  /** Queue a job again after its backoff, or fail it once out of attempts. */
  const retryOrFail = (job: Mutable<Job>, at: number, error: string): void => {
    job.lastError = error
    job.leaseUntil = null
    if (job.attempts < job.maxAttempts) {
      job.state = 'queued'
      job.runAt = at + retryDelay(job.attempts, job.backoffMs)
      job.workerId = null
    } else {
      job.state = 'failed'
      job.finishedAt = at
    }
  }

  /** Put every job whose lease ran out at `now` back in the queue (or fail it): at least once. */
  const expireLeases = (now: number): void => {
    for (const job of jobs.values()) {
      if (job.state !== 'running' || job.leaseUntil === null || job.leaseUntil > now) continue
      retryOrFail(job, job.leaseUntil, `the lease of worker ${job.workerId ?? '?'} ran out`)
    }
  }

  /** The clock, after refusing calls on a closed queue and settling expired leases. */
  const begin = (): number => {
    if (closed) throw new KeelError('UNAVAILABLE', 'the job queue is closed')
    const now = clock()
    expireLeases(now)
    return now
  }

  const find = (id: string): Mutable<Job> => {
    const job = jobs.get(id)
    if (!job) throw new KeelError('NOT_FOUND', `no job ${id}`, { details: { id } })
    return job
  }

  /** The job, if `workerId` holds its lease; CONFLICT otherwise (it expired, or was cancelled). */
  const held = (id: string, workerId: string): Mutable<Job> => {
    const job = find(id)
    if (job.state !== 'running' || job.workerId !== workerId) {
      throw new KeelError('CONFLICT', `job ${id} is not running under worker ${workerId}`, {
        details: { id, state: job.state, workerId: job.workerId },
      })
    }
    return job
  }

  const copy = (job: Job): Job => structuredClone(job)

  return {
    backend: 'memory',
    async enqueue(kind, payload, enqueueOptions = {}) {
      const now = begin()
      checkJobKind(kind)
      const o = normalizeEnqueue(enqueueOptions, now)
      if (o.key !== null) {
        for (const job of jobs.values()) {
          const active = job.state === 'queued' || job.state === 'running'
          if (active && job.kind === kind && job.key === o.key) return copy(job)
        }
      }
      const job: Mutable<Job> = {
        id: newSortableId(now),
        kind,
        payload: jsonCopy(payload, 'payload'),
        state: 'queued',
        key: o.key,
        priority: o.priority,
        attempts: 0,
        maxAttempts: o.maxAttempts,
        backoffMs: o.backoffMs,
        runAt: o.runAt,
        createdAt: now,
        startedAt: null,
        finishedAt: null,
        workerId: null,
        leaseUntil: null,
        result: null,
        lastError: null,
      }
      jobs.set(job.id, job)
      return copy(job)
    },
    async claim(kinds, workerId, leaseMs) {
      const now = begin()
      checkLease(workerId, leaseMs)
      let best: Mutable<Job> | undefined
      for (const job of jobs.values()) {
        if (job.state !== 'queued' || job.runAt > now || !kinds.includes(job.kind)) continue
        if (
          best === undefined ||
          job.priority > best.priority ||
          (job.priority === best.priority && job.runAt < best.runAt)
        )
          best = job
      }
      if (!best) return null
      best.state = 'running'
      best.attempts += 1
      best.startedAt = now
      best.workerId = workerId
      best.leaseUntil = now + leaseMs
      return copy(best)
    },
    async heartbeat(id, workerId, leaseMs) {
      const now = begin()
      checkLease(workerId, leaseMs)
      const job = held(id, workerId)
      job.leaseUntil = now + leaseMs
      return copy(job)
    },
    async complete(id, workerId, result) {
      const now = begin()
      const job = held(id, workerId)
      job.result = jsonCopy(result, 'result')
      job.state = 'succeeded'
      job.finishedAt = now
      job.leaseUntil = null
      return copy(job)
    },
    async fail(id, workerId, error) {
      const now = begin()
      retryOrFail(held(id, workerId), now, error)
      return copy(find(id))
    },
    async cancel(id) {
      const now = begin()
      const job = find(id)
      if (!FINISHED_JOB_STATES.includes(job.state)) {
        job.state = 'cancelled'
        job.finishedAt = now
        job.leaseUntil = null
      }
      return copy(job)
    },
    async get(id) {
      begin()
      const job = jobs.get(id)
      return job && copy(job)
    },
    async list(query = {}) {
      begin()
      const limit = query.limit ?? 100
      const out: Job[] = []
      for (const job of jobs.values()) {
        if (out.length >= limit) break
        if (query.states && !query.states.includes(job.state)) continue
        if (query.kinds && !query.kinds.includes(job.kind)) continue
        out.push(copy(job))
      }
      return out
    },
    async close() {
      closed = true
    },
  }
}
