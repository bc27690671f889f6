import { createRng, KeelError, type Frame, type InputField } from '@keel/core'

/**
 * The plan of a replay: which held-out flights are sent, in what order, and when each one's label
 * (did it arrive more than 15 minutes late?) becomes known. Pure data, so the schedule is tested
 * apart from the HTTP traffic that carries it out.
 */

/** One flight of the replay. */
export interface ReplayFlight {
  /** The predict row: the bundle's inputs only, as a client would send them. */
  readonly row: Readonly<Record<string, unknown>>
  /** When the prediction is made: the scheduled departure (epoch ms). */
  readonly time: number
  /** When the outcome is known to the service (epoch ms), after {@link labelArrival}. */
  readonly labelTime: number
  /** The observed outcome, as the class name the bundle uses. */
  readonly label: string
}

/** Options of {@link planReplay}. */
export interface ReplayPlanOptions {
  /** The bundle's pinned inputs: each row carries exactly these fields. */
  readonly inputs: readonly InputField[]
  /** The bundle's classes (`[negative, positive]`). */
  readonly classes: readonly string[]
  /** Flights to send at most, drawn without replacement (seeded); default all. */
  readonly sample?: number
  readonly seed?: number
}

const MINUTE = 60_000

/**
 * When a flight's label reaches the service: the aircraft lands — departure, 30 minutes of taxi
 * plus cruise at about 450 mph (7.5 miles a minute), shifted by the recorded arrival delay, never
 * sooner than 15 minutes after departure — and the arrival feed reports it 5 to 60 minutes later
 * (`u` in [0, 1) picks where in that range). So labels lag their predictions by one to several
 * hours, longest for long and late flights: the feedback loop the monitor measures.
 */
export const labelArrival = (
  departure: number,
  distanceMiles: number,
  delayMinutes: number,
  u: number,
): number => {
  const flying = 30 + distanceMiles / 7.5 + delayMinutes
  const landed = departure + Math.max(15, flying) * MINUTE
  return Math.round(landed + (5 + 55 * u) * MINUTE)
}

const cell = (v: unknown, field: InputField): unknown => {
  if (v === null || v === undefined) return null
  // Clients send times as ISO-8601 text; the contract accepts either form.
  return field.kind === 'timestamp' && typeof v === 'number' ? new Date(v).toISOString() : v
}

/**
 * The replay of rows `indices` of the prepared flights frame (the `date`, `distance`, `delay` and
 * `late` columns as `prepareFlights` makes them): a seeded sample of at most `sample` flights, in
 * departure order, each with its predict row, its event time and its label's arrival time.
 */
export const planReplay = (
  frame: Frame,
  indices: ArrayLike<number>,
  options: ReplayPlanOptions,
): ReplayFlight[] => {
  for (const c of ['date', 'distance', 'delay', 'late']) {
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
  const date = frame.numeric('date')
  const distance = frame.numeric('distance')
  const delay = frame.numeric('delay')
  const out: ReplayFlight[] = []
  // The lag draw follows the sample order, so the plan does not depend on how ties sort below.
  for (const i of chosen) {
    const u = rng.float()
    const r = frame.row(i)
    const outcome = r['late']
    if (typeof outcome !== 'boolean' || Number.isNaN(date[i]!)) continue
    const row: Record<string, unknown> = {}
    for (const f of options.inputs) row[f.name] = cell(r[f.name], f)
    out.push({
      row,
      time: date[i]!,
      labelTime: labelArrival(date[i]!, distance[i]!, delay[i]!, u),
      label: options.classes[outcome ? 1 : 0]!,
    })
  }
  return out.sort((a, b) => a.time - b.time)
}

/** Consecutive batches of at most `size` flights, keeping the order. */
export const batchesOf = <T>(items: readonly T[], size: number): T[][] => {
  if (!(Number.isInteger(size) && size >= 1)) {
    throw new KeelError('INVALID_ARGUMENT', `batch size must be a positive integer, got ${size}`)
  }
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}
