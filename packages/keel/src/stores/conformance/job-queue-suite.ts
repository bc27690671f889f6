/**
 * The conformance suite every {@link JobQueue} backend must pass: claim order, leases that run out
 * and put a job back (at least once), retries with backoff until `failed`, de-duplication keys,
 * cancellation, listing and argument checks. Time is a clock the suite moves by hand.
 */
import assert from 'node:assert/strict'
import type { Job, JobQueue } from '../jobs/job-queue.js'
import { rejectsWithCode, type SuiteHost } from './suite-host.js'

/** A backend under test: a fresh, empty queue on the given clock, and a way to remove it. */
export interface JobQueueBackendHandle {
  readonly queue: JobQueue
  cleanup(): Promise<void>
}

/** Opens a fresh queue whose notion of the current time is `now()`. */
export type JobQueueFactory = (now: () => number) => Promise<JobQueueBackendHandle>

const T0 = Date.UTC(2026, 0, 1)

/** Register the job-queue conformance tests for one backend. */
export const jobQueueConformance = (host: SuiteHost, name: string, open: JobQueueFactory): void => {
  /** Run `body` on a fresh queue with a clock starting at T0 and moved by `advance`. */
  const withQueue = async (
    body: (q: JobQueue, advance: (ms: number) => number) => Promise<void>,
  ): Promise<void> => {
    let t = T0
    const h = await open(() => t)
    try {
      await body(h.queue, (ms) => (t += ms))
    } finally {
      await h.cleanup()
    }
  }
  const state = async (q: JobQueue, id: string): Promise<Job['state'] | undefined> =>
    (await q.get(id))?.state

  host.describe(`JobQueue conformance: ${name}`, () => {
    host.it('enqueues a queued job with defaults and a copy of its payload', () =>
      withQueue(async (q) => {
        const payload = { model: 'flights', window: [1, 2] }
        const job = await q.enqueue('retrain', payload)
        payload.window.push(3)
        assert.equal(job.state, 'queued')
        assert.equal(job.kind, 'retrain')
        assert.deepEqual(job.payload, { model: 'flights', window: [1, 2] })
        assert.equal(job.attempts, 0)
        assert.equal(job.maxAttempts, 3)
        assert.equal(job.priority, 0)
        assert.equal(job.runAt, T0)
        assert.equal(job.createdAt, T0)
        assert.equal(job.key, null)
        assert.deepEqual(await q.get(job.id), job)
        assert.equal(await q.get('00000000-0000-7000-8000-000000000000'), undefined)
      }),
    )

    host.it('claims by priority, then runAt, then enqueue order, only kinds asked for', () =>
      withQueue(async (q, advance) => {
        const low = await q.enqueue('batch', 1)
        const later = await q.enqueue('batch', 2, { runAt: T0 + 1000 })
        const high = await q.enqueue('batch', 3, { priority: 5 })
        const second = await q.enqueue('batch', 4)
        const other = await q.enqueue('tune', 5)
        assert.equal(await q.claim(['nothing'], 'w', 1000), null)
        const ids: string[] = []
        for (let i = 0; i < 3; i++) ids.push((await q.claim(['batch'], 'w', 60_000))!.id)
        assert.deepEqual(ids, [high.id, low.id, second.id])
        assert.equal(await q.claim(['batch'], 'w', 60_000), null)
        advance(1000)
        // Both due now: the earlier runAt goes first, whatever the kind.
        assert.equal((await q.claim(['batch', 'tune'], 'w', 60_000))?.id, other.id)
        assert.equal((await q.claim(['batch', 'tune'], 'w', 60_000))?.id, later.id)
      }),
    )

    host.it('leases a claimed job to one worker and records its success', () =>
      withQueue(async (q, advance) => {
        const job = await q.enqueue('materialize', { view: 'airports' })
        const claimed = (await q.claim(['materialize'], 'w1', 30_000))!
        assert.equal(claimed.state, 'running')
        assert.equal(claimed.attempts, 1)
        assert.equal(claimed.workerId, 'w1')
        assert.equal(claimed.startedAt, T0)
        assert.equal(claimed.leaseUntil, T0 + 30_000)
        advance(500)
        await rejectsWithCode(q.complete(job.id, 'w2'), 'CONFLICT')
        const done = await q.complete(job.id, 'w1', { rows: 229 })
        assert.equal(done.state, 'succeeded')
        assert.deepEqual(done.result, { rows: 229 })
        assert.equal(done.finishedAt, T0 + 500)
        assert.equal(done.leaseUntil, null)
        assert.deepEqual(await q.get(job.id), done)
        await rejectsWithCode(q.complete(job.id, 'w1'), 'CONFLICT')
        await rejectsWithCode(q.fail(job.id, 'w1', 'late'), 'CONFLICT')
        await rejectsWithCode(q.complete('00000000-0000-7000-8000-000000000000', 'w1'), 'NOT_FOUND')
      }),
    )

    host.it('retries a failed attempt after a doubling backoff, then fails for good', () =>
      withQueue(async (q, advance) => {
        const job = await q.enqueue('retrain', null, { maxAttempts: 3, backoffMs: 1000 })
        await q.claim(['retrain'], 'w', 10_000)
        const retry = await q.fail(job.id, 'w', 'out of memory')
        assert.equal(retry.state, 'queued')
        assert.equal(retry.runAt, T0 + 1000)
        assert.equal(retry.lastError, 'out of memory')
        advance(999)
        assert.equal(await q.claim(['retrain'], 'w', 10_000), null)
        advance(1)
        assert.equal((await q.claim(['retrain'], 'w', 10_000))?.attempts, 2)
        assert.equal((await q.fail(job.id, 'w', 'again')).runAt, T0 + 1000 + 2000)
        advance(2000)
        assert.equal((await q.claim(['retrain'], 'w', 10_000))?.attempts, 3)
        advance(10)
        const failed = await q.fail(job.id, 'w', 'third time')
        assert.equal(failed.state, 'failed')
        assert.equal(failed.finishedAt, T0 + 3010)
        assert.equal(failed.lastError, 'third time')
        assert.equal(await q.claim(['retrain'], 'w', 10_000), null)
      }),
    )

    host.it('puts a job back when its lease runs out, unless a heartbeat extended it', () =>
      withQueue(async (q, advance) => {
        const job = await q.enqueue('batch', null, { maxAttempts: 2, backoffMs: 0 })
        await q.claim(['batch'], 'crashed', 5000)
        advance(4000)
        assert.equal((await q.heartbeat(job.id, 'crashed', 5000)).leaseUntil, T0 + 9000)
        advance(4999)
        assert.equal(await q.claim(['batch'], 'w2', 5000), null)
        assert.equal(await state(q, job.id), 'running')
        advance(1)
        assert.equal(await state(q, job.id), 'queued')
        const again = (await q.claim(['batch'], 'w2', 5000))!
        assert.equal(again.id, job.id)
        assert.equal(again.attempts, 2)
        assert.match(again.lastError ?? '', /lease/)
        // The first worker lost the job: its late answers are refused.
        await rejectsWithCode(q.complete(job.id, 'crashed'), 'CONFLICT')
        await rejectsWithCode(q.heartbeat(job.id, 'crashed', 5000), 'CONFLICT')
        // Out of attempts, an expired lease fails the job.
        advance(5000)
        assert.equal(await state(q, job.id), 'failed')
      }),
    )

    host.it('returns the active job for a de-duplication key, within one kind', () =>
      withQueue(async (q) => {
        const a = await q.enqueue('retrain', { n: 1 }, { key: 'flights' })
        assert.equal((await q.enqueue('retrain', { n: 2 }, { key: 'flights' })).id, a.id)
        assert.deepEqual((await q.get(a.id))?.payload, { n: 1 })
        const otherKind = await q.enqueue('batch', null, { key: 'flights' })
        assert.notEqual(otherKind.id, a.id)
        await q.claim(['retrain'], 'w', 10_000)
        assert.equal((await q.enqueue('retrain', null, { key: 'flights' })).id, a.id)
        await q.complete(a.id, 'w')
        const next = await q.enqueue('retrain', null, { key: 'flights' })
        assert.notEqual(next.id, a.id)
        assert.equal(next.state, 'queued')
      }),
    )

    host.it('cancels queued and running jobs and leaves finished ones alone', () =>
      withQueue(async (q) => {
        const queued = await q.enqueue('tune', 1)
        const running = await q.enqueue('batch', 2)
        await q.claim(['batch'], 'w', 10_000)
        assert.equal((await q.cancel(queued.id)).state, 'cancelled')
        assert.equal(await q.claim(['tune'], 'w', 10_000), null)
        assert.equal((await q.cancel(running.id)).state, 'cancelled')
        await rejectsWithCode(q.complete(running.id, 'w'), 'CONFLICT')
        const done = await q.enqueue('tune', 3)
        await q.claim(['tune'], 'w', 10_000)
        await q.complete(done.id, 'w', 'ok')
        assert.equal((await q.cancel(done.id)).state, 'succeeded')
        await rejectsWithCode(q.cancel('00000000-0000-7000-8000-000000000000'), 'NOT_FOUND')
      }),
    )

    host.it('lists jobs in enqueue order by state and kind, up to a limit', () =>
      withQueue(async (q, advance) => {
        const jobs: Job[] = []
        for (const kind of ['a', 'b', 'a', 'b', 'a']) {
          jobs.push(await q.enqueue(kind, null))
          advance(1)
        }
        await q.claim(['b'], 'w', 10_000)
        const ids = (list: Job[]) => list.map((j) => j.id)
        assert.deepEqual(ids(await q.list()), ids(jobs))
        assert.deepEqual(ids(await q.list({ kinds: ['a'] })), [
          jobs[0]!.id,
          jobs[2]!.id,
          jobs[4]!.id,
        ])
        assert.deepEqual(ids(await q.list({ states: ['running'] })), [jobs[1]!.id])
        assert.deepEqual(ids(await q.list({ states: ['queued'], kinds: ['b'] })), [jobs[3]!.id])
        assert.deepEqual(ids(await q.list({ limit: 2 })), [jobs[0]!.id, jobs[1]!.id])
      }),
    )

    host.it('refuses bad arguments with INVALID_ARGUMENT', () =>
      withQueue(async (q) => {
        await rejectsWithCode(q.enqueue('', null), 'INVALID_ARGUMENT')
        await rejectsWithCode(q.enqueue('has space', null), 'INVALID_ARGUMENT')
        await rejectsWithCode(q.enqueue('k', null, { maxAttempts: 0 }), 'INVALID_ARGUMENT')
        await rejectsWithCode(q.enqueue('k', null, { priority: 0.5 }), 'INVALID_ARGUMENT')
        await rejectsWithCode(q.enqueue('k', null, { backoffMs: -1 }), 'INVALID_ARGUMENT')
        await rejectsWithCode(q.enqueue('k', null, { key: '' }), 'INVALID_ARGUMENT')
        await rejectsWithCode(q.claim(['k'], 'w', 0), 'INVALID_ARGUMENT')
        await rejectsWithCode(q.claim(['k'], '', 1000), 'INVALID_ARGUMENT')
        assert.deepEqual(await q.list(), [])
      }),
    )

    host.it('fails with UNAVAILABLE once closed', async () => {
      const h = await open(() => T0)
      try {
        const job = await h.queue.enqueue('k', null)
        await h.queue.close()
        await rejectsWithCode(h.queue.get(job.id), 'UNAVAILABLE')
        await rejectsWithCode(h.queue.enqueue('k', null), 'UNAVAILABLE')
        await rejectsWithCode(h.queue.claim(['k'], 'w', 1000), 'UNAVAILABLE')
      } finally {
        await h.cleanup()
      }
    })
  })
}
