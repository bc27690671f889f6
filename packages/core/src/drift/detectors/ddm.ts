import type { WarningChangeDetector } from './detector.js'
import { requireParam } from './check.js'
import { KeelError } from '../../errors/index.js'

/** Parameters of {@link createDdm}; defaults are River's. */
export interface DdmOptions {
  /** Observations before warnings or drift may be signalled. Default 30. */
  readonly warmStart?: number
  /** Standard deviations above the best error rate for the warning zone. Default 2. */
  readonly warningThreshold?: number
  /** Standard deviations above the best error rate for drift. Default 3. */
  readonly driftThreshold?: number
}

/**
 * DDM, the Drift Detection Method (Gama et al. 2004, "Learning with drift detection"), on a
 * stream of errors (1 = the model was wrong, 0 = right): tracks the error rate p and its binomial
 * standard deviation s, remembers the point where p + s was lowest, and warns (drifts) when
 * p + s exceeds p_min + 2 s_min (3 s_min). Matches River's `drift.binary.DDM`.
 */
export const createDdm = (options: DdmOptions = {}): WarningChangeDetector => {
  const warmStart = options.warmStart ?? 30
  const warningThreshold = options.warningThreshold ?? 2
  const driftThreshold = options.driftThreshold ?? 3
  requireParam(
    Number.isInteger(warmStart) && warmStart >= 0,
    'warmStart',
    warmStart,
    'an integer >= 0',
  )
  requireParam(warningThreshold > 0, 'warningThreshold', warningThreshold, '> 0')
  requireParam(
    driftThreshold >= warningThreshold,
    'driftThreshold',
    driftThreshold,
    '>= warningThreshold',
  )

  let n = 0
  let p = 0
  let pMin = Infinity
  let sMin = Infinity
  let psMin = Infinity
  let warning = false
  let drift = false
  const clear = (): void => {
    n = 0
    p = 0
    pMin = Infinity
    sMin = Infinity
    psMin = Infinity
    warning = false
    drift = false
  }

  return {
    update(x: number): void {
      if (x !== 0 && x !== 1) {
        throw new KeelError('INVALID_DATA', `ddm.update needs 0 (correct) or 1 (error), got ${x}`, {
          details: { value: x },
        })
      }
      if (drift) clear()
      n += 1
      p += (1 / n) * (x - p)
      const s = Math.sqrt((p * (1 - p)) / n)
      if (n > warmStart) {
        if (p + s <= psMin) {
          pMin = p
          sMin = s
          psMin = pMin + sMin
        }
        warning = p + s > pMin + warningThreshold * sMin
        if (p + s > pMin + driftThreshold * sMin) {
          drift = true
          warning = false
        }
      }
    },
    get driftDetected() {
      return drift
    },
    get warningDetected() {
      return warning
    },
    reset: clear,
  }
}
