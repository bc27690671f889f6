import { KeelError } from '@keel/core'
import {
  readEvents,
  type EventLog,
  type KeelEvent,
  type PredictionEvent,
} from '../../stores/events/index.js'
import type { LookupView, ReadViewRows } from '../api.js'
import {
  entityKeyText,
  serviceNamed,
  type ResolvedFeatureStore,
  type ResolvedService,
} from '../definitions.js'
import type { AsOf } from '../point-in-time.js'
import { asLogged, sameValue, type Tolerance } from './compare.js'
import { lookUpAll, offlineOnDemand, offlineViewValue, type ViewAnswer } from './offline-values.js'
import type {
  ComparedValue,
  ConsistencyExample,
  ConsistencyReport,
  FeatureConsistency,
} from './report.js'
import { seededSample } from './sample.js'

/** The default bound on sampled predictions. */
export const DEFAULT_CONSISTENCY_SAMPLE = 1000
/** Examples kept per feature by default. */
export const DEFAULT_CONSISTENCY_EXAMPLES = 5
/** Prediction events examined at most by default (the scan stops there and says so). */
export const DEFAULT_CONSISTENCY_MAX_EVENTS = 1_000_000

/** Options of {@link checkConsistency}. */
export interface CheckConsistencyOptions {
  /** The prediction log, or its events (tests, a file of events). */
  readonly events: EventLog | readonly KeelEvent[]
  /** The project's feature store, resolved: the services as they are defined now. */
  readonly store: ResolvedFeatureStore
  /** The offline point-in-time engine (DuckDB, or PostgreSQL for its sources). */
  readonly lookupView: LookupView
  /** The feature service to check (default: the store's only service). */
  readonly service?: string
  /** Only predictions of this model. */
  readonly model?: string
  /** Only predictions made at or after this time (epoch ms). */
  readonly from?: number
  /** Only predictions made before this time (epoch ms). */
  readonly to?: number
  /** Predictions compared at most (default 1000); a seeded sample when there are more. */
  readonly sample?: number
  /** The sample's seed (default 0): the same seed and log give the same sample. */
  readonly seed?: number
  /** Numeric tolerance (default: exact equality after a JSON round trip; see {@link Tolerance}). */
  readonly tolerance?: Tolerance
  /**
   * The offline rule (default `known`, what the online store can have served). `event` is the
   * naive rule that also sees rows that arrived late; useful only to show that difference.
   */
  readonly asOf?: AsOf
  /** Rows of `push` views (the offline feature log), passed on to `lookupView`. */
  readonly pushedRows?: ReadViewRows
  /** Prediction events examined at most (default 1,000,000). */
  readonly maxEvents?: number
  /** Examples kept per feature (default 5). */
  readonly maxExamples?: number
}

type Served = PredictionEvent & { readonly features: NonNullable<PredictionEvent['features']> }

/** A sampled prediction whose keys could be read: what is compared. */
interface CheckedRow {
  readonly event: Served
  /** Per service view (service order): the key as text. */
  readonly keys: readonly (string | null)[]
}

const nonNegativeInt = (value: number | undefined, fallback: number, name: string): number => {
  const v = value ?? fallback
  if (!Number.isInteger(v) || v < 0) {
    throw new KeelError('INVALID_ARGUMENT', `${name} must be a non-negative integer, got ${v}`, {
      path: [name],
    })
  }
  return v
}

const checkTolerance = (t: Tolerance | undefined): Tolerance => {
  for (const name of ['relative', 'absolute'] as const) {
    const v = t?.[name]
    if (v !== undefined && !(Number.isFinite(v) && v >= 0)) {
      throw new KeelError('INVALID_ARGUMENT', `tolerance.${name} must be a finite number ≥ 0`, {
        path: ['tolerance', name],
      })
    }
  }
  return t ?? {}
}

const chooseService = (store: ResolvedFeatureStore, name: string | undefined): ResolvedService => {
  if (name !== undefined) return serviceNamed(store, name)
  if (store.services.size === 1) return [...store.services.values()][0]!
  throw new KeelError('INVALID_ARGUMENT', 'name the feature service to check', {
    path: ['service'],
    details: { known: [...store.services.keys()] },
    ...(store.services.size === 0 ? { hint: 'the project declares no featureServices' } : {}),
  })
}

