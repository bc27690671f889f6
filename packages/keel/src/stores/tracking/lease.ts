/**
 * Keeping a run's lease: the heartbeat a long-running command (`keel train`, `keel evaluate`) sends
 * so that a killed process leaves a run that readers can tell is dead.
 */
import type { TrackingStore } from './tracking-store.js'

/** How often a training run proves it is alive. */
export const RUN_HEARTBEAT_MS = 5_000
/**
 * How old its heartbeat may grow before a reader on another host counts the run as dead: 120
 * missed beats (10 minutes). A fit holds the event loop, so no beat comes while one runs, and a
 * GBDT on millions of rows can take minutes; on the run's own host the process table settles it
 * at once, so only a reader on another host (a shared PostgreSQL) waits the full lease.
 */
export const RUN_LEASE_MS = 120 * RUN_HEARTBEAT_MS

/**
 * Keep a run's lease (and its running children's) alive until the returned function is called:
 * a heartbeat every {@link RUN_HEARTBEAT_MS}. A beat that fails (the run was reaped, the database
 * is briefly away) is reported once through `onLost` and the beats stop; the run's own end
 * then reports the conflict.
 */
export const keepRunAlive = (
  stores: { readonly tracking: TrackingStore },
  runId: string,
  onLost: (error: unknown) => void = () => undefined,
): (() => void) => {
  let pending: Promise<void> = Promise.resolve()
  const timer = setInterval(() => {
    pending = pending
      .then(() => stores.tracking.heartbeat(runId))
      .catch((e: unknown) => {
        clearInterval(timer)
        onLost(e)
      })
  }, RUN_HEARTBEAT_MS)
  timer.unref()
  return () => clearInterval(timer)
}
