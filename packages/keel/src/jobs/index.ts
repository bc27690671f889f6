/**
 * Job kinds and the loop that runs them: the code behind `keel worker`. Jobs live on the
 * `stores/jobs` queue; each kind is a handler.
 *
 * @module
 */
export * from './job-handler.js'
export * from './run-next-job.js'
export * from './features-materialize.js'
