import { STATUS_CODE, type ViewLookup } from '../api.js'
import type { FeatureKind, FeatureValue, ResolvedView } from '../definitions.js'
import type { AsOf } from '../point-in-time.js'

/**
 * Collects the answer of one view lookup, row by row, whatever engine found the rows: every entity
 * row starts `not_found`; a found row is `present`, or `outside_ttl` (its values left null) when
 * the time is at or past event time + TTL. As of event time, the known time reported is the event
 * time (known time plays no part), as in the reference rule — except for windowed views, whose
 * naive change points carry as known time when their value really became available (the leak
 * shows as a known time after the lookup time).
 */
export class LookupResult {
  readonly #view: ResolvedView
  readonly #times: Float64Array
  readonly #asOf: AsOf
  readonly status: Uint8Array
  readonly eventTime: Float64Array
  readonly knownTime: Float64Array
  readonly values: Record<string, FeatureValue[]>

  constructor(view: ResolvedView, times: Float64Array, asOf: AsOf) {
    const n = times.length
    this.#view = view
    this.#times = times
    this.#asOf = asOf
    this.status = new Uint8Array(n).fill(STATUS_CODE.not_found)
    this.eventTime = new Float64Array(n).fill(NaN)
    this.knownTime = new Float64Array(n).fill(NaN)
    this.values = {}
    for (const f of view.features) this.values[f.name] = new Array<FeatureValue>(n).fill(null)
  }

  /**
   * Record the row chosen for entity row `i`; `value(j)` reads feature j as the engine returned
   * it (a number for numeric and boolean features, text for categorical, null when missing).
   * Returns true when the values were taken (the row is present).
   */
  found(i: number, eventTime: number, knownTime: number): boolean {
    this.eventTime[i] = eventTime
    this.knownTime[i] = this.#asOf === 'event' && !this.#view.windowed ? eventTime : knownTime
    const ttl = this.#view.ttlMs
    if (ttl !== null && this.#times[i]! >= eventTime + ttl) {
      this.status[i] = STATUS_CODE.outside_ttl
      return false
    }
    this.status[i] = STATUS_CODE.present
    return true
  }

  /** Set feature `name` of row `i` from an engine value. */
  set(name: string, kind: FeatureKind, i: number, v: number | string | null): void {
    this.values[name]![i] = toFeatureValue(kind, v)
  }

  finish(): ViewLookup {
    return {
      status: this.status,
      eventTime: this.eventTime,
      knownTime: this.knownTime,
      values: this.values,
    }
  }
}

/** A value of an engine's projection as the feature's value (NaN and null are missing). */
export const toFeatureValue = (kind: FeatureKind, v: number | string | null): FeatureValue => {
  if (v === null) return null
  if (kind === 'categorical') return String(v)
  const x = typeof v === 'number' ? v : Number(v)
  if (Number.isNaN(x)) return null
  return kind === 'boolean' ? x !== 0 : x
}
