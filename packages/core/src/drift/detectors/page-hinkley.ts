import type { ChangeDetector } from './detector.js'
import { requireFinite, requireParam } from './check.js'

/** Which shifts of the mean Page–Hinkley watches for. */
export type PageHinkleyMode = 'up' | 'down' | 'both'

/** Parameters of {@link createPageHinkley}; defaults are River's. */
export interface PageHinkleyOptions {
  /** Observations before a change may be signalled. Default 30. */
  readonly minInstances?: number
  /** Magnitude of change tolerated without alarm. Default 0.005. */
  readonly delta?: number
  /**
   * Alarm threshold λ on the cumulative deviation, in the stream's units. Default 50, which suits
   * low-variance signals such as error rates; scale it with the stream's standard deviation (a
   * unit-variance stream wanders past 50 by chance within a few thousand steps).
   */
  readonly threshold?: number
  /** Forgetting factor applied to the cumulative sums. Default 1 - 1e-4. */
  readonly alpha?: number
  /** Watch for increases, decreases or both. Default 'both'. */
  readonly mode?: PageHinkleyMode
}

/**
 * Page–Hinkley test (Page 1954, a CUSUM on deviations from the running mean) in River's two-sided
 * form: drift when the faded cumulative deviation has risen (or fallen) more than `threshold`
 * since its extreme. Fires at index 1006 on River's docstring stream.
 */
export const createPageHinkley = (options: PageHinkleyOptions = {}): ChangeDetector => {
  const minInstances = options.minInstances ?? 30
  const delta = options.delta ?? 0.005
  const threshold = options.threshold ?? 50
  const alpha = options.alpha ?? 1 - 0.0001
  const mode = options.mode ?? 'both'
  requireParam(
    Number.isInteger(minInstances) && minInstances >= 1,
    'minInstances',
    minInstances,
    'an integer >= 1',
  )
  requireParam(delta >= 0 && Number.isFinite(delta), 'delta', delta, 'a finite number >= 0')
  requireParam(
    threshold > 0 && Number.isFinite(threshold),
    'threshold',
    threshold,
    'a finite number > 0',
  )
  requireParam(alpha > 0 && alpha <= 1, 'alpha', alpha, 'in (0, 1]')
  requireParam(['up', 'down', 'both'].includes(mode), 'mode', mode, "'up', 'down' or 'both'")

  let n = 0
  let mean = 0
  let sumUp = 0
  let sumDown = 0
  let minUp = Infinity
  // River starts the running maximum of the downward sum at -1, not -Infinity; kept for parity.
  let maxDown = -1
  let drift = false
  const clear = (): void => {
    n = 0
    mean = 0
    sumUp = 0
    sumDown = 0
    minUp = Infinity
    maxDown = -1
    drift = false
  }

  return {
    update(x: number): void {
      requireFinite(x, 'pageHinkley')
      if (drift) clear()
      n += 1
      mean += (1 / n) * (x - mean)
      const dev = x - mean
      sumUp = alpha * sumUp + dev - delta
      sumDown = alpha * sumDown + dev + delta
      if (sumUp < minUp) minUp = sumUp
      if (sumDown > maxDown) maxDown = sumDown
      if (n >= minInstances) {
        const up = sumUp - minUp > threshold
        const down = maxDown - sumDown > threshold
        drift = mode === 'up' ? up : mode === 'down' ? down : up || down
      }
    },
    get driftDetected() {
      return drift
    },
    reset: clear,
  }
}
