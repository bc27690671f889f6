import { beforeAll, describe, expect, it } from 'vitest'
import { computeMetric, ModelBundle, type BundleJSON } from '@keel/core'
import {
  createMemoryEventLog,
  joinLabels,
  openSqliteEventLog,
  type KeelEvent,
  type MemoryEventLog,
} from '../stores/events/index.js'
import { monitorWindows, parseMonitoringConfig } from './monitor-windows.js'
import { joinedPredictionSet } from './performance.js'
import type { MonitoringReport } from './report.js'
import {
  DAY,
  HOUR,
  monitoredTraffic,
  T0,
  trainMonitoredBundle,
} from '../testing/monitor-fixture.js'

const AS_OF = T0 + 7 * DAY
// Fewer resamples than the default keep the suite fast; the intervals are not under test here.
const CONFIG = {
  bootstrap: { resamples: 100 },
  performance: { roc_auc: { min: 0.6 } },
  coverage: { min: 0.5 },
}

let bundle: ModelBundle
let drifted: KeelEvent[]
let log: MemoryEventLog
/** The report on the drifted log, shared by the tests that only read it. */
let report: MonitoringReport

const memoryLog = async (events: readonly KeelEvent[]): Promise<MemoryEventLog> => {
  const l = createMemoryEventLog()
  await l.append(events)
  return l
}

beforeAll(async () => {
  bundle = trainMonitoredBundle()
  // x1 shifts by 1.5 sd from day 3; the label concept flips from day 4; day 5 is mostly unlabelled.
  drifted = monitoredTraffic(bundle, {
    driftFrom: 3,
    conceptFrom: 4,
    coverage: (d) => (d === 5 ? 0.3 : 0.9),
  })
  log = await memoryLog(drifted)
  report = await monitorWindows({
    eventLog: log,
    bundle,
    model: 'toy',
    asOf: AS_OF,
    config: CONFIG,
  })
})

