import { STATUS_CODE, type LookupView, type ViewLookup } from '../../api.js'
import type { FeatureValue } from '../../definitions.js'
import { pointInTimeReference, type TimedRow } from '../../point-in-time.js'

/** A {@link LookupView} over rows in memory, by the brute-force rule, that records its calls. */
export interface ReferenceLookup extends LookupView {
  /** One entry per call: the view and how many keys it was asked for. */
  readonly calls: { readonly view: string; readonly keys: number }[]
}

/**
 * The offline engine for tests: each view's rows in memory (by view name), looked up with
 * `pointInTimeReference` under the view's TTL and the requested `asOf`.
 */
export const referenceLookup = (
  rowsByView: Readonly<Record<string, readonly TimedRow[]>>,
): ReferenceLookup => {
  const calls: { view: string; keys: number }[] = []
  const lookup = async (
    ...[view, keys, times, options]: Parameters<LookupView>
  ): Promise<ViewLookup> => {
    calls.push({ view: view.name, keys: keys.length })
    const rows = rowsByView[view.name] ?? []
    const n = keys.length
    const status = new Uint8Array(n)
    const eventTime = new Float64Array(n)
    const knownTime = new Float64Array(n)
    const values: Record<string, FeatureValue[]> = {}
    for (const f of view.features) values[f.name] = []
    for (let i = 0; i < n; i++) {
      const found = pointInTimeReference(rows, keys[i]!, times[i]!, {
        ttlMs: view.ttlMs,
        asOf: options?.asOf ?? 'known',
      })
      status[i] = STATUS_CODE[found.status]
      eventTime[i] = found.eventTime ?? NaN
      knownTime[i] = found.knownTime ?? NaN
      for (const f of view.features) values[f.name]!.push(found.values?.[f.name] ?? null)
    }
    return { status, eventTime, knownTime, values }
  }
  return Object.assign(lookup, { calls })
}
