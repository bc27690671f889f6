import { createHash } from 'node:crypto'
import { KeelError } from '@keel/core'
import type { z } from 'zod'
import type { FileSourceSpec, SourceSpec } from '../data/source.js'
import { canonicalJson } from '../stores/events/canonical-json.js'
import { parseDuration } from '../util/duration.js'
import {
  featureStoreConfigSchema,
  type AggregationConfig,
  type FeatureViewConfig,
  type OnDemandConfig,
  type StatusPolicy,
} from './config.js'

/**
 * What a fetched feature value is: `present` (a value known at the time, within its TTL), `null`
 * (the newest known value is null in the source), `not_found` (no value known for the key at that
 * time), `outside_ttl` (the newest known value is older than the view's TTL).
 */
export type FeatureStatus = 'present' | 'null' | 'not_found' | 'outside_ttl'

/** Every status, in a fixed order (metrics labels, reports). */
export const FEATURE_STATUSES: readonly FeatureStatus[] = [
  'present',
  'null',
  'not_found',
  'outside_ttl',
]

/** A feature value as stored and served. */
export type FeatureValue = number | string | boolean | null

/** The kind of a feature: how a model reads it. */
export type FeatureKind = 'numeric' | 'categorical' | 'boolean'

export interface ResolvedEntity {
  readonly name: string
  readonly joinKey: string
  readonly valueType: 'string' | 'number'
}

/** Where a view's rows are read from, with named sources looked up. */
export type ResolvedViewSource =
  | { readonly kind: 'file'; readonly spec: FileSourceSpec }
  | { readonly kind: 'postgres'; readonly spec: SourceSpec }
  | { readonly kind: 'duckdb'; readonly sql: string }
  | { readonly kind: 'push' }

/** One output column of a view: a source column read as is, or a windowed aggregation. */
export interface ResolvedViewFeature {
  readonly name: string
  readonly kind: FeatureKind
  /** The source column (a plain feature), or the aggregated column (`null` for count and rate). */
  readonly column: string | null
  /** Set for a windowed aggregation. */
  readonly aggregation?: {
    readonly fn: AggregationConfig['fn']
    readonly windowMs: number
  }
}

/** A feature view with its references resolved and its definition fingerprinted. */
export interface ResolvedView {
  readonly name: string
  /** 12 hex digits of the SHA-256 of the definition: any change that changes values changes it. */
  readonly version: string
  readonly entity: ResolvedEntity
  /** The source column holding the entity key. */
  readonly keyColumn: string
  readonly source: ResolvedViewSource
  readonly eventTime: string
  /** The known-time column; `null` when the source declares no lateness (known = event time). */
  readonly knownTime: string | null
  /**
   * The TTL in ms: a value with event time e is present at times t with e ≤ t < e + ttl (the same
   * half-open rule as the online store's expiry); `null` = no TTL.
   */
  readonly ttlMs: number | null
  readonly features: readonly ResolvedViewFeature[]
  /** True when the view's features are windowed aggregations (all of them are). */
  readonly windowed: boolean
  /**
   * Windowed views published on a cadence (ms): aggregates change only at multiples of it (UTC
   * epoch multiples), each the exact aggregate at that instant. `null`: at every change.
   */
  readonly publishEveryMs: number | null
  readonly config: FeatureViewConfig
}

/** One view as a service uses it. */
export interface ServiceView {
  readonly view: ResolvedView
  readonly features: readonly ResolvedViewFeature[]
  /** The entity-row (request) column that holds the key. */
  readonly key: string
  /** Prepended to the feature names in the service's output. */
  readonly prefix: string
}

/** One column a service produces, in order: view features first, then on-demand ones. */
export interface ServiceOutput {
  readonly name: string
  readonly kind: FeatureKind
  /** `view` feature (with its view and source feature name) or `onDemand`. */
  readonly from:
    | { readonly kind: 'view'; readonly view: string; readonly feature: string }
    | { readonly kind: 'onDemand' }
}