describe('monitorWindows', () => {
  it('flags the drifted feature in the drifted windows and never the stable ones', async () => {
    const r = report
    expect(r.windows.map((w) => [w.key, w.predictions])).toEqual(
      [0, 1, 2, 3, 4, 5].map((d) => [new Date(T0 + d * DAY).toISOString(), 400]),
    )
    expect(r.drift.basis).toBe('reference')
    expect(r.drift.features).toEqual(['x1', 'x2', 'cat'])
    const driftedPerWindow = r.drift.windows.map((w) => w.report?.driftedFeatures)
    expect(driftedPerWindow).toEqual([[], [], [], ['x1'], ['x1'], ['x1']])
    // Every tested feature carries its effect size and corrected p-value.
    const x1 = r.drift.windows[3]!.report!.features.find((f) => f.feature === 'x1')!
    expect(x1.effect.metric).toBe('wasserstein_normalized')
    expect(x1.effect.value).toBeGreaterThan(1) // a 1.5 sd shift in the mean
    expect(x1.adjustedPValue).toBeLessThan(1e-10)
    expect(r.drift.windows[3]!.ksCriticalD).toBeCloseTo(
      1.358 * Math.sqrt((2000 + 400) / (2000 * 400)),
      3,
    )
    expect(r.notes.join('\n')).toMatch(/significant after multiple-testing correction AND/)
    // Prediction drift against the training output profile, label drift against training labels.
    expect(r.output.basis).toBe('reference')
    expect(r.output.windows.map((w) => w.result?.drifted)).toEqual([
      false,
      false,
      false,
      true,
      true,
      true,
    ])
    expect(r.labels.basis).toBe('reference')
    expect(r.labels.windows.slice(0, 3).map((w) => w.result?.drifted)).toEqual([
      false,
      false,
      false,
    ])
    // Multivariate: no training sample given, so window 0 is the basis.
    expect(r.multivariate.basis).toBe('first_window')
    expect(r.multivariate.windows.map((w) => w.status === 'baseline' || w.drifted)).toEqual([
      true,
      false,
      false,
      true,
      true,
      true,
    ])
  })

  it('reports performance per window with bootstrap intervals, label coverage and latency', async () => {
    const r = report
    const perf = r.performance.windows
    expect(r.performance.metrics).toEqual(['roc_auc', 'accuracy', 'log_loss'])
    for (const w of perf.slice(0, 5)) expect(w.coverage).toBeGreaterThan(0.85)
    expect(perf[5]!.coverage).toBeLessThan(0.4)
    expect(perf.every((w) => w.coverage === w.labelled / w.predictions)).toBe(true)
    // Labels arrive 1–6 h after their prediction.
    for (const w of perf) {
      expect(w.latency!.p50Ms).toBeGreaterThanOrEqual(HOUR)
      expect(w.latency!.maxMs).toBeLessThan(6 * HOUR)
    }
    const auc = perf.map((w) => w.metrics.find((m) => m.metric === 'roc_auc')!)
    for (const m of auc) expect(m.lower! <= m.estimate! && m.estimate! <= m.upper!).toBe(true)
    expect(auc.slice(0, 4).every((m) => m.estimate! > 0.8)).toBe(true)
    expect(auc.slice(4).every((m) => m.estimate! < 0.4)).toBe(true) // the concept flipped
    // The window estimate is the catalogue metric on exactly that window's labelled predictions.
    const join = await joinLabels(log, { from: T0, to: AS_OF, lookbackMs: 0 })
    const day2 = join.joined.filter(
      (j) => j.prediction.time >= T0 + 2 * DAY && j.prediction.time < T0 + 3 * DAY,
    )
    const set = joinedPredictionSet(day2, { task: 'binary', classes: ['no', 'yes'] }).set!
    expect(auc[2]!.estimate).toBe(computeMetric('roc_auc', set))
    expect(perf[2]!.labelled).toBe(day2.length)
  })

  it('runs the streaming detectors and reports where they fired', async () => {
    const r = report
    const byName = Object.fromEntries(r.detectors.map((d) => [d.detector, d]))
    expect(Object.keys(byName).sort()).toEqual(['adwin', 'ddm', 'page_hinkley'])
    expect(byName['page_hinkley']!.observations).toBe(2400)
    // Nothing fires on the stable days; the output detector fires soon after the covariate shift,
    // DDM on the error stream once the concept flips.
    for (const d of r.detectors)
      for (const f of d.detections) expect(f.window).toBeGreaterThanOrEqual(3)
    const ph = byName['page_hinkley']!.detections
    expect(ph[0]!.window).toBe(3)
    expect(ph[0]!.time - (T0 + 3 * DAY)).toBeLessThan(6 * HOUR)
    expect(byName['ddm']!.detections.map((f) => f.window)).toContain(4)
  })

  it('raises each alert once per run of consecutive windows', async () => {
    const r = report
    const x1 = r.alerts.filter((a) => a.key === 'feature_drift:x1')
    expect(x1.map((a) => [a.window, a.fresh])).toEqual([
      [3, true],
      [4, false],
      [5, false],
    ])
    const auc = r.alerts.filter((a) => a.key === 'performance:roc_auc')
    expect(auc.map((a) => [a.window, a.fresh, a.severity])).toEqual([
      [4, true, 'critical'],
      [5, false, 'critical'],
    ])
    expect(r.alerts.filter((a) => a.kind === 'coverage').map((a) => a.window)).toEqual([5])
    expect(r.alerts.some((a) => a.key === 'feature_drift:x2' || a.window < 3)).toBe(false)
    expect(r.delivery).toBeNull()
  })

  it('raises no alert on stable traffic', async () => {
    const stable = monitoredTraffic(bundle, { seed: 9 })
    const r = await monitorWindows({
      eventLog: await memoryLog(stable),
      bundle,
      model: 'toy',
      asOf: AS_OF,
      config: CONFIG,
    })
    expect(r.alerts).toEqual([])
    expect(r.detectors.flatMap((d) => d.detections)).toEqual([])
  })

  it('is deterministic: the same log gives the same report', async () => {
    const again = await monitorWindows({
      eventLog: await memoryLog(drifted),
      bundle,
      model: 'toy',
      asOf: AS_OF,
      config: CONFIG,
    })
    // Only the time of the run differs (and with it when each alert was first seen).
    const timeless = (r: MonitoringReport) => ({
      ...r,
      generatedAt: '',
      alerts: r.alerts.map((a) => ({ ...a, firstSeenAt: '' })),
    })
    expect(timeless(again)).toEqual(timeless(report))
  })

  it('reads the SQLite event log and honours range, count windows and version filters', async () => {
    const sqlite = openSqliteEventLog(':memory:')
    try {
      await sqlite.append(drifted)
      const r = await monitorWindows({
        eventLog: sqlite,
        bundle,
        model: 'toy',
        from: new Date(T0 + 1 * DAY).toISOString(),
        to: T0 + 4 * DAY,
        window: { by: 'count', size: 500 },
        asOf: AS_OF,
        config: CONFIG,
      })
      expect(r.events.predictions).toBe(1200)
      expect(r.windows.map((w) => [w.predictions, w.partial])).toEqual([
        [500, false],
        [500, false],
        [200, true],
      ])
      expect(r.windows[0]!.key).toBe('count:500:r1-0:0')
      const none = await monitorWindows({
        eventLog: sqlite,
        bundle,
        model: 'toy',
        version: '2',
        asOf: AS_OF,
      })
      expect(none.windows).toEqual([])
    } finally {
      await sqlite.close()
    }
  })

  it('compares with the first window and says so when the bundle has no reference', async () => {
    const json = bundle.toJSON()
    const bare = ModelBundle.fromJSON({ ...json, reference: null } satisfies BundleJSON)
    const r = await monitorWindows({
      eventLog: await memoryLog(drifted),
      bundle: bare,
      model: 'toy',
      asOf: AS_OF,
      config: CONFIG,
    })
    expect(r.drift.basis).toBe('none')
    expect(r.drift.windows).toEqual([])
    expect(r.output.basis).toBe('first_window')
    expect(r.output.windows[0]!.status).toBe('baseline')
    expect(r.output.windows.map((w) => w.result?.drifted ?? null)).toEqual([
      null,
      false,
      false,
      true,
      true,
      true,
    ])
    expect(r.notes.join('\n')).toMatch(/no training reference/)
    expect(r.notes.join('\n')).toMatch(/compares each window with window 0/)
    // Adversarial validation still runs, on every non-timestamp input.
    expect(r.multivariate.windows[3]!.drifted).toBe(true)
  })

  it('rejects a bad monitoring config with one issue per problem', () => {
    expect(() =>
      parseMonitoringConfig({ drift: { alpha: 2 }, window: { by: 'time', size: 'soon' } }),
    ).toThrow(
      expect.objectContaining({
        code: 'INVALID_CONFIG',
        issues: expect.arrayContaining([
          expect.objectContaining({ path: ['monitoring', 'drift', 'alpha'] }),
        ]),
      }),
    )
    expect(parseMonitoringConfig({}).drift.correction).toBe('fdr_bh')
  })

  it('names an unknown or inapplicable metric up front', async () => {
    const log = await memoryLog([])
    await expect(
      monitorWindows({
        eventLog: log,
        bundle,
        model: 'toy',
        config: { performance: { rmse: { max: 1 } } },
      }),
    ).rejects.toMatchObject({
      code: 'INVALID_CONFIG',
    })
  })
})
