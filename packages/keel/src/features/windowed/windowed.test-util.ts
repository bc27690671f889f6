// Shared by the windowed tests: a view from aggregations, generated source rows, and the base table
// the SQL versions read.
import { fc } from '@fast-check/vitest'
import type { AggregationConfig } from '../config.js'
import { resolveFeatureStore, type FeatureValue, type ResolvedView } from '../definitions.js'
import type { TimedRow } from '../point-in-time.js'

/** A windowed view over columns `delay` (numeric) and `late` (boolean), keyed by airport. */
export const windowedView = (
  aggregations: AggregationConfig[],
  publishEvery?: number,
): ResolvedView =>
  resolveFeatureStore({
    entities: [{ name: 'airport', valueType: 'string' }],
    featureViews: [
      {
        name: 'traffic',
        source: { duckdb: 'SELECT 1' },
        entity: 'airport',
        eventTime: 'departed',
        knownTime: 'arrived',
        features: [],
        aggregations,
        ...(publishEvery === undefined ? {} : { publishEvery }),
      },
    ],
  }).views.get('traffic')!

/** Every kind of aggregate over two windows (10 ms and 30 ms), both columns. */
export const mixedView = (publishEvery?: number): ResolvedView =>
  windowedView(
    [
      { name: 'n_10', fn: 'count', window: '10ms' },
      { name: 'r_30', fn: 'rate', window: '30ms' },
      { name: 'delay_sum_30', fn: 'sum', column: 'delay', window: '30ms' },
      { name: 'delay_mean_10', fn: 'mean', column: 'delay', window: '10ms' },
      { name: 'delay_mean_30', fn: 'mean', column: 'delay', window: '30ms' },
      { name: 'late_sum_10', fn: 'sum', column: 'late', window: '10ms' },
      { name: 'late_mean_30', fn: 'mean', column: 'late', window: '30ms' },
    ],
    publishEvery,
  )

/** A source row in a compact spelling. */
export const row = (
  key: string | null,
  eventTime: number,
  knownTime: number,
  values: Readonly<Record<string, FeatureValue>> = {},
  order = 0,
): TimedRow => ({ key, eventTime, knownTime, values, order })

/**
 * Source rows over few keys and a short span, so that windows overlap, instants collide and rows
 * arrive late, early or after they left their window. Values are halves: sums are exact in binary.
 */
export const sourceRows = (): fc.Arbitrary<TimedRow[]> =>
  fc
    .array(
      fc.record({
        key: fc.constantFrom('a', 'b', 'é', 'z'),
        event: fc.integer({ min: 0, max: 60 }),
        lateness: fc.oneof(fc.constant(0), fc.integer({ min: -15, max: 45 })),
        delay: fc.option(fc.integer({ min: -20, max: 20 }).map((n) => n / 2)),
        late: fc.option(fc.boolean()),
      }),
      { maxLength: 25 },
    )
    .map((rs) =>
      rs.map((r, i) =>
        row(r.key, r.event, r.event + r.lateness, { delay: r.delay, late: r.late }, i),
      ),
    )

/** SQL literal of a value. */
const literal = (v: FeatureValue | undefined): string =>
  v === null || v === undefined
    ? 'NULL'
    : typeof v === 'string'
      ? `'${v.replaceAll("'", "''")}'`
      : String(v)

/** Rows as the base relation the SQL reads (`key`, `event_time`, `known_time`, `ord`, columns). */
export const baseValues = (rows: readonly TimedRow[]): string[] =>
  rows.map(
    (r) =>
      `(${literal(r.key)}, ${r.eventTime}, ${r.knownTime}, ${r.order}, ${literal(r.values['delay'])}, ${literal(r.values['late'])})`,
  )

/** Change points read back from SQL as rows (numbers from BIGINT / numeric text). */
export const asChangePoints = (
  view: ResolvedView,
  records: readonly Record<string, unknown>[],
): TimedRow[] =>
  records.map((r) => {
    const values: Record<string, FeatureValue> = {}
    for (const f of view.features) {
      const v = r[f.name]
      values[f.name] = v === null || v === undefined ? null : Number(v)
    }
    return {
      key: r['key'] as string,
      eventTime: Number(r['event_time']),
      knownTime: Number(r['known_time']),
      values,
      order: Number(r['ord']),
    }
  })
