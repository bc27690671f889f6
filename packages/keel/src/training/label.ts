import { KeelError, cellAt, type Frame, type Task } from '@keel/core'

/** The label as a learner needs it. */
export interface LabelVector {
  readonly task: Task
  /** Class index (classification) or target value (regression). */
  readonly y: Float64Array
  /** Class names; `classes[1]` is the positive class of a binary task. */
  readonly classes?: readonly string[]
}

/** Rows whose label is present (rows with a missing label cannot be learned from). */
export const labelledRows = (frame: Frame, column: string): Int32Array => {
  const c = frame.column(column)
  const keep: number[] = []
  for (let i = 0; i < frame.numRows; i++) if (cellAt(c, i) !== null) keep.push(i)
  return Int32Array.from(keep)
}

const positiveName = (v: string | number | boolean): string => String(v)

/**
 * Encode the label column for `task`. Binary labels may be boolean (true is positive), 0/1, or a
 * two-valued categorical whose positive value is `positive` (default: the second in sorted order).
 * Every row must have a label (filter with {@link labelledRows} first).
 */
export const encodeLabel = (
  frame: Frame,
  column: string,
  task: Task,
  positive?: string | number | boolean,
): LabelVector => {
  const c = frame.column(column)
  const n = frame.numRows
  const y = new Float64Array(n)
  const bad = (message: string): never => {
    throw new KeelError('INVALID_DATA', `label "${column}": ${message}`, { path: [column] })
  }
  if (task === 'regression') {
    if (c.kind !== 'numeric' && c.kind !== 'boolean')
      bad(`a regression label must be numeric, got ${c.kind}`)
    const values = frame.numeric(column)
    for (let i = 0; i < n; i++) {
      if (!Number.isFinite(values[i]!)) bad(`row ${i} is not a finite number`)
      y[i] = values[i]!
    }
    return { task, y }
  }
  // Classification: collect the class names present, in a stable order.
  const names: string[] = []
  for (let i = 0; i < n; i++) {
    const v = cellAt(c, i)
    if (v === null) bad(`row ${i} has no label`)
    names.push(typeof v === 'boolean' ? String(v) : String(v))
  }
  let classes = [...new Set(names)].sort()
  if (c.kind === 'boolean') classes = ['false', 'true']
  if (task === 'binary') {
    if (classes.length > 2)
      bad(
        `a binary label has two values, found ${classes.length}: ${classes.slice(0, 5).join(', ')}`,
      )
    if (classes.length < 2 && c.kind !== 'boolean') bad(`only one class (${classes[0]}) is present`)
    if (positive !== undefined) {
      const p = positiveName(positive)
      if (!classes.includes(p))
        bad(`the positive class "${p}" does not occur (classes: ${classes.join(', ')})`)
      classes = [classes.find((k) => k !== p) ?? `not ${p}`, p]
    }
  } else if (classes.length < 2) {
    bad(`only one class (${classes[0]}) is present`)
  }
  const index = new Map(classes.map((k, i) => [k, i]))
  for (let i = 0; i < n; i++) y[i] = index.get(names[i]!)!
  return { task, y, classes }
}