/** The logged prediction events in range, one at a time, until `maxEvents`. */
async function* predictions(
  o: CheckConsistencyOptions,
  maxEvents: number,
  truncated: { value: boolean },
): AsyncGenerator<PredictionEvent> {
  const source: AsyncIterable<KeelEvent> | Iterable<KeelEvent> = Array.isArray(o.events)
    ? (o.events as readonly KeelEvent[])
    : readEvents(o.events as EventLog, {
        kinds: ['prediction'],
        limit: 5000,
        ...(o.model === undefined ? {} : { model: o.model }),
        ...(o.from === undefined ? {} : { from: o.from }),
        ...(o.to === undefined ? {} : { to: o.to }),
      })
  let examined = 0
  for await (const e of source) {
    if (e.kind !== 'prediction') continue
    if (o.model !== undefined && e.model !== o.model) continue
    if (o.from !== undefined && e.time < o.from) continue
    if (o.to !== undefined && e.time >= o.to) continue
    if (examined === maxEvents) {
      truncated.value = true
      return
    }
    examined++
    yield e
  }
}

const servedValue = (event: Served, feature: string): ComparedValue | null => {
  const s = event.features.values[feature]
  if (s === undefined) return null
  return {
    value: asLogged(s.value),
    status: s.status,
    eventTime: s.eventTime ?? null,
    knownTime: s.knownTime ?? null,
  }
}

/** Why two values disagree, or `null` when they agree. */
const disagreement = (
  served: ComparedValue | null,
  offline: ComparedValue,
  tolerance: Tolerance,
): 'status' | 'value' | null => {
  if (served === null || served.status !== offline.status) return 'status'
  if (served.status !== 'present') return null
  return sameValue(served.value, offline.value, tolerance) ? null : 'value'
}

/** Read the keys of one sampled prediction: per service view, or the first key column not logged. */
const readKeys = (
  service: ResolvedService,
  inputs: Readonly<Record<string, unknown>>,
): { keys: (string | null)[] } | { missing: string } | { invalid: string } => {
  const keys: (string | null)[] = []
  for (const sv of service.views) {
    if (!Object.hasOwn(inputs, sv.key)) return { missing: sv.key }
    try {
      keys.push(entityKeyText(sv.view.entity, inputs[sv.key]))
    } catch {
      return { invalid: sv.key }
    }
  }
  return { keys }
}

const keyOf = (
  inputs: Readonly<Record<string, unknown>>,
  columns: readonly string[],
): Record<string, unknown> => Object.fromEntries(columns.map((c) => [c, inputs[c] ?? null]))

/** Per service output: its mismatches, by reason, and the first examples. */
interface Tally {
  mismatches: number
  status: number
  value: number
  readonly examples: ConsistencyExample[]
}

/** Compare every checked row's served values with its offline ones, feature by feature. */
const compareRows = (
  service: ResolvedService,
  rows: readonly CheckedRow[],
  lookups: readonly ViewAnswer[],
  tolerance: Tolerance,
  maxExamples: number,
): { tallies: Tally[]; predictionsWithMismatch: number } => {
  const tallies: Tally[] = service.outputs.map(() => ({
    mismatches: 0,
    status: 0,
    value: 0,
    examples: [],
  }))
  const outputIndex = new Map(service.outputs.map((out, i) => [out.name, i]))
  let predictionsWithMismatch = 0
  rows.forEach((row, r) => {
    const offline = new Map<string, ComparedValue>()
    const keysFor = new Map<string, string[]>()
    service.views.forEach((sv, v) => {
      for (const f of sv.features) {
        offline.set(sv.prefix + f.name, offlineViewValue(lookups[v]!, f.name, r))
        keysFor.set(sv.prefix + f.name, [sv.key])
      }
    })
    for (const [name, value] of offlineOnDemand(service, row.event.inputs, offline)) {
      offline.set(name, value)
      keysFor.set(name, [...service.keyColumns])
    }
    let any = false
    for (const [name, off] of offline) {
      const served = servedValue(row.event, name)
      const reason = disagreement(served, off, tolerance)
      if (reason === null) continue
      any = true
      const t = tallies[outputIndex.get(name)!]!
      t.mismatches++
      t[reason]++
      if (t.examples.length < maxExamples) {
        t.examples.push({
          predictionId: row.event.id,
          key: keyOf(row.event.inputs, keysFor.get(name)!),
          at: row.event.features.at,
          reason,
          served,
          offline: off,
        })
      }
    }
    if (any) predictionsWithMismatch++
  })

  return { tallies, predictionsWithMismatch }
}

/**
 * The row-level online/offline consistency check of a feature service: sample the logged
 * predictions that carry the service's served values, recompute the offline point-in-time values
 * for the same entity keys at the same request time (`features.at`) with one `lookupView` call per
 * view, recompute the on-demand features from them, and compare per feature the status and the
 * value. A prediction served by another version of the service is counted as `versionChanged` and
 * one whose key columns were not logged as `unverifiable`; neither is a mismatch.
 *
 * @example
 * const report = await checkConsistency({ events: log, store, lookupView, service: 'flights',
 *   from: Date.parse('2001-06-01'), sample: 1000, seed: 7 })
 * report.perFeature.find((f) => f.feature === 'origin_late_rate')?.rate // 0
 */
