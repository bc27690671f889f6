import { createRng, KeelError, type Frame, type InputField } from '@keel/core'

/**
 * The plan of a replay: which held-out rows are sent, in what order, and when each one's label
 * becomes known. Pure data, so the schedule is tested apart from the HTTP traffic that carries it
 * out.
 */

/** One row of the replay. */
export interface ReplayRow {
  /** The predict row: the bundle's inputs only, as a client would send them. */
  readonly row: Readonly<Record<string, unknown>>
  /** When the prediction is made: the row's event time (epoch ms). */
  readonly time: number
  /** When the outcome is known to the service (epoch ms), after the {@link LabelArrival} model. */
  readonly labelTime: number
  /** The observed outcome, as the class name the bundle uses. */
  readonly label: string
}

/**
 * A model of the label feed: when each row's outcome reaches the service. Dataset-specific (a
 * flight's label arrives once it has landed), so a replay takes it as a parameter.
 */
export interface LabelArrival {
  /** The frame columns the model reads; the plan checks they are there. */
  readonly columns: readonly string[]
  /**
   * Bind the model to a frame: the arrival time (epoch ms) of row `row`, whose event time is
   * `time`, with `u` a uniform draw in [0, 1) for whatever the model leaves to chance.
   */
  readonly bind: (frame: Frame) => (row: number, time: number, u: number) => number
}

/** Options of {@link planReplay}. */
export interface ReplayPlanOptions {
  /** The bundle's pinned inputs: each row carries exactly these fields. */
  readonly inputs: readonly InputField[]
  /** The bundle's classes (`[negative, positive]`). */
  readonly classes: readonly string[]
  /** The event-time column (epoch ms): rows are sent in its order. */
  readonly time: string
  /** The boolean label column (true = the positive class). */
  readonly label: string
  /** When each row's label arrives. */
  readonly labelArrival: LabelArrival
  /** Rows to send at most, drawn without replacement (seeded); default all. */
  readonly sample?: number
  readonly seed?: number
}

const cell = (v: unknown, field: InputField): unknown => {
  if (v === null || v === undefined) return null
  // Clients send times as ISO-8601 text; the contract accepts either form.
  return field.kind === 'timestamp' && typeof v === 'number' ? new Date(v).toISOString() : v
}

/**
 * The replay of rows `indices` of a prepared frame: a seeded sample of at most `sample` rows, in
 * event-time order, each with its predict row, its event time and its label's arrival time. Rows
 * without a time or a label are left out.
 */
export const planReplay = (
  frame: Frame,
  indices: ArrayLike<number>,
  options: ReplayPlanOptions,
): ReplayRow[] => {
  for (const c of [options.time, ...options.labelArrival.columns, options.label]) {
    if (!frame.has(c))
      throw new KeelError('INVALID_DATA', `the replay needs a "${c}" column`, { path: [c] })
  }
  if (options.classes.length !== 2) {
    throw new KeelError('INVALID_ARGUMENT', 'the replay needs a binary bundle', {
      path: ['classes'],
    })
  }
  const missing = options.inputs.filter((f) => !frame.has(f.name)).map((f) => f.name)
  if (missing.length > 0) {
    throw new KeelError('INVALID_DATA', `the frame lacks bundle inputs: ${missing.join(', ')}`, {
      path: [missing[0]!],
    })
  }
  const rng = createRng(options.seed ?? 0)
  let chosen = Array.from(indices)
  const k = Math.min(options.sample ?? chosen.length, chosen.length)
  // A partial Fisher–Yates shuffle: the first k entries are a uniform sample without replacement.
  for (let i = 0; i < k; i++) {
    const j = i + rng.int(chosen.length - i)
    const t = chosen[i]!
    chosen[i] = chosen[j]!
    chosen[j] = t
  }
  chosen = chosen.slice(0, k)
  const time = frame.numeric(options.time)
  const labelTime = options.labelArrival.bind(frame)
  const out: ReplayRow[] = []
  // The lag draw follows the sample order, so the plan does not depend on how ties sort below.
  for (const i of chosen) {
    const u = rng.float()
    const r = frame.row(i)
    const outcome = r[options.label]
    if (typeof outcome !== 'boolean' || Number.isNaN(time[i]!)) continue
    const row: Record<string, unknown> = {}
    for (const f of options.inputs) row[f.name] = cell(r[f.name], f)
    out.push({
      row,
      time: time[i]!,
      labelTime: labelTime(i, time[i]!, u),
      label: options.classes[outcome ? 1 : 0]!,
    })
  }
  return out.sort((a, b) => a.time - b.time)
}

/** Consecutive batches of at most `size` rows, keeping the order. */
export const batchesOf = <T>(items: readonly T[], size: number): T[][] => {
  if (!(Number.isInteger(size) && size >= 1)) {
    throw new KeelError('INVALID_ARGUMENT', `batch size must be a positive integer, got ${size}`)
  }
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}
