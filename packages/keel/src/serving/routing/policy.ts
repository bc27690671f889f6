import type { BundleRef } from '../bundle-source.js'

/** One way to answer a request: a model at a version or alias, as one arm of an experiment. */
export interface Arm {
  /** The arm's name in experiment results (`single` for the one arm of `singleRouting`). */
  readonly id: string
  readonly model: string
  readonly ref: BundleRef
  /**
   * The probability the policy chose this arm with: 1 when there was no choice. Off-policy
   * evaluation of a bandit or an A/B split weighs outcomes by it.
   */
  readonly propensity: number
}

/** What a policy sees of a request: enough to split traffic by model, by request or by row. */
export interface RoutingRequest {
  /** The model the client asked for. */
  readonly model: string
  /** The version or alias the client asked for (or the server's default alias). */
  readonly ref: BundleRef
  readonly requestId: string
  /** The parsed rows, before they are checked against any bundle. */
  readonly rows: readonly unknown[]
}

/**
 * The arms of one request: the primary answers it and is logged; each shadow predicts the same
 * rows after the answer is sent, and a failing shadow never touches the answer.
 */
export interface Routing {
  readonly primary: Arm
  readonly shadows: readonly Arm[]
}

/**
 * Which arm answers a request, and which shadow it: the seam where shadow, canary, A/B,
 * interleaving and bandit routing plug in, without touching the routes or the predict pipeline.
 * Synchronous on purpose: it runs on every request, where an await would cost every request; a
 * policy that learns from feedback updates its state off the request path.
 */
export interface RoutingPolicy {
  route(request: RoutingRequest): Routing
}
