/**
 * The streaming change-detector protocol, after River's: feed one value at a time with
 * `update(x)`, then read `driftDetected` (and `warningDetected` where the method has a warning
 * zone). A detector that has signalled drift resets itself on the next `update`, so it starts
 * learning the new concept from that point.
 *
 * @example
 * const detector = createAdwin()
 * stream.forEach((x, i) => {
 *   detector.update(x)
 *   if (detector.driftDetected) console.log(`drift at ${i}`)
 * })
 */
export interface ChangeDetector {
  /** Feed one observation. Non-finite values are rejected with a KeelError. */
  update(x: number): void
  /** True right after the update that detected a change. */
  readonly driftDetected: boolean
  /** Discard all state, as if freshly created. */
  reset(): void
}

/** A detector that also signals a warning zone before drift (DDM and relatives). */
export interface WarningChangeDetector extends ChangeDetector {
  /** True while the statistic is past the warning level but not (yet) the drift level. */
  readonly warningDetected: boolean
}
