import { describe, expect, it } from 'vitest'
import { isKeelError } from '../errors/index.js'
import { Frame, categoricalColumn, numericColumn } from '../frame/index.js'
import type { PredictionSet } from '../metrics/index.js'
import { createRng } from '../random/index.js'
import { metricsOverTime } from './backtest.js'
import { clusterErrors } from './error-analysis.js'
import {
  evaluateGate,
  summarizeEvaluation,
  validateGateSpec,
  type EvaluationSummary,
} from './gate.js'
import type { PairedComparison } from './paired.js'

// Tolerances: unless a comment says otherwise, `toBeCloseTo(x, 12–15)` compares against values
// computed by hand or by a brute-force form of the same arithmetic, which agree up to floating-point
// rounding (~1e-15 relative); 12+ digits leaves room for summation order and nothing else.

describe('backtesting', () => {
  // Jan–Mar 2001, one row a day; the model degrades every month.
  const start = Date.UTC(2001, 0, 1)
  const days = 90
  const ts = Float64Array.from({ length: days }, (_, d) => start + d * 86_400_000 + 3_600_000)
  const y = Float64Array.from({ length: days }, (_, d) => d % 2)
  const month = (d: number): number => new Date(ts[d]!).getUTCMonth()
  const pred = Float64Array.from(y, (v, d) => (d % (6 - 2 * month(d)) === 0 ? 1 - v : v))
  const data: PredictionSet = { task: 'binary', y, pred }

  it('tabulates calendar months, and a downward trend over enough windows', () => {
    const t = metricsOverTime(ts, data, ['accuracy'], { period: 'month' })
    expect(t.windows.map((w) => w.start)).toEqual([
      start,
      Date.UTC(2001, 1, 1),
      Date.UTC(2001, 2, 1),
    ])
    expect(t.windows.map((w) => w.end)).toEqual([
      Date.UTC(2001, 1, 1),
      Date.UTC(2001, 2, 1),
      Date.UTC(2001, 3, 1),
    ])
    expect(t.windows.map((w) => w.rows)).toEqual([31, 28, 31])
    const acc = t.windows.map((w) => w.metrics['accuracy']!)
    expect(acc[0]!).toBeGreaterThan(acc[1]!)
    expect(acc[1]!).toBeGreaterThan(acc[2]!)
    // Three windows are too few for a trend; thirteen weekly ones show the decline.
    expect(t.trend['accuracy']!.slopePerWindow).toBeNull()
    const weekly = metricsOverTime(ts, data, ['accuracy'], { period: 'week' })
    expect(weekly.windows.length).toBeGreaterThanOrEqual(13)
    expect(weekly.trend['accuracy']!.slopePerWindow!).toBeLessThan(0)
    expect(t.windows[0]!.meanTarget).toBeCloseTo(15 / 31, 12)
  })

  it('rolls weekly windows (Monday start) and expands when asked', () => {
    const sliding = metricsOverTime(ts, data, ['accuracy'], { period: 'week', window: 2 })
    for (const w of sliding.windows) {
      expect(new Date(w.start).getUTCDay()).toBe(1)
      expect(w.end - w.start).toBe(14 * 86_400_000)
    }
    const expanding = metricsOverTime(ts, data, ['accuracy'], {
      period: 'month',
      mode: 'expanding',
    })
    expect(expanding.windows.map((w) => w.rows)).toEqual([31, 59, 90])
    expect(() =>
      metricsOverTime([NaN, ...ts.slice(1)], data, ['accuracy'], { period: 'day' }),
    ).toThrow(/timestamps\[0\]/)
  })
})

