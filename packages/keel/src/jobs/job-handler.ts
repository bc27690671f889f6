import type { Job, JobQueue, JsonValue } from '../stores/jobs/job-queue.js'

/**
 * What a job kind's code is given while it runs: the lease to keep alive and a signal that fires
 * when the lease is lost (another worker may then run the job, so this one should stop).
 */
export interface JobContext {
  readonly queue: JobQueue
  readonly workerId: string
  /**
   * Extend the lease. Cheap to call often: it reaches the queue at most once per a third of the
   * lease. A long step calls it from its progress callback.
   */
  heartbeat(): Promise<void>
  /** Aborted when a heartbeat finds the lease gone. */
  readonly signal: AbortSignal
}

/** The code of one job kind: the job's result (JSON), or a thrown error (the attempt failed). */
export type JobHandler = (job: Job, context: JobContext) => Promise<JsonValue>

/** Handlers by job kind; a worker claims only the kinds it has handlers for. */
export type JobHandlers = Readonly<Record<string, JobHandler>>
