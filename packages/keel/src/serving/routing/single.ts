import type { Arm, RoutingPolicy } from './policy.js'

const NO_SHADOWS: readonly Arm[] = Object.freeze([])

/**
 * The policy without an experiment: the model and version or alias the request asked for answer
 * it (propensity 1), and nothing shadows it. What `createServer` uses unless given another.
 */
export const singleRouting = (): RoutingPolicy => ({
  route: (request) => ({
    primary: { id: 'single', model: request.model, ref: request.ref, propensity: 1 },
    shadows: NO_SHADOWS,
  }),
})