describe('error analysis', () => {
  const rng = createRng(21)
  const n = 1200
  const airport = Array.from({ length: n }, () => ['SFO', 'JFK', 'ORD', 'ATL', 'DEN'][rng.int(5)]!)
  const hour = Float64Array.from({ length: n }, () => rng.int(24))
  // Two error mechanisms: late-night departures and JFK in the morning.
  const wrong = Array.from({ length: n }, (_, i) => {
    const p = hour[i]! >= 21 ? 0.7 : airport[i] === 'JFK' && hour[i]! < 9 ? 0.6 : 0.03
    return rng.float() < p
  })
  const frame = Frame.fromColumns({
    airport: categoricalColumn(airport),
    hour: numericColumn(hour),
  })

  it('finds clusters described by the planted conditions, reproducibly', () => {
    const report = clusterErrors(frame, wrong, { rng: createRng(1), k: 3 })
    expect(report.errors).toBe(wrong.filter(Boolean).length)
    expect(report.clusters.reduce((s, c) => s + c.size, 0)).toBe(report.errors)
    const labels = report.clusters.flatMap((c) => c.conditions.slice(0, 2).map((o) => o.label))
    expect(labels.some((l) => l.startsWith('hour in [1') && l.endsWith(', 23]'))).toBe(true)
    expect(labels).toContain('airport = JFK')
    for (const c of report.clusters) for (const o of c.conditions) expect(o.lift).toBeGreaterThan(1)
    expect(clusterErrors(frame, wrong, { rng: createRng(1), k: 3 })).toEqual(report)
    expect(JSON.parse(JSON.stringify(report))).toEqual(report)
  })

  it('handles no errors and fewer errors than clusters', () => {
    expect(clusterErrors(frame, new Uint8Array(n), { rng: createRng(1) }).clusters).toEqual([])
    const one = new Uint8Array(n)
    one[5] = 1
    expect(clusterErrors(frame, one, { rng: createRng(1), k: 4 }).clusters).toHaveLength(1)
  })
})