/** A feature service with its views resolved and its definition fingerprinted. */
export interface ResolvedService {
  readonly name: string
  /** 12 hex digits over the versions of its views, its feature list, on-demand code and policy. */
  readonly version: string
  readonly views: readonly ServiceView[]
  readonly onDemand: readonly OnDemandConfig[]
  readonly outputs: readonly ServiceOutput[]
  /** The request columns the service reads keys from (distinct, in order). */
  readonly keyColumns: readonly string[]
  readonly onStatus: StatusPolicy
}

/** The project's feature store, resolved: every reference checked, every definition versioned. */
export interface ResolvedFeatureStore {
  readonly entities: ReadonlyMap<string, ResolvedEntity>
  readonly views: ReadonlyMap<string, ResolvedView>
  readonly onDemand: ReadonlyMap<string, OnDemandConfig>
  readonly services: ReadonlyMap<string, ResolvedService>
}

/** What {@link resolveFeatureStore} reads from a project: the config as written, before defaults. */
export interface FeatureStoreInput extends Partial<z.input<typeof featureStoreConfigSchema>> {
  /** The project's named sources, for views that name one. */
  readonly sources?: Readonly<Record<string, SourceSpec>>
}

const fingerprint = (value: unknown): string =>
  createHash('sha256').update(canonicalJson(value)).digest('hex').slice(0, 12)

const invalid = (path: (string | number)[], message: string, details?: Record<string, unknown>) =>
  new KeelError('INVALID_CONFIG', message, { path, ...(details ? { details } : {}) })

const resolveSource = (
  source: FeatureViewConfig['source'] | SourceSpec,
  sources: Readonly<Record<string, SourceSpec>>,
  path: (string | number)[],
): ResolvedViewSource => {
  if (typeof source === 'string') {
    const spec = sources[source]
    if (!spec) {
      throw invalid(path, `feature view source "${source}" is not one of the project's sources`, {
        known: Object.keys(sources),
      })
    }
    return resolveSource(spec, sources, path)
  }
  if ('push' in source) return { kind: 'push' }
  if ('duckdb' in source) return { kind: 'duckdb', sql: source.duckdb }
  const spec = source as SourceSpec
  if ('postgres' in spec) return { kind: 'postgres', spec }
  return { kind: 'file', spec }
}

const resolveView = (
  config: FeatureViewConfig,
  entities: ReadonlyMap<string, ResolvedEntity>,
  sources: Readonly<Record<string, SourceSpec>>,
  index: number,
): ResolvedView => {
  const path = ['featureViews', index]
  const entity = entities.get(config.entity)
  if (!entity) {
    throw invalid(
      [...path, 'entity'],
      `feature view "${config.name}" names entity "${config.entity}", which is not declared`,
      {
        known: [...entities.keys()],
      },
    )
  }
  if (config.knownTime === undefined && config.noLateness !== true) {
    throw invalid(
      [...path, 'knownTime'],
      `feature view "${config.name}" has no knownTime column: name the column that says when each value became available, or declare noLateness: true`,
    )
  }
  if (config.knownTime !== undefined && config.noLateness === true) {
    throw invalid(
      [...path, 'noLateness'],
      `feature view "${config.name}" declares both knownTime and noLateness`,
    )
  }
  const windowed = config.aggregations.length > 0
  if (windowed && config.features.length > 0) {
    throw invalid(
      [...path, 'aggregations'],
      `feature view "${config.name}" mixes plain features and windowed aggregations: use two views`,
    )
  }
  if (!windowed && config.features.length === 0) {
    throw invalid([...path, 'features'], `feature view "${config.name}" declares no features`)
  }
  const source = resolveSource(config.source, sources, [...path, 'source'])
  if (windowed && source.kind === 'push') {
    throw invalid(
      [...path, 'aggregations'],
      `feature view "${config.name}": windowed aggregations need an event source, not pushed values`,
    )
  }
  const features: ResolvedViewFeature[] = windowed
    ? config.aggregations.map((a, i) => {
        if ((a.fn === 'sum' || a.fn === 'mean') && a.column === undefined) {
          throw invalid(
            [...path, 'aggregations', i, 'column'],
            `aggregation "${a.name}" (${a.fn}) needs a column`,
          )
        }
        return {
          name: a.name,
          kind: 'numeric' as const,
          column: a.fn === 'sum' || a.fn === 'mean' ? a.column! : null,
          aggregation: { fn: a.fn, windowMs: parseDuration(a.window) },
        }
      })
    : config.features.map((f) => ({ name: f.name, kind: f.kind, column: f.column ?? f.name }))
  const seen = new Set<string>()
  for (const [i, f] of features.entries()) {
    if (seen.has(f.name)) {
      throw invalid(
        [...path, windowed ? 'aggregations' : 'features', i],
        `feature view "${config.name}" declares "${f.name}" twice`,
      )
    }
    seen.add(f.name)
  }
  const keyColumn = config.keyColumn ?? entity.joinKey
  const knownTime = config.knownTime ?? null
  const ttlMs = config.ttl === undefined ? null : parseDuration(config.ttl)
  if (config.publishEvery !== undefined && !windowed) {
    throw invalid(
      [...path, 'publishEvery'],
      `feature view "${config.name}": publishEvery applies to windowed aggregations only`,
    )
  }
  const publishEveryMs =
    config.publishEvery === undefined ? null : parseDuration(config.publishEvery)
  const definition = {
    entity: { joinKey: entity.joinKey, valueType: entity.valueType },
    keyColumn,
    source,
    eventTime: config.eventTime,
    knownTime,
    ttlMs,
    features,
    publishEveryMs,
  }
  return {
    name: config.name,
    version: fingerprint(definition),
    entity,
    keyColumn,
    source,
    eventTime: config.eventTime,
    knownTime,
    ttlMs,
    features,
    windowed,
    publishEveryMs,
    config,
  }
}

