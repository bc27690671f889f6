import { KeelError } from '../../errors/index.js'

/** Options of the loaders that give the thread back while they work (a server's load path). */
export interface AsyncLoadOptions {
  /** Stops the load at its next yield with `CANCELLED`; nothing is half-loaded. */
  readonly signal?: AbortSignal
}

/**
 * Tree nodes a loader checks between two yields at most. Warm, a node costs about 2.6 µs to check
 * (a 300-tree, depth-8 GBDT of 77 636 nodes, 5.5 MB of JSON, loads in ~200 ms), so 4096 nodes are
 * ~11 ms; the first load in a process runs colder (up to ~6 ms a tree while zod and V8 warm up),
 * which {@link SLICE_MS} bounds.
 */
export const NODES_PER_YIELD = 4096

/**
 * Milliseconds of work between two yields at most, checked after each tree: well under the 50 ms a
 * server should ever stall, while the ~40 yields of a large model cost under a millisecond.
 */
export const SLICE_MS = 10

const defer: (resolve: () => void) => void =
  typeof globalThis.setImmediate === 'function'
    ? (resolve) => globalThis.setImmediate(resolve)
    : (resolve) => setTimeout(resolve, 0)

const throwIfLoadAborted = (signal: AbortSignal | undefined): void => {
  if (signal?.aborted) throw new KeelError('CANCELLED', 'the load was cancelled')
}

/**
 * Give the thread back to the event loop (pending I/O, timers and other requests run), then go on
 * unless `signal` has fired (`CANCELLED`). `setImmediate` where there is one (Node), a 0 ms timer
 * elsewhere.
 */
export const yieldToEventLoop = async (signal?: AbortSignal): Promise<void> => {
  throwIfLoadAborted(signal)
  await new Promise<void>(defer)
  throwIfLoadAborted(signal)
}

/**
 * Paces a loader: `tick(n)` after `n` units of work (tree nodes) yields once `budget` units have
 * been done, or {@link SLICE_MS} have passed, since the last yield. The count makes the yields of a
 * large model certain (and testable without a clock); the time bounds a slow, cold slice.
 */
export const yieldEvery = (
  budget: number,
  signal?: AbortSignal,
): { tick(units: number): Promise<void> | undefined } => {
  let done = 0
  let since = performance.now()
  return {
    tick(units: number) {
      done += units
      if (done < budget && performance.now() - since < SLICE_MS) return undefined
      done = 0
      return yieldToEventLoop(signal).then(() => {
        since = performance.now()
      })
    },
  }
}