describe('promotion gate', () => {
  const candidate: EvaluationSummary = {
    metrics: { roc_auc: { value: 0.81, lower: 0.79, upper: 0.83 }, log_loss: 0.42 },
    behavioural: { 'hour up': { passRate: 1 }, 'carrier swap': { passRate: 0.97 } },
    calibration: { ece: 0.02 },
    slices: {
      'origin = SFO': { roc_auc: 0.74 },
      'origin = JFK': { roc_auc: 0.69 },
      tiny: { roc_auc: null },
    },
  }
  const champion: EvaluationSummary = { metrics: { roc_auc: 0.8, log_loss: 0.41 } }
  const auc = (lower: number, upper: number): PairedComparison => ({
    metric: 'roc_auc',
    higherIsBetter: true,
    method: 'delong',
    a: 0.81,
    b: 0.8,
    difference: 0.01,
    lower,
    upper,
    level: 0.95,
    pValue: 0.2,
  })

  it('blesses a candidate that meets every check', () => {
    const d = evaluateGate(
      {
        minimum: { auc: 0.75, log_loss: 0.5 },
        maxRegression: { auc: 0.01 },
        behavioural: { '*': 0.95 },
        maxEce: 0.05,
        sliceFloors: [{ slice: '*', metric: 'auc', min: 0.65 }],
      },
      { candidate, champion, comparisons: [auc(-0.005, 0.025)] },
    )
    expect(d.reasons).toEqual([])
    expect(d.blessed).toBe(true)
    // 2 minimums, 1 regression, 2 behavioural, 1 calibration, 2 slices (the null slice is skipped).
    expect(d.checks).toHaveLength(8)
    expect(d).toMatchObject({ verdict: 'blessed', statement: 'Blessed: all 8 checks passed' })
  })

  it('states its stance on leakage, and refuses on a failing report only when told to', () => {
    const leak = { status: 'fail' as const, failedFeatures: ['late_rate'], warnedFeatures: [] }
    const spec = { minimum: { auc: 0.5 } }
    // Default 'warn': blessed, but the verdict says the report fails and does not block.
    const warned = evaluateGate(spec, { candidate, leakage: leak })
    expect(warned).toMatchObject({
      blessed: true,
      leakage: { stance: 'warn', defaulted: true, status: 'fail', failedFeatures: ['late_rate'] },
    })
    expect(warned.statement).toBe(
      "Blessed: its one check passed; the leakage report fails (late_rate) but does not block (gate.leakage is 'warn', the default)",
    )
    const refused = evaluateGate({ ...spec, leakage: 'fail' }, { candidate, leakage: leak })
    expect(refused.blessed).toBe(false)
    expect(refused.reasons).toEqual(['the leakage report fails for late_rate'])
    const clean = evaluateGate(
      { ...spec, leakage: 'fail' },
      { candidate, leakage: { ...leak, status: 'warn', failedFeatures: [] } },
    )
    expect(clean.blessed).toBe(true)
    expect(
      evaluateGate({ ...spec, leakage: 'ignore' }, { candidate, leakage: leak }).statement,
    ).toMatch(/leakage is not judged \(gate.leakage is 'ignore'\)$/)
  })

  it('says in words that an empty gate judged nothing, never that every check passed', () => {
    const d = evaluateGate({}, { candidate })
    // Nothing refuses it, so promotion is not blocked, but the verdict is not a pass.
    expect(d).toMatchObject({ blessed: true, verdict: 'unchecked', checks: [] })
    expect(d.statement).toMatch(/^Not judged: the gate has no checks configured/)
    expect(d.statement).not.toMatch(/passed/)
    const refused = evaluateGate({ minimum: { auc: 0.99 } }, { candidate })
    expect(refused).toMatchObject({ verdict: 'refused', statement: 'Refused: 1 of 1 check failed' })
  })

  it('judges regression with the paired interval, in either mode', () => {
    const spec = { maxRegression: { auc: { delta: 0.01 } } }
    const wide = [auc(-0.03, 0.05)]
    expect(evaluateGate(spec, { candidate, champion, comparisons: wide }).blessed).toBe(false)
    expect(
      evaluateGate(
        { maxRegression: { auc: { delta: 0.01, require: 'no-significant-regression' } } },
        { candidate, champion, comparisons: wide },
      ).blessed,
    ).toBe(true)
    // Without a comparison, point estimates decide and the message says so.
    const point = evaluateGate({ maxRegression: { log_loss: 0.005 } }, { candidate, champion })
    expect(point.blessed).toBe(false)
    expect(point.reasons[0]).toMatch(/point estimates/)
    // The first model has no champion to regress from.
    expect(evaluateGate(spec, { candidate }).blessed).toBe(true)
  })

  it('requires beating every baseline on the paired interval, else on point estimates', () => {
    const vs = (name: string, lower: number, upper: number) => ({
      name,
      metrics: { roc_auc: 0.6 },
      comparisons: [{ ...auc(lower, upper), b: 0.6, difference: 0.21 }],
    })
    const spec = { beatBaselines: { auc: 0 } }
    const pass = evaluateGate(spec, { candidate, baselines: [vs('zero', 0.18, 0.24)] })
    expect(pass.blessed).toBe(true)
    expect(pass.checks.map((c) => c.target)).toEqual(['zero/roc_auc'])
    // One baseline the candidate does not clearly beat is enough to refuse; it is named.
    const d = evaluateGate(spec, {
      candidate,
      baselines: [vs('zero', 0.18, 0.24), vs('after-17h', -0.01, 0.05)],
    })
    expect(d.blessed).toBe(false)
    expect(d.reasons).toHaveLength(1)
    expect(d.reasons[0]).toMatch(/baseline "after-17h"/)
    // A margin is judged on the same lower bound.
    expect(
      evaluateGate(
        { beatBaselines: { auc: 0.2 } },
        { candidate, baselines: [vs('zero', 0.18, 0.24)] },
      ).blessed,
    ).toBe(false)
    // Lower-is-better metrics are oriented: a log loss 0.05 below the baseline's is a gain.
    const ll = {
      name: 'prior',
      metrics: { log_loss: 0.47 },
      comparisons: [
        { ...auc(-0.07, -0.03), metric: 'log_loss', higherIsBetter: false, difference: -0.05 },
      ],
    }
    expect(
      evaluateGate({ beatBaselines: { log_loss: 0 } }, { candidate, baselines: [ll] }).blessed,
    ).toBe(true)
    // Without a comparison, point estimates decide and the message says so.
    const point = evaluateGate(
      { beatBaselines: { log_loss: 0 } },
      { candidate, baselines: [{ name: 'prior', metrics: { log_loss: 0.4 }, comparisons: [] }] },
    )
    expect(point.blessed).toBe(false)
    expect(point.reasons[0]).toMatch(/point estimates/)
    // Nothing to beat: the check passes and says so.
    expect(evaluateGate(spec, { candidate }).checks[0]!.message).toMatch(/no baselines/)
    expect(validateGateSpec({ beatBaselines: { aucc: 0 } }).issues[0]!.path).toEqual([
      'beatBaselines',
      'aucc',
    ])
  })

  it('lists every failure with a reason', () => {
    const d = evaluateGate(
      {
        minimum: { auc: 0.85 },
        minimumOnInterval: true,
        behavioural: { 'carrier swap': 0.99, missing: 0.5 },
        maxEce: 0.01,
        sliceFloors: [
          { slice: 'origin = JFK', metric: 'auc', min: 0.7 },
          { slice: 'tiny', metric: 'auc', min: 0.7 },
        ],
      },
      { candidate },
    )
    expect(d.blessed).toBe(false)
    expect(d.reasons).toHaveLength(6)
    expect(d.checks.find((c) => c.check === 'minimum')!.observed).toBe(0.79)
    expect(d.reasons.join('\n')).toMatch(/"missing" was not run/)
  })

  it('validates specs as data and refuses invalid ones', () => {
    const v = validateGateSpec({ minimum: { aucc: 0.7 }, behavioural: { x: 1.5 } })
    expect(v.ok).toBe(false)
    expect(v.issues.map((i) => i.code)).toEqual(['unknown_metric', 'invalid_number'])
    try {
      evaluateGate({ maxEce: -1 }, { candidate })
      expect.fail('invalid spec')
    } catch (e) {
      expect(isKeelError(e) && e.code).toBe('INVALID_CONFIG')
    }
  })
})

