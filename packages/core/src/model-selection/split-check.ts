import { KeelError } from '../errors/index.js'
import type { SplitReport } from './split-report.js'
import { SPLIT_NAMES } from './split-spec.js'

/** What to change in the project's `split` section when a split leaves a part empty. */
const fixFor = (report: SplitReport): string => {
  switch (report.kind) {
    case 'time':
      return `the timestamp "${report.column}" has too few distinct instants to cut by time: set split: { kind: 'random' } (or 'stratified'), or split.cutoffs: [validationStart, testStart] in keel.config.ts`
    case 'predefined':
      return `give some rows of "${report.column}" the empty part's name, or choose another split kind`
    case 'group':
      return `"${report.column}" has too few groups: use more rows or split: { kind: 'random' }`
    case 'random':
    case 'stratified':
      return 'use more rows, or larger split.fractions for the empty part'
  }
}

/**
 * Refuse a split that leaves train or test empty (a model cannot be fitted or judged on no rows),
 * as an `INVALID_DATA` error that names every part's size and the fix. An empty validation part
 * is allowed: selection then falls back to the test part.
 */
export const requireTrainAndTest = (report: SplitReport): void => {
  const { sizes } = report
  const empty = SPLIT_NAMES.filter((s) => s !== 'validation' && sizes[s] === 0)
  if (empty.length === 0) return
  const counts = SPLIT_NAMES.map((s) => `${s} ${sizes[s]}`).join(', ')
  throw new KeelError(
    'INVALID_DATA',
    `the ${report.kind} split left the ${empty.join(' and ')} part empty (${counts} rows)`,
    {
      path: ['split'],
      details: { sizes, kind: report.kind, column: report.column },
      hint: fixFor(report),
    },
  )
}
