/**
 * `@keel/core/node` — the Node-only corner of Keel's core: multi-threaded GBDT training on
 * worker_threads. Importing this entry installs the thread pool, after which a GBDT fit with
 * `threads: N` builds its histograms and partitions its rows on N threads (the model is
 * bit-identical to `threads: 1`). The main entry `@keel/core` never imports it, so it stays
 * runnable in browsers.
 *
 * @example
 * import '@keel/core/node'
 * const model = createGbdt({ threads: 2 }).fit(data, { rng: createRng(1) })
 *
 * @module
 */
import { setTrainingThreads } from '../learners/gbdt/training-threads.js'
import { trainingPool } from './training-pool.js'

/** Install worker-thread GBDT training (done on import; exported to re-install after a reset). */
export const enableTrainingThreads = (): void => setTrainingThreads(trainingPool)

enableTrainingThreads()