describe('evaluation summary for the gate', () => {
  it('keeps what the gate reads from the evaluation parts', () => {
    const summary = summarizeEvaluation({
      metrics: {
        auc: {
          estimate: 0.8,
          lower: 0.78,
          upper: 0.82,
          level: 0.95,
          method: 'percentile',
          standardError: 0.01,
          resamples: 100,
          undefinedResamples: 0,
        },
        log_loss: 0.4,
      },
      behavioural: {
        pass: true,
        results: [
          {
            name: 't',
            kind: 'directional',
            cases: 10,
            passed: 9,
            passRate: 0.9,
            minPassRate: 0.8,
            pass: true,
            maxChange: 0.1,
            failures: [],
          },
        ],
      },
      calibration: { ece: 0.03 },
      slices: [
        {
          slice: 'all',
          conditions: [],
          rows: 10,
          share: 1,
          metrics: { roc_auc: { value: 0.8, difference: 0 } },
        },
        {
          slice: 'x',
          conditions: [],
          rows: 5,
          share: 0.5,
          metrics: { roc_auc: { value: 0.7, difference: -0.1 } },
        },
      ],
    })
    expect(summary).toEqual({
      metrics: { roc_auc: { value: 0.8, lower: 0.78, upper: 0.82 }, log_loss: 0.4 },
      behavioural: { t: { passRate: 0.9 } },
      calibration: { ece: 0.03 },
      slices: { x: { roc_auc: 0.7 } },
    })
    expect(
      evaluateGate(
        { minimum: { auc: 0.75 }, sliceFloors: [{ slice: '*', metric: 'auc', min: 0.65 }] },
        { candidate: summary },
      ).blessed,
    ).toBe(true)
  })
})
