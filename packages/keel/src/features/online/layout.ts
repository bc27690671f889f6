import { KeelError } from '@keel/core'
import type { OrderedEntry } from '../../stores/online/online-store.js'
import type { FeatureValue, ResolvedView } from '../definitions.js'

/**
 * How feature values sit in the online store. Each view version has its own namespace
 * (`fv.<view>@<version>`), so a changed definition never reads values written under the old one;
 * the key is the entity key as text; the value is JSON `{"e": eventTime, "k": knownTime, "v":
 * {feature: value}}`, written monotonically in the order (eventTime, knownTime).
 */
export const viewNamespace = (view: Pick<ResolvedView, 'name' | 'version'>): string =>
  `fv.${view.name}@${view.version}`

/** One stored row of a view: the newest value known for a key. */
export interface StoredFeatureRow {
  readonly eventTime: number
  readonly knownTime: number
  readonly values: Readonly<Record<string, FeatureValue>>
}

/** The monotone write of one key's row. */
export const encodeFeatureRow = (key: string, row: StoredFeatureRow): OrderedEntry => [
  key,
  JSON.stringify({ e: row.eventTime, k: row.knownTime, v: row.values }),
  row.eventTime,
  row.knownTime,
]

/** A stored value back as a row; anything unreadable is `ARTIFACT_CORRUPT` naming the namespace. */
export const decodeFeatureRow = (raw: string, namespace: string): StoredFeatureRow => {
  try {
    const o = JSON.parse(raw) as { e?: unknown; k?: unknown; v?: unknown }
    if (
      typeof o.e === 'number' &&
      typeof o.k === 'number' &&
      typeof o.v === 'object' &&
      o.v !== null
    ) {
      return { eventTime: o.e, knownTime: o.k, values: o.v as Record<string, FeatureValue> }
    }
  } catch {
    // fall through
  }
  throw new KeelError('ARTIFACT_CORRUPT', `an online feature row in ${namespace} is not readable`, {
    path: [namespace],
  })
}
