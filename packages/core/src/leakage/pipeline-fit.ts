import type { Frame } from '../frame/index.js'
import { hashRows } from '../model-selection/index.js'
import { NO_SPLIT, TRAIN, type LeakageContext } from './context.js'
import type { LeakageCheck, PipelineFitProvenance } from './types.js'

/**
 * Statistics fitted on more than train (the book's "scaling before splitting" and "imputing with
 * statistics from the test split"): the feature pipeline's scalers, imputers and encoders must see
 * training rows only. Judged from the provenance the training workflow records.
 */
export const pipelineFitCheck = (
  ctx: LeakageContext,
  provenance: PipelineFitProvenance | undefined,
): LeakageCheck => {
  const base = { check: 'pipeline_fit_scope', severity: 'high' } as const
  if (!provenance) {
    return {
      ...base,
      status: 'skip',
      message:
        'no pipeline fit provenance given: cannot tell which rows the feature statistics saw',
      evidence: {},
    }
  }
  if ('trainOnly' in provenance) {
    return {
      ...base,
      status: provenance.trainOnly ? 'pass' : 'fail',
      message: provenance.trainOnly
        ? 'the training workflow reports the pipeline was fitted on train rows only'
        : 'the pipeline was fitted on more than the train split: its statistics carry held-out information',
      evidence: { declared: true },
    }
  }
  if ('rows' in provenance) return fromRows(ctx, provenance.rows, base)
  return fromFrame(ctx, provenance.frame, base)
}

const verdict = (
  base: { readonly check: 'pipeline_fit_scope'; readonly severity: 'high' },
  heldOutRows: number,
  fitRows: number,
  evidence: Record<string, unknown>,
): LeakageCheck => ({
  ...base,
  status: heldOutRows > 0 ? 'fail' : 'pass',
  message:
    heldOutRows > 0
      ? `the pipeline was fitted on ${heldOutRows} validation/test rows (of ${fitRows}): fit scalers, imputers and encoders on train only, then apply them to every split`
      : `the pipeline was fitted on ${fitRows} rows, none from validation or test`,
  evidence: { fitRows, heldOutRows, ...evidence },
})

const fromRows = (
  ctx: LeakageContext,
  rows: ArrayLike<number>,
  base: { readonly check: 'pipeline_fit_scope'; readonly severity: 'high' },
): LeakageCheck => {
  let heldOut = 0
  let outside = 0
  for (let i = 0; i < rows.length; i++) {
    const s = ctx.assignment[rows[i]!]
    if (s === undefined || s === NO_SPLIT) outside++
    else if (s !== TRAIN) heldOut++
  }
  return verdict(base, heldOut, rows.length, { rowsOutsideSplits: outside, matchedBy: 'index' })
}

/**
 * Match the fitted frame's rows to split rows by content over their shared columns. A fitted row
 * equal to some train row is not counted: identical rows cannot be told apart, and the duplicate
 * checks report them.
 */
const fromFrame = (
  ctx: LeakageContext,
  fitted: Frame,
  base: { readonly check: 'pipeline_fit_scope'; readonly severity: 'high' },
): LeakageCheck => {
  const columns = fitted.columnNames.filter((c) => ctx.frame.has(c))
  if (columns.length === 0) {
    return {
      ...base,
      status: 'skip',
      message: 'the fitted frame shares no column with the data: cannot match its rows',
      evidence: { fitRows: fitted.numRows },
    }
  }
  const keys = hashRows(ctx.frame, columns)
  const train = new Set<number>()
  const heldOutOnly = new Set<number>()
  ctx.assignment.forEach((s, i) => {
    if (s === TRAIN) train.add(keys[i]!)
  })
  ctx.assignment.forEach((s, i) => {
    if (s !== TRAIN && s !== NO_SPLIT && !train.has(keys[i]!)) heldOutOnly.add(keys[i]!)
  })
  const fitKeys = hashRows(fitted, columns)
  let heldOut = 0
  let unmatched = 0
  const all = new Set(keys)
  for (const k of fitKeys) {
    if (heldOutOnly.has(k)) heldOut++
    else if (!all.has(k)) unmatched++
  }
  return verdict(base, heldOut, fitted.numRows, {
    columns,
    unmatchedRows: unmatched,
    matchedBy: 'content',
  })
}