/**
 * Check and resolve a project's feature-store definitions: every name unique, every reference
 * known, each view and service versioned by a fingerprint of its definition. A structured
 * `INVALID_CONFIG` error names the path of the first problem.
 */
export const resolveFeatureStore = (input: FeatureStoreInput): ResolvedFeatureStore => {
  const { sources = {}, ...rest } = input
  const parsed = featureStoreConfigSchema.safeParse(rest)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    throw invalid(issue.path as (string | number)[], issue.message)
  }
  const config = parsed.data
  const unique = <T extends { name: string }>(items: readonly T[], what: string, key: string) => {
    const out = new Map<string, T>()
    for (const [i, item] of items.entries()) {
      if (out.has(item.name))
        throw invalid([key, i, 'name'], `${what} "${item.name}" is declared twice`)
      out.set(item.name, item)
    }
    return out
  }
  const entities = new Map<string, ResolvedEntity>()
  for (const [name, e] of unique(config.entities, 'entity', 'entities')) {
    entities.set(name, { name, joinKey: e.joinKey ?? name, valueType: e.valueType })
  }
  unique(config.featureViews, 'feature view', 'featureViews')
  const views = new Map<string, ResolvedView>()
  config.featureViews.forEach((v, i) => views.set(v.name, resolveView(v, entities, sources, i)))
  const onDemand = unique(config.onDemand, 'on-demand feature', 'onDemand')
  unique(config.featureServices, 'feature service', 'featureServices')
  const services = new Map<string, ResolvedService>()
  config.featureServices.forEach((s, si) => {
    const path = ['featureServices', si]
    const outputs: ServiceOutput[] = []
    const names = new Set<string>()
    const add = (output: ServiceOutput, at: (string | number)[]) => {
      if (names.has(output.name)) {
        throw invalid(
          at,
          `feature service "${s.name}" produces "${output.name}" twice: give one of its views a prefix`,
        )
      }
      names.add(output.name)
      outputs.push(output)
    }
    const serviceViews: ServiceView[] = s.views.map((sv, vi) => {
      const at = [...path, 'views', vi]
      const view = views.get(sv.view)
      if (!view) {
        throw invalid(
          [...at, 'view'],
          `feature service "${s.name}" names feature view "${sv.view}", which is not declared`,
          {
            known: [...views.keys()],
          },
        )
      }
      const features = (sv.features ?? view.features.map((f) => f.name)).map((fname, fi) => {
        const f = view.features.find((x) => x.name === fname)
        if (!f) {
          throw invalid(
            [...at, 'features', fi],
            `feature view "${view.name}" has no feature "${fname}"`,
            {
              known: view.features.map((x) => x.name),
            },
          )
        }
        return f
      })
      const prefix = sv.prefix ?? ''
      for (const f of features) {
        add(
          {
            name: prefix + f.name,
            kind: f.kind,
            from: { kind: 'view', view: view.name, feature: f.name },
          },
          at,
        )
      }
      return { view, features, key: sv.key ?? view.entity.joinKey, prefix }
    })
    const od = s.onDemand.map((n, i) => {
      const d = onDemand.get(n)
      if (!d) {
        throw invalid(
          [...path, 'onDemand', i],
          `feature service "${s.name}" names on-demand feature "${n}", which is not declared`,
          {
            known: [...onDemand.keys()],
          },
        )
      }
      add({ name: d.name, kind: d.kind, from: { kind: 'onDemand' } }, [...path, 'onDemand', i])
      return d
    })
    const version = fingerprint({
      views: serviceViews.map((v) => ({
        view: v.view.name,
        version: v.view.version,
        features: v.features.map((f) => f.name),
        key: v.key,
        prefix: v.prefix,
      })),
      onDemand: od.map((d) => ({ name: d.name, kind: d.kind, code: d.compute.toString() })),
      onStatus: s.onStatus,
    })
    services.set(s.name, {
      name: s.name,
      version,
      views: serviceViews,
      onDemand: od,
      outputs,
      keyColumns: [...new Set(serviceViews.map((v) => v.key))],
      onStatus: s.onStatus,
    })
  })
  return { entities, views, onDemand, services }
}

