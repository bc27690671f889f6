import { KeelError } from '@keel/core'

/**
 * How far each feature view version has been materialized into each online store, kept in the
 * metadata database so an incremental run knows where to start and serving can tell whether a
 * service version was ever materialized.
 */
export interface MaterializationStateStore {
  /** The state of one view version in one target; `undefined` when never materialized. */
  get(ref: MaterializationRef): Promise<MaterializationState | undefined>
  /**
   * Record a finished run: the watermark moves to `progress.watermark` (equal is allowed: a rerun),
   * rows written add up, status becomes `ready`. Atomic.
   *
   * @throws KeelError CONFLICT when the stored watermark is later (another run got further; only a
   *   {@link reset} moves a watermark back).
   */
  advance(ref: MaterializationRef, progress: MaterializationProgress): Promise<MaterializationState>
  /**
   * Start a full rebuild: the watermark is cleared (nothing is guaranteed written until the rebuild
   * advances it again) and the status is `rebuilding`.
   */
  reset(ref: MaterializationRef, at: number): Promise<MaterializationState>
  /** Record a failed run (the watermark stays where it was). */
  fail(ref: MaterializationRef, error: string, at: number): Promise<MaterializationState>
  /** Every state, ordered by view, version and target; optionally one view's only. */
  list(query?: { readonly view?: string }): Promise<MaterializationState[]>
}

/** One view version in one online store. */
export interface MaterializationRef {
  readonly view: string
  readonly version: string
  /** The online store's name (`sqlite`, `redis`, `memory`), never a URL. */
  readonly target: string
}

/** `ready` after a successful run; `rebuilding` during a full run; `failed` after an error. */
export type MaterializationStatus = 'ready' | 'rebuilding' | 'failed'

/** What {@link MaterializationStateStore} keeps per view version and target. */
export interface MaterializationState extends MaterializationRef {
  /** Every row available at or before this time (epoch ms) is written online; `null`: none is. */
  readonly watermark: number | null
  /**
   * The smallest known time among rows read so far that were not yet visible at the watermark
   * (event time after it); the next incremental run reads rows known from there. `null`: none.
   */
  readonly pendingKnown: number | null
  /** Keys written online, summed over runs. */
  readonly rowsWritten: number
  readonly runs: number
  readonly lastRunAt: number | null
  readonly status: MaterializationStatus
  readonly lastError: string | null
}

/** What a finished run records. */
export interface MaterializationProgress {
  readonly watermark: number
  readonly pendingKnown: number | null
  /** Keys written by this run (added to the total). */
  readonly rowsWritten: number
  readonly at: number
}

const TARGET = /^[A-Za-z0-9_.-]{1,64}$/

/** Validate a ref (names as the feature config allows; a target is a short name, not a URL). */
export const checkMaterializationRef = (ref: MaterializationRef): MaterializationRef => {
  for (const field of ['view', 'version'] as const) {
    if (typeof ref[field] !== 'string' || ref[field] === '' || ref[field].length > 128) {
      throw new KeelError(
        'INVALID_ARGUMENT',
        `a materialization ${field} must be 1-128 characters`,
        {
          path: [field],
          details: { value: ref[field] },
        },
      )
    }
  }
  if (!TARGET.test(ref.target)) {
    throw new KeelError(
      'INVALID_ARGUMENT',
      `materialization target "${ref.target}" must be a short name (letters, digits, "_", ".", "-"), not a URL`,
      { path: ['target'], hint: 'use the online store backend name, e.g. "sqlite" or "redis"' },
    )
  }
  return ref
}

/** Validate a run's progress. */
export const checkProgress = (progress: MaterializationProgress): void => {
  const { watermark, pendingKnown, rowsWritten, at } = progress
  if (!Number.isFinite(watermark))
    throw new KeelError('INVALID_ARGUMENT', 'a watermark must be a time in epoch ms', {
      path: ['watermark'],
      details: { watermark },
    })
  if (pendingKnown !== null && !Number.isFinite(pendingKnown))
    throw new KeelError('INVALID_ARGUMENT', 'pendingKnown must be a time in epoch ms or null', {
      path: ['pendingKnown'],
      details: { pendingKnown },
    })
  if (!Number.isInteger(rowsWritten) || rowsWritten < 0)
    throw new KeelError('INVALID_ARGUMENT', 'rowsWritten must be a whole number ≥ 0', {
      path: ['rowsWritten'],
      details: { rowsWritten },
    })
  if (!Number.isFinite(at))
    throw new KeelError('INVALID_ARGUMENT', 'a run time must be epoch ms', { path: ['at'] })
}
