// The leakage showcase on a small synthetic airport: the late rate joined naively (as of event
// time) must fail the time-travel check with the joins' known times, and joined point in time
// (as of known time) must pass it.
import { Frame, booleanColumn, categoricalColumn, createRng, timestampColumn } from '@keel/core'
import { describe, expect, it } from 'vitest'
import { naiveAvailabilityAt } from '../../../features/windowed/reference.js'
import type { TimedRow } from '../../../features/point-in-time.js'
import { resolveFeatureStore } from '../../../features/definitions.js'
import { parseProject, type Project } from '../../../project/index.js'
import { SHOWCASE_FEATURE, leakageShowcase } from './leakage-showcase.js'

const HOUR = 3_600_000
const START = Date.UTC(2001, 0, 1)

/** Flights from two airports every 40 minutes over 4 days, each landing 3 h after departure. */
const flights = () => {
  const rng = createRng(7)
  const out: { origin: string; departure: number; landed: number; late: boolean }[] = []
  for (let i = 0; i < 4 * 36; i++) {
    for (const origin of ['ATL', 'ORD']) {
      const departure = START + i * 40 * 60_000 + (origin === 'ORD' ? 7 * 60_000 : 0)
      out.push({ origin, departure, landed: departure + 3 * HOUR, late: rng.float() < 0.3 })
    }
  }
  return out
}

const showcaseProject = (rows: ReturnType<typeof flights>): Project => {
  const values = rows
    .map(
      (r) =>
        `('${r.origin}', ${r.departure}::DOUBLE, ${r.landed}::DOUBLE, ${r.late ? 1 : 0}::DOUBLE)`,
    )
    .join(', ')
  const config = parseProject({
    name: 'flights',
    seed: 3,
    sources: { flights: { path: 'flights.parquet' } },
    dataset: { source: 'flights', featureService: 'flight_features' },
    label: { column: 'late', task: 'binary' },
    schema: {
      fields: [
        { name: 'date', kind: 'timestamp', role: 'timestamp' },
        { name: 'origin', kind: 'categorical' },
        { name: 'late', kind: 'boolean', role: 'label' },
      ],
    },
    entities: [{ name: 'airport', joinKey: 'origin' }],
    featureViews: [
      {
        name: 'airport_delays',
        source: {
          duckdb: `SELECT * FROM (VALUES ${values}) AS t(origin, departure, landed, late)`,
        },
        entity: 'airport',
        eventTime: 'departure',
        knownTime: 'landed',
        aggregations: [
          { name: 'late_rate_6h', fn: 'mean', column: 'late', window: '6h' },
          { name: 'landed_6h', fn: 'count', window: '6h' },
        ],
        publishEvery: '1h',
      },
    ],
    featureServices: [
      {
        name: 'flight_features',
        views: [{ view: 'airport_delays', key: 'origin', prefix: 'origin_' }],
      },
    ],
  })
  return { config, file: '/nowhere/keel.config.ts', root: '/nowhere', workspace: '/nowhere/.keel' }
}

describe('leakageShowcase', () => {
  it('flags the naive join and passes the point-in-time one', async () => {
    const rows = flights()
    const project = showcaseProject(rows)
    const frame = Frame.fromColumns({
      origin: categoricalColumn(rows.map((r) => r.origin)),
      date: timestampColumn(Float64Array.from(rows, (r) => r.departure)),
      late: booleanColumn(rows.map((r) => r.late)),
    })
    const n = rows.length
    const cut = (f: number) => Math.floor(n * f)
    const range = (a: number, b: number) => Int32Array.from({ length: b - a }, (_, i) => a + i)
    const split = {
      train: range(0, cut(0.6)),
      validation: range(cut(0.6), cut(0.8)),
      test: range(cut(0.8), n),
    }
    const s = await leakageShowcase(project, frame, split, 3)
    const travel = (checks: typeof s.leaky) => checks.find((c) => c.check === 'time_travel')!
    expect(travel(s.leaky).status).toBe('fail')
    expect(travel(s.leaky).feature).toBe(`${SHOWCASE_FEATURE}_as_of_event`)
    expect(travel(s.pointInTime).status).toBe('pass')
    expect(travel(s.pointInTime).feature).toBe(SHOWCASE_FEATURE)
    // The flagged rows are those whose naive value counts a flight still in the air.
    const view = resolveFeatureStore({
      entities: project.config.entities,
      featureViews: project.config.featureViews,
    }).views.get('airport_delays')!
    const timed: TimedRow[] = rows.map((r, order) => ({
      key: r.origin,
      eventTime: r.departure,
      knownTime: r.landed,
      values: { late: r.late ? 1 : 0 },
      order,
    }))
    const leaky = rows.filter((r) => {
      const at = naiveAvailabilityAt(view, timed, r.origin, r.departure)
      return at !== null && at > r.departure
    }).length
    expect(leaky).toBeGreaterThan(0)
    expect(travel(s.leaky).message).toContain(`in ${leaky} of`)
  })
})
