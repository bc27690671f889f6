import type { ValidationResult } from './contract-issues.js'

/**
 * A validation result as plain text for a terminal: a verdict line, then one line per issue with
 * its code, count and first rows (0-based data rows). The JSON form is the result itself.
 *
 * @example
 * ✗ 6 rows, 8 violations in 6 issues
 *   duplicate_id          order_id     1 row   (row 3)                column "order_id": 1 duplicate value ("1002")
 */
export const renderValidation = (result: ValidationResult): string => {
  const { rows, violations } = result.summary
  const n = result.issues.length
  const head = result.ok
    ? `✓ ${rows} row${rows === 1 ? ' satisfies' : 's satisfy'} the contract`
    : `✗ ${rows} row${rows === 1 ? '' : 's'}, ${violations} violation${violations === 1 ? '' : 's'} in ${n} issue${n === 1 ? '' : 's'}`
  const cells = result.issues.map((i) => [
    i.code,
    i.column ?? i.check ?? '',
    `${i.count} ${i.count === 1 ? 'row' : 'rows'}`,
    i.rows.length > 0
      ? `(row${i.rows.length > 1 ? 's' : ''} ${i.rows.join(', ')}${i.count > i.rows.length ? ', …' : ''})`
      : '',
    i.message,
  ])
  const widths = [0, 1, 2, 3].map((j) => Math.max(0, ...cells.map((c) => [...c[j]!].length)))
  const lines = cells.map(
    (c) =>
      `  ${c.map((cell, j) => (j < 4 ? cell + ' '.repeat(widths[j]! - [...cell].length) : cell)).join('  ')}`,
  )
  return [head, ...lines].join('\n')
}