/** An entry of `map` by name, or a `NOT_FOUND` error naming what it is and listing the known ones. */
const named = <T>(map: ReadonlyMap<string, T>, name: string, what: string, path: string): T => {
  const found = map.get(name)
  if (found === undefined) {
    throw new KeelError('NOT_FOUND', `no ${what} named "${name}"`, {
      path: [path],
      details: { known: [...map.keys()] },
    })
  }
  return found
}

/** A feature service by name, or a `NOT_FOUND` error listing the known ones. */
export const serviceNamed = (store: ResolvedFeatureStore, name: string): ResolvedService =>
  named(store.services, name, 'feature service', 'featureServices')

/** A feature view by name, or a `NOT_FOUND` error listing the known ones. */
export const viewNamed = (store: ResolvedFeatureStore, name: string): ResolvedView =>
  named(store.views, name, 'feature view', 'featureViews')

/**
 * An entity key as the stores keep it: text. Number-typed entities write their keys the way
 * JavaScript prints the number (`7`, not `7.0`); a key that is not of the entity's type is
 * `INVALID_ARGUMENT` naming the entity.
 */
export const entityKeyText = (entity: ResolvedEntity, value: unknown): string | null => {
  if (value === null || value === undefined) return null
  if (entity.valueType === 'number') {
    const n =
      typeof value === 'number'
        ? value
        : typeof value === 'string' && value.trim() !== ''
          ? Number(value)
          : NaN
    if (!Number.isFinite(n)) {
      throw new KeelError(
        'INVALID_ARGUMENT',
        `entity "${entity.name}" keys are numbers; got ${JSON.stringify(value)}`,
        {
          path: [entity.joinKey],
        },
      )
    }
    return String(n)
  }
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean') {
    throw new KeelError(
      'INVALID_ARGUMENT',
      `entity "${entity.name}" keys are strings; got ${JSON.stringify(value)}`,
      {
        path: [entity.joinKey],
      },
    )
  }
  throw new KeelError('INVALID_ARGUMENT', `entity "${entity.name}" key must be a string`, {
    path: [entity.joinKey],
  })
}
