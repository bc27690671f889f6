import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createGbdt, createRng, Frame, ModelBundle, pinInputFields } from '@keel/core'
import {
  openEventLog,
  readEvents,
  type LabelEvent,
  type PredictionEvent,
} from '../stores/events/index.js'
import { buildMonitoringReference } from '../monitoring/index.js'
import { parseProject, type Project } from '../project/index.js'
import { openProjectStores } from '../project/workspace.js'
import { flightsLabelArrival, prepareFlights } from '../datasets/flights.js'
import { planReplay } from './plan.js'
import { replayHeldOut, replayPeriod } from './replay.js'
import type { ReplaySummary } from './summary.js'

const DAY = 86_400_000
const JAN = Date.UTC(2001, 0, 1)
const JUNE = Date.UTC(2001, 5, 1)
const JULY = Date.UTC(2001, 6, 1)
const ORIGINS = ['SFO', 'JFK', 'ORD'] as const
const FEATURES = ['distance', 'dep_minute', 'origin']

/**
 * Synthetic flights, prepared as the demo prepares them: January–April for training and June to
 * replay, where flights are ~600 miles longer (a drift the monitor must find). Late flights are
 * more likely in the evening and on long routes.
 */
const syntheticFlights = (): { frame: Frame; train: Int32Array; june: Int32Array } => {
  const rng = createRng(21)
  const rows: Record<string, unknown>[] = []
  const add = (n: number, start: number, days: number, shift: number): void => {
    for (let i = 0; i < n; i++) {
      const date = start + Math.floor(rng.float() * days * DAY)
      const distance = Math.round(200 + 1500 * rng.float() + shift)
      const evening = new Date(date).getUTCHours() >= 17
      const p = 1 / (1 + Math.exp(-(-2 + (evening ? 1.2 : 0) + distance / 1500)))
      const late = rng.float() < p
      const origin = ORIGINS[rng.int(3)]!
      const destination = ORIGINS[(ORIGINS.indexOf(origin) + 1 + rng.int(2)) % 3]!
      rows.push({
        date,
        distance,
        delay: late ? 20 + rng.int(120) : -rng.int(15),
        origin,
        destination,
      })
    }
  }
  add(3000, JAN, 120, 0)
  add(1600, JUNE, 30, 600)
  const raw = Frame.fromRows(rows, {
    date: 'timestamp',
    distance: 'numeric',
    delay: 'numeric',
    origin: 'categorical',
    destination: 'categorical',
  })
  return {
    frame: prepareFlights(raw),
    train: Int32Array.from({ length: 3000 }, (_, i) => i),
    june: Int32Array.from({ length: 1600 }, (_, i) => 3000 + i),
  }
}

/**
 * A project whose workspace is `<root>/.keel`: replay reads only its seed, label column, row checks
 * and monitoring settings (the data comes in as a frame), so no source is ever read.
 */
const replayProject = (root: string): Project => {
  const config = parseProject({
    name: 'flights',
    seed: 42,
    sources: { flights: { path: 'flights.parquet' } },
    label: { column: 'late', task: 'binary' },
  })
  return { config, file: join(root, 'keel.config.ts'), root, workspace: join(root, '.keel') }
}

let dir = ''
let summary: ReplaySummary
let data: ReturnType<typeof syntheticFlights>
let flightsInPlan: ReturnType<typeof planReplay>
let project: Project

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'keel-replay-'))
  project = replayProject(dir)
  data = syntheticFlights()
  const X = data.frame.take(data.train).select(FEATURES)
  const trainRows = data.frame.take(data.train)
  const y = Float64Array.from({ length: X.numRows }, (_, i) => (trainRows.row(i)['late'] ? 1 : 0))
  const parts = {
    name: 'flights',
    task: 'binary' as const,
    label: { column: 'late', classes: ['false', 'true'] },
    inputs: pinInputFields(X, FEATURES),
    model: createGbdt({ nEstimators: 10, maxDepth: 3, learningRate: 0.3 }).fit(
      { X, y, task: 'binary', classes: ['false', 'true'] },
      { rng: createRng(1) },
    ),
  }
  const draft = ModelBundle.create(parts)
  const reference = buildMonitoringReference(X, {
    features: FEATURES,
    predictions: draft.predict(X),
    labels: Array.from(y, (v) => (v === 1 ? 'true' : 'false')),
  })
  const stores = await openProjectStores(project)
  try {
    const bundle = ModelBundle.create({ ...parts, reference })
    const ref = await stores.artifacts.put(JSON.stringify(bundle.toJSON()))
    await stores.registry.createVersion({ model: 'flights', bundle: ref })
  } finally {
    await stores.close()
  }
  flightsInPlan = planReplay(data.frame, data.june, {
    inputs: parts.inputs,
    classes: ['false', 'true'],
    time: 'date',
    label: 'late',
    labelArrival: flightsLabelArrival,
    sample: 1200,
    seed: project.config.seed,
  })
  summary = await replayHeldOut({
    project,
    model: 'flights',
    version: 1,
    frame: data.frame,
    rows: data.june,
    time: 'date',
    labelArrival: flightsLabelArrival,
    trainRows: data.train,
    sample: 1200,
    batchSize: 50,
    concurrency: 3,
  })
}, 120_000)

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true })
})

