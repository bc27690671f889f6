import type { Task } from '@keel/core'
import type { LabelValue, PredictionEvent } from '../stores/events/index.js'

/** What the monitor needs of a bundle's task and label. */
export interface TaskInfo {
  readonly task: Task
  /** Class names; `classes[1]` is the positive class of a binary task. */
  readonly classes: readonly string[] | undefined
}

/**
 * The tracked output of one logged prediction: the positive-class probability (binary), the
 * predicted class (multiclass) or the value (regression); `null` when the event does not carry it.
 */
export const eventOutput = (e: PredictionEvent, info: TaskInfo): number | string | null => {
  const o = e.output
  if (info.task === 'multiclass') return o.prediction === undefined ? null : String(o.prediction)
  if (info.task === 'regression') {
    const v = typeof o.prediction === 'number' ? o.prediction : Number(o.prediction)
    return Number.isFinite(v) ? v : null
  }
  const p = o.probabilities?.[info.classes?.[1] ?? '']
  return typeof p === 'number' && Number.isFinite(p) ? p : null
}

/**
 * A label as a class index (classification) or a value (regression); `null` when it cannot be
 * read. A class name matches directly; `true`/`1` and `false`/`0` mean the positive and negative
 * class of a binary task whose class names are something else (e.g. `on_time` / `late`).
 */
export const encodeLabel = (label: LabelValue, info: TaskInfo): number | null => {
  if (info.task === 'regression') {
    const v = typeof label === 'number' ? label : typeof label === 'string' ? Number(label) : NaN
    return Number.isFinite(v) && !(typeof label === 'string' && label.trim() === '') ? v : null
  }
  const classes = info.classes ?? []
  const k = classes.indexOf(String(label))
  if (k >= 0) return k
  if (info.task === 'binary') {
    if (label === true || label === 1) return 1
    if (label === false || label === 0) return 0
  }
  return null
}

/** The predicted class index of a classification event, or -1. */
export const predictedClass = (e: PredictionEvent, info: TaskInfo): number =>
  (info.classes ?? []).indexOf(String(e.output.prediction))

/** Class probabilities of a classification event in class order, or `null` if any is absent. */
export const classProbabilities = (e: PredictionEvent, info: TaskInfo): number[] | null => {
  const classes = info.classes ?? []
  const out = new Array<number>(classes.length)
  for (let j = 0; j < classes.length; j++) {
    const p = e.output.probabilities?.[classes[j]!]
    if (typeof p !== 'number' || !Number.isFinite(p)) return null
    out[j] = p
  }
  return out
}

/** Label values as the strings (classification) or numbers (regression) a profile compares. */
export const labelForProfile = (code: number, info: TaskInfo): string | number =>
  info.task === 'regression' ? code : (info.classes?.[code] ?? String(code))
