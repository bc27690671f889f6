/**
 * @keel/core — everything in Keel that is mathematics on data in memory: frames, schema contracts,
 * statistics, learners, metrics, transforms and drift tests. Pure TypeScript with no native or I/O
 * dependencies, so a fitted model runs the same in Node, a browser or an edge worker.
 *
 * @module
 */
export * from './errors/index.js'
export * from './random/index.js'
export * from './frame/index.js'
export * from './stats/index.js'
export * from './schema/index.js'
export * from './model-selection/index.js'
export * from './learners/index.js'
export * from './metrics/index.js'
export * from './evaluation/index.js'
export * from './transform/index.js'
export * from './drift/index.js'
export * from './leakage/index.js'
export * from './importance/index.js'
export * from './bundle/index.js'

import { registerBuiltinLearners } from './learners/index.js'
import { registerBundleComponents } from './bundle/index.js'
import { loadTransformer } from './transform/index.js'
import { calibratorFromJSON } from './evaluation/index.js'

registerBuiltinLearners()
registerBundleComponents({ pipeline: loadTransformer, calibrator: calibratorFromJSON })