describe('replayHeldOut', () => {
  it('covers whole UTC days of the replayed flights', () => {
    expect(replayPeriod(flightsInPlan.map((f) => f.time))).toEqual({ from: JUNE, to: JULY })
    expect(replayPeriod([JUNE + 1, JUNE + DAY - 1])).toEqual({ from: JUNE, to: JUNE + DAY })
    expect(() => replayPeriod([])).toThrow(/no dated rows/)
  })

  it('sends every sampled flight over HTTP and posts each label that arrived by the end', () => {
    const t = summary.traffic
    expect(t.errors).toBe(0)
    expect(t.rows).toBe(1200)
    expect(t.predictRequests).toBe(24)
    expect(t.labelsSent + t.labelsPending).toBe(1200)
    expect(t.labelsPending).toBe(flightsInPlan.filter((f) => f.labelTime >= JULY).length)
    expect(summary.weeks.reduce((s, w) => s + w.predictions, 0)).toBe(1200)
  })

  it('logs June on its own timeline: flight times for predictions, arrival times for labels', async () => {
    const log = await openEventLog({ workspace: dir })
    try {
      const events = []
      for await (const e of readEvents(log)) events.push(e)
      const predictions = events.filter((e): e is PredictionEvent => e.kind === 'prediction')
      const labels = events.filter((e): e is LabelEvent => e.kind === 'label')
      expect(predictions.map((e) => e.time).sort((a, b) => a - b)).toEqual(
        flightsInPlan.map((f) => f.time),
      )
      for (const e of predictions) expect(e.receivedAt).toBeGreaterThan(JULY)
      const planned = new Map(flightsInPlan.map((f) => [f.time, f] as const))
      const byId = new Map(predictions.map((p) => [p.id, p] as const))
      for (const l of labels) {
        const flight = planned.get(byId.get(l.predictionId!)!.time)!
        expect(l.time).toBe(flight.labelTime)
        expect(l.label).toBe(flight.label)
      }
    } finally {
      await log.close()
    }
  })

  it('monitors the weeks: drift found where it was put, performance with intervals, a report', () => {
    const distance = summary.drift.find((d) => d.feature === 'distance')!
    expect(distance.effect).toBe('wasserstein_normalized')
    expect(distance.drifted.filter(Boolean).length).toBeGreaterThanOrEqual(3)
    expect(summary.alerts.some((a) => a.kind === 'feature_drift' && a.subject === 'distance')).toBe(
      true,
    )
    const full = summary.weeks.filter((w) => w.predictions > 200)
    expect(full.length).toBeGreaterThanOrEqual(3)
    for (const w of full) {
      expect(w.rocAuc.lower!).toBeLessThanOrEqual(w.rocAuc.estimate!)
      expect(w.rocAuc.upper!).toBeGreaterThanOrEqual(w.rocAuc.estimate!)
      expect(w.coverage).toBeGreaterThan(0.9)
      expect(w.positiveRate).toBeGreaterThan(0)
      // Labels come an hour or more after departure (taxi, cruise, the feed's lag).
      expect(w.labelLagP50Minutes!).toBeGreaterThan(60)
    }
    expect(existsSync(summary.report.html)).toBe(true)
    const json = JSON.parse(readFileSync(summary.report.json, 'utf8')) as { asOf: number }
    expect(json.asOf).toBe(JULY)
  })

  it('serves through an alias only when it points at the version to replay', async () => {
    const base = {
      project,
      model: 'flights',
      version: 1,
      alias: 'production',
      frame: data.frame,
      rows: data.june,
      time: 'date',
      labelArrival: flightsLabelArrival,
      trainRows: data.train,
      sample: 100,
      batchSize: 50,
    }
    await expect(replayHeldOut(base)).rejects.toMatchObject({ code: 'NOT_FOUND' })
    const stores = await openProjectStores(project)
    try {
      await stores.registry.promote('flights', 1, 'production', { actor: 'test' })
    } finally {
      await stores.close()
    }
    await expect(replayHeldOut({ ...base, version: 2 })).rejects.toMatchObject({
      code: 'CONFLICT',
    })
    const aliased = await replayHeldOut(base)
    expect(aliased.alias).toBe('production')
    expect(aliased.version).toBe('1')
    expect(aliased.traffic.errors).toBe(0)
    expect(aliased.traffic.rows).toBe(100)
  }, 60_000)
})