export const checkConsistency = async (
  options: CheckConsistencyOptions,
): Promise<ConsistencyReport> => {
  const o = options
  const service = chooseService(o.store, o.service)
  const max = nonNegativeInt(o.sample, DEFAULT_CONSISTENCY_SAMPLE, 'sample')
  const seed = nonNegativeInt(o.seed, 0, 'seed')
  const maxEvents = nonNegativeInt(o.maxEvents, DEFAULT_CONSISTENCY_MAX_EVENTS, 'maxEvents')
  const maxExamples = nonNegativeInt(o.maxExamples, DEFAULT_CONSISTENCY_EXAMPLES, 'maxExamples')
  const tolerance = checkTolerance(o.tolerance)
  const asOf = o.asOf ?? 'known'
  if (o.from !== undefined && o.to !== undefined && !(o.from < o.to)) {
    throw new KeelError('INVALID_ARGUMENT', 'from must be before to', { path: ['from'] })
  }

  const sample = seededSample<Served>(max, seed)
  const truncated = { value: false }
  let first = Infinity
  let last = -Infinity
  for await (const e of predictions(o, maxEvents, truncated)) {
    if (e.features?.service !== service.name) continue
    first = Math.min(first, e.time)
    last = Math.max(last, e.time)
    sample.offer(e.id, e as Served)
  }
  const sampled = sample
    .items()
    .sort((a, b) => a.features.at - b.features.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))

  let versionChanged = 0
  let invalidKeys = 0
  const missingKeys: Record<string, number> = {}
  const rows: CheckedRow[] = []
  for (const event of sampled) {
    if (event.features.version !== service.version) {
      versionChanged++
      continue
    }
    const read = readKeys(service, event.inputs)
    if ('missing' in read) missingKeys[read.missing] = (missingKeys[read.missing] ?? 0) + 1
    else if ('invalid' in read) invalidKeys++
    else rows.push({ event, keys: read.keys })
  }

  const lookups =
    rows.length === 0
      ? []
      : await lookUpAll(
          service,
          rows.map((r) => ({ keys: r.keys, at: r.event.features.at })),
          o.lookupView,
          {
            asOf,
            ...(o.pushedRows ? { pushedRows: o.pushedRows } : {}),
          },
        )
  const { tallies, predictionsWithMismatch } = compareRows(
    service,
    rows,
    lookups,
    tolerance,
    maxExamples,
  )
  const checked = rows.length
  const perFeature: FeatureConsistency[] = service.outputs.map((out, i) => {
    const t = tallies[i]!
    return {
      feature: out.name,
      source:
        out.from.kind === 'view'
          ? { kind: 'view' as const, view: out.from.view }
          : { kind: 'onDemand' as const },
      checked,
      mismatches: t.mismatches,
      rate: checked === 0 ? 0 : t.mismatches / checked,
      byReason: { status: t.status, value: t.value },
      examples: t.examples,
    }
  })
  const pairs = checked * service.outputs.length
  const mismatchedPairs = tallies.reduce((s, t) => s + t.mismatches, 0)
  const unverifiable = invalidKeys + Object.values(missingKeys).reduce((s, n) => s + n, 0)
  const notes: string[] = []
  if (asOf === 'event') {
    notes.push(
      'Offline values were computed as of event time: rows that arrived after the request count, though no online store could have served them.',
    )
  }
  if (versionChanged > 0) {
    notes.push(
      `${versionChanged} sampled prediction(s) were served by another version of "${service.name}" than ${service.version}: not compared.`,
    )
  }
  for (const [column, n] of Object.entries(missingKeys)) {
    notes.push(`${n} sampled prediction(s) did not log the key column "${column}": not compared.`)
  }
  if (invalidKeys > 0) {
    notes.push(`${invalidKeys} sampled prediction(s) logged a key of the wrong type: not compared.`)
  }
  if (truncated.value) {
    notes.push(
      `The scan stopped after ${maxEvents} prediction events; later ones were not sampled.`,
    )
  }
  const observed = Number.isFinite(first)
  return {
    format: 'keel.features.consistency',
    formatVersion: 1,
    service: service.name,
    version: service.version,
    asOf,
    tolerance: { relative: tolerance.relative ?? null, absolute: tolerance.absolute ?? null },
    eligible: sample.seen(),
    sampled: sampled.length,
    checked,
    versionChanged,
    unverifiable,
    missingKeys,
    window: {
      from: o.from ?? (observed ? first : null),
      to: o.to ?? (observed ? last + 1 : null),
    },
    perFeature,
    overall: {
      predictionsWithMismatch,
      rate: checked === 0 ? 0 : predictionsWithMismatch / checked,
      valueRate: pairs === 0 ? 0 : mismatchedPairs / pairs,
    },
    sample: { seed, max },
    truncated: truncated.value,
    notes,
  }
}
